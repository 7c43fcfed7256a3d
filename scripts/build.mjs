#!/usr/bin/env node
// The one script that rebuilds dist/ from src/ (CI fails when dist/ is stale).
// dist/index.js — the Action (one ESM bundle, node24 runtime); dist/cli.js — the `loadtest` CLI.
import { build } from 'esbuild';
import { rmSync, mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: { js: "import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);" },
};
await build({ ...common, entryPoints: ['src/action/index.ts'], outfile: 'dist/index.js' });
// The CLI is split into chunks so `loadtest run` loads only what it uses: time from
// process start to the first request is a benchmark target (npm run bench startup).
await build({ ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', splitting: true, chunkNames: 'cli-chunks/[name]-[hash]' });

// The result JSON Schema, generated from the zod Result (one source of truth).
const tmp = mkdtempSync(join(tmpdir(), 'lt-schema-'));
await build({ ...common, banner: {}, entryPoints: ['src/report/result-schema.ts'], outfile: join(tmp, 'schema.mjs') });
const { Result } = await import(pathToFileURL(join(tmp, 'schema.mjs')).href);
const { z } = await import('zod');
const schema = {
  $id: 'https://github.com/org/loadtest-action/schema/result.schema.json',
  title: 'loadtest-action result',
  description: 'The versioned result of a load test run (src/report/result-schema.ts). Latency in ms, rates 0..1.',
  ...z.toJSONSchema(Result, { target: 'draft-2020-12' }),
};
mkdirSync('schema', { recursive: true });
writeFileSync('schema/result.schema.json', JSON.stringify(schema, null, 2) + '\n');
rmSync(tmp, { recursive: true, force: true });

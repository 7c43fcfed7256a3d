#!/usr/bin/env node
// The one script that rebuilds dist/ from src/ (CI fails when dist/ is stale).
// dist/index.js — the Action (one ESM bundle, node24 runtime); dist/cli.js — the `loadtest` CLI.
import { build } from 'esbuild';
import { rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
const { generateSchemaText } = await import('./gen-schema.mjs');
const { text, file } = await generateSchemaText();
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, text);

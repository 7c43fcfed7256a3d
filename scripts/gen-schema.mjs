#!/usr/bin/env node
// Writes schema/result.schema.json from the zod Result (src/report/json-schema.ts).
// `node scripts/gen-schema.mjs` writes; `--check` exits 1 when the checked-in file is stale.
// Plain node: the TypeScript module is bundled with esbuild into a temp dir first.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The schema file's text, freshly generated. */
export async function generateSchemaText() {
  const tmp = mkdtempSync(join(tmpdir(), 'lt-schema-'));
  try {
    const out = join(tmp, 'json-schema.mjs');
    await build({ entryPoints: [join(root, 'src/report/json-schema.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
    const mod = await import(pathToFileURL(out).href);
    return { text: mod.resultJsonSchemaText(), file: join(root, mod.RESULT_SCHEMA_FILE) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { text, file } = await generateSchemaText();
  if (process.argv.includes('--check')) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error(`${file} is stale: run node scripts/gen-schema.mjs`);
      process.exitCode = 1;
    }
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}

/**
 * The CLI bundle as scripts/build.mjs builds it (scripts/build-options.mjs), for the
 * startup target (process start → first request, `npm run bench -- startup`): the
 * slim undici entry hands out undici's own objects, the bundle still runs a plan and
 * writes its report through the deferred packages, and what `loadtest run` loads
 * before its first request stays lean — checked by what is loaded, not by timing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
// @ts-expect-error — plain JavaScript build script, no types
import { cliBuildOptions, failOnMissingSlimExports } from '../../scripts/build-options.mjs';
import { ROOT, tempDir } from '../helpers.js';

const require = createRequire(import.meta.url);

test('the slim undici entry hands out undici’s own objects and installs its Dispatcher API', async () => {
  const slim = await import('../../scripts/slim/undici.mjs');
  const undici = await import('undici');
  for (const [name, value] of Object.entries(slim)) assert.equal(value, undici[name as keyof typeof undici], name);
  assert.equal(typeof slim.Dispatcher.prototype.request, 'function');
});

test('the lazy HTTP/2 connector wraps what undici’s client-h2.js exports: one function (client, socket)', () => {
  const real = require('undici/lib/dispatcher/client-h2.js');
  assert.equal(typeof real, 'function');
  assert.equal(real.length, 2);
  const lazy = require('../../scripts/slim/undici-client-h2.cjs');
  assert.equal(typeof lazy, 'function');
  assert.equal(lazy.length, 2);
});

let outdir: string;
let metafile: Metafile;
let server: Server;
/** Request paths the target saw, and how many came with the cookie it set. */
let paths: string[] = [];
let withCookie = 0;
before(async () => {
  outdir = tempDir('lt-cli-bundle-');
  const result = failOnMissingSlimExports(await build({ ...cliBuildOptions(outdir), metafile: true, logLevel: 'silent' }));
  metafile = result.metafile!;
  symlinkSync(join(ROOT, 'templates'), join(outdir, 'templates')); // the report templates ship beside dist/
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (req.headers.cookie === 'sid=abc') withCookie++;
    else res.setHeader('set-cookie', 'sid=abc; Path=/');
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** Inputs of every chunk `loadtest run` imports statically (loaded before its first request). */
function runPathInputs(): Set<string> {
  const outputs = metafile.outputs;
  const key = (file: string) => relative(ROOT, join(outdir, file));
  const runChunk = Object.keys(outputs).find((o) => /cli-chunks\/run-[A-Z0-9]+\.mjs$/.test(o));
  assert.ok(runChunk, 'a run-*.js chunk');
  const seen = new Set<string>();
  const visit = (o: string) => {
    if (seen.has(o)) return;
    seen.add(o);
    for (const imp of outputs[o].imports) if (imp.kind === 'import-statement' && outputs[imp.path]) visit(imp.path);
  };
  visit(Object.keys(outputs).find((o) => o.endsWith('/cli.mjs') || o === key('cli.mjs'))!);
  visit(runChunk);
  return new Set([...seen].flatMap((o) => Object.keys(outputs[o].inputs)));
}

test('what `loadtest run` loads before its first request: no undici index, zod locales, Result schema or hdr log writer; handlebars, tldts, hdr-histogram-js deferred', () => {
  const inputs = runPathInputs();
  const has = (re: RegExp) => [...inputs].filter((i) => re.test(i));
  assert.ok(has(/src\/engine\/run\.ts$/).length === 1, 'the engine is on the run path');
  assert.deepEqual(has(/node_modules\/undici\/index\.js$/), [], "undici's index.js (fetch, WebSocket, mocks…)");
  assert.deepEqual(has(/node_modules\/zod\/v4\/locales\/(?!en\.js)/), [], "zod's non-English locales (import * as z keeps them out)");
  assert.deepEqual(has(/node_modules\/hdr-histogram-js\/dist\/(index|HistogramLogWriter)\.js$/), [], "hdr-histogram-js's index and log writer (Intl.NumberFormat at load)");
  assert.deepEqual(has(/src\/report\/result-schema\.ts$/), [], 'the zod Result schema (for reading results: report, compare, --baseline)');
  assert.deepEqual(has(/^deferred:/).sort(), ['deferred:handlebars', 'deferred:hdr-histogram-js', 'deferred:re2js', 'deferred:tldts'], 'evaluated on first use');
});

test('the bundle runs a plan with a template, cookies and a regex check and writes its report, without loading node:http2 for HTTP/1.1', async () => {
  const dir = tempDir();
  const plan = join(dir, 'plan.yaml');
  const out = join(dir, 'r.json');
  const report = join(dir, 'r.html');
  writeFileSync(plan, `name: bundle\ntarget: http://127.0.0.1:${(server.address() as { port: number }).port}\nwarmup: false\nscenarios:\n  s:\n    profile: { type: iterations, vus: 1, iterations: 3 }\n    steps:\n      - { name: root, method: GET, url: \"/?vu={{ vu.id }}&b={{#if vu.id}}y{{/if}}\", checks: { body_matches: \"^o(?i)K$\" } }\n`);
  // Reports, at exit, whether the process ever loaded node:http2.
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, "process.on('exit', () => process.stderr.write(`\\nhttp2 loaded: ${process.moduleLoadList.includes('NativeModule http2')}\\n`));\n");
  paths = [];
  withCookie = 0;
  const child = spawn(process.execPath, ['--import', probe, join(outdir, 'cli.mjs'), 'run', plan, '--quiet', '--out', out, '--report', report], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(result.summary.requests, 3);
  assert.deepEqual(paths, ['/?vu=1&b=y', '/?vu=1&b=y', '/?vu=1&b=y'], 'the template rendered (handlebars, deferred)');
  assert.equal(withCookie, 2, 'the cookie set by the first response went back (tough-cookie and tldts, deferred)');
  assert.equal(result.summary.checks.passes, 3, 'body_matches ran (re2js, deferred)');
  assert.match(stderr, /http2 loaded: false/);
  // The report renders with handlebars and decodes histograms into hdr-histogram-js's (both deferred).
  assert.match(readFileSync(report, 'utf8'), /<html[\s\S]*root[\s\S]*<\/html>/i);
  // The chart library is inlined from the bundle itself: outdir has no node_modules to read uPlot from.
  assert.match(readFileSync(report, 'utf8'), /var uPlot=function\(\)/, 'uPlot\'s script is inlined');
  assert.match(readFileSync(report, 'utf8'), /\.u-legend/, 'uPlot\'s stylesheet is inlined');
});

test('the bundle runs `loadtest run --workers 2`: its chunks start workers from the bundle’s own cli.mjs', async () => {
  const dir = tempDir();
  const plan = join(dir, 'plan.yaml');
  const out = join(dir, 'r.json');
  writeFileSync(plan, `name: bundle-workers\ntarget: http://127.0.0.1:${(server.address() as { port: number }).port}\nscenarios:\n  s:\n    profile: { type: iterations, vus: 2, iterations: 6 }\n    steps:\n      - { name: root, method: GET, url: /w }\n`);
  const child = spawn(process.execPath, [join(outdir, 'cli.mjs'), 'run', plan, '--workers', '2', '--quiet', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(result.summary.requests, 6);
  assert.equal(result.workers.length, 2, 'two worker processes took part');
});

/** `loadtest report` and `loadtest compare` through the real CLI, including bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, ROOT } from '../helpers.js';
import { makeResult } from '../fixtures/results/make.js';

const dir = tempDir();
const base = join(dir, 'base.json');
const head = join(dir, 'head.json');
writeFileSync(base, JSON.stringify(makeResult({ seed: 'cli-b' })));
writeFileSync(head, JSON.stringify(makeResult({ seed: 'cli-h', latencyScale: 1.3 })));

test('report renders each format to a file or stdout', async () => {
  for (const [format, marker] of [['html', '<!doctype html>'], ['md', '## '], ['junit', '<testsuites'], ['json', '"schema": "loadtest-result"']] as const) {
    const out = join(dir, `r.${format}`);
    const r = await runCli(['report', head, '--format', format, '-o', out, '--baseline', base]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(out, 'utf8').includes(marker), format);
  }
  const r = await runCli(['report', head, '--format', 'md']);
  assert.match(r.stdout, /Load test: shop/);
});

test('compare flags the +30% latency and --fail-on-regression exits 99', async () => {
  const r = await runCli(['compare', base, head, '--fail-on-regression']);
  assert.equal(r.code, 99, r.stderr);
  assert.match(r.stdout, /^regressed\s+overall\s+p95/m);
  const md = await runCli(['compare', base, head, '--format', 'md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^### ❌ Load test <code>shop<\/code>: \d+ regressions/);
  const bad = await runCli(['compare', base, head, '--alpha', '2']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--alpha must be between 0 and 1/);
  const j = await runCli(['compare', base, base, '--format', 'json']);
  assert.equal(j.code, 0);
  assert.equal(JSON.parse(j.stdout).summary.regressed, 0);
});

test('bad input: not JSON, not a result, wrong flags → exit 2 with the file and field named', async () => {
  const notJson = join(dir, 'bad.json');
  writeFileSync(notJson, '{oops');
  const r1 = await runCli(['report', notJson]);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /bad\.json is not JSON/);
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ ...makeResult({ seed: 'w' }), version: 7 }));
  const r2 = await runCli(['compare', wrong, head]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /wrong\.json is not a loadtest result: version/);
  const r3 = await runCli(['report', head, '--format', 'pdf']);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /--format must be one of html, md, junit, json/);
  for (const r of [r1, r2, r3]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('the checked-in JSON Schema describes the result', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema/result.schema.json'), 'utf8'));
  assert.equal(schema.properties.schema.const, 'loadtest-result');
  for (const key of ['summary', 'scenarios', 'thresholds', 'timeseries', 'workers', 'events']) assert.ok(schema.required.includes(key), key);
});

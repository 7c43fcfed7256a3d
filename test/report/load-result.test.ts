/** readResultFile: every bad input is an LT_ERR_RESULT_INVALID naming the file and the field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResultFile, parseResult } from '../../src/report/load-result.js';
import { LtError } from '../../src/errors.js';
import { makeResult } from '../fixtures/results/make.js';
import { tempDir } from '../helpers.js';

const dir = tempDir();
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const rejects = (path: string, pattern: RegExp) =>
  assert.throws(() => readResultFile(path), (err: unknown) => {
    assert.ok(err instanceof LtError);
    assert.equal(err.code, 'LT_ERR_RESULT_INVALID');
    assert.equal(err.exitCode, 2);
    assert.ok(err.message.includes(path), `names the file: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });

test('a valid result round-trips through the file', () => {
  const r = makeResult({ seed: 'load' });
  assert.deepEqual(readResultFile(write('ok.json', JSON.stringify(r))), r);
});

test('missing file', () => rejects(join(dir, 'nope.json'), /cannot read result .*nope\.json: no such file/));
test('not JSON', () => rejects(write('bad.json', '{"schema": "loadtest-result",'), /bad\.json is not JSON/));
test('not an object', () => rejects(write('arr.json', '[1,2]'), /expected a JSON object/));
test('another tool’s JSON', () => rejects(write('k6.json', JSON.stringify({ metrics: {} })), /schema: expected "loadtest-result" \(got nothing\)/));
test('wrong version', () => rejects(write('v7.json', JSON.stringify({ ...makeResult(), version: 7 })), /version: 7 is not supported \(this loadtest reads version 1\)/));

test('missing field, named by its path', () => {
  const r = makeResult() as unknown as { scenarios: Record<string, { steps: Record<string, Record<string, unknown>> }> };
  delete r.scenarios.browse.steps.home.latency_ms;
  rejects(write('missing.json', JSON.stringify(r)), /scenarios\.browse\.steps\.home\.latency_ms: /);
});

test('wrong type, named by its path (with array indices)', () => {
  const r = makeResult() as unknown as { timeseries: Record<string, unknown>[] };
  r.timeseries[3].p95 = 'slow';
  rejects(write('type.json', JSON.stringify(r)), /timeseries\.3\.p95: .*number/);
});

test('many problems: the first three and a count', () => {
  const r = makeResult() as unknown as { timeseries: Record<string, unknown>[] };
  for (const p of r.timeseries) p.rps = null;
  assert.throws(() => parseResult(r, 'inline'), /inline is not a loadtest result: timeseries\.0\.rps: .*; timeseries\.1\.rps: .*; timeseries\.2\.rps: .* \(and 27 more\)/);
});

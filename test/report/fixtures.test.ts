/** The result fixtures are realistic and schema-valid; the JSON Schema file is fresh. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Result } from '../../src/report/result-schema.js';
import { resultJsonSchemaText, RESULT_SCHEMA_FILE } from '../../src/report/json-schema.js';
import { latencyStatsOf } from '../../src/metrics/histogram.js';
import { makeResult, makePair } from '../fixtures/results/make.js';
import { ROOT } from '../helpers.js';

test('makeResult: 2 scenarios, 3 steps, 30 intervals, errors, workers, events, passing and failing thresholds', () => {
  const r = Result.parse(makeResult({ seed: 'shape' }));
  assert.deepEqual(Object.keys(r.scenarios), ['browse', 'checkout']);
  assert.equal(Object.values(r.scenarios).reduce((a, s) => a + Object.keys(s.steps).length, 0), 3);
  assert.equal(r.timeseries.length, 30);
  assert.ok(r.summary.errors > 0 && Object.keys(r.summary.errors_by_class).length >= 2);
  assert.ok(r.error_samples.length >= 2);
  assert.equal(r.workers.length, 2);
  assert.ok(r.events.some((e) => e.type === 'worker_lost'));
  assert.ok(r.thresholds.some((t) => t.passed) && r.thresholds.some((t) => !t.passed));
  assert.equal(r.run.status, 'failed');
  // Figures agree with each other: counters add up, whole-run stats come from the histogram.
  assert.equal(r.timeseries.reduce((a, p) => a + p.requests, 0), r.summary.requests);
  assert.equal(Object.values(r.scenarios).reduce((a, s) => a + s.requests, 0), r.summary.requests);
  assert.deepEqual(latencyStatsOf(r.summary.histogram), r.summary.latency_ms);
});

test('seeded: same seed, same result; makePair shifts the head', () => {
  assert.deepEqual(makeResult({ seed: 5 }), makeResult({ seed: 5 }));
  assert.notDeepEqual(makeResult({ seed: 5 }), makeResult({ seed: 6 }));
  const { base, head } = makePair({ seed: 'x', shift: 1.5 });
  const ratio = head.summary.latency_ms.p95 / base.summary.latency_ms.p95;
  assert.ok(ratio > 1.3 && ratio < 1.7, `p95 ratio ${ratio}`);
});

test('schema/result.schema.json equals a fresh generation (node scripts/gen-schema.mjs)', () => {
  assert.equal(readFileSync(join(ROOT, RESULT_SCHEMA_FILE), 'utf8'), resultJsonSchemaText(), 'stale: run node scripts/gen-schema.mjs');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-schema.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const schema = JSON.parse(resultJsonSchemaText());
  assert.equal(schema.properties.schema.const, 'loadtest-result');
  for (const key of ['summary', 'scenarios', 'thresholds', 'timeseries', 'workers', 'events']) assert.ok(schema.required.includes(key), key);
});

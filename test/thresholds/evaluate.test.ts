/**
 * Threshold evaluation: every metric, every operator, scopes (global, scenario,
 * step), no data (actual null, failed), and the live abort_on_fail filter with its
 * delay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsAccumulator } from '../../src/metrics/merge.js';
import { Recorder } from '../../src/metrics/recorder.js';
import type { RunMetrics } from '../../src/metrics/types.js';
import type { Threshold, ThresholdMetric, ThresholdOp } from '../../src/plan/types.js';
import { compare, evaluateLive, evaluateThresholds, viewOfAccumulator } from '../../src/thresholds/evaluate.js';

const th = (metric: ThresholdMetric, op: ThresholdOp, value: number, extra: Partial<Threshold> = {}): Threshold => ({
  expression: `${metric} ${op} ${value}${extra.scenario ? ` [${extra.scenario}${extra.step ? `/${extra.step}` : ''}]` : ''}`,
  metric,
  op,
  value,
  abortOnFail: false,
  delayAbortEvalMs: 0,
  ...extra,
});

/**
 * Known data: scenario `web` step `home` gets latencies 1..100 ms (100 requests,
 * 10 of them 503), step `api` nothing; scenario `idle` nothing at all; checks 30/10;
 * 4 dropped iterations in `web`.
 */
function known(): { metrics: RunMetrics; rec: Recorder } {
  const rec = new Recorder({ scenarios: [{ name: 'web', steps: ['home', 'api'] }, { name: 'idle', steps: ['x'] }], intervalMs: 1000, startAtMs: 0 });
  const home = rec.stepKey('web', 'home');
  for (let k = 1; k <= 100; k++) {
    const err = k % 10 === 0;
    rec.request(home, { latencyUs: k * 1000, serviceUs: k * 1000, ttfbUs: 500, status: err ? 503 : 200, errorClass: err ? 'http_5xx' : undefined, bytesIn: 1, bytesOut: 1 });
  }
  rec.checks(home, 30, 10);
  rec.dropped(rec.scenarioKey('web'), 4);
  return { metrics: rec.final(), rec };
}

test('every metric on the global scope, from histograms and counters', () => {
  const { metrics, rec } = known();
  const cases: [ThresholdMetric, number][] = [
    ['p50', 50],
    ['p90', 90],
    ['p95', 95],
    ['p99', 99],
    ['p99.9', 100],
    ['min', 1],
    ['max', 100],
    ['mean', 50.5],
    ['error_rate', 0.1],
    ['rps', 10], // 100 requests over 10 s
    ['requests', 100],
    ['dropped_iterations', 4],
    ['checks', 0.75],
  ];
  const results = evaluateThresholds(cases.map(([m]) => th(m, '<', 1e9)), metrics, 10);
  for (const [i, [metric, want]] of cases.entries()) {
    const r = results[i];
    assert.equal(r.metric, metric);
    assert.ok(r.actual !== null && Math.abs(r.actual - want) <= want * 0.001 + 0.001, `${metric}: ${r.actual} vs ${want}`);
    assert.equal(r.passed, true);
    assert.equal(r.abort_on_fail, false);
    assert.equal(r.limit, 1e9);
  }
  rec.destroy();
});

test('operators', () => {
  const table: [ThresholdOp, number, number, boolean][] = [
    ['<', 1, 2, true],
    ['<', 2, 2, false],
    ['<=', 2, 2, true],
    ['>', 3, 2, true],
    ['>', 2, 2, false],
    ['>=', 2, 2, true],
    ['==', 2, 2, true],
    ['==', 2.5, 2, false],
    ['!=', 2.5, 2, true],
    ['!=', 2, 2, false],
  ];
  for (const [op, actual, limit, want] of table) assert.equal(compare(actual, op, limit), want, `${actual} ${op} ${limit}`);
  const { metrics, rec } = known();
  const [pass, fail] = evaluateThresholds([th('requests', '==', 100), th('requests', '>', 100)], metrics, 1);
  assert.deepEqual([pass.passed, fail.passed, fail.actual], [true, false, 100]);
  rec.destroy();
});

test('scopes: scenario and step read their own figures', () => {
  const { metrics, rec } = known();
  const r = evaluateThresholds(
    [th('p50', '<', 60, { scenario: 'web' }), th('error_rate', '<', 0.05, { scenario: 'web', step: 'home' }), th('requests', '==', 0, { scenario: 'idle' }), th('rps', '==', 0, { scenario: 'idle', step: 'x' })],
    metrics,
    10,
  );
  assert.deepEqual(r.map((x) => [x.scenario, x.step, x.actual, x.passed]), [
    ['web', undefined, 50.015, true], // 50 ms's bucket is 32 µs wide
    ['web', 'home', 0.1, false],
    ['idle', undefined, 0, true],
    ['idle', 'x', 0, true],
  ]);
  rec.destroy();
});

test('no data: actual null and failed (latency without requests, rates without a denominator, unknown scopes)', () => {
  const { metrics, rec } = known();
  const r = evaluateThresholds(
    [
      th('p95', '<', 500, { scenario: 'web', step: 'api' }),
      th('error_rate', '<', 1, { scenario: 'idle' }),
      th('checks', '>', 0, { scenario: 'idle', step: 'x' }),
      th('max', '>', 0, { scenario: 'nope' }),
      th('requests', '>=', 0, { scenario: 'web', step: 'nope' }),
      th('rps', '>', 0),
    ],
    metrics,
    0,
  );
  for (const x of r) {
    assert.equal(x.actual, null, x.expression);
    assert.equal(x.passed, false, x.expression);
  }
  rec.destroy();
});

test('evaluateLive: only abort_on_fail thresholds, only after their delay, only failing ones with data', () => {
  const { metrics, rec } = known();
  const thresholds = [
    th('p95', '<', 10, { abortOnFail: true, delayAbortEvalMs: 5000 }),
    th('error_rate', '<', 0.01, { abortOnFail: true }),
    th('requests', '>', 1000), // failing but not abort_on_fail
    th('p99', '<', 1000, { abortOnFail: true }), // passing
    th('p99', '<', 1, { abortOnFail: true, scenario: 'idle' }), // failing only for lack of data
  ];
  assert.deepEqual(evaluateLive(thresholds, metrics, 2, 1000).map((x) => x.metric), ['error_rate']);
  assert.deepEqual(evaluateLive(thresholds, metrics, 5, 5000).map((x) => x.metric), ['p95', 'error_rate']);
  assert.deepEqual(evaluateLive([th('p50', '<', 1)], metrics, 5, 5000), []);
  rec.destroy();
});

test('evaluateLive on a live accumulator view agrees with the final evaluation', () => {
  const rec = new Recorder({ scenarios: [{ name: 'web', steps: ['home'] }], intervalMs: 1000, startAtMs: 0 });
  const home = rec.stepKey('web', 'home');
  const acc = new MetricsAccumulator();
  const t = [th('p50', '<', 20, { abortOnFail: true }), th('max', '<', 50, { abortOnFail: true, scenario: 'web', step: 'home' })];
  for (let s = 0; s < 3; s++) {
    for (let k = 1; k <= 20; k++) rec.request(home, { latencyUs: (s * 20 + k) * 1000, serviceUs: 1, ttfbUs: 1, status: 200, bytesIn: 0, bytesOut: 0 });
    acc.add(rec.cut(1));
  }
  const view = viewOfAccumulator(acc);
  const live = evaluateLive(t, view, 3, 3000);
  assert.deepEqual(live.map((x) => [x.metric, x.actual]), [
    ['p50', 30.015],
    ['max', 60.031],
  ]);
  assert.deepEqual(evaluateThresholds(t, view, 3), evaluateThresholds(t, rec.final(), 3));
  acc.destroy();
  rec.destroy();
});

test('an any-scenario step scope sums that step over the scenarios that have it, not the whole run', async () => {
  const { Recorder } = await import('../../src/metrics/recorder.js');
  const { evaluateThresholds: evaluate } = await import('../../src/thresholds/evaluate.js');
  const rec = new Recorder({ scenarios: [{ name: 'a', steps: ['fast', 'slow'] }, { name: 'b', steps: ['fast'] }], intervalMs: 1000, startAtMs: 0 });
  const sample = (latencyUs: number) => ({ latencyUs, serviceUs: latencyUs, ttfbUs: 1, status: 200, bytesIn: 1, bytesOut: 1 });
  for (let i = 0; i < 10; i++) {
    rec.request(rec.stepKey('a', 'fast'), sample(1000));
    rec.request(rec.stepKey('b', 'fast'), sample(3000));
    rec.request(rec.stepKey('a', 'slow'), sample(200_000));
  }
  const metrics = rec.final();
  rec.destroy();
  const t = { expression: 'max < 100 [*/fast]', metric: 'max' as const, op: '<' as const, value: 100, step: 'fast', abortOnFail: false, delayAbortEvalMs: 0 };
  const [r] = evaluate([t, { ...t, metric: 'requests', op: '>', value: 0, expression: 'requests' }], metrics, 1);
  assert.ok(r.actual! >= 2.99 && r.actual! <= 3.01, `max over both 'fast' steps is 3 ms, not the slow step's 200 ms (got ${r.actual})`);
  assert.equal(r.passed, true);
  const [, n] = evaluate([t, { ...t, metric: 'requests', op: '>', value: 0, expression: 'requests' }], metrics, 1);
  assert.equal(n.actual, 20, 'requests of fast in a and b');
});

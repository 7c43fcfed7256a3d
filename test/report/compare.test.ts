/**
 * Issue 6 acceptance 4: a known +20% latency shift is `regressed`; over 100 seeded
 * pairs drawn from the same distribution, fewer than 5 are flagged at all. Pairs come
 * from test/fixtures/results/make.ts (requests recorded per interval, real HDR).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults } from '../../src/report/compare.js';
import { makePair, makeResult } from '../fixtures/results/make.js';

const overall = (cmp: ReturnType<typeof compareResults>, metric: string) => cmp.rows.find((r) => r.scope === 'overall' && r.metric === metric)!;

test('a +20% p95 shift is regressed, a −20% one improved (10 seeded 60-interval pairs each)', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const { base, head } = makePair({ seed: `shift${seed}`, shift: 1.2, intervals: 60 });
    const p95 = overall(compareResults(base, head, { seed }), 'p95');
    assert.equal(p95.verdict, 'regressed', `seed ${seed}: ${JSON.stringify(p95)}`);
    assert.ok(p95.deltaPct! > 0.1 && p95.interval![0] > 1.05);
    const faster = makePair({ seed: `fast${seed}`, shift: 0.8, intervals: 60 });
    assert.equal(overall(compareResults(faster.base, faster.head, { seed }), 'p95').verdict, 'improved', `seed ${seed}`);
  }
});

test('power on short runs: a +20% p95 shift over 30 intervals is flagged in at least 18 of 20 pairs', (t) => {
  let hits = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const { base, head } = makePair({ seed: `shift${seed}`, shift: 1.2 });
    const p95 = overall(compareResults(base, head, { seed }), 'p95');
    assert.notEqual(p95.verdict, 'improved');
    if (p95.verdict === 'regressed') hits++;
  }
  t.diagnostic(`+20% p95 over 30 intervals: ${hits} of 20 pairs regressed`);
  assert.ok(hits >= 18, `${hits} of 20`);
});

test('100 same-distribution pairs: fewer than 5 flagged anything', (t) => {
  let flaggedPairs = 0;
  let flaggedRows = 0;
  let rows = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const { base, head } = makePair({ seed: `same${seed}` });
    const cmp = compareResults(base, head, { seed });
    rows += cmp.rows.length;
    flaggedRows += cmp.summary.regressed + cmp.summary.improved;
    if (cmp.summary.regressed + cmp.summary.improved > 0) flaggedPairs++;
  }
  assert.equal(rows, 100 * 5 * 5, 'every pair compared overall, 2 scenarios and 3 steps on 5 metrics, the one-step checkout once');
  t.diagnostic(`${flaggedPairs} of 100 same-distribution pairs flagged anything (${flaggedRows} of ${rows} rows)`);
  assert.ok(flaggedPairs < 5, `${flaggedPairs} of 100 same-distribution pairs were flagged`);
});

test('direction: lower rps is regressed, higher improved; error rate 0% → 2% is regressed', () => {
  const slower = makePair({ seed: 'rps', rpsShift: 0.8 });
  const cmp = compareResults(slower.base, slower.head);
  assert.equal(overall(cmp, 'rps').verdict, 'regressed');
  assert.equal(overall(cmp, 'p95').verdict, '~', 'latency did not move');
  const faster = makePair({ seed: 'rps-up', rpsShift: 1.25 });
  assert.equal(overall(compareResults(faster.base, faster.head), 'rps').verdict, 'improved');
  const errors = makePair({ seed: 'err', errorRate: 0, headErrorRate: 0.02 });
  const e = overall(compareResults(errors.base, errors.head), 'error_rate');
  assert.equal(e.verdict, 'regressed');
  assert.equal(e.intervalKind, 'difference');
  assert.equal(e.deltaPct, null, 'no relative change from 0');
  assert.ok(e.interval![0] > 0.01 && e.interval![1] < 0.03, JSON.stringify(e.interval));
  const fixed = compareResults(errors.head, errors.base);
  assert.equal(overall(fixed, 'error_rate').verdict, 'improved');
});

test('practical floor: a clear 2% shift stays ~, and so does a 20% move of under 2 ms', () => {
  const tiny = makePair({ seed: 'tiny', shift: 1.02, cv: 0.005, stepRps: 2000, intervals: 30 });
  const row = overall(compareResults(tiny.base, tiny.head), 'p95');
  assert.ok(row.interval![0] > 1, `the interval excludes 1: ${row.interval}`);
  assert.equal(row.verdict, '~', '2% is under the 5% floor');
  // Latencies around 1 ms: +20% is 0.2 ms, under the 2 ms absolute floor.
  const fast = makePair({ seed: 'fast-ms', shift: 1.2, latencyScale: 0.03 });
  const f = overall(compareResults(fast.base, fast.head), 'p50');
  assert.ok(f.interval![0] > 1.05, `clear and relatively large: ${f.interval}`);
  assert.equal(f.verdict, '~');
  assert.equal(overall(compareResults(fast.base, fast.head, { minAbsoluteMs: 0 }), 'p50').verdict, 'regressed', 'the floor is configurable');
});

test('same seed, same comparison; too few intervals → not compared with a note', () => {
  const { base, head } = makePair({ seed: 'det', shift: 1.1 });
  assert.deepEqual(compareResults(base, head, { seed: 7 }), compareResults(base, head, { seed: 7 }));
  const row = compareResults(makeResult({ seed: 1, intervals: 4 }), makeResult({ seed: 2, intervals: 4, latencyScale: 2 })).rows[0];
  assert.equal(row.verdict, 'not compared');
  assert.match(row.note ?? '', /^not enough data to compare: 2 intervals, need 5$/);
});

test('scopes on one side only are skipped; the method says what was done', () => {
  const { base, head } = makePair({ seed: 'scopes' });
  delete base.scenarios.checkout;
  const cmp = compareResults(base, head, { alpha: 0.1 });
  assert.ok(!cmp.rows.some((r) => r.scope.startsWith('checkout')));
  assert.equal(cmp.rows.length, 4 * 5);
  assert.match(cmp.method, /90% confidence per scope/);
  assert.match(cmp.method, /first and last interval/);
});

test('saturated intervals are left out: a slowdown only in intervals where the generator was saturated is not a regression', () => {
  const { base, head } = makePair({ seed: 'sat', shift: 1.5, intervals: 30 });
  const flagged = compareResults(base, head).rows.filter((r) => r.verdict === 'regressed');
  assert.ok(flagged.length > 0, 'the +50% shift is a regression while the generator is healthy');
  // Mark every head interval saturated: the generator's delay is in all of them.
  for (const p of head.timeseries) p.generator = { event_loop_p99_ms: 50, cpu_pct: 100, lag_p99_ms: 40, saturated: true };
  const cmp = compareResults(base, head);
  assert.equal(cmp.rows.filter((r) => r.verdict === 'regressed' || r.verdict === 'improved').length, 0, 'nothing is called from saturated intervals');
  assert.match(cmp.rows[0].note ?? '', /the head run's load generator was saturated in 28 of 28 compared intervals/);
  assert.match(cmp.rows.find((r) => r.metric === 'rps')!.note ?? '', /left out because the load generator was saturated/);
});

/**
 * Issue 6 acceptance 4: a known +20% latency shift is `regressed`; over 100 seeded
 * pairs drawn from the same distribution, fewer than 5 are flagged at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults } from '../../src/report/compare.js';
import { syntheticResult } from './synthetic.js';

test('a +20% p95 shift is regressed (and a −20% one improved)', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const base = syntheticResult({ seed: `b${seed}` });
    const worse = syntheticResult({ seed: `h${seed}`, latencyScale: 1.2 });
    const cmp = compareResults(base, worse, { seed });
    const p95 = cmp.rows.find((r) => r.scope === 'overall' && r.metric === 'p95')!;
    assert.equal(p95.verdict, 'regressed', `seed ${seed}: ${JSON.stringify(p95)}`);
    assert.ok(p95.deltaPct! > 0.1 && p95.interval![0] > 1);
    const faster = syntheticResult({ seed: `f${seed}`, latencyScale: 0.8 });
    assert.equal(compareResults(base, faster, { seed }).rows.find((r) => r.scope === 'overall' && r.metric === 'p95')!.verdict, 'improved');
  }
});

test('100 same-distribution pairs: fewer than 5 flagged anything', (t) => {
  let flaggedPairs = 0;
  let rows = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const cmp = compareResults(syntheticResult({ seed: `a${seed}` }), syntheticResult({ seed: `c${seed}` }), { seed });
    rows += cmp.rows.length;
    if (cmp.summary.regressed + cmp.summary.improved > 0) flaggedPairs++;
  }
  assert.ok(rows >= 100 * 15, 'every pair compared overall, scenario and step on 5 metrics');
  t.diagnostic(`${flaggedPairs} of 100 same-distribution pairs flagged (${rows} rows)`);
  assert.ok(flaggedPairs < 5, `${flaggedPairs} of 100 same-distribution pairs were flagged`);
});

test('a statistically clear but tiny change stays ~ (practical floor)', () => {
  const base = syntheticResult({ seed: 'tiny-b', cv: 0.005 });
  const head = syntheticResult({ seed: 'tiny-h', cv: 0.005, latencyScale: 1.02 });
  const row = compareResults(base, head).rows.find((r) => r.scope === 'overall' && r.metric === 'p95')!;
  assert.ok(row.interval![0] > 1, 'the interval excludes 1');
  assert.equal(row.verdict, '~', '2% is under the 5% floor');
});

test('too few intervals → ~ with a note, never a verdict', () => {
  const row = compareResults(syntheticResult({ seed: 1, intervals: 4 }), syntheticResult({ seed: 2, intervals: 4, latencyScale: 2 })).rows[0];
  assert.equal(row.verdict, '~');
  assert.match(row.note ?? '', /too few intervals/);
});

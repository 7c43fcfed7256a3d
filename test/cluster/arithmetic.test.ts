/**
 * Property tests for the arithmetic under distribution: shard striping (no unit lost
 * or doubled for any N ≤ 256), redistribution after a loss, clock offset estimation,
 * and the merge (merged percentiles = one histogram holding every value).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ShardMap } from '../../src/engine/shard.js';
import { initialWeights, redistribute, sharesOf } from '../../src/cluster/assignment.js';
import { estimateOffset, probeSample } from '../../src/cluster/clock.js';
import { encodeHistogram, newHistogram, decodeHistogram } from '../../src/metrics/histogram.js';
import { mergeRunMetrics } from '../../src/metrics/merge.js';
import type { RunMetrics } from '../../src/metrics/types.js';

const weightsArb = fc.integer({ min: 1, max: 256 }).chain((n) => fc.array(fc.integer({ min: 0, max: 64 }), { minLength: n, maxLength: n })).filter((w) => w.some((x) => x > 0));

/**
 * Ownership counts of units 0..n-1. Building a ShardMap costs O(round × N), so for
 * large N only a sample of indexes gets its own map; each sampled shard's enumeration
 * (nthOwned over ownedBefore(n)) must equal exactly the units the shared slot table
 * assigns to it — together with that table giving every slot one owner, no unit is
 * lost or doubled.
 */
function ownershipCounts(weights: number[], n: number, check: (m: ShardMap) => void = () => undefined, sample = 6): Uint16Array {
  const counts = new Uint16Array(n);
  const first = new ShardMap({ index: 0, weights });
  for (let u = 0; u < n; u++) {
    const owner = first.owners[u % first.roundSize];
    assert.ok(owner >= 0 && owner < weights.length && weights[owner] > 0, 'every unit has a live owner');
    counts[u]++;
  }
  const step = Math.max(1, Math.floor(weights.length / sample));
  for (let index = 0; index < weights.length; index += step) {
    const m = index === 0 ? first : new ShardMap({ index, weights });
    const k = m.ownedBefore(n);
    const mine: number[] = [];
    for (let u = 0; u < n; u++) if (first.owners[u % first.roundSize] === index) mine.push(u);
    assert.equal(k, mine.length, `shard ${index}: ownedBefore(${n})`);
    for (let i = 0; i < k; i++) assert.equal(m.nthOwned(i), mine[i], `shard ${index}: nthOwned(${i})`);
    check(m);
  }
  return counts;
}

test('shards: every unit 0..n-1 is owned by exactly one shard, for any N ≤ 256 and weights', () => {
  fc.assert(
    fc.property(weightsArb, fc.integer({ min: 0, max: 3000 }), (weights, n) => {
      const counts = ownershipCounts(weights, n, (m) => {
        for (let u = 0; u < Math.min(n, 200); u++) assert.equal(m.owns(u), m.owners[u % m.roundSize] === m.shard.index);
      });
      assert.ok(counts.every((c) => c === 1), 'each unit owned exactly once');
    }),
    { numRuns: 25 },
  );
  // Exhaustive for the common case: equal workers, every N up to 256.
  for (let N = 1; N <= 256; N++) {
    const weights = initialWeights(new Array(N).fill(1000));
    assert.ok(ownershipCounts(weights, 700, undefined, 16).every((c) => c === 1), `N=${N}`);
  }
});

test('shards: a prefix is split close to the weights (no 10/0/0)', () => {
  fc.assert(
    fc.property(weightsArb.filter((w) => w.length <= 32), fc.integer({ min: 1, max: 5000 }), (weights, n) => {
      const total = weights.reduce((a, b) => a + b, 0);
      weights.forEach((w, index) => {
        if (w === 0) return;
        const got = new ShardMap({ index, weights }).ownedBefore(n);
        assert.ok(Math.abs(got - (n * w) / total) <= weights.length, `shard ${index}: ${got} vs ${(n * w) / total}`);
      });
    }),
    { numRuns: 60 },
  );
});

test('redistribution: survivors take the lost share, indexes stay, units still owned exactly once', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 2, maxLength: 64 }), fc.integer({ min: 0, max: 63 }), (maxVus, lostRaw) => {
      const lost = lostRaw % maxVus.length;
      const base = initialWeights(maxVus);
      const alive = maxVus.map((_, i) => i !== lost);
      const r = redistribute(base, base, alive, maxVus, 1); // every survivor could take the whole plan: full load
      assert.equal(r.weights[lost], 0, 'nothing left on the lost worker');
      assert.equal(r.coveredShare, 1, 'full load: round-off never reads as reduced load');
      assert.ok(ownershipCounts(r.weights, 500).every((c) => c === 1));
    }),
    { numRuns: 100 },
  );
});

test('redistribution: survivors are capped at their max VUs; the rest is reported as reduced load', () => {
  // Plan peak 300 VUs over 3 workers (100 each); survivors declare max 120 VUs.
  const r = redistribute([1, 1, 1], [1, 1, 1], [true, false, true], [120, 120, 120], 300);
  const s = sharesOf(r.weights);
  assert.ok(Math.abs(s[0] - 0.4) < 0.002 && Math.abs(s[2] - 0.4) < 0.002, `survivors at their cap: ${s}`);
  assert.ok(Math.abs(r.coveredShare - 0.8) < 0.002, `covered ${r.coveredShare}`);
  assert.ok(r.weights[1] > 0, 'the uncovered remainder stays on the lost index (run by nobody)');
  // Unequal capacity: the bigger survivor takes more.
  const u = redistribute([1, 1, 1], [2, 1, 1], [true, true, false], [1000, 1000, 1000], 100);
  const su = sharesOf(u.weights);
  assert.ok(Math.abs(su[0] - 2 / 3) < 0.002 && Math.abs(su[1] - 1 / 3) < 0.002, `${su}`);
});

test('clock: offset of a skewed worker clock is recovered within rtt/2, min-RTT sample kept', () => {
  fc.assert(
    fc.property(fc.integer({ min: -3_600_000, max: 3_600_000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })), { minLength: 1, maxLength: 8 }), (skew, delays) => {
      // Worker clock = true time + skew, so coordinator − worker = −skew.
      let t = 1_700_000_000_000;
      const probes = delays.map(([up, down]) => {
        const t0 = t + skew;
        const t1 = t + up;
        const t2 = t1 + 1;
        const t3 = t2 + down + skew;
        t += 100;
        return { t0, t1, t2, t3 };
      });
      const est = estimateOffset(probes);
      const best = Math.min(...delays.map(([a, b]) => a + b));
      assert.equal(est.rttMs, best);
      assert.ok(Math.abs(est.offsetMs - -skew) <= est.rttMs / 2 + 1e-9, `offset ${est.offsetMs} vs ${-skew}`);
    }),
  );
  // Symmetric paths give the exact offset.
  assert.deepEqual(probeSample({ t0: 1000, t1: 6005, t2: 6006, t3: 1011 }), { offsetMs: 5000, rttMs: 10 });
  assert.throws(() => estimateOffset([]), RangeError);
});

function metricsOf(values: number[]): RunMetrics {
  const h = newHistogram();
  for (const v of values) h.recordValue(v);
  const enc = encodeHistogram(h);
  h.destroy();
  const counters = { requests: values.length, errors: 0, errorsByClass: {}, status: { '200': values.length }, bytesIn: 0, bytesOut: 0, iterations: values.length, droppedIterations: 0, checksPassed: 0, checksFailed: 0 };
  return { v: 1, total: { counters, hist: values.length ? { latency: enc } : {} }, scenarios: {}, errorSamples: [] };
}

test('merge: merged percentiles of N workers equal one histogram holding every raw value', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 200 }), { minLength: 1, maxLength: 8 }), (perWorker) => {
      const merged = mergeRunMetrics(perWorker.map(metricsOf));
      const all = perWorker.flat();
      assert.equal(merged.total.counters.requests, all.length);
      if (all.length === 0) return;
      const ref = newHistogram();
      for (const v of all) ref.recordValue(v);
      const m = decodeHistogram(merged.total.hist.latency!);
      for (const p of [50, 90, 95, 99, 99.9, 100]) assert.equal(m.getValueAtPercentile(p), ref.getValueAtPercentile(p), `p${p}`);
      assert.equal(m.totalCount, ref.totalCount);
      m.destroy();
      ref.destroy();
    }),
    { numRuns: 60 },
  );
});

/**
 * Merging is exact: random requests split randomly over N recorders, merged, equal
 * one recorder that saw every request (percentiles, counters, every histogram of
 * every key); merging is commutative and associative; the accumulator places late
 * snapshots in their own interval and its totals equal the merged finals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HdrCounts } from '../../src/metrics/hdr-counts.js';
import { latencyStatsOf } from '../../src/metrics/histogram.js';
import { MetricsAccumulator, emptyCounters, mergeRunMetrics, mergeSnapshots } from '../../src/metrics/merge.js';
import { Recorder } from '../../src/metrics/recorder.js';
import type { ErrorClass, MetricSetWire, RunMetrics, Snapshot } from '../../src/metrics/types.js';

const layout = [
  { name: 'a', steps: ['s1', 's2'] },
  { name: 'b', steps: ['s3'] },
];
const STEPS = [
  ['a', 's1'],
  ['a', 's2'],
  ['b', 's3'],
] as const;

interface Req {
  step: number;
  latencyUs: number;
  status: number;
  errorClass?: ErrorClass;
  interval: number;
  worker: number;
}

const req = (workers: number, intervals: number) =>
  fc.record({
    step: fc.integer({ min: 0, max: 2 }),
    latencyUs: fc.oneof(fc.integer({ min: 200, max: 500_000 }), fc.integer({ min: 0, max: 3_000_000_000 })),
    status: fc.constantFrom(200, 200, 200, 404, 503, 0),
    interval: fc.integer({ min: 0, max: intervals - 1 }),
    worker: fc.integer({ min: 0, max: workers - 1 }),
  }).map((r): Req => ({ ...r, errorClass: r.status === 0 ? 'network' : r.status >= 500 ? 'http_5xx' : r.status >= 400 ? 'http_4xx' : undefined }));

/** Feeds requests to recorders (one per worker, or one for all), cutting each interval (compact snapshots for the workers `compact` picks). */
function record(reqs: Req[], recorders: number, intervals: number, pick: (r: Req) => number, compact: (worker: number) => boolean = () => false): { snaps: Snapshot[][]; finals: RunMetrics[] } {
  const recs = Array.from({ length: recorders }, () => new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs: 5000 }));
  const snaps: Snapshot[][] = recs.map(() => []);
  for (let k = 0; k < intervals; k++) {
    for (const r of reqs) {
      if (r.interval !== k) continue;
      const rec = recs[pick(r)];
      const [sc, st] = STEPS[r.step];
      rec.request(rec.stepKey(sc, st), { latencyUs: r.latencyUs, serviceUs: Math.floor(r.latencyUs / 2), ttfbUs: Math.floor(r.latencyUs / 3), status: r.status, errorClass: r.errorClass, bytesIn: 10, bytesOut: 1, message: r.errorClass ? `e${r.status}` : undefined });
      if (r.step === 2) rec.iteration(rec.scenarioKey('b'), r.latencyUs + 1);
    }
    recs.forEach((rec, i) => snaps[i].push(rec.cut(1, compact(i))));
  }
  const finals = recs.map((rec) => rec.final());
  recs.forEach((rec) => rec.destroy());
  return { snaps, finals };
}

/** A metric set with its histograms normalised (decoded and re-encoded compressed). */
function norm(m: MetricSetWire | undefined): unknown {
  if (!m) return undefined;
  const hist: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.hist)) if (v) hist[k] = HdrCounts.decode(v).encode();
  return { counters: m.counters, hist };
}
function normTree(t: { total: MetricSetWire; scenarios: Record<string, { total: MetricSetWire; steps: Record<string, MetricSetWire> }> }): unknown {
  return {
    total: norm(t.total),
    scenarios: Object.fromEntries(Object.entries(t.scenarios).map(([n, s]) => [n, { total: norm(s.total), steps: Object.fromEntries(Object.entries(s.steps).map(([k, v]) => [k, norm(v)])) }])),
  };
}
const sortSamples = (m: RunMetrics) => [...m.errorSamples].sort((x, y) => `${x.step}${x.errorClass}${x.message}`.localeCompare(`${y.step}${y.errorClass}${y.message}`));

test('property: N recorders merged = one recorder holding every request (finals and per-interval snapshots)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.constant(n), fc.array(req(n, 3), { maxLength: 300 }))), ([n, reqs]) => {
      const split = record(reqs, n, 3, (r) => r.worker);
      const single = record(reqs, 1, 3, () => 0);
      const merged = mergeRunMetrics(split.finals);
      assert.deepEqual(normTree(merged), normTree(single.finals[0]));
      assert.deepEqual(latencyStatsOf(merged.total.hist.latency), latencyStatsOf(single.finals[0].total.hist.latency));
      assert.deepEqual(sortSamples(merged), sortSamples(single.finals[0]));
      for (let k = 0; k < 3; k++) {
        const m = mergeSnapshots(split.snaps.map((s) => s[k]));
        const ref = single.snaps[0][k];
        assert.deepEqual(normTree(m), normTree(ref));
        assert.equal(m.activeVus, n);
        assert.deepEqual([m.seq, m.startMs], [ref.seq, ref.startMs]);
      }
    }),
    { numRuns: 60 },
  );
});

test('property: merge is commutative and associative', () => {
  fc.assert(
    fc.property(fc.array(req(3, 1), { maxLength: 200 }), fc.integer({ min: 0, max: 5 }), (reqs, rot) => {
      const { finals, snaps } = record(reqs, 3, 1, (r) => r.worker);
      const [a, b, c] = finals;
      const flat = normTree(mergeRunMetrics([a, b, c]));
      assert.deepEqual(normTree(mergeRunMetrics([mergeRunMetrics([a, b]), c])), flat);
      assert.deepEqual(normTree(mergeRunMetrics([a, mergeRunMetrics([b, c])])), flat);
      const perm = [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]][rot];
      assert.deepEqual(normTree(mergeRunMetrics(perm)), flat);
      const s = snaps.map((x) => x[0]);
      assert.deepEqual(normTree(mergeSnapshots([mergeSnapshots([s[0], s[1]]), s[2]])), normTree(mergeSnapshots([s[2], s[0], s[1]])));
    }),
    { numRuns: 40 },
  );
});

test('property: the accumulator, fed in any order with late snapshots, equals the per-seq merge and the merged finals', () => {
  fc.assert(
    fc.property(fc.array(req(4, 8), { maxLength: 250 }), fc.array(fc.nat(), { minLength: 32, maxLength: 32 }), (reqs, order) => {
      // Workers 1 and 3 send compact snapshots (as cluster workers do); the reference is full snapshots.
      const { snaps: sent, finals } = record(reqs, 4, 8, (r) => r.worker, (w) => w % 2 === 1);
      const { snaps } = record(reqs, 4, 8, (r) => r.worker);
      assert.ok(sent[1].every((x) => Object.keys(x.total.hist).length === 0), 'compact snapshots carry no global histograms');
      // delivery order: mostly in seq order, but shuffled keys make some snapshots very late
      const all = sent.flat().map((s, i) => ({ s, key: s.seq + (order[i] % 7 === 0 ? 20 : order[i] % 3) }));
      all.sort((x, y) => x.key - y.key);
      const acc = new MetricsAccumulator();
      for (const { s } of all) acc.add(s);
      const ivs = acc.intervals();
      assert.deepEqual(ivs.map((s) => s.seq), [0, 1, 2, 3, 4, 5, 6, 7]);
      for (const iv of ivs) {
        assert.equal(acc.countAt(iv.seq), 4);
        assert.deepEqual(normTree(iv), normTree(mergeSnapshots(snaps.map((w) => w[iv.seq]))));
        assert.deepEqual(normTree(mergeSnapshots(sent.map((w) => w[iv.seq]))), normTree(iv), 'compact and full snapshots merge alike');
        assert.deepEqual(normTree(acc.interval(iv.seq)!), normTree(iv));
      }
      const total = acc.total();
      const ref = mergeRunMetrics(finals);
      assert.deepEqual(normTree(total), normTree(ref));
      assert.deepEqual(acc.counters('a', 's1'), ref.scenarios.a.steps.s1.counters);
      assert.deepEqual(acc.counters(), ref.total.counters);
      const lat = acc.counts('latency');
      assert.equal(lat?.encode(), ref.total.hist.latency ? HdrCounts.decode(ref.total.hist.latency).encode() : undefined);
      assert.equal(acc.histogram('latency')?.totalCount, lat?.totalCount);
      acc.destroy();
    }),
    { numRuns: 40 },
  );
});

test('accumulator with intervalHistograms [latency]: closed intervals keep counters and latency only; totals keep everything', () => {
  const reqs = Array.from({ length: 300 }, (_, i): Req => ({ step: i % 3, latencyUs: 500 + ((i * 7919) % 90_000), status: i % 17 ? 200 : 503, errorClass: i % 17 ? undefined : 'http_5xx', interval: i % 8, worker: i % 3 }));
  const { snaps, finals } = record(reqs, 3, 8, (r) => r.worker, () => true);
  const { snaps: full } = record(reqs, 3, 8, (r) => r.worker);
  const acc = new MetricsAccumulator({ intervalHistograms: ['latency'] });
  for (const s of snaps.flat()) acc.add(s);
  acc.add({ ...snaps[0][0], seq: 0 }); // a late duplicate-seq delivery into a closed interval still merges
  const ivs = acc.intervals();
  assert.equal(ivs.length, 8);
  for (const iv of ivs.slice(1)) {
    const ref = mergeSnapshots(full.map((w) => w[iv.seq]));
    assert.deepEqual(iv.total.counters, ref.total.counters);
    assert.equal(iv.total.hist.latency && HdrCounts.decode(iv.total.hist.latency).encode(), ref.total.hist.latency && HdrCounts.decode(ref.total.hist.latency).encode());
    assert.equal(HdrCounts.decode(iv.scenarios.a.steps.s1.hist.latency!).encode(), HdrCounts.decode(ref.scenarios.a.steps.s1.hist.latency!).encode());
    if (iv.seq < 5) assert.deepEqual(Object.keys(iv.scenarios.a.steps.s1.hist), ['latency'], `closed interval ${iv.seq} keeps latency only`);
  }
  const n0 = full.map((w) => w[0].total.counters.requests);
  assert.equal(ivs[0].total.counters.requests, n0[0] + n0[1] + n0[2] + n0[0], 'the late delivery landed in interval 0');
  const ref = mergeRunMetrics([...finals, { v: 1, total: snaps[0][0].total, scenarios: snaps[0][0].scenarios, errorSamples: [] }]);
  assert.deepEqual(normTree(acc.total()), normTree(ref), 'totals keep every histogram');
  acc.destroy();
});

test('accumulator: live figures move with each add; unknown scopes are undefined; destroy is idempotent', () => {
  const { snaps } = record(
    Array.from({ length: 90 }, (_, i): Req => ({ step: i % 3, latencyUs: 1000 + i * 100, status: 200, interval: i % 3, worker: i % 2 })),
    2,
    3,
    (r) => r.worker,
  );
  const acc = new MetricsAccumulator();
  assert.deepEqual(acc.counters(), emptyCounters(), 'an empty accumulator has zero global counters');
  let seen = 0;
  for (const s of snaps.flat()) {
    acc.add(s);
    seen += s.total.counters.requests;
    assert.equal(acc.counters()!.requests, seen);
    assert.equal(acc.histogram('latency')?.totalCount ?? 0, seen);
  }
  assert.equal(acc.counters('nope'), undefined);
  assert.equal(acc.counts('latency', 'a', 'nope'), undefined);
  assert.equal(acc.histogram('lag'), undefined);
  assert.equal(acc.interval(99), undefined);
  assert.equal(acc.countAt(99), 0);
  acc.destroy();
  acc.destroy();
  assert.throws(() => acc.add(snaps[0][0]), /after destroy/);
});

test('merge errors and edge cases', () => {
  const { snaps } = record([], 1, 2, () => 0);
  assert.throws(() => mergeSnapshots([]), /at least one snapshot/);
  assert.throws(() => mergeSnapshots([snaps[0][0], snaps[0][1]]), /different intervals \(seq 1 and 0\)/);
  const empty = mergeRunMetrics([]);
  assert.equal(empty.total.counters.requests, 0);
  assert.deepEqual(empty.scenarios, {});
  // error samples merge with the same cap as the recorder (5 distinct per key)
  const withSamples = (msgs: string[]): RunMetrics => ({ ...empty, errorSamples: msgs.map((m) => ({ scenario: 'a', step: 's1', errorClass: 'network', message: m, count: 2 })) });
  const m = mergeRunMetrics([withSamples(['1', '2', '3']), withSamples(['3', '4', '5', '6'])]);
  assert.deepEqual(m.errorSamples.map((s) => [s.message, s.count]), [['1', 2], ['2', 2], ['3', 4], ['4', 2], ['5', 2]]);
});

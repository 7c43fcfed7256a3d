/**
 * HdrCounts must be bucket-for-bucket hdr-histogram-js: same percentiles, mean,
 * min, max and counts for the same values, and each side must read the other's
 * encoding. Plus the wire helpers in histogram.ts and the decoder's error paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { HdrCounts, HistogramDecodeError, highestValueOf, indexOfValue, lowestValueOf } from '../../src/metrics/hdr-counts.js';
import { decodeHistogram, encodeHistogram, latencyStats, latencyStatsOf, mergeEncoded, newHistogram, addEncoded } from '../../src/metrics/histogram.js';

const lib = () => hdr.build({ bitBucketSize: 32, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true, useWebAssembly: false });
/** Latency-like integers: mostly 0.1 ms–10 s, some zeros, some huge. */
const value = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 10_000_000 }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 2 ** 31 - 5, max: 2 ** 40 }) },
);
const PCTS = [0, 0.1, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 100];

test('index arithmetic matches hdr-histogram-js for every bucket edge', () => {
  const h = lib() as unknown as { countsArrayIndex(v: number): number; lowestEquivalentValue(v: number): number; highestEquivalentValue(v: number): number };
  for (let b = 0; b < 42; b++) {
    for (const v of [2 ** b - 1, 2 ** b, 2 ** b + 1, 3 * 2 ** b, 2 ** (b + 1) - 1]) {
      if (v < 0) continue;
      assert.equal(indexOfValue(v), h.countsArrayIndex(v), `index of ${v}`);
      assert.equal(lowestValueOf(indexOfValue(v)), h.lowestEquivalentValue(v), `lowest of ${v}`);
      assert.equal(highestValueOf(indexOfValue(v)), h.highestEquivalentValue(v), `highest of ${v}`);
    }
  }
});

test('property: HdrCounts reports what a decoded hdr-histogram-js histogram reports', () => {
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 400 }), (values) => {
      const mine = new HdrCounts();
      const ref = lib();
      for (const v of values) {
        mine.record(v);
        ref.recordValue(v);
      }
      const decoded = hdr.decodeFromCompressedBase64(hdr.encodeIntoCompressedBase64(ref), 32, false);
      assert.equal(mine.totalCount, values.length);
      for (const p of PCTS) assert.equal(mine.valueAtPercentile(p), decoded.getValueAtPercentile(p), `p${p}`);
      assert.equal(mine.mean, decoded.mean);
      assert.equal(mine.max, decoded.maxValue);
      assert.deepEqual(latencyStats(mine), latencyStats(decoded));
      // both directions of the wire format, compressed and not
      const fromLib = HdrCounts.decode(hdr.encodeIntoCompressedBase64(ref));
      const toLib = hdr.decodeFromCompressedBase64(mine.encode(), 32, false);
      const plain = HdrCounts.decode(mine.encode(false));
      for (const p of PCTS) {
        assert.equal(fromLib.valueAtPercentile(p), decoded.getValueAtPercentile(p));
        assert.equal(toLib.getValueAtPercentile(p), decoded.getValueAtPercentile(p));
        assert.equal(plain.valueAtPercentile(p), decoded.getValueAtPercentile(p));
      }
      assert.equal(toLib.totalCount, values.length);
      assert.equal(plain.encode(), mine.encode());
      // toHistogram gives the library's view of the same buckets
      const th = mine.toHistogram();
      assert.deepEqual(latencyStats(th), latencyStats(decoded));
    }),
    { numRuns: 150 },
  );
});

test('property: add is bucket-wise (a + b recorded separately = all recorded together)', () => {
  fc.assert(
    fc.property(fc.array(value, { maxLength: 200 }), fc.array(value, { maxLength: 200 }), (xs, ys) => {
      const a = new HdrCounts();
      const b = new HdrCounts();
      const all = new HdrCounts();
      for (const v of xs) (a.record(v), all.record(v));
      for (const v of ys) (b.record(v), all.record(v));
      a.add(b);
      assert.equal(a.encode(), all.encode());
      const viaWire = new HdrCounts();
      viaWire.addEncoded(HdrCounts.decode(encodeHistogram(all)).encode(false));
      assert.equal(viaWire.encode(), all.encode());
    }),
    { numRuns: 100 },
  );
});

test('record: fractions truncate; negative, NaN and -Infinity count as 0; +Infinity is clamped, not thrown', () => {
  const h = new HdrCounts();
  h.record(1.9);
  h.record(-5);
  h.record(Number.NaN);
  h.record(-Infinity);
  h.record(Infinity);
  assert.equal(h.totalCount, 5);
  assert.equal(h.min, 0);
  assert.equal(h.valueAtPercentile(50), 0);
  assert.equal(h.valueAtPercentile(75), 1);
  assert.ok(h.max >= 2 ** 53 && Number.isFinite(h.max));
  assert.equal(HdrCounts.decode(h.encode()).totalCount, 5);
});

test('empty histograms: stats are zeros; reset empties; recordCount ignores non-positive counts', () => {
  const h = new HdrCounts();
  assert.deepEqual(latencyStats(h), { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p99_9: 0, max: 0 });
  assert.deepEqual(latencyStats(undefined), latencyStats(h));
  assert.deepEqual(latencyStatsOf(undefined), latencyStats(h));
  h.recordCount(1000, 3);
  h.recordCount(5, 0);
  h.recordCount(5, -1);
  assert.equal(h.totalCount, 3);
  h.reset();
  assert.equal(h.totalCount, 0);
  assert.equal(h.max, 0);
  assert.equal(HdrCounts.decode(h.encode()).totalCount, 0);
});

test('latencyStats: ms from µs, the known ladder 1..100 ms within HDR precision', () => {
  const h = new HdrCounts();
  for (let k = 1; k <= 100; k++) h.record(k * 1000);
  const s = latencyStats(h);
  const near = (got: number, want: number) => assert.ok(Math.abs(got - want) <= want * 0.001 + 0.001, `${got} vs ${want}`);
  near(s.min, 1);
  near(s.p50, 50);
  near(s.p90, 90);
  near(s.p99, 99);
  near(s.max, 100);
  near(s.mean, 50.5);
  assert.deepEqual(latencyStatsOf(h.encode()), s);
});

test('histogram.ts helpers: library histograms and HdrCounts interoperate', () => {
  const a = newHistogram();
  for (let v = 1; v <= 1000; v++) a.recordValue(v * 37);
  const encA = encodeHistogram(a);
  const back = decodeHistogram(encA);
  assert.equal(back.totalCount, 1000);
  assert.equal(back.getValueAtPercentile(50), a.getValueAtPercentile(50));
  const c = new HdrCounts();
  addEncoded(c, encA);
  addEncoded(back, encA);
  assert.equal(c.totalCount, 1000);
  assert.equal(back.totalCount, 2000);
  assert.equal(mergeEncoded([]), undefined);
  assert.equal(mergeEncoded([undefined, encA]), encA);
  const merged = HdrCounts.decode(mergeEncoded([encA, encA, undefined])!);
  assert.equal(merged.totalCount, 2000);
  assert.equal(merged.valueAtPercentile(99), a.getValueAtPercentile(99));
});

test('decoder refuses what it cannot read, with a coded error', () => {
  const bad = (s: string, re: RegExp) =>
    assert.throws(() => HdrCounts.decode(s), (e: unknown) => e instanceof HistogramDecodeError && e.code === 'LT_ERR_RESULT_INVALID' && re.test(e.message));
  bad('', /bad cookie/);
  bad(Buffer.from('hello world, not a histogram').toString('base64'), /bad cookie/);
  const good = Buffer.from(new HdrCounts().encode(), 'base64');
  const corrupt = Buffer.concat([good.subarray(0, 8), Buffer.from('garbage garbage')]);
  bad(corrupt.toString('base64'), /corrupt/);
  // a 2-significant-digit histogram from the library: not this tool's layout
  const two = hdr.build({ numberOfSignificantValueDigits: 2 });
  two.recordValue(5);
  bad(hdr.encodeIntoCompressedBase64(two), /2 significant digits.*reads 3/);
  // a payload length past the end
  const plain = Buffer.from(new HdrCounts().encode(false), 'base64');
  plain.writeInt32BE(9999, 4);
  bad(plain.toString('base64'), /truncated/);
  // a two-byte count cut after its first byte: refused, and what was read stays consistent
  const h = new HdrCounts();
  h.record(10);
  h.recordCount(20, 300);
  const full = Buffer.from(h.encode(false), 'base64');
  const cut = full.subarray(0, full.length - 1);
  cut.writeInt32BE(full.readInt32BE(4) - 1, 4);
  bad(cut.toString('base64'), /truncated/);
  const into = new HdrCounts();
  assert.throws(() => into.addEncoded(cut.toString('base64')), /truncated/);
  assert.equal(into.totalCount, 1, 'the value before the cut was added, and counted');
  assert.equal(into.max, 10);
  // a compressed wrapper around something that is not a V2 payload
  const z = deflateSync(Buffer.alloc(48));
  const wrapped = Buffer.concat([good.subarray(0, 4), Buffer.from([0, 0, 0, z.length]), z]);
  bad(wrapped.toString('base64'), /not a V2 HDR histogram payload/);
});

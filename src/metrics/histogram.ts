/**
 * HDR histograms of integer microseconds (3 significant digits, lowest discernible
 * value 1, auto-resizing, so no highest value to guess). Two implementations share
 * one wire format, compressed V2 base64:
 *
 * - `HdrCounts` (hdr-counts.ts) on the hot paths: the recorder and every merge;
 * - hdr-histogram-js's pure-JS histogram (`newHistogram`, `decodeHistogram`) for code
 *   that wants the library's API.
 *
 * Library variant, measured with `node --import tsx bench/histogram-options.ts`
 * (1M log-uniform values 0.2–500 ms; a 2-core machine shared with other jobs, so
 * absolute figures are noisy; two runs at load average ~9 and ~3): `packed` buckets
 * cost 2,680 / 1,000 ns per record and 47 / 20 ms per decode+add of a 2,000-value
 * histogram, against 660 / 470 ns and 0.46 / 0.31 ms for Int32 (Float64 ≈ Int32;
 * WASM 67 / 280 ns per record but ~140 ms to initialise and a destroy() owed on
 * every histogram). Encoded sizes are identical (1,828 B for 2,000 values, 8,072 B
 * for 1M): the wire format does not depend on the bucket type. So: Int32, never
 * `packed`, JS rather than WASM — and `HdrCounts` where speed matters.
 */
import * as hdr from 'hdr-histogram-js';
import { HdrCounts } from './hdr-counts.js';

export { HdrCounts, HistogramDecodeError } from './hdr-counts.js';

/** hdr-histogram-js histogram. */
export type Histogram = hdr.Histogram;

const OPTS = {
  bitBucketSize: 32 as const,
  numberOfSignificantValueDigits: 3 as const,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 2,
  autoResize: true,
  useWebAssembly: false,
};

/** A new, empty µs histogram (library JS, Int32 buckets). `destroy()` is a no-op for JS ones. */
export function newHistogram(): Histogram {
  return hdr.build(OPTS);
}

/** Compressed base64 (the HdrHistogram V2 wire format every implementation reads). */
export function encodeHistogram(h: Histogram | HdrCounts): string {
  return h instanceof HdrCounts ? h.encode() : hdr.encodeIntoCompressedBase64(h);
}

/**
 * Decodes `encodeHistogram` output into a library histogram. Decoding goes through
 * `HdrCounts` (fast, validates the layout) and then into the library's shape.
 */
export function decodeHistogram(encoded: string): Histogram {
  return HdrCounts.decode(encoded).toHistogram();
}

/** Adds an encoded histogram into `into` (exact: HDR addition is bucket-wise). */
export function addEncoded(into: HdrCounts | Histogram, encoded: string): void {
  if (into instanceof HdrCounts) into.addEncoded(encoded);
  else into.add(decodeHistogram(encoded));
}

/** Sum of encoded histograms, encoded (undefined for no input). */
export function mergeEncoded(list: (string | undefined)[]): string | undefined {
  const present = list.filter((x): x is string => Boolean(x));
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  const acc = new HdrCounts();
  for (const e of present) acc.addEncoded(e);
  return acc.encode();
}

/** Latency figures in ms from a µs histogram (all zeros when empty). */
export interface LatencyStatsMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p99_9: number;
  max: number;
}

/** Percentiles reported everywhere, keyed as in `LatencyStatsMs`. */
const PERCENTILES = [
  ['p50', 50],
  ['p90', 90],
  ['p95', 95],
  ['p99', 99],
  ['p99_9', 99.9],
] as const;

const ms = (us: number) => Math.round(us) / 1000;

/**
 * min/mean/percentiles/max in ms. Percentiles are HDR's (the highest value of the
 * bucket at or below which p % of values fall); min is 0 when zeros were recorded
 * (generator lag is often 0), else the lowest bucket's lowest value; max is the
 * highest bucket's highest value — so figures are the same whether the histogram
 * was recorded here or decoded from a worker.
 */
export function latencyStats(h: Histogram | HdrCounts | undefined): LatencyStatsMs {
  if (!h || h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p99_9: 0, max: 0 };
  const counts = h instanceof HdrCounts;
  const at = (p: number) => (counts ? h.valueAtPercentile(p) : h.getValueAtPercentile(p));
  const out = {
    min: ms(counts ? h.min : h.getValueAtPercentile(0)),
    mean: ms(h.mean),
    max: ms(counts ? h.max : h.maxValue),
  } as LatencyStatsMs;
  for (const [key, p] of PERCENTILES) out[key] = ms(at(p));
  return out;
}

/** latencyStats of an encoded histogram (undefined → zeros). */
export function latencyStatsOf(encoded: string | undefined): LatencyStatsMs {
  return encoded ? latencyStats(HdrCounts.decode(encoded)) : latencyStats(undefined);
}

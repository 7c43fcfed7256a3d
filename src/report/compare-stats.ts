/**
 * Bootstrap intervals for the baseline comparison (compare.ts). Samples are
 * interval-level values (one per time-series interval), resampled with replacement
 * on each side independently, with a seeded generator so a comparison is
 * reproducible. Percentile-bootstrap intervals, as criterion.rs uses for its
 * change estimates (research/regression.md §4).
 */
import { createRng } from '../engine/journey/random.js';

/** Interval-level samples of a rate: numerators (errors) and denominators (requests) per interval. */
export interface RateSamples {
  num: number[];
  den: number[];
}

/** Bootstrap settings. `confidence` is two-sided (0.99 → 0.5% in each tail). */
export interface BootstrapOptions {
  resamples: number;
  confidence: number;
  seed: number | string;
}

interface Random {
  next(): number;
}

/** Pooled rate Σnum/Σden of a resample of intervals (a rate weighted by traffic). */
function resamplePooled(num: number[], den: number[], rng: Random): number {
  const n = num.length;
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rng.next() * n);
    a += num[k];
    b += den[k];
  }
  return b > 0 ? a / b : 0;
}

/** Median of a list (the statistic the latency and rps comparisons use). */
export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function quantiles(sorted: ArrayLike<number>, confidence: number): [number, number] {
  const tail = (1 - confidence) / 2;
  const lo = sorted[Math.floor(tail * sorted.length)];
  const hi = sorted[Math.min(sorted.length - 1, Math.ceil((1 - tail) * sorted.length) - 1)];
  return [lo, hi];
}

/** Share trimmed from each end before averaging (robust to the odd slow interval). */
export const TRIM = 0.1;

/**
 * Trimmed mean of a resample of `sorted`, without sorting it: draw n indices, count
 * them, and walk the counts (sorted data: index order is value order), skipping the
 * lowest and highest `k` draws. O(n) per resample.
 */
function resampleTrimmedMean(sorted: number[], counts: Uint32Array, rng: Random, k: number): number {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(rng.next() * n)]++;
  let seen = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    if (!c) continue;
    // Draws with ranks [seen, seen + c) of which those in [k, n − k) count.
    const from = Math.max(seen, k);
    const to = Math.min(seen + c, n - k);
    if (to > from) sum += (to - from) * sorted[i];
    seen += c;
  }
  return sum / (n - 2 * k);
}

/** The centre the ratio is about: the 10%-trimmed geometric mean (exp of the trimmed mean of logs). */
export function trimmedGeoMean(xs: number[]): number {
  const logs = xs.map(Math.log).sort((a, b) => a - b);
  const k = Math.floor(TRIM * logs.length);
  const kept = logs.slice(k, logs.length - k);
  return Math.exp(kept.reduce((a, v) => a + v, 0) / kept.length);
}

/**
 * Percentile-bootstrap interval of centre(head) / centre(base), the centre being the
 * 10%-trimmed geometric mean of the interval values. Logs, because latency and rate
 * changes are multiplicative and their spread is skewed; the trimmed mean, because it
 * is nearly as efficient as the mean on well-behaved data (a median needed ~25% wider
 * intervals) and ignores a few outlying intervals. Values must be > 0 (null otherwise).
 */
export function bootstrapRatio(base: number[], head: number[], opts: BootstrapOptions): [number, number] | null {
  if (!base.length || !head.length || base.some((v) => !(v > 0)) || head.some((v) => !(v > 0))) return null;
  const rng = createRng(`compare:ratio:${opts.seed}`);
  const b = base.map(Math.log).sort((x, y) => x - y);
  const h = head.map(Math.log).sort((x, y) => x - y);
  const cb = new Uint32Array(b.length);
  const ch = new Uint32Array(h.length);
  const kb = Math.floor(TRIM * b.length);
  const kh = Math.floor(TRIM * h.length);
  const all = new Float64Array(opts.resamples);
  for (let i = 0; i < opts.resamples; i++) all[i] = Math.exp(resampleTrimmedMean(h, ch, rng, kh) - resampleTrimmedMean(b, cb, rng, kb));
  // Typed-array sort is numeric and several times faster than Array#sort with a comparator.
  return quantiles(all.sort(), opts.confidence);
}

/**
 * Percentile-bootstrap interval of pooled(head) − pooled(base), for rates such as the
 * error rate: a difference, not a ratio, because a baseline rate of 0 is common and
 * 0 → 2% must still be detectable.
 */
export function bootstrapRateDifference(base: RateSamples, head: RateSamples, opts: BootstrapOptions): [number, number] | null {
  if (!base.num.length || !head.num.length) return null;
  const rng = createRng(`compare:diff:${opts.seed}`);
  const diffs = new Float64Array(opts.resamples);
  for (let i = 0; i < opts.resamples; i++) diffs[i] = resamplePooled(head.num, head.den, rng) - resamplePooled(base.num, base.den, rng);
  return quantiles(diffs.sort(), opts.confidence);
}

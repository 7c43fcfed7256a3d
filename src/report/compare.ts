/**
 * Baseline comparison with statistics (shared/research/regression.md): a change is
 * `regressed` or `improved` only when it is both statistically clear and larger than
 * a practical floor; otherwise `~`. Samples are interval-level (each interval's p95,
 * rps, error rate from the time series), not individual requests, which are
 * autocorrelated. Clarity: a seeded percentile-bootstrap interval of the ratio of
 * medians (head / base), Bonferroni-corrected over the metrics of a scope (95% family
 * confidence → 99% per metric). Practical floor, tested against the whole interval
 * (a shifted threshold, as BenchmarkDotNet does): the interval must lie beyond ±5%,
 * and latency must move by at least 2 ms. The first interval (warm-up, connection
 * setup) and the last (partial) are dropped.
 */
import type { Result, ScenarioResult, Stats, TimePoint } from './result-schema.js';
import { createRng } from '../engine/journey/random.js';

export type Verdict = 'regressed' | 'improved' | '~';
export type CompareMetric = 'p50' | 'p95' | 'p99' | 'rps' | 'error_rate';

export interface CompareRow {
  scope: string;
  metric: CompareMetric;
  base: number;
  head: number;
  /** (head − base) / base; null when base is 0. */
  deltaPct: number | null;
  /** Bootstrap interval of head/base (ratio), or null with too few intervals. */
  interval: [number, number] | null;
  verdict: Verdict;
  note?: string;
}

export interface Comparison {
  rows: CompareRow[];
  summary: { regressed: number; improved: number; unchanged: number };
  method: string;
  baseLabel?: string;
}

export interface CompareOptions {
  minRelative?: number;
  minAbsoluteMs?: number;
  confidence?: number;
  resamples?: number;
  seed?: number;
  baseLabel?: string;
}

const METRICS: CompareMetric[] = ['p50', 'p95', 'p99', 'rps', 'error_rate'];
const MIN_INTERVALS = 5;

function samplesOf(series: TimePoint[], metric: CompareMetric): number[] {
  const trimmed = series.length > 3 ? series.slice(1, -1) : series;
  const live = trimmed.filter((p) => p.requests > 0);
  switch (metric) {
    case 'rps':
      return live.map((p) => p.rps);
    case 'error_rate':
      return live.map((p) => p.errors / p.requests);
    default:
      return live.map((p) => p[metric]);
  }
}

function pointOf(s: Stats, metric: CompareMetric): number {
  if (metric === 'rps') return s.rps;
  if (metric === 'error_rate') return s.error_rate;
  return s.latency_ms[metric];
}

/**
 * Median of a bootstrap resample of `sorted` without sorting: draw n indices, count
 * them, and walk the counts to the middle (the data is sorted, so index order is
 * value order). O(n) per resample.
 */
function resampleMedian(sorted: number[], counts: Uint32Array, rng: { next(): number }): number {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(rng.next() * n)]++;
  const lo = (n - 1) >> 1;
  const hi = n >> 1;
  let seen = 0;
  let a = NaN;
  for (let i = 0; i < n; i++) {
    seen += counts[i];
    if (Number.isNaN(a) && seen > lo) a = sorted[i];
    if (seen > hi) return (a + sorted[i]) / 2;
  }
  return a;
}

/** Percentile-bootstrap interval of median(head)/median(base). */
export function bootstrapRatio(base: number[], head: number[], opts: { resamples: number; confidence: number; seed: number }): [number, number] | null {
  const rng = createRng(`compare:${opts.seed}`);
  const b = [...base].sort((x, y) => x - y);
  const h = [...head].sort((x, y) => x - y);
  const cb = new Uint32Array(b.length);
  const ch = new Uint32Array(h.length);
  const ratios: number[] = [];
  for (let i = 0; i < opts.resamples; i++) {
    const mb = resampleMedian(b, cb, rng);
    const mh = resampleMedian(h, ch, rng);
    if (mb > 0) ratios.push(mh / mb);
    else if (mh === 0) ratios.push(1);
  }
  if (ratios.length < opts.resamples / 2) return null;
  ratios.sort((x, y) => x - y);
  const tail = (1 - opts.confidence) / 2;
  const lo = ratios[Math.floor(tail * ratios.length)];
  const hi = ratios[Math.min(ratios.length - 1, Math.ceil((1 - tail) * ratios.length) - 1)];
  return [lo, hi];
}

function compareScope(scope: string, base: Stats & { timeseries: TimePoint[] }, head: Stats & { timeseries: TimePoint[] }, o: Required<Omit<CompareOptions, 'baseLabel'>>, seed: number): CompareRow[] {
  return METRICS.map((metric, mi) => {
    const b = pointOf(base, metric);
    const h = pointOf(head, metric);
    const deltaPct = b !== 0 ? (h - b) / b : null;
    const bs = samplesOf(base.timeseries, metric);
    const hs = samplesOf(head.timeseries, metric);
    const row: CompareRow = { scope, metric, base: b, head: h, deltaPct, interval: null, verdict: '~' };
    if (bs.length < MIN_INTERVALS || hs.length < MIN_INTERVALS) {
      row.note = `too few intervals (${bs.length} vs ${hs.length}; need ${MIN_INTERVALS})`;
      return row;
    }
    // Bonferroni over the metrics compared in one scope.
    const confidence = 1 - (1 - o.confidence) / METRICS.length;
    row.interval = bootstrapRatio(bs, hs, { resamples: o.resamples, confidence, seed: seed * 31 + mi });
    if (!row.interval) return row;
    const [lo, hi] = row.interval;
    const clear = lo > 1 || hi < 1;
    const latency = metric !== 'rps' && metric !== 'error_rate';
    // Symmetric in ratio terms: +5% up, or down to 1/1.05.
    const beyondFloor = lo > 1 + o.minRelative || hi < 1 / (1 + o.minRelative);
    const practical = beyondFloor && (!latency || Math.abs(h - b) >= o.minAbsoluteMs) && (metric !== 'error_rate' || Math.abs(h - b) >= 0.001);
    if (clear && practical) {
      const worse = metric === 'rps' ? h < b : h > b;
      row.verdict = worse ? 'regressed' : 'improved';
    }
    return row;
  });
}

/** Compares a head result with a baseline, per scope (overall, scenario, step) and metric. */
export function compareResults(base: Result, head: Result, opts: CompareOptions = {}): Comparison {
  const o = { minRelative: opts.minRelative ?? 0.05, minAbsoluteMs: opts.minAbsoluteMs ?? 2, confidence: opts.confidence ?? 0.95, resamples: opts.resamples ?? 2000, seed: opts.seed ?? 1 };
  const rows: CompareRow[] = [];
  let seed = o.seed;
  rows.push(...compareScope('overall', { ...base.summary, timeseries: base.timeseries }, { ...head.summary, timeseries: head.timeseries }, o, seed++));
  for (const [name, hs] of Object.entries(head.scenarios) as [string, ScenarioResult][]) {
    const bsc = base.scenarios[name];
    if (!bsc) continue;
    rows.push(...compareScope(name, bsc, hs, o, seed++));
    for (const [step, st] of Object.entries(hs.steps)) {
      const bst = bsc.steps[step];
      if (bst) rows.push(...compareScope(`${name} / ${step}`, bst, st, o, seed++));
    }
  }
  const regressed = rows.filter((r) => r.verdict === 'regressed').length;
  const improved = rows.filter((r) => r.verdict === 'improved').length;
  return {
    rows,
    summary: { regressed, improved, unchanged: rows.length - regressed - improved },
    method: `Interval-level samples (one per interval; first and last dropped). Percentile-bootstrap interval of the ratio of medians head/base (${o.resamples} seeded resamples) at ${Math.round(o.confidence * 100)}% confidence per scope, Bonferroni-corrected over ${METRICS.length} metrics. Flagged only when the whole interval lies beyond ±${Math.round(o.minRelative * 100)}% and, for latency, the change is at least ${o.minAbsoluteMs} ms; otherwise ~.`,
    ...(opts.baseLabel ? { baseLabel: opts.baseLabel } : {}),
  };
}

/**
 * Baseline comparison with statistics (shared/research/regression.md): a change is
 * `regressed` or `improved` only when it is both statistically clear and larger than
 * a practical floor; otherwise `~`. Samples are interval-level (each interval's p95,
 * rps, error rate from the time series), not individual requests, which are
 * autocorrelated. Clarity: a seeded percentile-bootstrap 95% interval of the ratio
 * of medians (head / base) that excludes 1. Floors: |Δ| ≥ 5% and, for latency, ≥ 2 ms.
 * The first interval (warm-up, connection setup) and the last (partial) are dropped.
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

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

/** Percentile-bootstrap interval of median(head)/median(base). */
export function bootstrapRatio(base: number[], head: number[], opts: { resamples: number; confidence: number; seed: number }): [number, number] | null {
  const rng = createRng(`compare:${opts.seed}`);
  const ratios: number[] = [];
  const pick = (xs: number[]) => {
    const r = new Array<number>(xs.length);
    for (let i = 0; i < xs.length; i++) r[i] = xs[Math.floor(rng.next() * xs.length)];
    return median(r);
  };
  for (let i = 0; i < opts.resamples; i++) {
    const b = pick(base);
    const h = pick(head);
    if (b > 0) ratios.push(h / b);
    else if (h === 0) ratios.push(1);
  }
  if (ratios.length < opts.resamples / 2) return null;
  ratios.sort((a, b) => a - b);
  const lo = ratios[Math.floor(((1 - opts.confidence) / 2) * ratios.length)];
  const hi = ratios[Math.min(ratios.length - 1, Math.ceil((1 - (1 - opts.confidence) / 2) * ratios.length) - 1)];
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
    row.interval = bootstrapRatio(bs, hs, { resamples: o.resamples, confidence: o.confidence, seed: seed * 31 + mi });
    if (!row.interval) return row;
    const clear = row.interval[0] > 1 || row.interval[1] < 1;
    const latency = metric !== 'rps' && metric !== 'error_rate';
    const relative = deltaPct === null ? (h > 0 ? Infinity : 0) : Math.abs(deltaPct);
    const practical = relative >= o.minRelative && (!latency || Math.abs(h - b) >= o.minAbsoluteMs) && (metric !== 'error_rate' || Math.abs(h - b) >= 0.001);
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
    method: `Interval-level samples (1 per interval, first and last dropped); ${Math.round(o.confidence * 100)}% percentile-bootstrap interval of the ratio of medians (${o.resamples} resamples, seeded); flagged only when the interval excludes 1 and the change is at least ${Math.round(o.minRelative * 100)}% and ${o.minAbsoluteMs} ms for latency.`,
    ...(opts.baseLabel ? { baseLabel: opts.baseLabel } : {}),
  };
}

/**
 * Baseline comparison with statistics (shared/research/regression.md). A change is
 * `regressed` or `improved` only when it is both statistically clear and beyond a
 * practical floor; otherwise `~` (no clear change), as benchstat prints.
 *
 * Samples are interval-level (each interval's p50/p95/p99, rps, errors/requests from
 * the time series), never individual requests: requests within a run are
 * autocorrelated, and with 10⁵ of them any test calls trivial shifts significant.
 *
 * - Latency percentiles and rps: percentile-bootstrap interval of the ratio head/base
 *   of the 10%-trimmed geometric means of the interval values (compare-stats.ts).
 * - Error rate: bootstrap interval of the difference of pooled rates head − base (a
 *   difference, because 0% → 2% has no ratio).
 * - Confidence 1 − alpha per scope, Bonferroni-corrected over its 5 metrics.
 * - Flagged only when the whole interval lies beyond the practical floor (a
 *   shifted-threshold test, as BenchmarkDotNet does), which also makes it clear (it
 *   excludes no change): a ratio beyond ±minRelative and, for latency, a move of at
 *   least minAbsoluteMs at the interval's near end; an error-rate difference beyond
 *   max(minAbsoluteErrorRate, minRelative × base rate). Measured on the fixtures
 *   (test/report/compare.test.ts): 3 of 100 same-distribution pairs flagged anything
 *   (4 of 3,000 rows); a +20% shift is flagged on overall p95 in 19 of 20 30-interval
 *   pairs and in every 60-interval pair.
 *   Testing the floor on the estimate instead caught more small-scope shifts but
 *   flagged 12 of 100 same-distribution pairs.
 * - Warm-up and tail: the first interval (connection setup, JIT) and the last (partial)
 *   are dropped, and so are intervals without requests. Fewer than 5 left → `~`.
 */
import type { Result, ScenarioResult, Stats, TimePoint } from './result-schema.js';
import { bootstrapRateDifference, bootstrapRatio, median, trimmedGeoMean } from './compare-stats.js';
import { compareCapacity } from './compare-capacity.js';

/** A row's verdict: worse, better, or no clear change. */
export type Verdict = 'regressed' | 'improved' | '~';
/** The metrics compared in every scope. */
export type CompareMetric = 'p50' | 'p95' | 'p99' | 'rps' | 'error_rate' | 'sustainable_rate';

/** One metric in one scope. */
export interface CompareRow {
  /** `overall`, a scenario name, or `scenario / step`. */
  scope: string;
  metric: CompareMetric;
  /** Whole-run figures (latency ms from the histograms; rps; error rate 0..1). */
  base: number;
  head: number;
  /** (head − base) / base; null when base is 0. */
  deltaPct: number | null;
  /**
   * Bootstrap interval of the change: of head/base (`intervalKind: 'ratio'`) or of
   * head − base (`'difference'`, error rate). Null with too few intervals.
   */
  interval: [number, number] | null;
  intervalKind: 'ratio' | 'difference';
  verdict: Verdict;
  /** Why no verdict could be reached, or a caveat (low confidence). */
  note?: string;
}

/** The whole comparison. */
export interface Comparison {
  rows: CompareRow[];
  summary: { regressed: number; improved: number; unchanged: number };
  /** One paragraph saying how verdicts were reached (shown in reports). */
  method: string;
  baseLabel?: string;
}

/** Comparison settings; all optional. */
export interface CompareOptions {
  /** Relative practical floor (default 0.05 = 5%). */
  minRelative?: number;
  /** Absolute practical floor for latency, ms (default 2). */
  minAbsoluteMs?: number;
  /** Absolute practical floor for the error rate, 0..1 (default 0.001 = 0.1 points). */
  minAbsoluteErrorRate?: number;
  /** Family-wise error rate per scope (default 0.05). */
  alpha?: number;
  /** @deprecated use alpha; confidence = 1 − alpha. */
  confidence?: number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Seed of the bootstrap (default 1): same inputs and seed → same comparison. */
  seed?: number;
  /** Shown in reports ("main @ abc1234"). */
  baseLabel?: string;
}

const METRICS: Exclude<CompareMetric, 'sustainable_rate'>[] = ['p50', 'p95', 'p99', 'rps', 'error_rate'];

/** Below this many usable intervals a bootstrap interval means little. */
export const MIN_INTERVALS = 5;
/** A p99 of an interval with fewer requests rests on a single request or none. */
const P99_MIN_REQUESTS = 100;

/** A scope's figures and series, with the run's saturated interval times (`t`). */
type Scope = Stats & { timeseries: TimePoint[]; saturated: ReadonlySet<number> };
type Settings = Required<Omit<CompareOptions, 'baseLabel' | 'confidence'>>;

/**
 * Intervals that count: not the first (warm-up), not the last (partial), with
 * requests, and not saturated: a saturated interval's latencies include the
 * generator's own delay (issue 10), so no regression is called from it.
 */
function usable(series: TimePoint[], saturated: ReadonlySet<number>): TimePoint[] {
  const trimmed = series.length > 3 ? series.slice(1, -1) : series;
  return trimmed.filter((p) => p.requests > 0 && !saturated.has(p.t));
}

/** The `t` of a result's saturated intervals (run-level series). */
function saturatedTimes(r: Result): ReadonlySet<number> {
  return new Set(r.timeseries.filter((p) => p.generator?.saturated).map((p) => p.t));
}

function pointOf(s: Stats, metric: Exclude<CompareMetric, 'sustainable_rate'>): number {
  if (metric === 'rps') return s.rps;
  if (metric === 'error_rate') return s.error_rate;
  return s.latency_ms[metric];
}

const isLatency = (m: CompareMetric) => m === 'p50' || m === 'p95' || m === 'p99';

function compareMetric(scope: string, metric: Exclude<CompareMetric, 'sustainable_rate'>, base: Scope, head: Scope, o: Settings, seed: string): CompareRow {
  const b = pointOf(base, metric);
  const h = pointOf(head, metric);
  const baseIv = usable(base.timeseries, base.saturated);
  const headIv = usable(head.timeseries, head.saturated);
  const kind = metric === 'error_rate' ? 'difference' : 'ratio';
  const row: CompareRow = { scope, metric, base: b, head: h, deltaPct: b !== 0 ? (h - b) / b : null, interval: null, intervalKind: kind, verdict: '~' };
  if (baseIv.length < MIN_INTERVALS || headIv.length < MIN_INTERVALS) {
    const left = base.saturated.size + head.saturated.size;
    row.note = `too few intervals (${baseIv.length} vs ${headIv.length}; need ${MIN_INTERVALS})${left ? `; ${left} interval(s) left out because the load generator was saturated` : ''}`;
    return row;
  }
  // Bonferroni over the metrics of one scope.
  const boot = { resamples: o.resamples, confidence: 1 - o.alpha / METRICS.length, seed };
  let worse = false;
  let better = false;
  if (metric === 'error_rate') {
    const side = (ps: TimePoint[]) => ({ num: ps.map((p) => p.errors), den: ps.map((p) => p.requests) });
    const bs = side(baseIv);
    const hs = side(headIv);
    const iv = (row.interval = bootstrapRateDifference(bs, hs, boot));
    if (iv) {
      const baseRate = bs.num.reduce((a, v) => a + v, 0) / Math.max(1, bs.den.reduce((a, v) => a + v, 0));
      const floor = Math.max(o.minAbsoluteErrorRate, o.minRelative * baseRate);
      worse = iv[0] > floor;
      better = iv[1] < -floor;
    }
  } else {
    const key = metric;
    const bv = baseIv.map((p) => p[key]);
    const hv = headIv.map((p) => p[key]);
    const iv = (row.interval = bootstrapRatio(bv, hv, boot));
    if (!iv) {
      row.note = 'no ratio: some intervals have a value of 0';
      return row;
    }
    // Practical floor on the whole interval (a shifted-threshold test, as
    // BenchmarkDotNet does): beyond ±minRelative, and for latency by minAbsoluteMs at
    // the interval's near end. Clear follows: such an interval excludes 1.
    const [lo, hi] = iv;
    const up = lo > 1 + o.minRelative;
    const down = hi < 1 / (1 + o.minRelative);
    if (isLatency(metric)) {
      const centreMs = trimmedGeoMean(bv);
      worse = up && (lo - 1) * centreMs >= o.minAbsoluteMs;
      better = down && (1 - hi) * centreMs >= o.minAbsoluteMs;
      const perInterval = median(headIv.map((p) => p.requests));
      if (metric === 'p99' && perInterval < P99_MIN_REQUESTS) row.note = `low confidence: ~${Math.round(perInterval)} requests per interval`;
    } else {
      // rps: higher is better.
      worse = down;
      better = up;
    }
  }
  row.verdict = worse ? 'regressed' : better ? 'improved' : '~';
  return row;
}

function compareScope(scope: string, base: Scope, head: Scope, o: Settings, seed: number): CompareRow[] {
  return METRICS.map((m) => compareMetric(scope, m, base, head, o, `${seed}:${scope}:${m}`));
}

/** The settings with defaults applied (also used to describe the method). */
function settings(opts: CompareOptions): Settings {
  const alpha = opts.alpha ?? (opts.confidence !== undefined ? 1 - opts.confidence : 0.05);
  return {
    minRelative: opts.minRelative ?? 0.05,
    minAbsoluteMs: opts.minAbsoluteMs ?? 2,
    minAbsoluteErrorRate: opts.minAbsoluteErrorRate ?? 0.001,
    alpha,
    resamples: opts.resamples ?? 2000,
    seed: opts.seed ?? 1,
  };
}

/** Compares a head result with a baseline, per scope (overall, scenario, step) and metric. */
export function compareResults(base: Result, head: Result, opts: CompareOptions = {}): Comparison {
  const o = settings(opts);
  const rows: CompareRow[] = [];
  const bSat = saturatedTimes(base);
  const hSat = saturatedTimes(head);
  const pair = (scope: string, b: Stats & { timeseries: TimePoint[] }, h: Stats & { timeseries: TimePoint[] }) =>
    rows.push(...compareScope(scope, { ...b, saturated: bSat }, { ...h, saturated: hSat }, o, o.seed));
  const capacity = compareCapacity(base, head, o);
  // A search's intervals run at rising rates and it ends where its answer is: its
  // series (and so the whole run's) are not samples of one load, only its answer compares.
  if (capacity) rows.push(capacity);
  else pair('overall', { ...base.summary, timeseries: base.timeseries }, { ...head.summary, timeseries: head.timeseries });
  for (const [name, hs] of Object.entries(head.scenarios) as [string, ScenarioResult][]) {
    const bsc = base.scenarios[name];
    if (!bsc || (capacity && name === head.capacity?.scenario)) continue;
    pair(name, bsc, hs);
    for (const [step, st] of Object.entries(hs.steps)) {
      const bst = bsc.steps[step];
      if (bst) pair(`${name} / ${step}`, bst, st);
    }
  }
  const regressed = rows.filter((r) => r.verdict === 'regressed').length;
  const improved = rows.filter((r) => r.verdict === 'improved').length;
  const pct = (v: number) => `${+(v * 100).toFixed(2)}%`;
  return {
    rows,
    summary: { regressed, improved, unchanged: rows.length - regressed - improved },
    method:
      `Samples are intervals of the time series (first and last interval, empty intervals and intervals where the load generator was saturated dropped), not single requests. ` +
      `Latency and rps: percentile-bootstrap interval of the ratio head/base of the 10%-trimmed geometric means of interval values; error rate: of the difference of pooled rates, head − base ` +
      `(${o.resamples} seeded resamples; ${pct(1 - o.alpha)} confidence per scope, Bonferroni-corrected over ${METRICS.length} metrics). ` +
      `A row is flagged only when the whole interval lies beyond the practical floor: ±${pct(o.minRelative)}, and for latency at least ${o.minAbsoluteMs} ms, ` +
      `for the error rate at least ${pct(o.minAbsoluteErrorRate)} points; otherwise ~ (no clear change). Scopes present on one side only are not compared.` +
      (capacity ? ` A capacity search's sustainable rate is flagged only when it moved by more than one step of the search (and more than ${pct(o.minRelative)}); a search that ended on the load generator or at max_rate bounds the target's capacity from below only, so it is never read as a drop.` : ''),
    ...(opts.baseLabel ? { baseLabel: opts.baseLabel } : {}),
  };
}

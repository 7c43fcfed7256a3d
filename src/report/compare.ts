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
 *   (test/report/compare.test.ts): 2 of 100 same-distribution pairs flagged anything
 *   (3 of 2,500 rows; 3 of 100 and 4 of 3,000 while the one-step checkout scenario
 *   was also compared as its step); a +20% shift is flagged on overall p95 in 19 of 20 30-interval
 *   pairs and in every 60-interval pair.
 *   Testing the floor on the estimate instead caught more small-scope shifts but
 *   flagged 12 of 100 same-distribution pairs.
 * - Warm-up and tail: the first interval (connection setup, JIT) and the last (partial)
 *   are dropped, and so are intervals without requests.
 * - `not compared`, never `~`, when no verdict could be reached (issue 15 point 3):
 *   fewer than 5 intervals left, or latencies that include the generator's own delay
 *   (compare-guards.ts); the note says why, and reports put it in the headline.
 * - Δ is the verdict's estimate (same estimator and intervals as the interval), so it
 *   agrees with the interval; Base and Head are whole-run figures, and a row whose
 *   whole-run change lies outside the interval says so in its note (issue 15 point 7).
 */
import type { Result, TimePoint } from './result-schema.js';
import { bootstrapRateDifference, bootstrapRatio, median, trimmedGeoMean } from './compare-stats.js';
import { comparedScopes, type ScopeData } from './compare-scopes.js';
import { LAG_RATIO, latencyGuard, MIN_INTERVALS, tooFewReason } from './compare-guards.js';
import { compareCapacity } from './compare-capacity.js';

export { MIN_INTERVALS };

/** A row's verdict: worse, better, no clear change, or not compared (see the row's note for why). */
export type Verdict = 'regressed' | 'improved' | '~' | 'not compared';
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
  /**
   * The change the row shows. Compared rows: the verdict's own estimate, from the
   * same estimator and intervals as `interval` (head/base − 1 of the trimmed geometric
   * means; for the error rate the pooled difference relative to the base rate, null
   * when that is 0). Rows not compared: the whole-run change. Null when base is 0.
   */
  deltaPct: number | null;
  /** The verdict's estimate in the interval's units (a ratio or a difference); null when not compared. */
  estimate: number | null;
  /** (head − base) / base of the whole-run figures; null when base is 0. */
  wholeRunDeltaPct: number | null;
  /**
   * Bootstrap interval of the change: of head/base (`intervalKind: 'ratio'`) or of
   * head − base (`'difference'`, error rate). Null when not compared.
   */
  interval: [number, number] | null;
  intervalKind: 'ratio' | 'difference';
  verdict: Verdict;
  /** Why the row was not compared, or caveats (low confidence; a whole-run change outside the interval). */
  note?: string;
  /** Scopes with identical figures that this row stands for (a scenario's only step, a plan's only scenario). */
  same?: string[];
}

/** The whole comparison. */
export interface Comparison {
  rows: CompareRow[];
  summary: { regressed: number; improved: number; unchanged: number; notCompared: number };
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
/** A p99 of an interval with fewer requests rests on a single request or none. */
const P99_MIN_REQUESTS = 100;

/** A scope's figures and series, with the run's saturated interval times (`t`). */
type Scope = ScopeData & { saturated: ReadonlySet<number> };
type Settings = Required<Omit<CompareOptions, 'baseLabel' | 'confidence'>>;
type Guard = ReturnType<typeof latencyGuard>;
const NONE: ReadonlySet<number> = new Set();

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

function pointOf(s: ScopeData, metric: Exclude<CompareMetric, 'sustainable_rate'>): number {
  if (metric === 'rps') return s.rps;
  if (metric === 'error_rate') return s.error_rate;
  return s.latency_ms[metric];
}

const isLatency = (m: CompareMetric) => m === 'p50' || m === 'p95' || m === 'p99';
const pooled = (ps: TimePoint[]) => ps.reduce((a, p) => a + p.errors, 0) / Math.max(1, ps.reduce((a, p) => a + p.requests, 0));
const addNote = (row: CompareRow, note: string) => (row.note = row.note ? `${row.note}; ${note}` : note);
const pctText = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}%`;

/**
 * Point 7 of issue 15: the row's Δ is the estimate of the same estimator as its
 * interval, so they agree; what can still fall outside the interval is the whole-run
 * change of the Base and Head figures (a change in a few intervals or in the tail
 * moves a whole-run percentile more than the typical interval), and the row says so.
 */
function noteOutside(row: CompareRow): void {
  const iv = row.interval;
  if (!iv || row.estimate === null) return;
  const inside = (v: number) => v >= iv[0] && v <= iv[1];
  if (!inside(row.estimate)) addNote(row, 'the estimate lies outside its bootstrap interval (the resamples are skewed)');
  const whole = row.intervalKind === 'difference' ? row.head - row.base : row.base > 0 ? row.head / row.base : null;
  if (whole !== null && !inside(whole)) {
    const text = row.intervalKind === 'difference' ? `${whole >= 0 ? '+' : '−'}${Math.abs(whole * 100).toFixed(2)} pts` : pctText(whole - 1);
    addNote(row, `whole-run change ${text} is outside the interval: it comes from a few intervals or the tail, not from the typical interval the verdict uses`);
  }
}

function compareMetric(scope: string, metric: Exclude<CompareMetric, 'sustainable_rate'>, base: Scope, head: Scope, o: Settings, seed: string, guard: Guard): CompareRow {
  const b = pointOf(base, metric);
  const h = pointOf(head, metric);
  const baseIv = usable(base.timeseries, base.saturated);
  const headIv = usable(head.timeseries, head.saturated);
  const kind = metric === 'error_rate' ? 'difference' : 'ratio';
  const whole = b !== 0 ? (h - b) / b : null;
  const row: CompareRow = { scope, metric, base: b, head: h, deltaPct: whole, estimate: null, wholeRunDeltaPct: whole, interval: null, intervalKind: kind, verdict: 'not compared' };
  // The generator's reason first: it also explains why saturated intervals are missing.
  const why = isLatency(metric) ? guard(Math.min(b, h), o.minAbsoluteMs, o.minRelative) : undefined;
  if (why) {
    row.note = why;
    return row;
  }
  if (baseIv.length < MIN_INTERVALS || headIv.length < MIN_INTERVALS) {
    const leftOut = usable(base.timeseries, NONE).length - baseIv.length + usable(head.timeseries, NONE).length - headIv.length;
    row.note = tooFewReason(baseIv.length, headIv.length, leftOut);
    return row;
  }
  // Bonferroni over the metrics of one scope.
  const boot = { resamples: o.resamples, confidence: 1 - o.alpha / METRICS.length, seed };
  let worse = false;
  let better = false;
  if (metric === 'error_rate') {
    const side = (ps: TimePoint[]) => ({ num: ps.map((p) => p.errors), den: ps.map((p) => p.requests) });
    const iv = bootstrapRateDifference(side(baseIv), side(headIv), boot);
    if (!iv) {
      row.note = 'no intervals to pool';
      return row;
    }
    row.interval = iv;
    const baseRate = pooled(baseIv);
    row.estimate = pooled(headIv) - baseRate;
    row.deltaPct = baseRate > 0 ? row.estimate / baseRate : null;
    const floor = Math.max(o.minAbsoluteErrorRate, o.minRelative * baseRate);
    worse = iv[0] > floor;
    better = iv[1] < -floor;
  } else {
    const key = metric;
    const bv = baseIv.map((p) => p[key]);
    const hv = headIv.map((p) => p[key]);
    const iv = bootstrapRatio(bv, hv, boot);
    if (!iv) {
      row.note = 'no ratio: some intervals have a value of 0';
      return row;
    }
    row.interval = iv;
    const centreMs = trimmedGeoMean(bv);
    row.estimate = trimmedGeoMean(hv) / centreMs;
    row.deltaPct = row.estimate - 1;
    // Practical floor on the whole interval (a shifted-threshold test, as
    // BenchmarkDotNet does): beyond ±minRelative, and for latency by minAbsoluteMs at
    // the interval's near end. Clear follows: such an interval excludes 1.
    const [lo, hi] = iv;
    const up = lo > 1 + o.minRelative;
    const down = hi < 1 / (1 + o.minRelative);
    if (isLatency(metric)) {
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
  noteOutside(row);
  return row;
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

/**
 * Compares a head result with a baseline, per scope (overall, scenario, step; a scope
 * with the same figures as its parent only once) and metric.
 */
export function compareResults(base: Result, head: Result, opts: CompareOptions = {}): Comparison {
  const o = settings(opts);
  const rows: CompareRow[] = [];
  const bSat = saturatedTimes(base);
  const hSat = saturatedTimes(head);
  const guard = latencyGuard(base, head);
  const capacity = compareCapacity(base, head, o);
  // A search's intervals run at rising rates and it ends where its answer is: its
  // series (and so the whole run's) are not samples of one load, only its answer compares.
  if (capacity) rows.push(capacity);
  const searched = capacity ? head.capacity?.scenario : undefined;
  for (const sc of comparedScopes(base, head)) {
    if (searched !== undefined && (sc.scope === 'overall' || sc.scope === searched || sc.scope.startsWith(`${searched} / `))) continue;
    for (const m of METRICS) {
      const row = compareMetric(sc.scope, m, { ...sc.base, saturated: bSat }, { ...sc.head, saturated: hSat }, o, `${o.seed}:${sc.scope}:${m}`, guard);
      if (sc.same.length) row.same = sc.same;
      rows.push(row);
    }
  }
  const regressed = rows.filter((r) => r.verdict === 'regressed').length;
  const improved = rows.filter((r) => r.verdict === 'improved').length;
  const notCompared = rows.filter((r) => r.verdict === 'not compared').length;
  const pct = (v: number) => `${+(v * 100).toFixed(2)}%`;
  return {
    rows,
    summary: { regressed, improved, unchanged: rows.length - regressed - improved - notCompared, notCompared },
    method:
      `Samples are intervals of the time series (first and last interval, empty intervals and intervals where the load generator was saturated dropped), not single requests. ` +
      `Latency and rps: percentile-bootstrap interval of the ratio head/base of the 10%-trimmed geometric means of interval values; error rate: of the difference of pooled rates, head − base ` +
      `(${o.resamples} seeded resamples; ${pct(1 - o.alpha)} confidence per scope, Bonferroni-corrected over ${METRICS.length} metrics). ` +
      `A row is flagged only when the whole interval lies beyond the practical floor: ±${pct(o.minRelative)}, and for latency at least ${o.minAbsoluteMs} ms, ` +
      `for the error rate at least ${pct(o.minAbsoluteErrorRate)} points; otherwise ~ (no clear change). ` +
      `Δ is the estimate the verdict uses (the ratio of those trimmed geometric means, or the difference of pooled error rates); Base and Head are whole-run figures, and a row notes when their change lies outside the interval. ` +
      `Not compared: fewer than ${MIN_INTERVALS} usable intervals on a side, and latency when either run's load generator was saturated or its lag p99 was ${LAG_RATIO}× the other's. ` +
      `A scope with the same figures as its parent (a scenario's only step, a plan's only scenario) is shown once. Scopes present on one side only are not compared.` +
      (capacity ? ` A capacity search's sustainable rate is flagged only when it moved by more than one step of the search (and more than ${pct(o.minRelative)}); a search that ended on the load generator or at max_rate bounds the target's capacity from below only, so it is never read as a drop.` : ''),
    ...(opts.baseLabel ? { baseLabel: opts.baseLabel } : {}),
  };
}

/**
 * Threshold evaluation on measurements: on the final metrics (the verdict) and live
 * on the run so far (abort_on_fail). Latency metrics come from the `latency`
 * histogram of the scope (corrected in open models), in ms; rates are 0..1.
 */
import { encodeHistogram, HdrCounts, latencyStats, type Histogram, type LatencyStatsMs } from '../metrics/histogram.js';
import { addCounters, emptyCounters, type MetricsAccumulator } from '../metrics/merge.js';
import type { Counters, RunMetrics } from '../metrics/types.js';
import type { Threshold, ThresholdMetric } from '../plan/types.js';
import { stepsWithTags, type StepRef, type TaggedStep } from '../plan/tag-index.js';
import type { ThresholdResult } from '../report/result-schema.js';

/** Read access to measurements by scope. */
export interface MetricsView {
  counters(scenario?: string, step?: string): Counters | undefined;
  /** Latency histogram of the scope (µs); owned by the view. */
  latency(scenario?: string, step?: string): HdrCounts | Histogram | undefined;
  /** Scenario names (for any-scenario step scopes: a step name in every scenario that has it). */
  scenarioNames(): string[];
}

/** Counters and latency of several step scopes added together (exact: bucket-wise). */
function sumScopes(view: MetricsView, refs: Iterable<StepRef>): { counters?: Counters; latency?: HdrCounts } {
  let counters: Counters | undefined;
  let latency: HdrCounts | undefined;
  for (const r of refs) {
    const c = view.counters(r.scenario, r.step);
    if (!c) continue;
    addCounters((counters ??= emptyCounters()), c);
    const h = view.latency(r.scenario, r.step);
    if (h) (latency ??= new HdrCounts()).add(h instanceof HdrCounts ? h : HdrCounts.decode(encodeHistogram(h)));
  }
  return { counters, latency };
}

/**
 * A view whose `(undefined, step)` scope is that step summed over every scenario that
 * has it (the any-scenario step scope of thresholds), instead of the whole run.
 */
function withAnyScenarioSteps(view: MetricsView): MetricsView {
  const sums = new Map<string, ReturnType<typeof sumScopes>>();
  const sum = (step: string) => {
    let hit = sums.get(step);
    if (!hit) sums.set(step, (hit = sumScopes(view, view.scenarioNames().map((scenario) => ({ scenario, step })))));
    return hit;
  };
  return {
    scenarioNames: () => view.scenarioNames(),
    counters: (scenario, step) => (!scenario && step ? sum(step).counters : view.counters(scenario, step)),
    latency: (scenario, step) => (!scenario && step ? sum(step).latency : view.latency(scenario, step)),
  };
}

/** A view whose whole-run scope is the sum of the steps carrying a threshold's tags. */
function tagScopeView(view: MetricsView, t: Threshold, tagged: readonly TaggedStep[]): MetricsView {
  const sum = sumScopes(view, stepsWithTags(tagged, t.tag!, t.scenario, t.step));
  return { scenarioNames: () => view.scenarioNames(), counters: () => sum.counters, latency: () => sum.latency };
}

/** A view over whole-run metrics; histograms are decoded on first use. destroy() drops them. */
export function viewOfRunMetrics(m: RunMetrics): MetricsView & { destroy(): void } {
  const cache = new Map<string, HdrCounts | undefined>();
  const set = (scenario?: string, step?: string) => (scenario ? (step ? m.scenarios[scenario]?.steps[step] : m.scenarios[scenario]?.total) : m.total);
  return {
    scenarioNames: () => Object.keys(m.scenarios),
    counters: (scenario, step) => set(scenario, step)?.counters,
    latency(scenario, step) {
      const id = `${scenario ?? ''}\u0000${step ?? ''}`;
      if (!cache.has(id)) {
        const enc = set(scenario, step)?.hist.latency;
        cache.set(id, enc ? HdrCounts.decode(enc) : undefined);
      }
      return cache.get(id);
    },
    destroy() {
      cache.clear();
    },
  };
}

/** A view over a live accumulator (no encoding, no copies). */
export function viewOfAccumulator(acc: MetricsAccumulator): MetricsView {
  return {
    scenarioNames: () => acc.scenarioNames(),
    counters: (scenario, step) => acc.counters(scenario, step),
    latency: (scenario, step) => acc.counts('latency', scenario, step),
  };
}

/** Which latency figure a latency metric reads. */
const LATENCY_FIGURE: Partial<Record<ThresholdMetric, keyof LatencyStatsMs>> = { p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', 'p99.9': 'p99_9', min: 'min', max: 'max', mean: 'mean' };

/** The actual value of a threshold's metric, or null when its scope has no data. */
export function metricValue(t: Threshold, view: MetricsView, durationSec: number): number | null {
  const c = view.counters(t.scenario, t.step);
  if (!c) return null;
  switch (t.metric) {
    case 'error_rate':
      return c.requests ? c.errors / c.requests : null;
    case 'rps':
      return durationSec > 0 ? c.requests / durationSec : null;
    case 'requests':
      return c.requests;
    case 'dropped_iterations':
      return c.droppedIterations;
    case 'checks': {
      const n = c.checksPassed + c.checksFailed;
      return n ? c.checksPassed / n : null;
    }
    default: {
      const figure = LATENCY_FIGURE[t.metric];
      if (!figure) throw new RangeError(`threshold metric '${t.metric}' has no evaluator`);
      const h = view.latency(t.scenario, t.step);
      if (!h || h.totalCount === 0) return null;
      // The same figures (and rounding) the report shows, so a verdict never disagrees with its table.
      return latencyStats(h)[figure];
    }
  }
}

/** Whether `actual op limit` holds. */
export function compare(actual: number, op: Threshold['op'], limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}

function toResult(t: Threshold, actual: number | null): ThresholdResult {
  return {
    expression: t.expression,
    metric: t.metric,
    op: t.op,
    limit: t.value,
    ...(t.scenario ? { scenario: t.scenario } : {}),
    ...(t.step ? { step: t.step } : {}),
    ...(t.tag ? { tag: { ...t.tag } } : {}),
    actual,
    passed: actual !== null && compare(actual, t.op, t.value),
    abort_on_fail: t.abortOnFail,
  };
}

/**
 * Evaluates every threshold (the verdict). No data in a scope fails its threshold.
 * Tag-scoped thresholds read the steps `tagged` lists (plan/tag-index.ts taggedSteps);
 * without it they have no data.
 */
export function evaluateThresholds(thresholds: Threshold[], metrics: RunMetrics | MetricsView, durationSec: number, tagged: readonly TaggedStep[] = []): ThresholdResult[] {
  const owned = 'v' in metrics ? viewOfRunMetrics(metrics) : undefined;
  const view = withAnyScenarioSteps(owned ?? (metrics as MetricsView));
  try {
    return thresholds.map((t) => {
      if (!t.tag) return toResult(t, metricValue(t, view, durationSec));
      const { scenario: _sc, step: _st, ...whole } = t;
      return toResult(t, metricValue(whole, tagScopeView(view, t, tagged), durationSec));
    });
  } finally {
    owned?.destroy();
  }
}

/**
 * The abort_on_fail thresholds failing now, on the run so far. A threshold is judged
 * only after its delay_abort_eval and once its scope has data (no data yet is not a
 * failure while the run is young).
 */
export function evaluateLive(thresholds: Threshold[], metrics: RunMetrics | MetricsView, durationSec: number, elapsedMs: number, tagged: readonly TaggedStep[] = []): ThresholdResult[] {
  const live = thresholds.filter((t) => t.abortOnFail && elapsedMs >= t.delayAbortEvalMs);
  if (live.length === 0) return [];
  return evaluateThresholds(live, metrics, durationSec, tagged).filter((r) => r.actual !== null && !r.passed);
}

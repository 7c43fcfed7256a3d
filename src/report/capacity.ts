/**
 * The capacity search (issue 14): a `type: capacity` profile runs constant-rate steps
 * (plan/profiles.ts); each step is judged at its end on the snapshot intervals that lie
 * wholly inside it — the rate of a straddling interval is neither step's — against the
 * profile's criteria, scoped to its scenario. The search ends at the first step that
 * does not hold. A step the generator could not drive (a saturated interval, or more
 * than 1 % of its arrivals dropped for want of a VU) ends it as `generator_saturated`,
 * whatever the criteria say: its latencies include the generator's own delay, so a
 * failure there is never blamed on the target.
 *
 * The same judgement runs live (CapacityWatcher: the runner and the coordinator stop
 * the run) and on the finished intervals (capacityResult: the Result's `capacity`
 * block), so a result rebuilt from workers' artifacts gives the same answer.
 */
import { latencyStats, HdrCounts } from '../metrics/histogram.js';
import { mergeRunMetrics } from '../metrics/merge.js';
import type { RunMetrics, Snapshot } from '../metrics/types.js';
import type { CapacitySearch, Plan, Scenario } from '../plan/types.js';
import { taggedSteps, type TaggedStep } from '../plan/tag-index.js';
import { evaluateThresholds } from '../thresholds/evaluate.js';
import { SATURATION_ADVICE } from './generator-summary.js';
import type { CapacityResult, CapacityStep } from './result-schema.js';

/** A step that dropped more than this share of its planned arrivals was not driven at its rate. */
export const MAX_DROPPED_SHARE = 0.01;

/** The capacity search of a plan (at most one scenario has one; plan/resolve.ts). */
export function capacityScenario(plan: Pick<Plan, 'scenarios'>): (Scenario & { capacity: CapacitySearch }) | undefined {
  return plan.scenarios.find((s): s is Scenario & { capacity: CapacitySearch } => s.capacity !== undefined);
}

/** Sequence numbers of the intervals wholly inside step `index` (at least one: the one holding its middle). */
export function stepSeqs(scenario: Scenario & { capacity: CapacitySearch }, index: number, intervalMs: number): { first: number; last: number } {
  const d = scenario.capacity.stepDurationMs;
  const from = scenario.startTimeMs + index * d;
  const first = Math.ceil(from / intervalMs);
  const last = Math.floor((from + d) / intervalMs) - 1;
  if (last >= first) return { first, last };
  const mid = Math.floor((from + d / 2) / intervalMs);
  return { first: mid, last: mid };
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Judges one step on its intervals (all present, in any order). */
export function judgeStep(scenario: Scenario & { capacity: CapacitySearch }, index: number, snaps: readonly Snapshot[], tagged: readonly TaggedStep[]): CapacityStep {
  const rate = scenario.capacity.ratesPerSec[index];
  const durationS = snaps.reduce((a, s) => a + s.intervalMs, 0) / 1000;
  const metrics: RunMetrics = mergeRunMetrics(snaps.map((s) => ({ v: 1, total: s.total, scenarios: s.scenarios, errorSamples: [] })));
  const own = metrics.scenarios[scenario.name]?.total;
  const c = own?.counters;
  const l = latencyStats(own?.hist.latency ? HdrCounts.decode(own.hist.latency) : undefined);
  const failed = evaluateThresholds(scenario.capacity.criteria, metrics, durationS, tagged)
    .filter((r) => !r.passed)
    .map((r) => ({ expression: r.expression, actual: r.actual === null ? null : round(r.actual, 6) }));
  let lag = 0;
  let loop = 0;
  let saturated = false;
  for (const s of snaps) {
    if (!s.generator) continue;
    saturated ||= s.generator.saturated;
    lag = Math.max(lag, s.generator.lagP99Us);
    loop = Math.max(loop, s.generator.eventLoopP99Us);
  }
  const dropped = c?.droppedIterations ?? 0;
  // Arrivals dropped for want of a VU while every criterion held: the VU pool, not the
  // target, was the limit. With a criterion failing, the target's slowness is what kept
  // the VUs busy (Little's law), and the failure is the target's.
  const starved = dropped > MAX_DROPPED_SHARE * rate * durationS && failed.length === 0;
  const requests = c?.requests ?? 0;
  return {
    rate: round(rate),
    t: round((scenario.startTimeMs + index * scenario.capacity.stepDurationMs) / 1000, 2),
    duration_s: durationS,
    requests,
    errors: c?.errors ?? 0,
    error_rate: requests ? round((c?.errors ?? 0) / requests, 6) : 0,
    achieved_rate: durationS ? round((c?.iterations ?? 0) / durationS, 1) : 0,
    rps: durationS ? round(requests / durationS, 1) : 0,
    dropped_iterations: dropped,
    latency_ms: { p50: l.p50, p95: l.p95, p99: l.p99, max: l.max },
    generator_saturated: saturated || starved,
    ...(snaps.some((s) => s.generator) ? { generator: { lag_p99_ms: lag / 1000, event_loop_p99_ms: loop / 1000 } } : {}),
    failed,
    held: !saturated && !starved && failed.length === 0,
  };
}

/**
 * Follows merged interval snapshots as they arrive and says when the search is over:
 * `add` returns the step that did not hold (the caller stops the run), else undefined.
 * Keeps only the current step's snapshots.
 */
export class CapacityWatcher {
  private readonly scenario: Scenario & { capacity: CapacitySearch };
  private readonly tagged: readonly TaggedStep[];
  private index = 0;
  private pending = new Map<number, Snapshot>();
  private done = false;

  private constructor(plan: Plan, scenario: Scenario & { capacity: CapacitySearch }) {
    this.scenario = scenario;
    this.tagged = taggedSteps(plan);
  }

  /** A watcher for a plan with a capacity search; undefined for any other plan. */
  static of(plan: Plan): CapacityWatcher | undefined {
    const sc = capacityScenario(plan);
    return sc ? new CapacityWatcher(plan, sc) : undefined;
  }

  /** Takes the next merged interval; returns the step that ended the search, once. */
  add(snap: Snapshot): CapacityStep | undefined {
    const steps = this.scenario.capacity.ratesPerSec.length;
    while (!this.done && this.index < steps) {
      const { first, last } = stepSeqs(this.scenario, this.index, snap.intervalMs);
      if (snap.seq < first) return undefined;
      if (snap.seq <= last) this.pending.set(snap.seq, snap);
      if (snap.seq < last) return undefined;
      // The step's last interval is in (or passed): judge it, when none is missing.
      const got = [...this.pending.values()].filter((s) => s.seq >= first);
      this.pending = new Map();
      this.index++;
      const step = got.length === last - first + 1 ? judgeStep(this.scenario, this.index - 1, got, this.tagged) : undefined;
      if (step && !step.held) {
        this.done = true;
        return step;
      }
      if (snap.seq === last) return undefined;
    }
    return undefined;
  }
}

/** The reason a run is ended with when its search has its answer (an event, and the workers' abort command). */
export function capacitySearchDone(step: CapacityStep): string {
  return `capacity search done: ${failureText(step)}`;
}

const rateText = (r: number) => `${+r.toFixed(r >= 100 ? 0 : 2)}/s`;

/** Why a step did not hold, in words. */
export function failureText(s: CapacityStep): string {
  if (s.generator_saturated) {
    const g = s.generator ? ` (lag p99 ${s.generator.lag_p99_ms} ms, event-loop p99 ${s.generator.event_loop_p99_ms} ms${s.dropped_iterations ? `, ${s.dropped_iterations} arrivals dropped` : ''})` : '';
    return `the load generator could not drive ${rateText(s.rate)}${g}`;
  }
  return `${rateText(s.rate)} failed ${s.failed.map((f) => `${f.expression} (actual ${f.actual ?? 'no data'})`).join(', ')}`;
}

/**
 * The Result's `capacity` block from the run's merged intervals; undefined without a
 * capacity search. Steps that ended after `stopAtMs` (epoch: an abort's instant, else
 * the run's end) are not judged: they did not run to their end. A run's end comes a
 * moment before its last scheduled instant (the last arrival is 1/rate before it), so
 * the end is given half an interval of slack.
 */
export function capacityResult(plan: Plan, intervals: readonly Snapshot[], startAtMs: number, endedAtMs: number, abortedAtMs?: number): CapacityResult | undefined {
  const sc = capacityScenario(plan);
  if (!sc) return undefined;
  const tagged = taggedSteps(plan);
  const bySeq = new Map(intervals.map((s) => [s.seq, s]));
  const intervalMs = intervals[0]?.intervalMs ?? 1000;
  const steps: CapacityStep[] = [];
  let failing: CapacityStep | null = null;
  let reason: CapacityResult['stop_reason'] = 'max_reached';
  for (let i = 0; i < sc.capacity.ratesPerSec.length; i++) {
    const { first, last } = stepSeqs(sc, i, intervalMs);
    const got = [];
    for (let q = first; q <= last; q++) if (bySeq.has(q)) got.push(bySeq.get(q)!);
    const endMs = startAtMs + sc.startTimeMs + (i + 1) * sc.capacity.stepDurationMs;
    if (got.length < last - first + 1 || endMs > (abortedAtMs ?? endedAtMs + intervalMs / 2)) {
      reason = 'aborted';
      break;
    }
    const step = judgeStep(sc, i, got, tagged);
    steps.push(step);
    if (!step.held) {
      failing = step;
      reason = step.generator_saturated ? 'generator_saturated' : 'criterion_failed';
      break;
    }
  }
  const sustainable = [...steps].reverse().find((s) => s.held) ?? null;
  const held = sustainable ? `${rateText(sustainable.rate)} held (p95 ${sustainable.latency_ms.p95} ms, error rate ${(sustainable.error_rate * 100).toFixed(2)}%)` : 'no step held';
  const message =
    reason === 'max_reached'
      ? `Every step up to ${rateText(steps[steps.length - 1]?.rate ?? 0)} held: the target sustains at least that; raise max_rate to find its limit.`
      : reason === 'aborted'
        ? `The run ended before the search did (${steps.length} of ${sc.capacity.ratesPerSec.length} steps judged); ${held}.`
        : reason === 'generator_saturated'
          ? `The load generator was the limit, not the target: ${failureText(failing!)}; ${sustainable ? `${held}, so the target sustains at least ${rateText(sustainable.rate)}` : 'no step held before it, so this run says nothing about the target'}. To go further: ${SATURATION_ADVICE}.`
          : `${failureText(failing!)}; ${held}: the highest sustainable rate is ${sustainable ? rateText(sustainable.rate) : 'below the first step'}.`;
  return {
    scenario: sc.name,
    stop_reason: reason,
    sustainable_rate: sustainable?.rate ?? null,
    sustainable,
    failing,
    step: sc.capacity.step,
    criteria: sc.capacity.criteria.map((t) => t.expression),
    steps,
    message,
  };
}

/**
 * Engine output (or a coordinator's merge) → the versioned Result every output is
 * rendered from. Every figure comes from a histogram or a counter. Whole-run rates
 * (summary, scenario and step `rps`, the `rps` threshold) are over the run's span,
 * `endedAtMs − startAtMs` (the barrier instant to the end), rather than the sum of
 * interval spans: both are the same up to the last partial interval, and this one
 * needs no intervals, so a merged run and a single process recording the same
 * requests report the same numbers. A time-series point's rate is over its own
 * interval, clipped at the end of the run (the last interval is partial).
 */
import { latencyStatsOf } from '../metrics/histogram.js';
import type { MetricSetWire, RunMetrics, Snapshot } from '../metrics/types.js';
import type { RunEvent } from '../engine/types.js';
import type { Plan } from '../plan/types.js';
import { evaluateThresholds } from '../thresholds/evaluate.js';
import { ExitCode } from '../errors.js';
import type { Result, Stats, TagResult, TimePoint, WorkerResult } from './result-schema.js';
import { mergeMetricSets } from '../metrics/merge.js';
import { tagDimensions, taggedSteps, type TaggedStep } from '../plan/tag-index.js';
import { RESULT_SCHEMA_VERSION } from './result-version.js';
import { generatorPoint, summarizeGenerator } from './generator-summary.js';
import { deliveredLoad, loadSummary, type LostShare } from './planned-load.js';
import { capacityResult } from './capacity.js';

/** Everything a Result is made of. */
export interface BuildResultInput {
  plan: Plan;
  metrics: RunMetrics;
  intervals: Snapshot[];
  startAtMs: number;
  endedAtMs: number;
  events: RunEvent[];
  workers?: WorkerResult[];
  aborted?: { reason: string; bySignal: boolean; planError?: boolean };
  runId?: string;
  git?: Result['run']['git'];
  toolVersion?: string;
  startSkewMs?: number | null;
  /** Distributed runs: the workers lost on the way (planned vs delivered load goes in the Result). */
  lost?: LostShare[];
}

/** Figures of one metric set over `durationSec`. */
export function statsOf(m: MetricSetWire | undefined, durationSec: number): Stats {
  const c = m?.counters;
  const requests = c?.requests ?? 0;
  const errors = c?.errors ?? 0;
  const checks = (c?.checksPassed ?? 0) + (c?.checksFailed ?? 0);
  return {
    requests,
    errors,
    error_rate: requests ? errors / requests : 0,
    rps: durationSec > 0 ? requests / durationSec : 0,
    iterations: c?.iterations ?? 0,
    dropped_iterations: c?.droppedIterations ?? 0,
    bytes_in: c?.bytesIn ?? 0,
    bytes_out: c?.bytesOut ?? 0,
    checks: { passes: c?.checksPassed ?? 0, fails: c?.checksFailed ?? 0, rate: checks ? (c!.checksPassed / checks) : 1 },
    status: { ...(c?.status ?? {}) },
    errors_by_class: { ...(c?.errorsByClass ?? {}) } as Record<string, number>,
    latency_ms: latencyStatsOf(m?.hist.latency),
    service_ms: latencyStatsOf(m?.hist.service),
    ...(m?.hist.ttfb ? { ttfb_ms: latencyStatsOf(m.hist.ttfb) } : {}),
  };
}

/** One time-series point of a metric set of one interval. */
export function timePoint(m: MetricSetWire | undefined, snap: Snapshot, startAtMs: number, activeVus: number, endedAtMs = Infinity): TimePoint {
  // The last interval of a run is partial: its rate is over the part that happened.
  const spanMs = Math.max(1, Math.min(snap.intervalMs, endedAtMs - snap.startMs));
  const c = m?.counters;
  const l = latencyStatsOf(m?.hist.latency);
  return {
    t: Math.round((snap.startMs - startAtMs) / 10) / 100,
    requests: c?.requests ?? 0,
    rps: (c?.requests ?? 0) / (spanMs / 1000),
    errors: c?.errors ?? 0,
    errors_by_class: { ...(c?.errorsByClass ?? {}) } as Record<string, number>,
    active_vus: activeVus,
    dropped_iterations: c?.droppedIterations ?? 0,
    iterations: c?.iterations ?? 0,
    checks_failed: c?.checksFailed ?? 0,
    p50: l.p50,
    p90: l.p90,
    p95: l.p95,
    p99: l.p99,
    max: l.max,
    mean: l.mean,
    // Generator health belongs to the process, so only the run-level series carries it.
    ...(snap.generator && m === snap.total ? { generator: generatorPoint(snap.generator) } : {}),
  };
}

/** Status and exit code of a run from its thresholds and how it ended. */
export function verdict(thresholdsFailed: boolean, aborted?: { bySignal: boolean; planError?: boolean }, failOnSaturation = false, failPartial = false): { status: Result['run']['status']; exit_code: number } {
  // A plan that cannot work is the user's error (exit 2), whatever the thresholds say.
  if (aborted?.planError) return { status: 'error', exit_code: ExitCode.usage };
  if (aborted?.bySignal) return { status: 'aborted', exit_code: ExitCode.aborted };
  // Part of the plan never ran: no threshold verdict on the rest can pass it (issue 15).
  if (failPartial) return { status: 'partial', exit_code: ExitCode.partial };
  // The user asked not to trust a saturated run: its threshold verdict is the generator's too.
  if (failOnSaturation) return { status: 'failed', exit_code: ExitCode.generatorSaturated };
  if (thresholdsFailed) return { status: 'failed', exit_code: ExitCode.thresholdsFailed };
  if (aborted) return { status: 'aborted', exit_code: ExitCode.aborted };
  return { status: 'passed', exit_code: ExitCode.passed };
}

/** Exit code of a result (what the CLI returns). */
export function exitCodeOf(result: Result): number {
  return result.run.exit_code;
}

/** `summary.tags`: per tag key and value, the figures of the steps carrying it; undefined when no step has tags. */
export function tagResults(tagged: readonly TaggedStep[], metrics: RunMetrics, durationSec: number): Record<string, Record<string, TagResult>> | undefined {
  const dims = tagDimensions(tagged);
  if (dims.size === 0) return undefined;
  const out: Record<string, Record<string, TagResult>> = {};
  for (const [key, values] of dims) {
    out[key] = {};
    for (const [value, refs] of values) {
      const sets = refs.flatMap((r) => metrics.scenarios[r.scenario]?.steps[r.step] ?? []);
      const m = mergeMetricSets(sets);
      out[key][value] = { ...statsOf(m, durationSec), steps: refs.map((r) => `${r.scenario}/${r.step}`), ...(m.hist.latency ? { histogram: m.hist.latency } : {}) };
    }
  }
  return out;
}

/** Builds the Result. */
export function buildResult(input: BuildResultInput): Result {
  const { plan, metrics, intervals, startAtMs, endedAtMs } = input;
  const durationMs = Math.max(0, endedAtMs - startAtMs);
  const durationSec = durationMs / 1000;
  const tagged = taggedSteps(plan);
  const thresholds = evaluateThresholds(plan.thresholds, metrics, durationSec, tagged);
  const tags = tagResults(tagged, metrics, durationSec);
  const generator = summarizeGenerator(intervals, startAtMs, plan.generator);
  const load = input.lost ? loadSummary(plan, deliveredLoad(plan, metrics, intervals, endedAtMs), input.lost, plan.loadTolerance) : undefined;
  const v = verdict(thresholds.some((t) => !t.passed), input.aborted, plan.generator.onSaturation === 'fail' && generator?.saturated === true, load?.partial === true && plan.onWorkerLoss !== 'continue');
  const scenarios: Result['scenarios'] = {};
  for (const [name, sc] of Object.entries(metrics.scenarios)) {
    const steps: Result['scenarios'][string]['steps'] = {};
    for (const [step, m] of Object.entries(sc.steps)) {
      steps[step] = {
        ...statsOf(m, durationSec),
        timeseries: intervals.map((s) => timePoint(s.scenarios[name]?.steps[step], s, startAtMs, 0, endedAtMs)),
        ...(m.hist.latency ? { histogram: m.hist.latency } : {}),
      };
    }
    scenarios[name] = {
      ...statsOf(sc.total, durationSec),
      timeseries: intervals.map((s) => timePoint(s.scenarios[name]?.total, s, startAtMs, 0, endedAtMs)),
      ...(sc.total.hist.latency ? { histogram: sc.total.hist.latency } : {}),
      steps,
    };
  }
  const lag = metrics.total.hist.lag;
  const abortedAtMs = input.aborted ? Math.min(...input.events.filter((e) => e.type === 'abort').map((e) => e.atMs), endedAtMs) : undefined;
  const capacity = capacityResult(plan, intervals, startAtMs, endedAtMs, abortedAtMs);
  return {
    schema: 'loadtest-result',
    version: RESULT_SCHEMA_VERSION,
    tool: { name: 'loadtest-action', version: input.toolVersion ?? '0.1.0' },
    plan: { name: plan.name, file: plan.file, hash: plan.hash },
    run: {
      id: input.runId ?? `${startAtMs.toString(36)}`,
      started_at: new Date(startAtMs).toISOString(),
      ended_at: new Date(endedAtMs).toISOString(),
      duration_ms: durationMs,
      status: v.status,
      exit_code: v.exit_code,
      ...(input.aborted ? { abort_reason: input.aborted.reason } : {}),
      start_skew_ms: input.startSkewMs ?? null,
      ...(input.git ? { git: input.git } : {}),
    },
    summary: { ...statsOf(metrics.total, durationSec), ...(metrics.total.hist.latency ? { histogram: metrics.total.hist.latency } : {}), ...(tags ? { tags } : {}) },
    scenarios,
    thresholds,
    timeseries: intervals.map((s) => timePoint(s.total, s, startAtMs, s.activeVus, endedAtMs)),
    workers: input.workers ?? [],
    events: input.events.map((e) => ({
      t: Math.round((e.atMs - startAtMs) / 10) / 100,
      at: new Date(e.atMs).toISOString(),
      type: e.type,
      message: e.message,
      ...(e.workerId ? { worker: e.workerId } : {}),
      ...(e.data ? { data: e.data } : {}),
    })),
    error_samples: metrics.errorSamples.map((s) => ({ scenario: s.scenario, step: s.step, error_class: s.errorClass, message: s.message, count: s.count })),
    ...(lag ? { generator_lag_ms: latencyStatsOf(lag) } : {}),
    ...(generator ? { generator } : {}),
    ...(load ? { load } : {}),
    ...(capacity ? { capacity } : {}),
  };
}

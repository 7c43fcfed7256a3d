/**
 * The versioned result JSON: the one data model every output (HTML report, job
 * summary, PR comment, JUnit, JSON, baseline comparison) is rendered from.
 * Defined once in zod; the JSON Schema in `schema/result.schema.json` is generated
 * from it (`npm run build`), and results read from disk are validated with it.
 * Latency figures are ms (floats, from µs histograms); rates are 0..1.
 */
import * as z from 'zod';

import { RESULT_SCHEMA_VERSION } from './result-version.js';

export { RESULT_SCHEMA_VERSION };

const num = z.number();

/** Latency figures in ms, all from one histogram. */
export const LatencyStats = z.object({
  min: num, mean: num, p50: num, p90: num, p95: num, p99: num, p99_9: num, max: num,
});

/** Figures of one key (run, scenario or step). */
export const Stats = z.object({
  requests: num,
  errors: num,
  error_rate: num,
  rps: num,
  iterations: num,
  dropped_iterations: num,
  bytes_in: num,
  bytes_out: num,
  checks: z.object({ passes: num, fails: num, rate: num }),
  status: z.record(z.string(), num),
  errors_by_class: z.record(z.string(), num),
  /** Corrected latency (from intended start in open models). */
  latency_ms: LatencyStats,
  /** Uncorrected service time. */
  service_ms: LatencyStats,
  ttfb_ms: LatencyStats.optional(),
});

/** One interval of a time series. `t` is seconds since the run's start instant. */
export const TimePoint = z.object({
  t: num,
  requests: num,
  rps: num,
  errors: num,
  errors_by_class: z.record(z.string(), num),
  active_vus: num,
  dropped_iterations: num,
  iterations: num,
  checks_failed: num,
  /** Latency percentiles of this interval (ms); 0 when no request completed. */
  p50: num, p90: num, p95: num, p99: num, max: num, mean: num,
  /** The generator's health in this interval (run-level series only). */
  generator: z.object({
    event_loop_p99_ms: num,
    cpu_pct: num,
    lag_p99_ms: num,
    /** The interval's latencies include the generator's own delay. */
    saturated: z.boolean(),
    /** Distributed runs: the workers that were saturated in this interval. */
    workers: z.array(z.string()).optional(),
  }).optional(),
});

export const StepResult = Stats.extend({
  timeseries: z.array(TimePoint),
  /** Encoded HDR (µs) of this step's corrected latency, for re-merging and comparison. */
  histogram: z.string().optional(),
});

/** Figures of one tag value: the sum of the steps carrying it. */
export const TagResult = Stats.extend({
  /** The (scenario, step) keys summed, `scenario/step`. */
  steps: z.array(z.string()),
  /** Encoded HDR (µs) of the corrected latency of those steps, merged. */
  histogram: z.string().optional(),
});

export const ScenarioResult = Stats.extend({
  timeseries: z.array(TimePoint),
  histogram: z.string().optional(),
  steps: z.record(z.string(), StepResult),
});

export const ThresholdResult = z.object({
  expression: z.string(),
  metric: z.string(),
  op: z.string(),
  limit: num,
  scenario: z.string().optional(),
  step: z.string().optional(),
  /** Tag scope: the steps carrying all these tags. */
  tag: z.record(z.string(), z.string()).optional(),
  /** null when the metric had no data (counts as failed). */
  actual: num.nullable(),
  passed: z.boolean(),
  abort_on_fail: z.boolean(),
});

export const WorkerResult = z.object({
  id: z.string(),
  /** Share of the plan in 0..1 at the start. */
  share: num,
  requests: num,
  errors: num,
  /** Actual start − intended start instant, ms (corrected by the clock offset). */
  start_skew_ms: num.nullable(),
  clock_offset_ms: num.nullable(),
  status: z.enum(['ok', 'lost', 'missing', 'refused']),
  events: z.array(z.string()),
});

export const EventResult = z.object({
  t: num,
  at: z.string(),
  type: z.string(),
  message: z.string(),
  worker: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const ErrorSampleResult = z.object({
  scenario: z.string(),
  step: z.string(),
  error_class: z.string(),
  message: z.string(),
  count: num,
});

/** Generator saturation over the run. */
export const GeneratorSummary = z.object({
  /** True when any interval was saturated. */
  saturated: z.boolean(),
  /** `t` (s since start) of every saturated interval. */
  saturated_intervals: z.array(num),
  /** Intervals that carried generator health. */
  intervals: num,
  /** The limits an interval was judged against. */
  limits: z.object({ lag_p99_ms: num, event_loop_p99_ms: num }),
  /** Worst interval figures. */
  event_loop_p99_ms: num,
  lag_p99_ms: num,
  cpu_pct_max: num,
  /** Distributed runs: worker id → `t` of its saturated intervals. */
  by_worker: z.record(z.string(), z.array(num)).optional(),
  /** What to do about it, in words. */
  advice: z.string(),
});

/** Planned against delivered load (distributed runs; src/report/planned-load.ts). */
export const LoadResult = z.object({
  unit: z.enum(['iterations', 'vu_seconds']),
  planned: num,
  delivered: num,
  missing_ratio: num,
  tolerance: num,
  /** True when a lost worker left more than `tolerance` of the plan undelivered. */
  partial: z.boolean(),
  lost: z.array(z.object({ worker: z.string(), lost_at_s: num, last_data_at_s: num, share: num, redistributed: z.boolean(), missing_estimate: num })),
});

/** One step of a capacity search: its rate and the figures of its whole intervals (scenario totals). */
export const CapacityStep = z.object({
  /** Planned arrivals per second. */
  rate: num,
  /** Start of the step, s since the run's start instant. */
  t: num,
  /** Seconds of whole intervals the figures cover. */
  duration_s: num,
  requests: num,
  errors: num,
  error_rate: num,
  /** Completed iterations per second (what the rate asked for, as delivered). */
  achieved_rate: num,
  rps: num,
  dropped_iterations: num,
  latency_ms: z.object({ p50: num, p95: num, p99: num, max: num }),
  /** The generator was saturated in an interval of this step, or it met every criterion but dropped more than 1 % of its arrivals (max_vus). */
  generator_saturated: z.boolean(),
  /** Worst generator figures of the step's intervals (ms). */
  generator: z.object({ lag_p99_ms: num, event_loop_p99_ms: num }).optional(),
  /** Criteria this step failed, with their values (null: no data). */
  failed: z.array(z.object({ expression: z.string(), actual: num.nullable() })),
  /** Met every criterion with the generator keeping up. */
  held: z.boolean(),
});

/** The answer of a capacity search (profile `type: capacity`; src/report/capacity.ts). */
export const CapacityResult = z.object({
  scenario: z.string(),
  /** Why the search ended: a step failed a criterion; the generator, not the target, was the limit; every step up to max_rate held; or the run ended first. */
  stop_reason: z.enum(['criterion_failed', 'generator_saturated', 'max_reached', 'aborted']),
  /** The rate of the highest step that held (arrivals/s); null when none did. */
  sustainable_rate: num.nullable(),
  /** That step's figures. */
  sustainable: CapacityStep.nullable(),
  /** The step that ended the search (null when max_reached or aborted). */
  failing: CapacityStep.nullable(),
  /** The search's resolution: added (`rate`, arrivals/s) or multiplied (`factor`) per step. */
  step: z.object({ kind: z.enum(['rate', 'factor']), value: num }),
  criteria: z.array(z.string()),
  /** Every judged step, in order. */
  steps: z.array(CapacityStep),
  /** The answer in one sentence. */
  message: z.string(),
});

export const Result = z.object({
  schema: z.literal('loadtest-result'),
  version: z.literal(RESULT_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  plan: z.object({ name: z.string(), file: z.string(), hash: z.string() }),
  run: z.object({
    id: z.string(),
    started_at: z.string(),
    ended_at: z.string(),
    duration_ms: num,
    status: z.enum(['passed', 'failed', 'aborted', 'error', 'partial']),
    exit_code: num,
    abort_reason: z.string().optional(),
    /** Max |start skew| over workers, ms (null for single-process runs). */
    start_skew_ms: num.nullable().optional(),
    git: z.object({ sha: z.string().optional(), ref: z.string().optional(), run_url: z.string().optional() }).optional(),
  }),
  summary: Stats.extend({
    histogram: z.string().optional(),
    /** Tag key → value → figures of the steps carrying that tag (issue 14); absent when no step has tags. */
    tags: z.record(z.string(), z.record(z.string(), TagResult)).optional(),
  }),
  scenarios: z.record(z.string(), ScenarioResult),
  thresholds: z.array(ThresholdResult),
  timeseries: z.array(TimePoint),
  workers: z.array(WorkerResult),
  events: z.array(EventResult),
  error_samples: z.array(ErrorSampleResult),
  /** Generator lag (open model): actual − intended start, ms. */
  generator_lag_ms: LatencyStats.optional(),
  /** Was the load generator itself the bottleneck? (per-interval detail in `timeseries[].generator`). */
  generator: GeneratorSummary.optional(),
  /** Distributed runs: what was planned and what was delivered. */
  load: LoadResult.optional(),
  /** A capacity search's answer (plans with a `type: capacity` profile). */
  capacity: CapacityResult.optional(),
});

export type LatencyStats = z.infer<typeof LatencyStats>;
export type Stats = z.infer<typeof Stats>;
export type TimePoint = z.infer<typeof TimePoint>;
export type StepResult = z.infer<typeof StepResult>;
export type ScenarioResult = z.infer<typeof ScenarioResult>;
export type TagResult = z.infer<typeof TagResult>;
export type ThresholdResult = z.infer<typeof ThresholdResult>;
export type WorkerResult = z.infer<typeof WorkerResult>;
export type EventResult = z.infer<typeof EventResult>;
export type Result = z.infer<typeof Result>;
export type GeneratorSummary = z.infer<typeof GeneratorSummary>;
export type LoadResult = z.infer<typeof LoadResult>;
export type CapacityStep = z.infer<typeof CapacityStep>;
export type CapacityResult = z.infer<typeof CapacityResult>;

import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  external_exports
} from "./chunk-NDBRKXYU.js";

// src/report/result-schema.ts
var RESULT_SCHEMA_VERSION = 1;
var num = external_exports.number();
var LatencyStats = external_exports.object({
  min: num,
  mean: num,
  p50: num,
  p90: num,
  p95: num,
  p99: num,
  p99_9: num,
  max: num
});
var Stats = external_exports.object({
  requests: num,
  errors: num,
  error_rate: num,
  rps: num,
  iterations: num,
  dropped_iterations: num,
  bytes_in: num,
  bytes_out: num,
  checks: external_exports.object({ passes: num, fails: num, rate: num }),
  status: external_exports.record(external_exports.string(), num),
  errors_by_class: external_exports.record(external_exports.string(), num),
  /** Corrected latency (from intended start in open models). */
  latency_ms: LatencyStats,
  /** Uncorrected service time. */
  service_ms: LatencyStats,
  ttfb_ms: LatencyStats.optional()
});
var TimePoint = external_exports.object({
  t: num,
  requests: num,
  rps: num,
  errors: num,
  errors_by_class: external_exports.record(external_exports.string(), num),
  active_vus: num,
  dropped_iterations: num,
  iterations: num,
  checks_failed: num,
  /** Latency percentiles of this interval (ms); 0 when no request completed. */
  p50: num,
  p90: num,
  p95: num,
  p99: num,
  max: num,
  mean: num
});
var StepResult = Stats.extend({
  timeseries: external_exports.array(TimePoint),
  /** Encoded HDR (µs) of this step's corrected latency, for re-merging and comparison. */
  histogram: external_exports.string().optional()
});
var ScenarioResult = Stats.extend({
  timeseries: external_exports.array(TimePoint),
  histogram: external_exports.string().optional(),
  steps: external_exports.record(external_exports.string(), StepResult)
});
var ThresholdResult = external_exports.object({
  expression: external_exports.string(),
  metric: external_exports.string(),
  op: external_exports.string(),
  limit: num,
  scenario: external_exports.string().optional(),
  step: external_exports.string().optional(),
  /** null when the metric had no data (counts as failed). */
  actual: num.nullable(),
  passed: external_exports.boolean(),
  abort_on_fail: external_exports.boolean()
});
var WorkerResult = external_exports.object({
  id: external_exports.string(),
  /** Share of the plan in 0..1 at the start. */
  share: num,
  requests: num,
  errors: num,
  /** Actual start − intended start instant, ms (corrected by the clock offset). */
  start_skew_ms: num.nullable(),
  clock_offset_ms: num.nullable(),
  status: external_exports.enum(["ok", "lost", "missing", "refused"]),
  events: external_exports.array(external_exports.string())
});
var EventResult = external_exports.object({
  t: num,
  at: external_exports.string(),
  type: external_exports.string(),
  message: external_exports.string(),
  worker: external_exports.string().optional(),
  data: external_exports.record(external_exports.string(), external_exports.unknown()).optional()
});
var ErrorSampleResult = external_exports.object({
  scenario: external_exports.string(),
  step: external_exports.string(),
  error_class: external_exports.string(),
  message: external_exports.string(),
  count: num
});
var Result = external_exports.object({
  schema: external_exports.literal("loadtest-result"),
  version: external_exports.literal(RESULT_SCHEMA_VERSION),
  tool: external_exports.object({ name: external_exports.string(), version: external_exports.string() }),
  plan: external_exports.object({ name: external_exports.string(), file: external_exports.string(), hash: external_exports.string() }),
  run: external_exports.object({
    id: external_exports.string(),
    started_at: external_exports.string(),
    ended_at: external_exports.string(),
    duration_ms: num,
    status: external_exports.enum(["passed", "failed", "aborted", "error"]),
    exit_code: num,
    abort_reason: external_exports.string().optional(),
    /** Max |start skew| over workers, ms (null for single-process runs). */
    start_skew_ms: num.nullable().optional(),
    git: external_exports.object({ sha: external_exports.string().optional(), ref: external_exports.string().optional(), run_url: external_exports.string().optional() }).optional()
  }),
  summary: Stats.extend({ histogram: external_exports.string().optional() }),
  scenarios: external_exports.record(external_exports.string(), ScenarioResult),
  thresholds: external_exports.array(ThresholdResult),
  timeseries: external_exports.array(TimePoint),
  workers: external_exports.array(WorkerResult),
  events: external_exports.array(EventResult),
  error_samples: external_exports.array(ErrorSampleResult),
  /** Generator lag (open model): actual − intended start, ms. */
  generator_lag_ms: LatencyStats.optional()
});

export {
  RESULT_SCHEMA_VERSION,
  Result
};

/**
 * The resolved plan: what `loadPlan()` returns after YAML parsing, zod validation and
 * sugar expansion (profiles → executors, durations → ms, short threshold strings →
 * objects). Everything below the plan layer consumes only these types; nothing in
 * them refers to YAML. Units are in the names (DESIGN.md, CONVENTIONS.md rule 5).
 */

import type { Limits } from './limits.js';

/** HTTP methods a step may use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';

/**
 * A piece of request text that may contain `{{ }}` template expressions.
 * `raw` is the source text; `dynamic` is false when it has no `{{`, so the hot path
 * can use `raw` as-is without paying for templating.
 */
export interface TemplateText {
  raw: string;
  dynamic: boolean;
  /** A `json:` body: template output is JSON-escaped where it lands inside strings. */
  json?: boolean;
}

/** One linear segment of a load shape: from the previous target to `target` over `durationMs` (0 = jump). */
export interface Stage {
  durationMs: number;
  target: number;
}

/**
 * How a scenario produces iterations.
 * - `vus` (closed model): a VU count that follows `stages` from `startVus`
 *   (constant, ramp_up, ramp_down, step, spike and stages all resolve to this).
 * - `iterations` (closed model): `vus` VUs share `iterations` in total, or each runs
 *   `iterations` when `perVu`; stops at `maxDurationMs` regardless.
 * - `rate` (open model): arrivals per second following `stages` from
 *   `startRatePerSec`; each arrival takes a free VU, else it is dropped.
 */
export type Executor =
  | { type: 'vus'; startVus: number; stages: Stage[] }
  | { type: 'iterations'; vus: number; iterations: number; perVu: boolean; maxDurationMs: number }
  | {
      type: 'rate';
      startRatePerSec: number;
      /** Targets are arrivals per second (time_unit already applied). */
      stages: Stage[];
      preAllocatedVus: number;
      maxVus: number;
    };

/** Think time: a fixed pause or a random distribution (all ms). */
export type ThinkTime =
  | { type: 'fixed'; ms: number }
  | { type: 'uniform'; minMs: number; maxMs: number }
  | { type: 'normal'; meanMs: number; stddevMs: number }
  | { type: 'exponential'; meanMs: number };

/** Where an extractor reads a value from. */
export type Extractor =
  | { from: 'json'; path: string }
  | { from: 'regex'; pattern: string; group: number }
  | { from: 'header'; name: string }
  | { from: 'cookie'; name: string };

/** Comparison used by JSON checks: `{ "$.items.length": { gt: 0 } }`. */
export interface JsonCheck {
  path: string;
  op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists' | 'contains';
  value?: unknown;
}

/** Response checks of one step. Absent fields are not checked. */
export interface Checks {
  status?: number[];
  bodyContains?: string;
  bodyMatches?: string;
  json?: JsonCheck[];
  header?: Record<string, string>;
  maxDurationMs?: number;
}

/** One HTTP request of a scenario. */
export interface Step {
  kind: 'request';
  name: string;
  method: HttpMethod;
  /** Absolute, or relative to the plan's `target`. */
  url: TemplateText;
  query: Record<string, TemplateText>;
  headers: Record<string, TemplateText>;
  /** Request body: from `body` as given, or `json` serialised (Content-Type added). */
  body?: TemplateText;
  timeoutMs: number;
  followRedirects: boolean;
  /** Pause after this step (overrides nothing; adds to the scenario's per-iteration pause). */
  thinkTime?: ThinkTime;
  /** 0..1: chance this step runs in an iteration (funnels). */
  probability: number;
  extract: Record<string, Extractor>;
  checks?: Checks;
  tags: Record<string, string>;
  /** Where the step was defined (for runtime messages). */
  line?: number;
}

/** `repeat: n` around a list of steps. */
export interface StepGroup {
  kind: 'group';
  name: string;
  repeat: number;
  probability: number;
  steps: StepNode[];
}

export type StepNode = Step | StepGroup;

/** A named data source (CSV with header, or JSON array of objects), loaded once. */
export interface DataSource {
  name: string;
  file: string;
  order: 'sequential' | 'random' | 'unique';
  /** Rows, loaded at plan load, shared read-only. */
  rows: Record<string, unknown>[];
}

/** A pass/fail gate. Latency metrics are in ms; rates are 0..1. */
export type ThresholdMetric =
  | 'p50' | 'p90' | 'p95' | 'p99' | 'p99.9' | 'min' | 'max' | 'mean'
  | 'error_rate' | 'rps' | 'dropped_iterations' | 'checks' | 'requests';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Threshold {
  /** Canonical text, e.g. `p95 < 500 [browse/list-users]`. */
  expression: string;
  metric: ThresholdMetric;
  op: ThresholdOp;
  value: number;
  scenario?: string;
  step?: string;
  /** Tag scope: the requests of every step carrying all these tags (within scenario/step when given). */
  tag?: Record<string, string>;
  abortOnFail: boolean;
  /** Evaluate abort_on_fail only after this long (k6's delayAbortEval). */
  delayAbortEvalMs: number;
}

/** One scenario: a load shape and the steps each iteration runs. */
export interface Scenario {
  name: string;
  startTimeMs: number;
  /** Active duration (stages sum, or iterations' max duration). */
  durationMs: number;
  gracefulStopMs: number;
  /**
   * Set when the plan gives one: scenarios with the same profile that all set a
   * weight share that profile's VUs or arrivals in proportion (see weights.ts).
   */
  weight?: number;
  /** Pause after each iteration (seed semantics). */
  thinkTime?: ThinkTime;
  cookies: 'per_vu' | 'per_iteration' | 'off';
  onCheckFailure: 'continue' | 'stop_iteration';
  /** Data source bound to each iteration (name in `Plan.data`). */
  data?: string;
  /** Tags every step of the scenario carries (a step's own tag of the same name wins); absent when none. */
  tags?: Record<string, string>;
  executor: Executor;
  /** Set for a `capacity` profile: the steps of the search (the executor is their rate stages). */
  capacity?: CapacitySearch;
  steps: StepNode[];
}

/**
 * A capacity search (profile `type: capacity`): constant-rate steps of `stepDurationMs`
 * each, from scenario time 0, one per entry of `ratesPerSec`. Each step is judged at
 * its end on its own intervals against `criteria` (scoped to this scenario); the run
 * stops at the first step that fails or saturates the generator (src/report/capacity.ts).
 */
export interface CapacitySearch {
  /** Arrivals per second of each step, rising (time_unit applied). */
  ratesPerSec: number[];
  stepDurationMs: number;
  /** `step_rate` (added per step) or `step_factor` (multiplied), as the plan gave it. */
  step: { kind: 'rate'; value: number } | { kind: 'factor'; value: number };
  /** What every step must meet; each has `scenario` set to this scenario. */
  criteria: Threshold[];
}

/** HTTP client settings. */
export interface HttpSettings {
  /** `per_vu`: each VU has its own connections (browser-like); `shared`: one pool per origin. */
  connections: 'per_vu' | 'shared';
  /** Connection count for the shared pool per origin (0 = as many as VUs need). */
  poolSize: number;
  /** Cap on response bytes read for checks/extractors. */
  maxBodyBytes: number;
  insecure: boolean;
}

/**
 * When the generator counts as saturated (its own delay is in the latencies) and
 * what the run does about it (plan `generator:`).
 */
export interface GeneratorLimits {
  /** An interval whose generator lag p99 passes this is saturated. */
  maxLagP99Ms: number;
  /** An interval whose event-loop delay p99 passes this is saturated. */
  maxEventLoopP99Ms: number;
  /** `fail`: a saturated run exits with ExitCode.generatorSaturated. */
  onSaturation: 'warn' | 'fail';
}

/** A validated, resolved plan. */
export interface Plan {
  name: string;
  /** File it came from, or `<inline>`. */
  file: string;
  /** sha256 of the canonical plan (workers refuse a different plan). */
  hash: string;
  target?: string;
  /** Seed of every random stream (think time, probabilities, data order). */
  seed: number;
  thinkTimeMultiplier: number;
  /** Environment variable names templates may read. */
  env: string[];
  /** Values of the allowed env names, captured at load. */
  envValues: Record<string, string>;
  defaults: { timeoutMs: number; headers: Record<string, TemplateText>; thinkTime?: ThinkTime };
  http: HttpSettings;
  /** Open connections and run the hot path before the start instant (uncounted). */
  warmup: boolean;
  generator: GeneratorLimits;
  /** Distributed runs: `continue` reports a run that lost load to a lost worker as partial without failing it (default `fail`). */
  onWorkerLoss?: 'fail' | 'continue';
  /** Fraction of the planned load a run may miss before a loss makes it partial (default 0.05). */
  loadTolerance?: number;
  data: Record<string, DataSource>;
  setup: StepNode[];
  teardown: StepNode[];
  scenarios: Scenario[];
  thresholds: Threshold[];
  /** Set only when the plan's `limits:` raises a limit (so other plans keep their hash); see limits.ts. */
  limits?: Limits;
}

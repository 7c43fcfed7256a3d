/**
 * Wire types of measurements. Everything here merges by addition: N workers'
 * snapshots merged equal what one process recording everything would have recorded
 * (DESIGN.md "Measuring honestly"). Histograms travel as compressed base64 HDR
 * (hdr-histogram-js `encodeIntoCompressedBase64`), values in integer microseconds.
 */

/** Error classes (DESIGN.md). */
export type ErrorClass = 'network' | 'timeout' | 'http_4xx' | 'http_5xx' | 'check_failed' | 'client';

export const ERROR_CLASSES: readonly ErrorClass[] = ['network', 'timeout', 'http_4xx', 'http_5xx', 'check_failed', 'client'];

/** Counters of one key (global, a scenario, or a step) over some time span. */
export interface Counters {
  /** Completed requests, errors included. */
  requests: number;
  /** Requests that ended in any error class. */
  errors: number;
  errorsByClass: Partial<Record<ErrorClass, number>>;
  /** Status code → count (`"200"`; network errors have no status). */
  status: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  /** Completed iterations (scenario/global keys only). */
  iterations: number;
  /** Open model: arrivals with no free VU. */
  droppedIterations: number;
  checksPassed: number;
  checksFailed: number;
}

/** Histogram names kept per key. */
export type HistogramName =
  /** Latency of a request in µs; in open models measured from the intended start (CO-corrected). */
  | 'latency'
  /** Uncorrected service time of a request in µs (from actual send). */
  | 'service'
  /** Time to first byte (response headers) in µs. */
  | 'ttfb'
  /** Whole-iteration duration in µs (scenario/global keys). */
  | 'iteration'
  /** Open model: actual start − intended start in µs (generator lag). */
  | 'lag';

/** Mergeable measurements of one key, encoded for the wire. */
export interface MetricSetWire {
  counters: Counters;
  /** Encoded HDR histograms; absent when empty. */
  hist: Partial<Record<HistogramName, string>>;
}

/** Measurements of one scenario: its own totals and each step's. */
export interface ScenarioMetricsWire {
  total: MetricSetWire;
  steps: Record<string, MetricSetWire>;
}

/** Error message samples (first few per class and key), for reports. */
export interface ErrorSample {
  scenario: string;
  step: string;
  errorClass: ErrorClass;
  message: string;
  count: number;
}

/**
 * The generator's own health over one interval (DESIGN.md: "The generator's own health
 * (event-loop delay, CPU, lag) travels in every snapshot"). A saturated interval's
 * latencies include the generator's own delay; reports say so and the comparison
 * leaves such intervals out.
 */
export interface GeneratorHealth {
  /** Event-loop delay p99 over the interval, µs (perf_hooks.monitorEventLoopDelay). */
  eventLoopP99Us: number;
  /** Largest event-loop delay seen in the interval, µs. */
  eventLoopMaxUs: number;
  /** Process CPU time (user + system) over the interval, % of one core. */
  cpuPct: number;
  /** Open model: generator lag p99 of the interval, µs (0 without arrivals). */
  lagP99Us: number;
  /** True when the interval passed a saturation limit (plan `generator:` limits). */
  saturated: boolean;
  /** Merged snapshots: the workers whose interval was saturated. */
  saturatedWorkers?: string[];
}

/**
 * One interval's measurements from one process (or merged from several).
 * `startMs` is the epoch ms of the interval's start, aligned to the run's start
 * instant plus `seq * intervalMs`, so intervals of different workers line up.
 */
export interface Snapshot {
  v: 1;
  seq: number;
  startMs: number;
  intervalMs: number;
  /** VUs busy or idle but allocated at the end of the interval (sum over workers when merged). */
  activeVus: number;
  total: MetricSetWire;
  scenarios: Record<string, ScenarioMetricsWire>;
  errorSamples?: ErrorSample[];
  /** The generator's health in this interval (merged: the worst worker's figures). */
  generator?: GeneratorHealth;
}

/** Whole-run measurements: same shape as a snapshot without the interval fields. */
export interface RunMetrics {
  v: 1;
  total: MetricSetWire;
  scenarios: Record<string, ScenarioMetricsWire>;
  errorSamples: ErrorSample[];
}

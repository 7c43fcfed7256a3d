/**
 * The engine's public contract: `startRun(plan, options) → RunHandle`, and
 * `run(plan, options)` = `startRun(...).done`. The CLI, the cluster worker and the
 * Action all drive the engine only through this.
 */
import type { RunMetrics, Snapshot } from '../metrics/types.js';

/**
 * Which part of every scenario this process runs (k6-style execution segment).
 * Units (VU ids, arrivals, shared iterations, unique data rows) are numbered
 * 0,1,2,… globally and dealt out by an interleaved stripe over integer `weights`;
 * this process owns the units whose stripe slot belongs to `index`. Shards of all
 * indexes add up to the whole plan exactly. See `src/engine/shard.ts`.
 */
export interface Shard {
  index: number;
  weights: number[];
}

/** A timeline event (worker lost, redistribution, abort, threshold breach…). */
export interface RunEvent {
  /** Epoch ms. */
  atMs: number;
  type: 'start' | 'worker_joined' | 'worker_lost' | 'redistributed' | 'reduced_load' | 'abort' | 'threshold_failed' | 'late_snapshot' | 'duplicate_snapshot' | 'snapshot_refused' | 'stop' | 'info';
  message: string;
  workerId?: string;
  data?: Record<string, unknown>;
}

export interface RunOptions {
  /** Aborts the run (graceful stop applies); the result is partial. */
  signal?: AbortSignal;
  /** Default: the whole plan (`{ index: 0, weights: [1] }`). */
  shard?: Shard;
  /** Epoch ms at which scenario time 0 starts (barrier start). Default: now. */
  startAtMs?: number;
  /** Snapshot interval; default 1000 ms. */
  intervalMs?: number;
  /** Called once when scenario time 0 actually begins, with `nowMs()` then (cluster workers report start skew). */
  onStart?: (startedAtMs: number) => void;
  /** Called for every interval snapshot, in order. */
  onSnapshot?: (snapshot: Snapshot) => void;
  /**
   * Called with the snapshots of the warm-up's rehearsal (a scratch recorder's, in no
   * count), so a consumer can run its own snapshot code once before t = 0 while it is
   * cold; it must neither keep nor show them.
   */
  onRehearsalSnapshot?: (snapshot: Snapshot) => void;
  /** Snapshots carry only the histograms that are recorded, not their sums (cluster workers; see Recorder.cut). */
  compactSnapshots?: boolean;
  /** Override the plan's target base URL. */
  target?: string;
  /** Clock: epoch ms now (tests and workers with a measured offset may override). */
  nowMs?: () => number;
}

/** What a run produced, before thresholds and reporting. */
export interface EngineResult {
  /** Epoch ms of scenario time 0 (the barrier instant) and of the actual first start. */
  startAtMs: number;
  startedAtMs: number;
  endedAtMs: number;
  /** Whole-run histograms and counters. */
  metrics: RunMetrics;
  /** Every interval snapshot, in order (also delivered through `onSnapshot`). */
  intervals: Snapshot[];
  events: RunEvent[];
  /**
   * Set when the run was stopped early: by a signal, by abort() (e.g. abort_on_fail), or
   * because a step failed the same client-side way on every try (`planError`: exit 2).
   */
  aborted?: { reason: string; bySignal: boolean; planError?: boolean };
}

/** A run in progress. */
export interface RunHandle {
  readonly done: Promise<EngineResult>;
  /** Change this process's share mid-run (redistribution after a lost worker). */
  setShard(shard: Shard): void;
  /** Stop early: in-flight iterations get `graceful_stop`, then are cut. Idempotent. */
  abort(reason: string): void;
  /** Stop early as a finished run (graceful stop applies; the result is not marked aborted). Idempotent. */
  end(reason: string): void;
  /** Currently active VUs. */
  activeVus(): number;
}

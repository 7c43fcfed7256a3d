/**
 * The coordinator's record of each worker, and what it turns into at the end: the
 * worker's metrics (its own final result when it sent one, else the sum of the
 * snapshots received before it was lost — nothing it measured and delivered is
 * dropped) and its row in the Result's worker table.
 */
import { mergeRunMetrics } from '../metrics/merge.js';
import type { Counters, RunMetrics, Snapshot } from '../metrics/types.js';
import type { WorkerResult } from '../report/result-schema.js';
import type { Capacity, MessageOf } from './protocol.js';

/** Where a worker is in its life. */
export type WorkerStatus = 'registered' | 'ready' | 'running' | 'finished' | 'lost' | 'failed' | 'idle';

/** Everything the coordinator knows about one worker. */
export interface WorkerState {
  id: string;
  instance: string;
  capacity: Capacity;
  status: WorkerStatus;
  /** Shard index once assigned. */
  index?: number;
  /** Share of the plan at the start. */
  initialShare: number;
  offsetMs?: number;
  rttMs?: number;
  lastSeenMs: number;
  actualStartMs?: number;
  activeVus: number;
  /** Snapshots received, by seq (duplicates dropped). */
  snapshots: Map<number, Snapshot>;
  late: number;
  result?: MessageOf<'result'>;
  /** Human-readable notes for the worker table. */
  notes: string[];
  lostAtMs?: number;
}

/** A new record for a registering worker. */
export function newWorkerState(msg: MessageOf<'register'>, nowMs: number): WorkerState {
  return { id: msg.workerId, instance: msg.instance, capacity: msg.capacity, status: 'registered', initialShare: 0, lastSeenMs: nowMs, activeVus: 0, snapshots: new Map(), late: 0, notes: [] };
}

/** Sum of the snapshots received from a worker, as whole-run metrics. */
export function snapshotTotals(w: WorkerState): RunMetrics {
  const list = [...w.snapshots.values()].map((s) => ({ v: 1 as const, total: s.total, scenarios: s.scenarios, errorSamples: s.errorSamples ?? [] }));
  return mergeRunMetrics(list);
}

/** The worker's measurements: its final result, or what it delivered before it was lost. */
export function workerMetrics(w: WorkerState): RunMetrics | undefined {
  if (w.result) return w.result.metrics;
  if (w.snapshots.size > 0) return snapshotTotals(w);
  return undefined;
}

/** Start skew of a worker: actual start − intended start, both in coordinator time (ms). */
export function startSkewMs(w: WorkerState, startAtMs: number): number | null {
  return w.actualStartMs === undefined ? null : Math.round((w.actualStartMs - startAtMs) * 1000) / 1000;
}

/** Row of the Result's worker table. */
export function workerRow(w: WorkerState, startAtMs: number, counters: Counters | undefined): WorkerResult {
  const status: WorkerResult['status'] = w.status === 'lost' || w.status === 'failed' ? 'lost' : w.index === undefined ? 'missing' : 'ok';
  return {
    id: w.id,
    share: Math.round(w.initialShare * 10000) / 10000,
    requests: counters?.requests ?? 0,
    errors: counters?.errors ?? 0,
    start_skew_ms: startSkewMs(w, startAtMs),
    clock_offset_ms: w.offsetMs === undefined ? null : Math.round(w.offsetMs * 1000) / 1000,
    status,
    events: w.notes,
  };
}

/** p-th percentile (nearest rank) of |values|; null for none. */
export function percentileAbs(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

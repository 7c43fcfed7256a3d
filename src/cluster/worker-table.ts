/**
 * The coordinator's record of each worker, and its row in the Result's worker table
 * (its own final result's counters when it sent one, else those of the snapshots
 * received before it was lost).
 */
import { addCounters, emptyCounters } from '../metrics/merge.js';
import type { Counters, Snapshot } from '../metrics/types.js';
import type { WorkerResult } from '../report/result-schema.js';
import type { LostShare } from '../report/planned-load.js';
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
  /**
   * Seqs of the snapshots received, each with a digest of its content (snapshot-admission.ts):
   * a second delivery of a seq is never merged; one with other content is refused.
   */
  seqs: Map<number, string>;
  /** Counters summed over the received snapshots (their histograms live in the merged intervals). */
  snapshotCounters: Counters;
  /** End (epoch ms) of the latest interval received. */
  lastSnapshotEndMs?: number;
  late: number;
  result?: MessageOf<'result'>;
  /** Human-readable notes for the worker table. */
  notes: string[];
  lostAtMs?: number;
  /** Its share of the plan when it was lost, and whether the survivors took it over. */
  lostShare?: number;
  redistributed?: boolean;
}

/** A new record for a registering worker. */
export function newWorkerState(msg: MessageOf<'register'>, nowMs: number): WorkerState {
  return { id: msg.workerId, instance: msg.instance, capacity: msg.capacity, status: 'registered', initialShare: 0, lastSeenMs: nowMs, activeVus: 0, seqs: new Map(), snapshotCounters: emptyCounters(), late: 0, notes: [] };
}

/** Counts a received snapshot in its worker's record (the live coordinator and the mailbox replay alike). */
export function countSnapshot(w: WorkerState, seq: number, digest: string, snap: Snapshot): void {
  w.seqs.set(seq, digest);
  addCounters(w.snapshotCounters, snap.total.counters);
  w.lastSnapshotEndMs = Math.max(w.lastSnapshotEndMs ?? 0, snap.startMs + snap.intervalMs);
}

/** A worker's counters for its row: its final result's, else its snapshots' sum, else none. */
export function deliveredCounters(w: WorkerState, final: Counters | undefined): Counters | undefined {
  return final ?? (w.seqs.size ? w.snapshotCounters : undefined);
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

/**
 * What the lost or failed workers among `participants` left undone (the Result's
 * planned-vs-delivered load): the coordinator's at the end of a run, and `mode: report`'s
 * from the mailbox.
 */
export function lostShares(participants: readonly WorkerState[], startAtMs: number): LostShare[] {
  return participants
    .filter((w) => (w.status === 'lost' || w.status === 'failed') && w.lostAtMs !== undefined)
    .map((w) => ({ worker: w.id, lostAtMs: w.lostAtMs! - startAtMs, lastDataAtMs: Math.max(0, (w.lastSnapshotEndMs ?? startAtMs) - startAtMs), share: w.lostShare ?? w.initialShare, redistributed: w.redistributed === true }));
}

/** p-th percentile (nearest rank) of |values|; null for none. */
export function percentileAbs(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

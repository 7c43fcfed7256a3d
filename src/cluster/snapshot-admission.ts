/**
 * What the coordinator checks before a snapshot counts (issue 13, relay hardening):
 * a snapshot is merged once per (worker, seq), and only from a worker that was
 * assigned a shard. A second delivery of a seq is normal — the outbox retries a batch
 * whose answer was lost (outbox.ts) — so one with the same content is answered as
 * accepted but never merged again; one with other content is a forgery or a bug, and
 * is refused. Both are logged with the worker id and the seq.
 */
import { createHash } from 'node:crypto';
import type { RunEvent } from '../engine/types.js';
import type { Snapshot } from '../metrics/types.js';

/** Digest of a snapshot's content (JSON of the validated message: equal deliveries give equal text). */
export function snapshotDigest(snap: Snapshot): string {
  return createHash('sha256').update(JSON.stringify(snap)).digest('base64url');
}

/** Emits a run event (the coordinator's `event()`). */
export type EmitEvent = (type: RunEvent['type'], message: string, workerId: string, data: Record<string, unknown>) => RunEvent;

/**
 * Events that come in bursts (late snapshots, retried deliveries): one event per
 * worker and type per `windowMs`, counting the rest, so a partition's backlog of
 * hundreds makes one line in the report, not hundreds.
 */
export class BurstEvents {
  private readonly open = new Map<string, RunEvent>();

  constructor(
    private readonly emit: EmitEvent,
    private readonly now: () => number,
    private readonly windowMs = 10_000,
  ) {}

  /** Counts snapshot `seq` of `workerId` into its burst of `type`; `message(count)` says what happened. */
  note(type: RunEvent['type'], workerId: string, seq: number, message: (count: number) => string): void {
    const key = `${type} ${workerId}`;
    const e = this.open.get(key);
    if (e && this.now() - e.atMs < this.windowMs) {
      const d = e.data as { count: number; lastSeq: number };
      d.count++;
      d.lastSeq = seq;
      e.message = message(d.count);
      return;
    }
    this.open.set(key, this.emit(type, message(1), workerId, { firstSeq: seq, lastSeq: seq, count: 1 }));
  }
}

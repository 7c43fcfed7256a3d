/**
 * The one interface between the cluster logic (coordinator.ts, worker.ts) and how
 * bytes travel. `local` (in-process), `http` (the relay) and `artifacts` (GitHub
 * artifact mailbox, built on top of this interface) are implementations.
 *
 * The contract is deliberately small so a coarse mailbox can implement it:
 * - a worker makes single delivery attempts (`send`), and the worker logic's outbox
 *   (outbox.ts) owns retries, ordering and buffering — so every transport gets
 *   "buffer while the relay is away, deliver in order later" for free;
 * - the coordinator's `send`/`broadcast` never fail: commands are queued per worker
 *   and delivered in order, exactly once, whenever the worker is reachable;
 * - refusals travel back to the sender: the coordinator's handler returns
 *   `{ refuse }`, and the worker's `send` rejects with `RelayRefusedError`.
 */
import { LtError } from '../errors.js';
import type { Command, WorkerMessage } from './protocol.js';

/** What a transport can do; the coordinator and workers adapt their timing to it. */
export interface TransportCaps {
  /** Sub-second delivery both ways: per-second snapshots, abort within 1 s. False for the artifacts mailbox. */
  live: boolean;
  /** Heartbeat period the worker should use, ms (1000 on live transports). */
  heartbeatMs: number;
  /** Silence after which the coordinator declares a worker lost, ms (3 heartbeats). */
  lostAfterMs: number;
  /**
   * How late a healthy worker's snapshot may arrive after its interval ended, ms: the
   * coordinator waits this long for an incomplete interval before merging it without
   * the missing worker (default 1 interval; a batching relay delivers a period late).
   */
  deliveryLagMs?: number;
}

/** Caps of a live transport (local, http). */
export const LIVE_CAPS: TransportCaps = Object.freeze({ live: true, heartbeatMs: 1000, lostAfterMs: 3000 });

/** The coordinator's verdict on one message: nothing (accepted) or a refusal the sender will see. */
export type Verdict = void | { refuse: string };

/**
 * Called for every valid message, in the order each worker sent them. `receivedAgoMs`
 * is how long before this call the message reached the transport (request arrival,
 * before body parsing and validation), so clock probes are timestamped at arrival.
 */
export type MessageHandler = (msg: WorkerMessage, receivedAgoMs?: number) => Verdict;

/** The coordinator's side. */
export interface CoordinatorTransport {
  readonly caps: TransportCaps;
  /** Starts accepting messages. Call once. */
  start(handler: MessageHandler): Promise<void>;
  /** Queues a command for one worker (delivered in order, exactly once, whenever it is reachable). */
  send(workerId: string, cmd: Command): void;
  /** Queues a command for every worker whose `register` was accepted. */
  broadcast(cmd: Command): void;
  /**
   * Stops accepting and releases everything. Idempotent. `reason` says why the run
   * ended, for a transport that leaves a note to workers that come later (artifacts).
   */
  close(reason?: string): Promise<void>;
}

/** The worker's side. */
export interface WorkerTransport {
  readonly caps: TransportCaps;
  /**
   * Opens the command channel; `onCommand` receives commands in order, exactly once,
   * across reconnects (the transport reconnects by itself until closed). `onError`
   * hears a fatal channel failure (e.g. RelayUntrustedError); no command follows it.
   */
  connect(workerId: string, onCommand: (cmd: Command) => void, onError?: (err: LtError) => void): void;
  /**
   * One delivery attempt of messages, in order. Resolves when the coordinator has
   * accepted all of them; rejects with RelayRefusedError (do not retry), RelayAuthError
   * (do not retry) or RelayUnavailableError (retry later).
   */
  send(msgs: WorkerMessage[]): Promise<void>;
  /** Stops reconnecting and releases everything. Idempotent. */
  close(): Promise<void>;
}

/** The coordinator refused a message (wrong plan, duplicate id, run already started…). */
export class RelayRefusedError extends LtError {
  constructor(readonly reason: string) {
    super('LT_ERR_CLUSTER', `coordinator refused this worker: ${reason}`);
    this.name = 'RelayRefusedError';
  }
}

/** The relay rejected our token. */
export class RelayAuthError extends LtError {
  constructor(detail: string) {
    super('LT_ERR_RELAY', `relay refused the token (${detail}); pass the token the coordinator printed (--token)`);
    this.name = 'RelayAuthError';
  }
}

/**
 * The relay could not prove it knows the token (an answer not signed with it, see
 * relay-auth.ts): a wrong or hostile `--relay` URL. Fatal; the worker runs nothing it sent.
 */
export class RelayUntrustedError extends LtError {
  constructor(readonly relay: string, detail: string) {
    super('LT_ERR_RELAY', `the relay at ${relay} did not prove it knows the token (${detail}): it is not the coordinator that printed this token, so this worker stops without running anything it sent (the token itself was never sent)`);
    this.name = 'RelayUntrustedError';
  }
}

/** The relay could not be reached or did not answer in time; retry later. */
export class RelayUnavailableError extends LtError {
  constructor(detail: string, cause?: unknown) {
    super('LT_ERR_RELAY', `relay unavailable: ${detail}`, { cause });
    this.name = 'RelayUnavailableError';
  }
}

/**
 * Not a failure: a batching transport (artifacts) holds messages until its next upload
 * slot, `retryAfterMs` from now. The outbox waits exactly that, without counting a
 * failure (so uploads keep their period instead of following the retry backoff).
 */
export class RelayBatchingError extends RelayUnavailableError {
  constructor(readonly retryAfterMs: number) {
    super(`batching (next upload in ${Math.ceil(retryAfterMs)} ms)`);
    this.name = 'RelayBatchingError';
  }
}

/** Per-worker ordered command queue with sequence numbers (shared by transports). */
export class CommandQueues {
  private readonly queues = new Map<string, { seq: number; cmd: Command }[]>();
  private readonly listeners = new Map<string, () => void>();

  /** Appends a command for `workerId` and wakes its listener. */
  push(workerId: string, cmd: Command): void {
    let q = this.queues.get(workerId);
    if (!q) this.queues.set(workerId, (q = []));
    q.push({ seq: q.length + 1, cmd });
    this.listeners.get(workerId)?.();
  }

  /** Commands of `workerId` with seq > `after`. */
  since(workerId: string, after: number): { seq: number; cmd: Command }[] {
    const q = this.queues.get(workerId) ?? [];
    return after <= 0 ? q.slice() : q.slice(after);
  }

  /** Sets the single listener woken on push (a newer connection replaces an older one). */
  listen(workerId: string, fn: (() => void) | undefined): void {
    if (fn) this.listeners.set(workerId, fn);
    else this.listeners.delete(workerId);
  }

  /** Removes `fn` as listener of `workerId` unless a newer one replaced it. */
  unlisten(workerId: string, fn: () => void): void {
    if (this.listeners.get(workerId) === fn) this.listeners.delete(workerId);
  }

  clear(): void {
    this.queues.clear();
    this.listeners.clear();
  }
}

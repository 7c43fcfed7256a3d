/**
 * The worker's outbox: every message goes through it, in order, with retries. While
 * the relay is unreachable messages pile up here (the run goes on); when it comes
 * back they are delivered in the order they were produced, in batches. Because a
 * delivery can succeed on the coordinator while its answer is lost, a batch may
 * arrive twice; the coordinator drops duplicates by (worker, seq).
 *
 * Bounded: after `giveUpMs` of continuous failure the outbox fails (LT_ERR_RELAY)
 * instead of retrying forever.
 */
import { LtError } from '../errors.js';
import type { WorkerMessage } from './protocol.js';
import { RelayBatchingError, RelayUnavailableError, type WorkerTransport } from './transport.js';

/** Options of an outbox. */
export interface OutboxOptions {
  /** Give up after this long without a successful delivery while messages wait (default 120 s). */
  giveUpMs?: number;
  /** Most messages per delivery attempt (default 32). */
  maxBatch?: number;
  /** First retry delay, doubled up to `maxBackoffMs` (defaults 100 / 2000 ms). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Called once when delivery fails for good (refused, bad token, or gave up). */
  onFatal?: (err: LtError) => void;
  log?: (line: string) => void;
}

/** Ordered, retrying delivery of worker messages. */
export class Outbox {
  private readonly queue: WorkerMessage[] = [];
  private pumping = false;
  private fatal?: LtError;
  private closed = false;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private retryTimer?: NodeJS.Timeout;
  private retryWake?: () => void;
  /** Most messages that waited at once (for reports and tests). */
  maxBuffered = 0;
  /** Failed delivery attempts so far. */
  failures = 0;
  /** Successful deliveries so far (a heartbeat is not needed when one happened since the last). */
  deliveries = 0;

  constructor(
    private readonly transport: WorkerTransport,
    private readonly opts: OutboxOptions = {},
  ) {}

  /** Messages waiting for delivery. */
  get buffered(): number {
    return this.queue.length;
  }

  /** Queues a message for in-order delivery. */
  push(msg: WorkerMessage): void {
    if (this.fatal || this.closed) return;
    this.queue.push(msg);
    this.maxBuffered = Math.max(this.maxBuffered, this.queue.length);
    void this.pump();
  }

  /**
   * Sends a liveness message only when nothing is waiting: a backlog being delivered
   * is itself a sign of life, and a stale heartbeat must not queue up behind it.
   */
  pushVolatile(msg: WorkerMessage): void {
    if (this.queue.length === 0) this.push(msg);
  }

  /** Resolves when everything queued so far is delivered; rejects on a fatal error. */
  flush(): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.queue.length === 0 && !this.pumping) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Stops retrying; pending flushes reject. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryWake?.();
    this.settle(new LtError('LT_ERR_RELAY', `outbox closed with ${this.queue.length} message(s) undelivered`));
  }

  private settle(err?: LtError): void {
    for (const w of this.waiters.splice(0)) (err ? w.reject(err) : w.resolve());
  }

  private fail(err: LtError): void {
    if (this.fatal) return;
    this.fatal = err;
    this.settle(err);
    this.opts.onFatal?.(err);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    const maxBatch = this.opts.maxBatch ?? 32;
    let backoffMs = this.opts.minBackoffMs ?? 100;
    let failingSince: number | undefined;
    try {
      while (this.queue.length > 0 && !this.closed && !this.fatal) {
        // A final result is large: send it alone so a retry does not resend a backlog with it.
        const resultAt = this.queue.findIndex((m) => m.type === 'result');
        const n = resultAt === 0 ? 1 : Math.min(maxBatch, resultAt > 0 ? resultAt : maxBatch);
        const batch = this.queue.slice(0, n);
        try {
          await this.transport.send(batch);
          this.queue.splice(0, batch.length);
          this.deliveries++;
          failingSince = undefined;
          backoffMs = this.opts.minBackoffMs ?? 100;
        } catch (err) {
          if (err instanceof RelayBatchingError) {
            // The transport's next upload slot: not a failure, no backoff.
            await new Promise<void>((resolve) => {
              this.retryWake = resolve;
              this.retryTimer = setTimeout(resolve, Math.max(1, err.retryAfterMs));
            });
            continue;
          }
          if (!(err instanceof RelayUnavailableError)) {
            this.fail(err instanceof LtError ? err : new LtError('LT_ERR_RELAY', (err as Error).message, { cause: err }));
            break;
          }
          this.failures++;
          failingSince ??= Date.now();
          const giveUpMs = this.opts.giveUpMs ?? 120_000;
          if (Date.now() - failingSince >= giveUpMs) {
            this.fail(new LtError('LT_ERR_RELAY', `relay unreachable for ${Math.round(giveUpMs / 1000)} s; ${this.queue.length} message(s) undelivered (${err.message})`, { cause: err }));
            break;
          }
          if (this.failures === 1 || this.failures % 10 === 0) this.opts.log?.(`worker: ${err.message}; ${this.queue.length} message(s) buffered, retrying`);
          await new Promise<void>((resolve) => {
            this.retryWake = resolve;
            this.retryTimer = setTimeout(resolve, backoffMs);
          });
          backoffMs = Math.min(backoffMs * 2, this.opts.maxBackoffMs ?? 2000);
        }
      }
    } finally {
      this.pumping = false;
    }
    if (this.queue.length === 0 && !this.fatal) this.settle();
  }
}

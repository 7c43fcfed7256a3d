/**
 * A target with a known capacity (`GET /capacity?rate=800&burst=10`): a token bucket
 * of `rate` tokens per second holding at most `burst`, where a request without a token
 * queues (FIFO) for the next one instead of being refused. Below the rate responses
 * are immediate; above it the queue, and so the latency, grows by (offered − rate) /
 * rate seconds every second, the knee a capacity search must find. A request that
 * would wait longer than MAX_QUEUE_MS is answered 503 at once, so the queue is bounded.
 *
 * The bucket is GCRA (virtual scheduling): a request arriving at `now` is served at
 * max(now, tat − (burst − 1)·T) with T = 1/rate, then tat = max(tat, now) + T.
 */

/** Longest a request may queue before the target answers 503 (same cap as /slow). */
export const MAX_QUEUE_MS = 60_000;
/** Most distinct buckets (rate, burst) remembered; beyond it the oldest is forgotten. */
const MAX_BUCKETS = 100;

/** One bucket's schedule. */
export class TokenBucket {
  /** Theoretical arrival time (ms) of the next request that finds the bucket empty. */
  private tatMs = -Infinity;
  private readonly periodMs: number;

  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
  ) {
    this.periodMs = 1000 / ratePerSec;
  }

  /** How long a request arriving at `nowMs` waits for its token (ms), or undefined past MAX_QUEUE_MS (not queued). */
  admit(nowMs: number): number | undefined {
    const serveAt = Math.max(nowMs, this.tatMs - (this.burst - 1) * this.periodMs);
    const waitMs = serveAt - nowMs;
    if (waitMs > MAX_QUEUE_MS) return undefined;
    this.tatMs = Math.max(this.tatMs, nowMs) + this.periodMs;
    return waitMs;
  }
}

/** Buckets by their parameters: every request to `/capacity?rate=800` shares one. */
export class BucketBook {
  private readonly buckets = new Map<string, TokenBucket>();

  /** The bucket of (rate, burst), made on first use. */
  get(ratePerSec: number, burst: number): TokenBucket {
    const key = `${ratePerSec}/${burst}`;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
      this.buckets.set(key, (b = new TokenBucket(ratePerSec, burst)));
    }
    return b;
  }
}

/**
 * Time for the engine. Scheduling uses the monotonic clock (performance.now(), ms
 * with µs resolution) so that wall-clock steps cannot bend latencies; wall-clock
 * epoch ms appear only at the edges (barrier instant, interval start stamps).
 */
import { performance } from 'node:perf_hooks';

/** Monotonic ms. */
export const monoMs = (): number => performance.now();

/** A sleep that can be cut short; `wake()` resolves it early (used at stop). */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
  /** Resolves every pending sleep now. */
  wakeAll(): void;
  /** Wakes everything and makes later sleeps return at once (the run is stopping). */
  close(): void;
}

/** Creates a sleeper whose pending sleeps can all be ended at once. */
export function createSleeper(): Sleeper {
  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;
  return {
    sleep(ms: number): Promise<void> {
      if (!(ms > 0) || closed) return Promise.resolve();
      return new Promise((resolve) => {
        const entry = {
          resolve,
          timer: setTimeout(() => {
            pending.delete(entry);
            resolve();
          }, ms),
        };
        pending.add(entry);
      });
    },
    wakeAll(): void {
      for (const entry of pending) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      pending.clear();
    },
    close(): void {
      closed = true;
      this.wakeAll();
    },
  };
}

/**
 * One timer for every wait whose length comes from a plan or an option (start_time,
 * graceful_stop, stop deadlines). Node's setTimeout takes at most 2^31−1 ms; a longer
 * delay is set to 1 ms with a TimeoutOverflowWarning (issue 13: `start_time:
 * 1000000000000s` started the scenario at once). Plan limits keep every duration
 * below that, and this timer makes the engine safe without relying on them: a
 * longer wait is armed in chunks, re-checked against the clock at each, so it can
 * neither wrap nor fire early.
 */
import { MAX_TIMER_MS, monoMs } from './clock.js';

export { MAX_TIMER_MS } from './clock.js';

/** A pending long timeout; `clear()` is idempotent. */
export interface LongTimer {
  clear(): void;
}

/**
 * Calls `fn` once after `ms` (Infinity: never; NaN or ≤ 0: on the next timer tick,
 * as setTimeout does). `now` is the clock the deadline is kept on (monotonic ms by
 * default; tests pass a fake one together with node:test's mocked timers).
 */
export function setLongTimeout(fn: () => void, ms: number, now: () => number = monoMs): LongTimer {
  let timer: NodeJS.Timeout | undefined;
  let cleared = false;
  const wait = ms > 0 ? ms : 0;
  if (wait <= MAX_TIMER_MS) {
    // The common case is exactly a setTimeout: no clock read, no extra closure per chunk.
    timer = setTimeout(fn, wait);
  } else if (wait !== Infinity) {
    const due = now() + wait;
    const arm = () => {
      if (cleared) return;
      const left = due - now();
      timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
    };
    arm();
  }
  return {
    clear() {
      cleared = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

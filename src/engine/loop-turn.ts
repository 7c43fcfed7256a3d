/**
 * Event-loop turns, for VU loops that must not starve timers and signal handlers.
 *
 * A VU whose iteration does no I/O (a template that fails before the request, issue 16)
 * resolves every await on the microtask queue: without a macrotask in between, snapshot
 * timers, heartbeats and SIGTERM handlers never run and the run never ends. Yielding on
 * every iteration would add a `setImmediate` hop to every request on the hot path, so a
 * loop yields only when no turn of the event loop has passed since its previous check.
 * The turn counter costs one `setImmediate` per turn (armed on demand, never left
 * pending without a reader), whatever the number of VUs.
 */

let turn = 0;
let armed = false;

function nextTurn(): void {
  turn++;
  armed = false;
}

/** The current event-loop turn number (it advances once a macrotask has run since it was read). */
export function loopTurn(): number {
  if (!armed) {
    armed = true;
    setImmediate(nextTurn);
  }
  return turn;
}

/** A macrotask hop: resolves after pending I/O callbacks and timers have had a turn. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Known per-request latencies for percentile accuracy tests (`GET /latency?ladder=…`).
 *
 * `ladder=10x50,30x40,80x9,150x1` means: 50 responses after 10 ms, then 40 after
 * 30 ms, 9 after 80 ms, 1 after 150 ms, then the cycle repeats. A bare `25` is `25x1`.
 * Each distinct ladder string has its own position, so a test that sends k × (cycle
 * length) requests to a fresh ladder knows the exact multiset of delays it caused,
 * whatever the concurrency — the position is taken when a request arrives.
 */

/** Longest delay one step may ask for (ms), same cap as /slow. */
export const MAX_LADDER_DELAY_MS = 60_000;
/** Most entries one expanded cycle may hold (bounds memory per ladder). */
export const MAX_LADDER_ENTRIES = 100_000;
/** Most distinct ladders remembered; beyond it positions restart (bounds memory). */
const MAX_LADDERS = 1_000;

/** A parsed ladder: its expanded cycle of delays (ms). */
export interface Ladder {
  delaysMs: number[];
}

/** Parses `10x50,30x40,…`; returns an error message naming the bad part instead of throwing. */
export function parseLadder(text: string): Ladder | { error: string } {
  const delaysMs: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:x\s*(\d+))?\s*$/.exec(part);
    if (!m) return { error: `ladder part '${part}' is not <ms> or <ms>x<count> (e.g. 10x50,30x40)` };
    const ms = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (ms > MAX_LADDER_DELAY_MS) return { error: `ladder part '${part}': delay ${ms} ms is above ${MAX_LADDER_DELAY_MS}` };
    if (count < 1) return { error: `ladder part '${part}': count must be at least 1` };
    if (delaysMs.length + count > MAX_LADDER_ENTRIES) return { error: `ladder expands to more than ${MAX_LADDER_ENTRIES} entries` };
    for (let i = 0; i < count; i++) delaysMs.push(ms);
  }
  return { delaysMs };
}

/** Positions per ladder string, with parsed ladders cached (a load test repeats one URL). */
export class LadderBook {
  private readonly ladders = new Map<string, { ladder: Ladder; next: number }>();

  /** The delay for the next request on `text`, or an error message for a malformed ladder. */
  next(text: string): number | { error: string } {
    let entry = this.ladders.get(text);
    if (!entry) {
      const parsed = parseLadder(text);
      if ('error' in parsed) return parsed;
      if (this.ladders.size >= MAX_LADDERS) this.ladders.clear();
      entry = { ladder: parsed, next: 0 };
      this.ladders.set(text, entry);
    }
    const d = entry.ladder.delaysMs;
    const delay = d[entry.next];
    entry.next = (entry.next + 1) % d.length;
    return delay;
  }
}

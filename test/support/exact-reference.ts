/**
 * The exact reference for open-model latency (issue 10, stall target): a minimal
 * client that sends arrival i of a constant rate at t0 + i / rate and stamps its
 * completion against that scheduled instant with process.hrtime — no histogram, no
 * VUs, every latency kept. Shared by the stall-reference test and `npm run bench -- stall`.
 */
import { Agent } from 'undici';

/** Connections opened together in the reference's warm-up, and the pause between waves. */
const WARM_WAVE = 100;
const WARM_WAVE_GAP_MS = 20;

/** Monotonic ms from process.hrtime (ns resolution). */
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Exact latencies (ms, completion − scheduled send) of `ratePerSec × durationMs` arrivals, sorted. */
export async function exactReference(opts: {
  origin: string;
  path: string;
  ratePerSec: number;
  durationMs: number;
  /** Connections opened before t0 (as many as the schedule will need at once). */
  warmConnections: number;
  /** A path the target holds long enough for every warm-up wave to be open at once (the demo target's `/slow?ms=N`). */
  holdPath: string;
}): Promise<number[]> {
  // As many connections as the warm-up opens, no more: a generator that falls behind
  // (a loaded machine) would otherwise open hundreds at once mid-run, overflow the
  // server's accept queue and get ECONNRESET (seen at 2,000/s at load average 21).
  // An arrival that finds them all busy waits, and its wait counts in its latency.
  const agent = new Agent({ connections: opts.warmConnections, pipelining: 1, keepAliveTimeout: 30_000 });
  const get = (path: string) => agent.request({ origin: opts.origin, path, method: 'GET' }).then((r) => r.body.dump());
  try {
    // Open the connections and run the code before t0, as the engine's warm-up does. In
    // waves: a server's accept queue (Node's default backlog is 511) drops the SYNs of
    // 1,000 connects made at once, and those retry a second or more later. Each wave's
    // requests are held, so the next wave opens new connections instead of reusing them.
    const warm: Promise<void>[] = [];
    for (let k = 0; k < opts.warmConnections; k += WARM_WAVE) {
      for (let j = k; j < Math.min(k + WARM_WAVE, opts.warmConnections); j++) warm.push(get(opts.holdPath));
      await new Promise((r) => setTimeout(r, WARM_WAVE_GAP_MS));
    }
    await Promise.all(warm);
    const total = Math.round((opts.ratePerSec * opts.durationMs) / 1000);
    const stepMs = 1000 / opts.ratePerSec;
    const latencies: number[] = new Array(total);
    const pending: Promise<void>[] = [];
    const t0 = hrMs() + 10;
    let next = 0;
    while (next < total) {
      const now = hrMs();
      while (next < total && t0 + next * stepMs <= now) {
        const i = next++;
        const due = t0 + i * stepMs;
        pending.push(get(opts.path).then(() => void (latencies[i] = hrMs() - due)));
      }
      // Bounded: the loop ends once `total` arrivals are sent (durationMs of wall time).
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + next * stepMs - hrMs())));
    }
    await Promise.all(pending);
    return latencies.sort((a, b) => a - b);
  } finally {
    await agent.close();
  }
}

/** The exact p-th percentile (nearest rank) of sorted values. */
export function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

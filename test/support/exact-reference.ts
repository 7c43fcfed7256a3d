/**
 * The exact reference for open-model latency (issue 10, stall target): a minimal
 * client that sends arrival i of a constant rate at t0 + i / rate and stamps its
 * completion against that scheduled instant with process.hrtime — no histogram, no
 * VUs, every latency kept. Shared by the stall-reference test and `npm run bench -- stall`.
 */
import { Agent } from 'undici';

/** Monotonic ms from process.hrtime (ns resolution). */
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Exact latencies (ms, completion − scheduled send) of `ratePerSec × durationMs` arrivals, sorted. */
export async function exactReference(opts: { origin: string; path: string; ratePerSec: number; durationMs: number; warmConnections: number }): Promise<number[]> {
  // Unlimited connections: an arrival never waits for a free one, as none is ever dropped.
  const agent = new Agent({ connections: null, pipelining: 1, keepAliveTimeout: 30_000 });
  const get = (path: string) => agent.request({ origin: opts.origin, path, method: 'GET' }).then((r) => r.body.dump());
  try {
    // Open the connections and run the code once before t0, as the engine's warm-up does.
    await Promise.all(Array.from({ length: opts.warmConnections }, () => get('/')));
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

/**
 * The exact reference for open-model latency (issue 10, stall target): a minimal
 * client that sends arrival i of a constant rate at t0 + i / rate and stamps its
 * completion against that scheduled instant with process.hrtime — no histogram, no
 * VUs, every latency kept. Shared by the stall-reference test and `npm run bench -- stall`.
 */
import { Agent } from 'undici';
import { spawnDemoTarget } from '../demo/spawn-target.js';

/** Connections opened together in the reference's warm-up, and the pause between waves. */
const WARM_WAVE = 100;
const WARM_WAVE_GAP_MS = 20;

/** Seconds of unrecorded schedule on the fast path before t0. */
const REHEARSAL_S = 0.3;

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
  /** A path the target answers at once (the demo target's `/`), for the rehearsal before t0. */
  fastPath: string;
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
    // Then run the schedule loop itself for a moment on a fast path: cold, the first
    // round of a fresh process put the reference's p90 up to 7 % over its later rounds'.
    await schedule(get, opts.fastPath, opts.ratePerSec, Math.ceil(opts.ratePerSec * REHEARSAL_S), () => {});
    const total = Math.round((opts.ratePerSec * opts.durationMs) / 1000);
    const latencies: number[] = new Array(total);
    await schedule(get, opts.path, opts.ratePerSec, total, (i, ms) => void (latencies[i] = ms));
    return latencies.sort((a, b) => a - b);
  } finally {
    await agent.close();
  }
}

/**
 * Sends arrival i of `total` at t0 + i / rate and reports completion − scheduled send
 * (ms) per arrival; resolves when every response is in. Bounded: the loop ends once
 * `total` arrivals are sent (total / rate seconds of wall time).
 */
async function schedule(get: (path: string) => Promise<void>, path: string, ratePerSec: number, total: number, done: (i: number, ms: number) => void): Promise<void> {
  const stepMs = 1000 / ratePerSec;
  const pending: Promise<void>[] = [];
  const t0 = hrMs() + 10;
  let next = 0;
  while (next < total) {
    const now = hrMs();
    while (next < total && t0 + next * stepMs <= now) {
      const i = next++;
      const due = t0 + i * stepMs;
      pending.push(get(path).then(() => done(i, hrMs() - due)));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + next * stepMs - hrMs())));
  }
  await Promise.all(pending);
}

/** The exact p-th percentile (nearest rank) of sorted values. */
export function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The demo target in a child process (`loadtest demo-target`, test/demo/spawn-target.ts),
 * for the stall measurements: its end-of-stall release writes a thousand held replies in
 * one timer turn, and in the measuring process that 40–70 ms burst ran on the same thread
 * as the client reading them. In its own process it writes on the other core.
 */
export async function startStallTarget(): Promise<{ url: string; stop(): void }> {
  const { url, child } = await spawnDemoTarget(['--port', '0', '--quiet']);
  return { url, stop: () => void child.kill('SIGTERM') };
}

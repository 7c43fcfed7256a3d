/**
 * NTP-style clock offset estimation (RFC 5905 §8, on-wire protocol).
 *
 * A probe records t0 (worker sends), t1 (coordinator receives), t2 (coordinator
 * replies), t3 (worker receives). Then
 *   offset = ((t1 − t0) + (t2 − t3)) / 2    (coordinator clock − worker clock)
 *   delay  = (t3 − t0) − (t2 − t1)          (round trip spent on the wire)
 * The error of one sample is at most delay/2 (when the path is fully asymmetric), so
 * of several probes we keep the one with the smallest delay, as NTP's clock filter does.
 */
import { performance } from 'node:perf_hooks';

/** One probe's four timestamps, epoch ms; t0/t3 on the worker clock, t1/t2 on the coordinator's. */
export interface ClockProbe {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
}

/** An offset estimate: `coordinator = worker + offsetMs`, good to ±rttMs/2. */
export interface ClockEstimate {
  offsetMs: number;
  rttMs: number;
  samples: number;
}

/** Offset and round-trip delay of one probe. */
export function probeSample(p: ClockProbe): { offsetMs: number; rttMs: number } {
  return { offsetMs: (p.t1 - p.t0 + (p.t2 - p.t3)) / 2, rttMs: Math.max(0, p.t3 - p.t0 - (p.t2 - p.t1)) };
}

/** The estimate from the probe with the smallest round trip; throws on none. */
export function estimateOffset(probes: ClockProbe[]): ClockEstimate {
  if (probes.length === 0) throw new RangeError('estimateOffset needs at least one probe');
  let best = probeSample(probes[0]);
  for (const p of probes.slice(1)) {
    const s = probeSample(p);
    if (s.rttMs < best.rttMs) best = s;
  }
  return { offsetMs: best.offsetMs, rttMs: best.rttMs, samples: probes.length };
}

/**
 * Epoch ms with sub-millisecond resolution (`Date.now()` is whole ms, which alone
 * puts ±0.5 ms into every probe timestamp). Anchored to the wall clock at process
 * start and advanced by the monotonic clock, so a wall-clock step mid-run cannot
 * bend it; slew between registration and start (seconds) is negligible.
 */
export function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}

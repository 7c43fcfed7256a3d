/**
 * Load-shape arithmetic shared by the executors: the value of a staged shape at a
 * time, and (open model) when the i-th arrival of a piecewise-linear rate happens.
 */
import type { Stage } from '../plan/types.js';

/** Value of a staged shape (VUs or rate) at `tMs` since the scenario start. */
export function valueAt(start: number, stages: Stage[], tMs: number): number {
  let from = start;
  let t0 = 0;
  for (const s of stages) {
    if (tMs < t0 + s.durationMs) {
      const f = s.durationMs === 0 ? 1 : (tMs - t0) / s.durationMs;
      return from + (s.target - from) * f;
    }
    t0 += s.durationMs;
    from = s.target;
  }
  return from;
}

/** Total length of the stages in ms. */
export function totalDurationMs(stages: Stage[]): number {
  return stages.reduce((a, s) => a + s.durationMs, 0);
}

/**
 * Arrival times of a piecewise-linear rate (per second). Arrival i happens when the
 * cumulative count ∫rate reaches i (so a constant 500/s over 10 s gives arrivals
 * 0…4999 at i/500 s). Segments are precomputed; `timeOf(i)` is O(log segments).
 */
export class ArrivalSchedule {
  private readonly segs: { t0Ms: number; durMs: number; r0: number; r1: number; n0: number; n1: number }[] = [];
  /** Arrivals in the whole schedule (those with time < end). */
  readonly total: number;
  readonly durationMs: number;

  constructor(startRatePerSec: number, stages: Stage[]) {
    let t0 = 0;
    let n0 = 0;
    let r0 = startRatePerSec;
    for (const s of stages) {
      const r1 = s.target;
      const n1 = n0 + ((r0 + r1) / 2) * (s.durationMs / 1000);
      if (s.durationMs > 0) this.segs.push({ t0Ms: t0, durMs: s.durationMs, r0, r1, n0, n1 });
      t0 += s.durationMs;
      n0 = n1;
      r0 = r1;
    }
    this.durationMs = t0;
    // Arrival i exists when its time is < end, i.e. i < N(end) (strictly).
    const n = n0;
    this.total = Number.isInteger(n) ? n : Math.ceil(n - 1e-9);
  }

  /** Time (ms since scenario start) of arrival i, or Infinity past the end. */
  timeOf(i: number): number {
    if (i >= this.total) return Infinity;
    let lo = 0;
    let hi = this.segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segs[mid].n0 <= i) lo = mid;
      else hi = mid - 1;
    }
    const s = this.segs[lo];
    const k = i - s.n0; // arrivals into this segment
    const dur = s.durMs / 1000;
    const a = (s.r1 - s.r0) / dur; // rate slope per s²
    let x: number; // seconds into the segment
    if (Math.abs(a) < 1e-12) x = k / s.r0;
    else {
      // r0·x + a·x²/2 = k  →  x = (−r0 + √(r0² + 2ak)) / a
      const disc = s.r0 * s.r0 + 2 * a * k;
      x = (-s.r0 + Math.sqrt(Math.max(0, disc))) / a;
    }
    return s.t0Ms + Math.min(x * 1000, s.durMs);
  }
}

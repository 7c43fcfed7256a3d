/**
 * Think-time sampling (all ms). Pure: the VU loop sleeps; this only draws numbers, so
 * tests check distributions without waiting.
 *
 * `normal` is truncated at 0 (a pause cannot be negative). Truncation alone moves the
 * moments: cutting N(15000, 8000) — the `reading` profile — at 0 raises the mean by
 * ~570 ms (+3.8%) and lowers the stddev by ~6%, whether negative draws are resampled
 * or clamped to 0 (clamping also piles ~3% of all pauses onto exactly 0 ms). Users
 * configure the pause they want to observe, so we sample a truncated normal whose
 * underlying (μ', σ') are solved once so that the *truncated* distribution has the
 * configured mean and stddev; negative draws are then resampled. This is possible
 * while stddev/mean < 0.97 (a truncated normal's coefficient of variation is < 1;
 * we stop at μ' = -2σ' to keep rejection cheap, ≤ ~44 draws on average). Beyond that
 * the configured (mean, stddev) are used as-is and the observed mean is higher than
 * configured; the plan layer may warn. When mean ≥ 6·stddev, truncation is below
 * 1e-9 and nothing is adjusted.
 */
import type { ThinkTime } from '../../plan/types.js';
import type { Rng } from './random.js';

/** Draws one pause in ms (multiplier already applied). */
export type ThinkTimeSampler = (rng: Rng) => number;

/** Standard normal density. */
function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
function Phi(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Moments of N(tσ, σ²) truncated below at 0, in units of σ:
 * mean/σ = t + λ, var/σ² = 1 − tλ − λ², with λ = φ(t)/Φ(t).
 */
function truncatedMoments(t: number): { mean: number; sd: number } {
  const lambda = phi(t) / Phi(t);
  return { mean: t + lambda, sd: Math.sqrt(Math.max(0, 1 - t * lambda - lambda * lambda)) };
}

/** Lowest μ'/σ' we solve for: rejection then accepts ≥ Φ(-2) ≈ 2.3% of draws. */
const MIN_T = -2;
/** Above this mean/stddev the truncated mass (< 1e-9) is ignored. */
const NO_TRUNCATION_RATIO = 6;

/**
 * Underlying (μ', σ') of a normal that, truncated at 0, has mean `meanMs` and stddev
 * `stddevMs`; `adjusted` is false when no adjustment was needed or possible.
 */
export function truncatedNormalParams(meanMs: number, stddevMs: number): { muMs: number; sigmaMs: number; adjusted: boolean } {
  if (!(stddevMs > 0) || !(meanMs > 0) || meanMs >= NO_TRUNCATION_RATIO * stddevMs) return { muMs: meanMs, sigmaMs: stddevMs, adjusted: false };
  const cv = stddevMs / meanMs;
  const cvAt = (t: number) => {
    const m = truncatedMoments(t);
    return m.sd / m.mean;
  };
  // CV(t) decreases monotonically from 1 (t → -∞) to 0 (t → ∞): bisect.
  if (cv >= cvAt(MIN_T)) return { muMs: meanMs, sigmaMs: stddevMs, adjusted: false };
  let lo = MIN_T;
  let hi = NO_TRUNCATION_RATIO + 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (cvAt(mid) > cv) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  const sigmaMs = meanMs / truncatedMoments(t).mean;
  return { muMs: t * sigmaMs, sigmaMs, adjusted: true };
}

/** Draw cap for rejection: at ≥ 2.3% acceptance, 1,000 straight rejections have probability < 1e-10. */
const MAX_DRAWS = 1000;

/**
 * Precompiles a think time into a sampler (solving the truncated normal once); use
 * this at plan load and call the sampler per pause.
 */
export function compileThinkTime(tt: ThinkTime, multiplier = 1): ThinkTimeSampler {
  switch (tt.type) {
    case 'fixed': {
      const v = Math.max(0, tt.ms * multiplier);
      return () => v;
    }
    case 'uniform': {
      const min = tt.minMs * multiplier;
      const span = (tt.maxMs - tt.minMs) * multiplier;
      return (rng) => min + rng.next() * span;
    }
    case 'exponential': {
      const mean = tt.meanMs * multiplier;
      // Inverse CDF; 1 - next() is in (0, 1] so the log is finite.
      return (rng) => -mean * Math.log(1 - rng.next());
    }
    case 'normal': {
      const { muMs, sigmaMs } = truncatedNormalParams(tt.meanMs, tt.stddevMs);
      const mu = muMs * multiplier;
      const sigma = sigmaMs * multiplier;
      if (!(sigma > 0)) {
        const v = Math.max(0, mu);
        return () => v;
      }
      return (rng) => {
        for (let i = 0; i < MAX_DRAWS; i++) {
          const v = mu + sigma * rng.normal();
          if (v >= 0) return v;
        }
        return 0;
      };
    }
  }
}

const compiled = new WeakMap<ThinkTime, ThinkTimeSampler>();

/**
 * One pause in ms for `tt`, scaled by the plan's `think_time_multiplier`. Caches the
 * compiled sampler per `tt` object (multiplier 1), so callers may pass plan objects
 * directly without recompiling; `compileThinkTime` avoids even the cache lookup.
 */
export function sampleThinkTimeMs(tt: ThinkTime, rng: Rng, multiplier = 1): number {
  let s = compiled.get(tt);
  if (!s) {
    s = compileThinkTime(tt, 1);
    compiled.set(tt, s);
  }
  return s(rng) * multiplier;
}

/**
 * A random start offset in [0, maxMs) so VUs that start together do not move in
 * lock-step (0 when maxMs ≤ 0).
 */
export function startOffsetMs(rng: Rng, maxMs: number): number {
  return maxMs > 0 ? rng.next() * maxMs : 0;
}

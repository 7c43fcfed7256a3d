/**
 * Flow helpers: step `probability` (funnels) and scenario `weight` (splitting VUs or
 * arrivals among scenarios).
 *
 * Funnel semantics: a step's `probability` p is the chance that an iteration that
 * reached the step goes on into it. When the draw fails, the step is skipped AND the
 * rest of the iteration ends (the user left the funnel). So probabilities multiply
 * along a scenario: steps with 1, 0.7, 0.2, 0.5 run in 100%, 70%, 14% and 7% of
 * iterations — exactly how a conversion funnel is usually written down. (Independent
 * per-step coins would let a user "check out" without having added to the cart.)
 * A `repeat:` group's probability applies once to the whole group.
 */
import type { Rng } from './random.js';

/**
 * True when a node with probability `p` runs. `p ≥ 1` and `p ≤ 0` decide without
 * drawing, so adding a certain step to a plan does not shift the random stream of
 * every later draw.
 */
export function passesProbability(p: number, rng: Rng): boolean {
  if (p >= 1) return true;
  if (!(p > 0)) return false;
  return rng.next() < p;
}

/** Validates weights: finite, ≥ 0, positive sum. Throws RangeError naming the problem. */
function checkWeights(weights: readonly number[], what: string): number {
  if (weights.length === 0) throw new RangeError(`${what}: no weights given`);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`${what}: weight #${i} is ${w}; weights must be finite numbers ≥ 0`);
    sum += w;
  }
  if (!(sum > 0)) throw new RangeError(`${what}: weights must not all be 0`);
  return sum;
}

/**
 * Splits an integer `total` into integer shares proportional to `weights` that add up
 * to `total` exactly (largest remainder / Hamilton method: floor each quota, then
 * give the leftover units to the largest fractional remainders; ties go to the lower
 * index, so the split is deterministic). A weight of 0 always gets 0.
 */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`splitByWeight: total ${total} must be a non-negative integer`);
  const sum = checkWeights(weights, 'splitByWeight');
  const shares = new Array<number>(weights.length);
  const rema: { i: number; r: number }[] = [];
  let given = 0;
  for (let i = 0; i < weights.length; i++) {
    const quota = (total * weights[i]) / sum;
    const f = Math.floor(quota);
    shares[i] = f;
    given += f;
    if (weights[i] > 0) rema.push({ i, r: quota - f });
  }
  rema.sort((x, y) => y.r - x.r || x.i - y.i);
  for (let k = 0; given < total; k++, given++) shares[rema[k % rema.length].i]++;
  return shares;
}

/**
 * A picker that returns index i with probability weights[i]/Σweights (for arrivals
 * split among scenarios by weight). Cumulative sums are computed once; each pick is
 * one draw and a short scan (scenario counts are small).
 */
export function createWeightedPicker(weights: readonly number[]): (rng: Rng) => number {
  const sum = checkWeights(weights, 'createWeightedPicker');
  const cumulative = new Float64Array(weights.length);
  let acc = 0;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] / sum;
    cumulative[i] = acc;
    if (weights[i] > 0) last = i;
  }
  return (rng) => {
    const u = rng.next();
    for (let i = 0; i < last; i++) if (u < cumulative[i] && weights[i] > 0) return i;
    // Rounding may leave the last cumulative sum a hair under 1: the last positive weight takes the rest.
    return last;
  };
}

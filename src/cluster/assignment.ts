/**
 * Who runs what: capacity-weighted shards at the start, and redistribution when a
 * worker is lost or comes back.
 *
 * Shard indexes stay fixed for the whole run (worker i keeps index i); only weights
 * change. A lost worker's weight moves to the survivors in proportion to their
 * capacity, but no survivor is pushed past its declared `maxVus` share of the plan's
 * peak VUs. Whatever no survivor can take stays on the lost worker's index — those
 * units are simply not run — which is how "the run continues at reduced load" is
 * expressed in stripe arithmetic without another mechanism.
 */
import { weightsFromCapacities } from '../engine/shard.js';
import type { Plan } from '../plan/types.js';

/** Weight scale used after a redistribution (Σ weights ≈ this; fine enough for 0.1 % steps). */
const SCALE = 1000;

/** Peak VUs the whole plan may need at once (upper bound: scenarios may overlap). */
export function planPeakVus(plan: Pick<Plan, 'scenarios'>): number {
  let total = 0;
  for (const s of plan.scenarios) {
    const e = s.executor;
    if (e.type === 'vus') total += Math.max(e.startVus, ...e.stages.map((st) => st.target));
    else if (e.type === 'rate') total += e.maxVus;
    else total += e.vus;
  }
  return total;
}

/** Initial weights: proportional to each worker's max VUs. */
export function initialWeights(maxVus: number[]): number[] {
  return weightsFromCapacities(maxVus);
}

/** Each index's fraction of the plan under `weights`. */
export function sharesOf(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (total > 0 ? w / total : 0));
}

/** The outcome of a redistribution. */
export interface Redistribution {
  weights: number[];
  /** Fraction of the plan now run by live workers (1 = full load). */
  coveredShare: number;
  /** Each index's fraction before and after. */
  before: number[];
  after: number[];
}

/**
 * New weights with only `alive` workers carrying load, proportional to `baseWeights`
 * (their capacity weights), each capped at `maxVus[i] / peakVus` of the plan. The
 * remainder, if any, stays on the first dead index (run by nobody: reduced load).
 */
export function redistribute(current: number[], baseWeights: number[], alive: boolean[], maxVus: number[], peakVus: number): Redistribution {
  const n = current.length;
  const before = sharesOf(current);
  const cap = maxVus.map((m) => (peakVus > 0 ? Math.min(1, m / peakVus) : 1));
  const target = new Array<number>(n).fill(0);
  // Water-filling: give every uncapped live worker its capacity-proportional share of
  // what is left; pin those that would exceed their cap at the cap; repeat.
  let free = new Set(Array.from({ length: n }, (_, i) => i).filter((i) => alive[i] && baseWeights[i] > 0));
  let remaining = 1;
  while (free.size > 0 && remaining > 1e-12) {
    const wsum = [...free].reduce((a, i) => a + baseWeights[i], 0);
    const pinned = [...free].filter((i) => (remaining * baseWeights[i]) / wsum > cap[i] + 1e-12);
    if (pinned.length === 0) {
      for (const i of free) target[i] = (remaining * baseWeights[i]) / wsum;
      remaining = 0;
      break;
    }
    for (const i of pinned) {
      target[i] = cap[i];
      remaining -= cap[i];
    }
    free = new Set([...free].filter((i) => !pinned.includes(i)));
  }
  // Integer weights by largest remainder, so round-off never reads as reduced load
  // (with 250 workers, plain rounding can lose ~1 %).
  const scale = Math.max(SCALE, 16 * n);
  const exact = target.map((t) => t * scale);
  const weights = exact.map((x) => Math.floor(x));
  const coveredUnits = Math.round(exact.reduce((a, b) => a + b, 0));
  let leftover = coveredUnits - weights.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).filter((x) => target[x.i] > 0).sort((a, b) => b.r - a.r);
  for (let k = 0; leftover > 0 && byRemainder.length > 0; k = (k + 1) % byRemainder.length, leftover--) weights[byRemainder[k].i]++;
  for (let i = 0; i < n; i++) if (target[i] > 0 && weights[i] === 0) weights[i] = 1;
  const firstDead = alive.findIndex((a) => !a);
  const uncovered = scale - weights.reduce((a, b) => a + b, 0);
  if (uncovered > 0 && firstDead >= 0) weights[firstDead] += uncovered;
  if (!weights.some((w) => w > 0)) weights[Math.max(0, firstDead)] = 1;
  const after = sharesOf(weights);
  // From integers, so full coverage is exactly 1 (a float sum of shares may not be).
  const coveredShare = weights.reduce((a, w, i) => a + (alive[i] ? w : 0), 0) / weights.reduce((a, w) => a + w, 0);
  return { weights, coveredShare, before, after };
}

/**
 * Shard arithmetic: how units (VU ids, arrivals, shared iterations, unique data rows),
 * numbered 0,1,2,… for the whole plan, are dealt out to shards so that every unit
 * belongs to exactly one shard for any unit count (k6's execution segments solve the
 * same problem; its docs call it "striping").
 *
 * Units are dealt in repeating rounds of W = Σ weights slots. Within a round, slots
 * follow smooth weighted round-robin (the nginx upstream algorithm), so any prefix of
 * units is split close to the weights: with 10 VUs over weights [1,1,1] the shards get
 * 4/3/3, never 10/0/0.
 */
import type { Shard } from './types.js';

/** Whole plan in one process. */
export const WHOLE: Shard = Object.freeze({ index: 0, weights: [1] }) as Shard;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Checks a shard; throws RangeError naming what is wrong. */
export function validateShard(shard: Shard): void {
  const { index, weights } = shard;
  if (!Array.isArray(weights) || weights.length === 0) throw new RangeError('shard.weights must be a non-empty array');
  for (const w of weights) {
    if (!Number.isInteger(w) || w < 0) throw new RangeError(`shard weight ${w} must be a non-negative integer`);
  }
  if (weights.reduce((a, b) => a + b, 0) === 0) throw new RangeError('shard weights must not all be 0');
  if (!Number.isInteger(index) || index < 0 || index >= weights.length) {
    throw new RangeError(`shard.index ${index} must be in 0..${weights.length - 1}`);
  }
}

/** Precomputed ownership of one shard. Cheap per-call methods for the hot path. */
export class ShardMap {
  readonly shard: Shard;
  /** Slots per round (Σ weights after dividing by their gcd). */
  readonly roundSize: number;
  /** This shard's slots per round. */
  readonly perRound: number;
  /** Slot positions (0..roundSize-1) this shard owns, ascending. */
  private readonly slots: number[];
  /** ownedBeforeSlot[s] = how many of this shard's slots are < s (length roundSize+1). */
  private readonly ownedBeforeSlot: Int32Array;
  /** Owner of each slot in a round. */
  readonly owners: Int32Array;

  constructor(shard: Shard) {
    validateShard(shard);
    this.shard = shard;
    const g = shard.weights.reduce((a, b) => gcd(a, b));
    const w = shard.weights.map((x) => x / g);
    const total = w.reduce((a, b) => a + b, 0);
    this.roundSize = total;
    this.owners = new Int32Array(total);
    const current = new Array<number>(w.length).fill(0);
    for (let s = 0; s < total; s++) {
      let best = -1;
      for (let i = 0; i < w.length; i++) {
        if (w[i] === 0) continue;
        current[i] += w[i];
        if (best < 0 || current[i] > current[best]) best = i;
      }
      current[best] -= total;
      this.owners[s] = best;
    }
    this.slots = [];
    this.ownedBeforeSlot = new Int32Array(total + 1);
    for (let s = 0; s < total; s++) {
      this.ownedBeforeSlot[s] = this.slots.length;
      if (this.owners[s] === shard.index) this.slots.push(s);
    }
    this.ownedBeforeSlot[total] = this.slots.length;
    this.perRound = this.slots.length;
  }

  /** True when global unit `i` belongs to this shard. */
  owns(i: number): boolean {
    return this.owners[i % this.roundSize] === this.shard.index;
  }

  /** How many of the units 0..n-1 belong to this shard. */
  ownedBefore(n: number): number {
    if (n <= 0) return 0;
    const rounds = Math.floor(n / this.roundSize);
    return rounds * this.perRound + this.ownedBeforeSlot[n - rounds * this.roundSize];
  }

  /** Global index of this shard's k-th unit (k from 0). */
  nthOwned(k: number): number {
    if (this.perRound === 0) throw new RangeError('shard owns no units');
    const round = Math.floor(k / this.perRound);
    return round * this.roundSize + this.slots[k - round * this.perRound];
  }
}

/** Turns capacities (e.g. max VUs or cores) into small integer weights (≤ 64 per worker). */
export function weightsFromCapacities(capacities: number[]): number[] {
  const max = Math.max(...capacities);
  if (!(max > 0)) return capacities.map(() => 1);
  return capacities.map((c) => (c > 0 ? Math.max(1, Math.round((c / max) * 64)) : 0));
}

/**
 * This shard's part of a global VU count: at least 1 when the shard owns anything
 * and the count is not 0, so a small pool split over many workers still has a VU.
 */
export function localShare(map: ShardMap, globalCount: number): number {
  if (map.perRound === 0 || globalCount <= 0) return 0;
  return Math.max(1, map.ownedBefore(globalCount));
}

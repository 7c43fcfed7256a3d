import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);

// src/engine/shard.ts
var WHOLE = Object.freeze({ index: 0, weights: [1] });
function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}
function validateShard(shard) {
  const { index, weights } = shard;
  if (!Array.isArray(weights) || weights.length === 0) throw new RangeError("shard.weights must be a non-empty array");
  for (const w of weights) {
    if (!Number.isInteger(w) || w < 0) throw new RangeError(`shard weight ${w} must be a non-negative integer`);
  }
  if (weights.reduce((a, b) => a + b, 0) === 0) throw new RangeError("shard weights must not all be 0");
  if (!Number.isInteger(index) || index < 0 || index >= weights.length) {
    throw new RangeError(`shard.index ${index} must be in 0..${weights.length - 1}`);
  }
}
var ShardMap = class {
  shard;
  /** Slots per round (Σ weights after dividing by their gcd). */
  roundSize;
  /** This shard's slots per round. */
  perRound;
  /** Slot positions (0..roundSize-1) this shard owns, ascending. */
  slots;
  /** ownedBeforeSlot[s] = how many of this shard's slots are < s (length roundSize+1). */
  ownedBeforeSlot;
  /** Owner of each slot in a round. */
  owners;
  constructor(shard) {
    validateShard(shard);
    this.shard = shard;
    const g = shard.weights.reduce((a, b) => gcd(a, b));
    const w = shard.weights.map((x) => x / g);
    const total = w.reduce((a, b) => a + b, 0);
    this.roundSize = total;
    this.owners = new Int32Array(total);
    const current = new Array(w.length).fill(0);
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
  owns(i) {
    return this.owners[i % this.roundSize] === this.shard.index;
  }
  /** How many of the units 0..n-1 belong to this shard. */
  ownedBefore(n) {
    if (n <= 0) return 0;
    const rounds = Math.floor(n / this.roundSize);
    return rounds * this.perRound + this.ownedBeforeSlot[n - rounds * this.roundSize];
  }
  /** Global index of this shard's k-th unit (k from 0). */
  nthOwned(k) {
    if (this.perRound === 0) throw new RangeError("shard owns no units");
    const round = Math.floor(k / this.perRound);
    return round * this.roundSize + this.slots[k - round * this.perRound];
  }
};
function weightsFromCapacities(capacities) {
  const max = Math.max(...capacities);
  if (!(max > 0)) return capacities.map(() => 1);
  return capacities.map((c) => c > 0 ? Math.max(1, Math.round(c / max * 64)) : 0);
}

export {
  WHOLE,
  ShardMap,
  weightsFromCapacities
};

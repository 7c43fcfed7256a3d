/**
 * Seedable random streams, so a plan's `seed` reproduces think times, funnels, data
 * order and random template helpers regardless of how VUs are scheduled: every VU
 * forks its own stream from a label (`rng.fork(\`vu:${id}\`)`), so what VU 7 draws
 * does not depend on how many draws VU 3 made before it.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit
 * state, passes PractRand to 2^40+ bytes; the built-in counter guarantees a period of
 * at least 2^32 even from a bad seed). It runs in 32-bit integer arithmetic, which V8
 * keeps unboxed, so `next()` costs a few ns.
 *
 * Seeding: the seed text (`${seed}` or `${parent}/${label}` for forks) is hashed with
 * SHA-256 and the first 128 bits become the state. A 32-bit string hash would give only
 * 2^32 distinct streams, so among 10,000 VUs two would share a stream with ~1%
 * probability; with 128 bits that is negligible. Hashing costs ~2 µs and happens once
 * per fork (per VU), never per draw.
 */
import { createHash } from 'node:crypto';

/** A random stream. Not safe to share between VUs if reproducibility matters: fork one per VU. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive (both must be integers, min ≤ max). */
  int(min: number, max: number): number;
  /** Standard normal N(0, 1) (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number;
  /**
   * An independent stream derived from this stream's seed text and `label` only (not
   * from how far this stream has been drawn), so forks are reproducible in any order.
   */
  fork(label: string): Rng;
  /** The seed text this stream was created from (for messages and forks). */
  readonly seedText: string;
}

const TWO_POW_32 = 4294967296;

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;
  readonly seedText: string;

  constructor(seedText: string) {
    this.seedText = seedText;
    const h = createHash('sha256').update(seedText).digest();
    this.a = h.readInt32LE(0);
    this.b = h.readInt32LE(4);
    this.c = h.readInt32LE(8);
    this.d = h.readInt32LE(12);
    // Discard the first outputs: sfc32's author recommends a short warm-up to mix the state.
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / TWO_POW_32;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // 1 - next() is in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }

  fork(label: string): Rng {
    return new Sfc32(`${this.seedText}/${label}`);
  }
}

/**
 * A stream for `seed` (the plan's `seed`, or a label derived from it). Numbers and
 * their decimal text give the same stream (`createRng(1)` ≡ `createRng('1')`).
 */
export function createRng(seed: number | string): Rng {
  return new Sfc32(String(seed));
}

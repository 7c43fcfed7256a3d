/**
 * Think-time sampling. Normal distributions are truncated at 0 by resampling
 * (rejection), which keeps the shape above 0; with mean ≫ stddev (every named
 * profile but `reading`) the moments stay within a fraction of a percent of the
 * configured ones (test/engine/journey/think-time.test.ts measures them).
 */
import type { ThinkTime } from '../../plan/types.js';
import type { Rng } from './random.js';

/** One pause in ms. */
export function sampleThinkTimeMs(tt: ThinkTime, rng: Rng, multiplier = 1): number {
  let v: number;
  switch (tt.type) {
    case 'fixed':
      v = tt.ms;
      break;
    case 'uniform':
      v = tt.minMs + rng.next() * (tt.maxMs - tt.minMs);
      break;
    case 'normal': {
      if (tt.stddevMs === 0) {
        v = Math.max(0, tt.meanMs);
        break;
      }
      let tries = 0;
      do v = tt.meanMs + tt.stddevMs * rng.normal();
      while (v < 0 && ++tries < 64);
      v = Math.max(0, v);
      break;
    }
    case 'exponential':
      v = -tt.meanMs * Math.log(1 - rng.next());
      break;
  }
  return v * multiplier;
}

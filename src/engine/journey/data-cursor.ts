/**
 * Hands data rows to iterations. `sequential` wraps around, `random` draws from the
 * seeded stream, `unique` gives each row to exactly one iteration in the whole run:
 * across workers, a shard hands out only the rows it owns (ShardMap), in order, and
 * is exhausted after its last one.
 */
import type { DataSource } from '../../plan/types.js';
import type { ShardMap } from '../shard.js';
import type { Rng } from './random.js';

export interface DataCursor {
  /** The next row, or undefined when a `unique` source is used up. */
  next(): Record<string, unknown> | undefined;
}

/** A cursor over `source` for this shard. */
export function createDataCursor(source: DataSource, opts: { shard: ShardMap; rng: Rng }): DataCursor {
  const rows = source.rows;
  let k = 0;
  switch (source.order) {
    case 'random':
      return { next: () => rows[Math.floor(opts.rng.next() * rows.length)] };
    case 'unique': {
      const owned = opts.shard.ownedBefore(rows.length);
      return { next: () => (k < owned ? rows[opts.shard.nthOwned(k++)] : undefined) };
    }
    default: {
      // Each shard starts from its own rows so workers do not all begin with row 0.
      const owned = opts.shard.ownedBefore(rows.length);
      return { next: () => (owned > 0 ? rows[opts.shard.nthOwned(k++ % owned)] : rows[k++ % rows.length]) };
    }
  }
}

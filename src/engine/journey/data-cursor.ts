/**
 * Hands data rows to iterations. Rows are loaded once at plan load and shared
 * read-only by every VU of the process; a cursor only moves an index.
 *
 * - `sequential`: rows in file order, wrapping around. Across shards each process
 *   cycles through the rows it owns (ShardMap), so N workers do not all start at row 0
 *   and together walk the file the way one process would. A shard that owns no row
 *   (more shards than rows) cycles through all rows.
 * - `random`: a uniformly random row per iteration from the cursor's seeded stream.
 * - `unique`: each row goes to exactly one iteration in the whole run, across all
 *   shards: row r belongs to the shard for which `shard.owns(r)`, each shard hands its
 *   own rows out in order, and `next()` returns undefined once they are used up (the
 *   VU loop then stops that scenario with an event). Rows are numbered like every
 *   other shard unit, so shards of all indexes partition the rows exactly.
 *
 * An empty source yields undefined from the first call, in every order.
 */
import type { DataSource } from '../../plan/types.js';
import type { ShardMap } from '../shard.js';
import type { Rng } from './random.js';

/** A position in one data source, owned by one scenario in one process. */
export interface DataCursor {
  /** The next row, or undefined when the source is empty or a `unique` source is used up. */
  next(): Record<string, unknown> | undefined;
  /** Rows this cursor can still hand out: Infinity for sequential/random (they wrap), the rest of this shard's rows for unique. */
  remaining(): number;
}

/** A cursor over `source` for this shard; `rng` drives `random` order (fork one per source). */
export function createDataCursor(source: DataSource, opts: { shard: ShardMap; rng: Rng }): DataCursor {
  const rows = source.rows;
  const n = rows.length;
  const { shard, rng } = opts;
  if (n === 0) return { next: () => undefined, remaining: () => 0 };
  switch (source.order) {
    case 'random':
      return { next: () => rows[Math.floor(rng.next() * n)], remaining: () => Infinity };
    case 'unique': {
      const owned = shard.ownedBefore(n);
      let k = 0;
      return {
        next: () => (k < owned ? rows[shard.nthOwned(k++)] : undefined),
        remaining: () => owned - k,
      };
    }
    case 'sequential': {
      const owned = shard.ownedBefore(n);
      let k = 0;
      if (owned === 0) {
        return {
          next: () => {
            const row = rows[k];
            k = k + 1 === n ? 0 : k + 1;
            return row;
          },
          remaining: () => Infinity,
        };
      }
      // Cycle this shard's own rows: all shards together walk the file as one process would.
      return {
        next: () => {
          const row = rows[shard.nthOwned(k)];
          k = k + 1 === owned ? 0 : k + 1;
          return row;
        },
        remaining: () => Infinity,
      };
    }
  }
}

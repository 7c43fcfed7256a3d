import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDataCursor } from '../../../src/engine/journey/data-cursor.js';
import { createRng } from '../../../src/engine/journey/random.js';
import { ShardMap } from '../../../src/engine/shard.js';
import type { DataSource } from '../../../src/plan/types.js';

const source = (n: number, order: DataSource['order']): DataSource => ({
  name: 'users',
  file: 'users.csv',
  order,
  rows: Array.from({ length: n }, (_, i) => ({ id: i, user: `u${i}` })),
});
const whole = () => new ShardMap({ index: 0, weights: [1] });

for (const weights of [[1, 1, 1, 1], [3, 1, 2, 2]]) {
  test(`acceptance: unique, 1,000 rows over ${weights.length} shards ${JSON.stringify(weights)}: every row used exactly once`, () => {
    const src = source(1000, 'unique');
    const uses = new Array<number>(1000).fill(0);
    const perShard: number[] = [];
    for (let index = 0; index < weights.length; index++) {
      const shard = new ShardMap({ index, weights });
      const cur = createDataCursor(src, { shard, rng: createRng(`data:${index}`) });
      let got = 0;
      let last = -1;
      for (let row = cur.next(); row !== undefined; row = cur.next()) {
        const id = row.id as number;
        assert.ok(shard.owns(id), `shard ${index} handed out row ${id} it does not own`);
        assert.ok(id > last, 'in order');
        last = id;
        uses[id]++;
        got++;
        if (got > 1000) assert.fail('cursor never ran out');
      }
      assert.equal(cur.remaining(), 0);
      assert.equal(cur.next(), undefined, 'stays exhausted');
      perShard.push(got);
    }
    assert.ok(uses.every((u) => u === 1), `rows used ≠ once: ${uses.map((u, i) => (u !== 1 ? `${i}:${u}` : '')).filter(Boolean).slice(0, 5)}`);
    const total = weights.reduce((a, b) => a + b, 0);
    perShard.forEach((got, i) => assert.ok(Math.abs(got - (1000 * weights[i]) / total) <= 1, `shard ${i} got ${got}`));
  });
}

test('unique in one process: all rows in file order, then undefined', () => {
  const cur = createDataCursor(source(5, 'unique'), { shard: whole(), rng: createRng(1) });
  assert.equal(cur.remaining(), 5);
  assert.deepEqual(Array.from({ length: 6 }, () => cur.next()?.id), [0, 1, 2, 3, 4, undefined]);
});

test('sequential wraps around; shards cycle their own rows and together cover the file evenly', () => {
  const cur = createDataCursor(source(3, 'sequential'), { shard: whole(), rng: createRng(1) });
  assert.deepEqual(Array.from({ length: 7 }, () => cur.next()?.id), [0, 1, 2, 0, 1, 2, 0]);
  assert.equal(cur.remaining(), Infinity);
  const counts = new Array<number>(10).fill(0);
  for (let index = 0; index < 2; index++) {
    const c = createDataCursor(source(10, 'sequential'), { shard: new ShardMap({ index, weights: [1, 1] }), rng: createRng(1) });
    for (let i = 0; i < 50; i++) counts[c.next()!.id as number]++;
  }
  assert.deepEqual(counts, new Array(10).fill(10));
});

test('sequential with more shards than rows: a shard owning no row still gets rows', () => {
  const c = createDataCursor(source(2, 'sequential'), { shard: new ShardMap({ index: 3, weights: [1, 1, 1, 1] }), rng: createRng(1) });
  assert.deepEqual([c.next()?.id, c.next()?.id, c.next()?.id], [0, 1, 0]);
});

test('random: reproducible from the seed and covers all rows', () => {
  const a = createDataCursor(source(10, 'random'), { shard: whole(), rng: createRng('x') });
  const b = createDataCursor(source(10, 'random'), { shard: whole(), rng: createRng('x') });
  const xs = Array.from({ length: 200 }, () => a.next()!.id);
  assert.deepEqual(xs, Array.from({ length: 200 }, () => b.next()!.id));
  assert.equal(new Set(xs).size, 10);
});

test('an empty source yields undefined in every order', () => {
  for (const order of ['sequential', 'random', 'unique'] as const) {
    const c = createDataCursor(source(0, order), { shard: whole(), rng: createRng(1) });
    assert.equal(c.next(), undefined, order);
    assert.equal(c.remaining(), 0);
  }
});

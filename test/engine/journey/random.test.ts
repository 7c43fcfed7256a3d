import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/engine/journey/random.js';

const take = (n: number, f: () => number) => Array.from({ length: n }, f);

test('same seed gives the same stream; numbers and their text are the same seed', () => {
  const a = createRng(42);
  const b = createRng('42');
  assert.deepEqual(take(100, () => a.next()), take(100, () => b.next()));
  const c = createRng(43);
  assert.notDeepEqual(take(10, () => createRng(42).next()), take(10, () => c.next()));
});

test('next() is in [0,1) and roughly uniform (chi-square over 20 bins)', () => {
  const r = createRng(7);
  const bins = new Array(20).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 20)]++;
  }
  const e = n / 20;
  const chi2 = bins.reduce((s, o) => s + (o - e) ** 2 / e, 0);
  // 19 degrees of freedom: the 99.9th percentile is 43.8.
  assert.ok(chi2 < 43.8, `chi2 ${chi2}`);
});

test('int(min,max) covers both ends inclusively and nothing outside', () => {
  const r = createRng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    const v = r.int(-2, 3);
    assert.ok(Number.isInteger(v) && v >= -2 && v <= 3);
    seen.add(v);
  }
  assert.deepEqual([...seen].sort((a, b) => a - b), [-2, -1, 0, 1, 2, 3]);
});

test('normal() has mean 0 and stddev 1', () => {
  const r = createRng(3);
  const xs = take(100_000, () => r.normal());
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.02, `sd ${sd}`);
});

test('fork(label) depends only on the parent seed and the label, not on draw order', () => {
  const p1 = createRng(9);
  const p2 = createRng(9);
  for (let i = 0; i < 50; i++) p2.next();
  // VU 2 forked before VU 1 in one run and after in another: same streams.
  const x2 = p1.fork('vu:2');
  const x1 = p1.fork('vu:1');
  const y1 = p2.fork('vu:1');
  const y2 = p2.fork('vu:2');
  assert.deepEqual(take(20, () => x1.next()), take(20, () => y1.next()));
  assert.deepEqual(take(20, () => x2.next()), take(20, () => y2.next()));
  assert.notDeepEqual(take(5, () => p1.fork('vu:1').next()), take(5, () => p1.fork('vu:2').next()));
  assert.equal(p1.fork('a').fork('b').seedText, '9/a/b');
});

test('10,000 VU forks give 10,000 distinct streams', () => {
  const root = createRng(1);
  const firsts = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const f = root.fork(`vu:${i}`);
    firsts.add(`${f.next()},${f.next()}`);
  }
  assert.equal(firsts.size, 10_000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createWeightedPicker, passesProbability, splitByWeight } from '../../../src/engine/journey/flow.js';
import { createRng } from '../../../src/engine/journey/random.js';

test('acceptance: a 4-step funnel 1, 0.7, 0.2, 0.5 lands near 100/70/14/7% over 10,000 iterations', () => {
  const probs = [1, 0.7, 0.2, 0.5];
  const reached = [0, 0, 0, 0];
  const rng = createRng(1);
  const n = 10_000;
  for (let it = 0; it < n; it++) {
    for (let s = 0; s < probs.length; s++) {
      if (!passesProbability(probs[s], rng)) break; // funnel: a skipped step ends the iteration
      reached[s]++;
    }
  }
  const expected = [1, 0.7, 0.14, 0.07];
  assert.equal(reached[0], n);
  for (let s = 1; s < 4; s++) {
    const p = expected[s];
    const sigma = Math.sqrt(n * p * (1 - p));
    // 4 sigma: a false failure has probability < 1e-4 per step.
    assert.ok(Math.abs(reached[s] - n * p) < 4 * sigma, `step ${s}: ${reached[s]} vs ${n * p} ± ${(4 * sigma).toFixed(0)}`);
  }
});

test('probability 1 and 0 decide without drawing (adding a certain step does not shift the stream)', () => {
  const a = createRng(5);
  const b = createRng(5);
  assert.equal(passesProbability(1, a), true);
  assert.equal(passesProbability(0, a), false);
  assert.equal(passesProbability(-1, a), false);
  assert.equal(passesProbability(NaN, a), false);
  assert.equal(a.next(), b.next());
});

test('splitByWeight: exact examples (largest remainder, ties to the lower index)', () => {
  assert.deepEqual(splitByWeight(10, [1, 1, 1]), [4, 3, 3]);
  assert.deepEqual(splitByWeight(100, [70, 20, 10]), [70, 20, 10]);
  assert.deepEqual(splitByWeight(7, [1, 2]), [2, 5]);
  assert.deepEqual(splitByWeight(1, [1, 1, 1, 1]), [1, 0, 0, 0]);
  assert.deepEqual(splitByWeight(5, [0, 3, 0]), [0, 5, 0]);
  assert.deepEqual(splitByWeight(0, [1, 2]), [0, 0]);
  assert.deepEqual(splitByWeight(3, [0.5, 0.25, 0.25]), [1, 1, 1]); // quotas 1.5, .75, .75: the larger remainders win
});

test('splitByWeight property: shares sum to total, each within 1 of its quota, zero weight gets zero', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }), (total, weights) => {
      fc.pre(weights.some((w) => w > 0));
      const shares = splitByWeight(total, weights);
      const sum = weights.reduce((a, b) => a + b, 0);
      assert.equal(shares.reduce((a, b) => a + b, 0), total);
      shares.forEach((s, i) => {
        assert.ok(Number.isInteger(s) && s >= 0);
        assert.ok(Math.abs(s - (total * weights[i]) / sum) < 1);
        if (weights[i] === 0) assert.equal(s, 0);
      });
    }),
    { numRuns: 500 },
  );
});

test('splitByWeight rejects bad input with a message', () => {
  assert.throws(() => splitByWeight(1.5, [1]), /total 1.5 must be a non-negative integer/);
  assert.throws(() => splitByWeight(-1, [1]), /non-negative integer/);
  assert.throws(() => splitByWeight(3, []), /no weights given/);
  assert.throws(() => splitByWeight(3, [0, 0]), /must not all be 0/);
  assert.throws(() => splitByWeight(3, [1, -2]), /weight #1 is -2/);
  assert.throws(() => splitByWeight(3, [1, Infinity]), /weight #1 is Infinity/);
});

test('createWeightedPicker picks in proportion and never picks a zero weight', () => {
  const pick = createWeightedPicker([3, 0, 1]);
  const rng = createRng(1);
  const counts = [0, 0, 0];
  const n = 40_000;
  for (let i = 0; i < n; i++) counts[pick(rng)]++;
  assert.equal(counts[1], 0);
  const p = 0.75;
  assert.ok(Math.abs(counts[0] - n * p) < 4 * Math.sqrt(n * p * (1 - p)), JSON.stringify(counts));
  assert.throws(() => createWeightedPicker([0]), /must not all be 0/);
  const only = createWeightedPicker([0, 0, 2]);
  assert.equal(only(rng), 2);
});

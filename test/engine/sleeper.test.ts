/**
 * The sleeper behind think times: all sleeps on one timer over a min-heap
 * (src/engine/clock.ts). Asserts on order and counts, not on durations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSleeper } from '../../src/engine/clock.js';

test('sleeps end in the order they are due, whatever order they were started in', async () => {
  const s = createSleeper();
  const order: number[] = [];
  const delays = [40, 5, 25, 5, 60, 15, 1, 30];
  await Promise.all(delays.map((ms, i) => s.sleep(ms).then(() => order.push(i))));
  const expected = delays.map((ms, i) => [ms, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
  // Equal delays may wake in the same timer callback in either order; compare by delay.
  assert.deepEqual(order.map((i) => delays[i]), expected.map((i) => delays[i]));
  s.close();
});

test('a later, shorter sleep re-arms the timer earlier', async () => {
  const s = createSleeper();
  const order: string[] = [];
  const long = s.sleep(200).then(() => order.push('long'));
  await s.sleep(10).then(() => order.push('short'));
  assert.deepEqual(order, ['short']);
  s.wakeAll();
  await long;
  assert.deepEqual(order, ['short', 'long']);
  s.close();
});

test('wakeAll ends every pending sleep; close makes later sleeps return at once', async () => {
  const s = createSleeper();
  let woken = 0;
  const pending = Array.from({ length: 1000 }, (_, i) => s.sleep(60_000 + i).then(() => woken++));
  s.wakeAll();
  await Promise.all(pending);
  assert.equal(woken, 1000);
  s.close();
  const t0 = performance.now();
  await s.sleep(60_000);
  assert.ok(performance.now() - t0 < 1000, 'a sleep after close returns at once');
  // No timer is left armed: the test process would otherwise stay alive for a minute.
});

test('non-positive and NaN sleeps return at once', async () => {
  const s = createSleeper();
  await Promise.all([s.sleep(0), s.sleep(-5), s.sleep(Number.NaN)]);
  s.close();
});

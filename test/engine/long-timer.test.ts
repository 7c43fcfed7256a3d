/**
 * Timers that cannot wrap (issue 13): setLongTimeout (src/engine/long-timer.ts) with a
 * fake clock at every duration ceiling and beyond, and the engine's start offset at
 * the largest allowed value, which must neither fire early nor print a Node warning.
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { MAX_TIMER_MS, setLongTimeout } from '../../src/engine/long-timer.js';
import { LIMITS } from '../../src/plan/limits.js';
import { runPlan } from '../../src/runner.js';
import { planFrom } from '../helpers.js';

/** Timer warnings Node emits while `fn` runs (the mocked timers' ExperimentalWarning is not one). */
async function warningsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const on = (w: Error) => {
    if (w.name !== 'ExperimentalWarning') seen.push(`${w.name}: ${w.message}`);
  };
  process.on('warning', on);
  try {
    await fn();
    // Warnings are emitted on a later tick.
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', on);
  }
  return seen;
}

const H = 3_600_000;
const delays: [string, number][] = [
  ['the default max_duration (168h)', LIMITS.max_duration.default],
  ['the ceiling of max_duration and max_timeout (576h)', LIMITS.max_duration.ceiling],
  ['one past Node’s timer range', MAX_TIMER_MS + 1],
  ['1e15 ms (a hostile graceful_stop)', 1e15],
];

for (const [name, ms] of delays) {
  test(`long timer at ${name}: does not fire a millisecond early, fires once at the deadline`, () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    try {
      let fired = 0;
      setLongTimeout(() => fired++, ms, () => Date.now());
      // Walk to 1 ms before the deadline in timer-sized chunks, as a real clock would.
      let left = ms - 1;
      while (left > 0) {
        const step = Math.min(left, MAX_TIMER_MS);
        mock.timers.tick(step);
        left -= step;
        assert.equal(fired, 0, `fired ${ms - 1 - left} ms into a ${ms} ms wait`);
      }
      mock.timers.tick(1);
      assert.equal(fired, 1);
      mock.timers.tick(10 * H);
      assert.equal(fired, 1, 'fired more than once');
    } finally {
      mock.timers.reset();
    }
  });
}

test('long timer: clear() before the first chunk ends means it never fires', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  try {
    let fired = 0;
    const t = setLongTimeout(() => fired++, 3 * MAX_TIMER_MS, () => Date.now());
    mock.timers.tick(MAX_TIMER_MS);
    t.clear();
    t.clear();
    mock.timers.tick(3 * MAX_TIMER_MS);
    assert.equal(fired, 0);
  } finally {
    mock.timers.reset();
  }
});

test('long timer: an infinite wait never arms a timer; a real one past 2^31−1 ms prints no TimeoutOverflowWarning', async () => {
  let fired = 0;
  const warnings = await warningsDuring(async () => {
    const a = setLongTimeout(() => fired++, 1e15);
    const b = setLongTimeout(() => fired++, Infinity);
    await new Promise((r) => setTimeout(r, 20));
    a.clear();
    b.clear();
  });
  assert.equal(fired, 0);
  assert.deepEqual(warnings, []);
});

test('a scenario at the largest allowed start_time does not start early and prints no warning', async () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const plan = planFrom(`
target: ${url}
limits: { max_duration: 576h }
scenarios:
  late:
    start_time: 576h
    duration: 576h
    graceful_stop: 576h
    profile: { type: constant, vus: 1 }
    steps:
      - { name: a, url: / }
`);
    const ac = new AbortController();
    let aborted: unknown;
    const warnings = await warningsDuring(async () => {
      setTimeout(() => ac.abort(), 300);
      const r = await runPlan(plan, { signal: ac.signal });
      aborted = r.run.status;
    });
    assert.equal(requests, 0, 'the scenario started before its start_time');
    assert.equal(aborted, 'aborted', 'the run ended by the signal, not by a wrapped timer');
    assert.deepEqual(warnings, []);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

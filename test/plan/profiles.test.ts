/**
 * Profile sugar → executors, exactly (issue 2 profiles). Stage semantic: linear from the
 * previous target to `target` over durationMs; 0 = jump.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlan } from '../../src/plan/load.js';
import type { Scenario } from '../../src/plan/types.js';

function scenario(profile: string, extra = 'duration: 60s'): Scenario {
  const plan = loadPlan(
    `target: http://127.0.0.1:8080
scenarios:
  s:
    ${extra}
    profile: ${profile}
    steps:
      - { name: a, url: /a }
`,
    'p.yaml',
  );
  return plan.scenarios[0];
}

test('constant → one flat stage', () => {
  const s = scenario('{ type: constant, vus: 10 }', 'duration: 30s');
  assert.deepEqual(s.executor, { type: 'vus', startVus: 10, stages: [{ durationMs: 30_000, target: 10 }] });
  assert.equal(s.durationMs, 30_000);
});

test('ramp_up and ramp_down → one linear stage from start to end', () => {
  assert.deepEqual(scenario('{ type: ramp_up, start_vus: 5, end_vus: 200 }', 'duration: 2m').executor, { type: 'vus', startVus: 5, stages: [{ durationMs: 120_000, target: 200 }] });
  assert.deepEqual(scenario('{ type: ramp_down, start_vus: 50, end_vus: 0 }', 'duration: 1m30s').executor, { type: 'vus', startVus: 50, stages: [{ durationMs: 90_000, target: 0 }] });
  assert.deepEqual(scenario('{ type: ramp_up, start_vus: 0, end_vus: 1 }', 'duration: 1s').executor, { type: 'vus', startVus: 0, stages: [{ durationMs: 1000, target: 1 }] });
});

test('step → plateaus joined by jumps (the seed: 10 → 30 → 50 → 70 over 120s)', () => {
  const s = scenario('{ type: step, start_vus: 10, step_vus: 20, step_duration: 30s }', 'duration: 120s');
  assert.deepEqual(s.executor, {
    type: 'vus',
    startVus: 10,
    stages: [
      { durationMs: 30_000, target: 10 },
      { durationMs: 0, target: 30 },
      { durationMs: 30_000, target: 30 },
      { durationMs: 0, target: 50 },
      { durationMs: 30_000, target: 50 },
      { durationMs: 0, target: 70 },
      { durationMs: 30_000, target: 70 },
    ],
  });
  assert.equal(s.durationMs, 120_000);
});

test('step with a duration that is not a multiple of step_duration ends with a short plateau', () => {
  const s = scenario('{ type: step, start_vus: 1, step_vus: 2, step_duration: 20s }', 'duration: 50s');
  assert.deepEqual(s.executor, {
    type: 'vus',
    startVus: 1,
    stages: [
      { durationMs: 20_000, target: 1 },
      { durationMs: 0, target: 3 },
      { durationMs: 20_000, target: 3 },
      { durationMs: 0, target: 5 },
      { durationMs: 10_000, target: 5 },
    ],
  });
  assert.equal(s.durationMs, 50_000);
});

test('spike → base, jump up, hold, jump down, base (the seed: 5 → 100 at 30s for 15s, 90s)', () => {
  const s = scenario('{ type: spike, base_vus: 5, spike_vus: 100, spike_at: 30s, spike_duration: 15s }', 'duration: 90s');
  assert.deepEqual(s.executor, {
    type: 'vus',
    startVus: 5,
    stages: [
      { durationMs: 30_000, target: 5 },
      { durationMs: 0, target: 100 },
      { durationMs: 15_000, target: 100 },
      { durationMs: 0, target: 5 },
      { durationMs: 45_000, target: 5 },
    ],
  });
  assert.equal(s.durationMs, 90_000);
});

test('spike at 0s and spike to the very end drop the empty plateaus', () => {
  assert.deepEqual(scenario('{ type: spike, base_vus: 1, spike_vus: 9, spike_at: 0s, spike_duration: 10s }', 'duration: 20s').executor, {
    type: 'vus',
    startVus: 1,
    stages: [
      { durationMs: 0, target: 9 },
      { durationMs: 10_000, target: 9 },
      { durationMs: 0, target: 1 },
      { durationMs: 10_000, target: 1 },
    ],
  });
  assert.deepEqual(scenario('{ type: spike, base_vus: 1, spike_vus: 9, spike_at: 10s, spike_duration: 10s }', 'duration: 20s').executor, {
    type: 'vus',
    startVus: 1,
    stages: [
      { durationMs: 10_000, target: 1 },
      { durationMs: 0, target: 9 },
      { durationMs: 10_000, target: 9 },
    ],
  });
});

test('stages → as written; duration is their sum (a matching duration is allowed)', () => {
  const yaml = '{ type: stages, start_vus: 2, stages: [{ duration: 10s, target: 20 }, { duration: 0s, target: 40 }, { duration: 500ms, target: 0 }] }';
  for (const extra of ['', 'duration: 10.5s']) {
    const s = scenario(yaml, extra);
    assert.deepEqual(s.executor, {
      type: 'vus',
      startVus: 2,
      stages: [
        { durationMs: 10_000, target: 20 },
        { durationMs: 0, target: 40 },
        { durationMs: 500, target: 0 },
      ],
    });
    assert.equal(s.durationMs, 10_500);
  }
  assert.deepEqual(scenario('{ type: stages, stages: [{ duration: 1s, target: 3 }] }', '').executor, { type: 'vus', startVus: 0, stages: [{ durationMs: 1000, target: 3 }] });
});

test('iterations → shared or per-VU, max_duration from max_duration, duration, or 10m', () => {
  let s = scenario('{ type: iterations, vus: 4, iterations: 100, max_duration: 30s }', '');
  assert.deepEqual(s.executor, { type: 'iterations', vus: 4, iterations: 100, perVu: false, maxDurationMs: 30_000 });
  assert.equal(s.durationMs, 30_000);
  s = scenario('{ type: iterations, vus: 4, per_vu_iterations: 5 }', 'duration: 20s');
  assert.deepEqual(s.executor, { type: 'iterations', vus: 4, iterations: 5, perVu: true, maxDurationMs: 20_000 });
  s = scenario('{ type: iterations, vus: 1, iterations: 1 }', '');
  assert.deepEqual(s.executor, { type: 'iterations', vus: 1, iterations: 1, perVu: false, maxDurationMs: 600_000 });
});

test('constant_rate → rate executor in arrivals/s, time_unit applied, max_vus defaults to pre_allocated_vus', () => {
  let s = scenario('{ type: constant_rate, rate: 100, pre_allocated_vus: 10, max_vus: 50 }', 'duration: 10s');
  assert.deepEqual(s.executor, { type: 'rate', startRatePerSec: 100, stages: [{ durationMs: 10_000, target: 100 }], preAllocatedVus: 10, maxVus: 50 });
  s = scenario('{ type: constant_rate, rate: 120, time_unit: 1m, pre_allocated_vus: 7 }', 'duration: 10s');
  assert.deepEqual(s.executor, { type: 'rate', startRatePerSec: 2, stages: [{ durationMs: 10_000, target: 2 }], preAllocatedVus: 7, maxVus: 7 });
  s = scenario('{ type: constant_rate, rate: 5, time_unit: 500ms }', 'duration: 1s');
  assert.deepEqual(s.executor, { type: 'rate', startRatePerSec: 10, stages: [{ durationMs: 1000, target: 10 }], preAllocatedVus: 10, maxVus: 10 });
});

test('ramping_rate → stages scaled by time_unit, start_rate too', () => {
  const s = scenario('{ type: ramping_rate, start_rate: 60, time_unit: 1m, pre_allocated_vus: 5, max_vus: 20, stages: [{ duration: 30s, target: 600 }, { duration: 30s, target: 0 }] }', '');
  assert.deepEqual(s.executor, {
    type: 'rate',
    startRatePerSec: 1,
    stages: [
      { durationMs: 30_000, target: 10 },
      { durationMs: 30_000, target: 0 },
    ],
    preAllocatedVus: 5,
    maxVus: 20,
  });
  assert.equal(s.durationMs, 60_000);
});

test('scenario timing keys: start_time, graceful_stop (default 10s), weight', () => {
  const s = scenario('{ type: constant, vus: 1 }', 'duration: 5s\n    start_time: 1m\n    graceful_stop: 2s\n    weight: 3');
  assert.equal(s.startTimeMs, 60_000);
  assert.equal(s.gracefulStopMs, 2000);
  assert.equal(s.weight, 3);
  const d = scenario('{ type: constant, vus: 1 }', 'duration: 5s');
  assert.equal(d.startTimeMs, 0);
  assert.equal(d.gracefulStopMs, 10_000);
  assert.equal(d.weight, undefined, 'no weight unless the plan gives one (see weights.ts)');
});

test('impossible profiles are refused at the offending key', () => {
  const cases: [string, string, RegExp][] = [
    ['{ type: constant, vus: 0 }', 'duration: 5s', /profile\.vus: must be a positive integer \(got 0\)/],
    ['{ type: constant, vus: 2.5 }', 'duration: 5s', /profile\.vus: must be a positive integer \(got 2\.5\)/],
    ['{ type: ramp_down, start_vus: 5, end_vus: 10 }', 'duration: 5s', /end_vus: must not be above start_vus for ramp_down \(got 10 > 5\); use ramp_up/],
    ['{ type: step, start_vus: 1, step_vus: 1, step_duration: 0s }', 'duration: 5s', /step_duration: must be longer than 0s/],
    ['{ type: spike, base_vus: 1, spike_vus: 5, spike_at: 1s, spike_duration: 0s }', 'duration: 5s', /spike_duration: must be longer than 0s/],
    ['{ type: stages, stages: [] }', '', /stages: must list at least one stage/],
    ['{ type: iterations, vus: 4 }', '', /profile: needs iterations \(shared by all VUs\) or per_vu_iterations/],
    ['{ type: iterations, vus: 10, iterations: 3 }', '', /iterations: is fewer than vus \(got 3 < 10\)/],
    ['{ type: iterations, vus: 1, iterations: 1, max_duration: 0s }', '', /max_duration: must be longer than 0s/],
    ['{ type: constant_rate, rate: 0 }', 'duration: 5s', /rate: must be a number > 0 \(got 0\)/],
    ['{ type: constant_rate, rate: 5, time_unit: 0s }', 'duration: 5s', /time_unit: must be longer than 0s/],
    ['{ type: constant_rate, rate: 5, pre_allocated_vus: 9, max_vus: 3 }', 'duration: 5s', /pre_allocated_vus: must not exceed max_vus \(got 9 > 3\)/],
    ['{ type: ramping_rate, stages: [{ duration: 5s, target: 0 }] }', '', /stages: every target is 0/],
    ['{ vus: 3 }', 'duration: 5s', /profile: needs a type; allowed: constant, ramp_up/],
    ['constant', 'duration: 5s', /profile: must be a map with a type/],
  ];
  for (const [profile, extra, re] of cases) assert.throws(() => scenario(profile, extra), re, profile);
});

/**
 * Issue 14, capacity search: the `type: capacity` profile resolves into one constant
 * rate step per rate (a jump, then a hold), its criteria into thresholds scoped to its
 * scenario; every way to write it wrong is a located PlanError (exit 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlan } from '../../src/plan/load.js';
import { ExitCode, PlanError } from '../../src/errors.js';
import type { Plan } from '../../src/plan/types.js';
import { planFile, runCli } from '../helpers.js';

/** A one-scenario plan around `profile` (`extra`: more scenario keys; `more`: top-level keys after it). */
const text = (profile: string, extra = '', more = '', tags = '') => `target: http://127.0.0.1:8080
scenarios:
  search:
    ${extra}
    profile: ${profile}
    steps:
      - { name: root, url: /${tags} }
${more}`;

const plan = (profile: string, extra = ''): Plan => loadPlan(text(profile, extra, '', ', tags: { endpoint: root }'), 'cap.yaml', { env: {} });

/** The PlanError message of loading a bad profile. */
function error(profile: string, extra = '', more = ''): string {
  try {
    loadPlan(text(profile, extra, more), 'cap.yaml', { env: {} });
  } catch (err) {
    assert.ok(err instanceof PlanError, String(err));
    assert.equal(err.exitCode, ExitCode.usage);
    return err.message;
  }
  return assert.fail('the plan loaded');
}

test('capacity with step_rate: one hold per rate from start_rate to max_rate, jumps between', () => {
  const s = plan('{ type: capacity, start_rate: 400, step_rate: 100, step_duration: 2s, max_rate: 700, criteria: ["p95 < 50", "error_rate < 1%"] }').scenarios[0];
  assert.deepEqual(s.capacity!.ratesPerSec, [400, 500, 600, 700]);
  assert.deepEqual(s.capacity!.step, { kind: 'rate', value: 100 });
  assert.equal(s.capacity!.stepDurationMs, 2000);
  assert.equal(s.durationMs, 8000);
  assert.deepEqual(s.executor, {
    type: 'rate',
    startRatePerSec: 400,
    stages: [
      { durationMs: 2000, target: 400 },
      { durationMs: 0, target: 500 },
      { durationMs: 2000, target: 500 },
      { durationMs: 0, target: 600 },
      { durationMs: 2000, target: 600 },
      { durationMs: 0, target: 700 },
      { durationMs: 2000, target: 700 },
    ],
    // One VU per arrival/s at the peak by default (Little's law at 1 s responses).
    preAllocatedVus: 10,
    maxVus: 700,
  });
  assert.deepEqual(
    s.capacity!.criteria.map((t) => [t.expression, t.scenario]),
    [
      ['p95 < 50', 'search'],
      ['error_rate < 0.01', 'search'],
    ],
  );
});

test('capacity with step_factor: rates multiply from the start (no drift), the last one at most max_rate', () => {
  const s = plan('{ type: capacity, start_rate: 400, step_factor: 1.25, step_duration: 1s, max_rate: 1000, criteria: ["p99 < 300"] }').scenarios[0];
  assert.deepEqual(s.capacity!.ratesPerSec, [400, 500, 625, 781.25, 976.5625]);
  assert.deepEqual(s.capacity!.step, { kind: 'factor', value: 1.25 });
  // An exact hit of max_rate through float rounding still counts: 100 · 1.1^k.
  assert.equal(plan('{ type: capacity, start_rate: 100, step_factor: 1.1, step_duration: 1s, max_rate: 121, criteria: ["p99 < 300"] }').scenarios[0].capacity!.ratesPerSec.length, 3);
});

test('capacity with time_unit, VUs and a step- or tag-scoped criterion', () => {
  const s = plan('{ type: capacity, start_rate: 60, step_rate: 30, step_duration: 1s, max_rate: 120, time_unit: 1m, pre_allocated_vus: 5, max_vus: 20, criteria: ["p95 < 300 [*/root]", "p95 < 200 {endpoint=root}"] }').scenarios[0];
  assert.deepEqual(s.capacity!.ratesPerSec, [1, 1.5, 2]);
  assert.deepEqual(s.capacity!.step, { kind: 'rate', value: 0.5 });
  assert.equal(s.executor.type === 'rate' && s.executor.maxVus, 20);
  assert.deepEqual(s.capacity!.criteria.map((t) => [t.scenario, t.step, t.tag]), [
    ['search', 'root', undefined],
    ['search', undefined, { endpoint: 'root' }],
  ]);
});

test('bad capacity profiles: a located message for each', () => {
  const base = 'type: capacity, start_rate: 400, step_duration: 1s, max_rate: 800';
  assert.match(error(`{ ${base}, criteria: ["p95 < 50"] }`), /cap\.yaml:5:\d+: scenarios\.search\.profile: needs step_rate .* or step_factor/);
  assert.match(error(`{ ${base}, step_rate: 100, step_factor: 1.5, criteria: ["p95 < 50"] }`), /scenarios\.search\.profile\.step_factor: give either step_rate/);
  assert.match(error(`{ ${base}, step_factor: 1, criteria: ["p95 < 50"] }`), /scenarios\.search\.profile\.step_factor: must be a number > 1/);
  assert.match(error('{ type: capacity, start_rate: 400, step_rate: 100, step_duration: 1s, max_rate: 300, criteria: ["p95 < 50"] }'), /scenarios\.search\.profile\.max_rate: must not be below start_rate \(got 300 < 400\)/);
  assert.match(error('{ type: capacity, start_rate: 400, step_rate: 100, step_duration: 500ms, max_rate: 800, criteria: ["p95 < 50"] }'), /scenarios\.search\.profile\.step_duration: must be at least 1s/);
  assert.match(error(`{ ${base}, step_rate: 100 }`), /scenarios\.search\.profile\.criteria: .*required|scenarios\.search\.profile: .*criteria/);
  assert.match(error(`{ ${base}, step_rate: 100, criteria: [] }`), /scenarios\.search\.profile\.criteria: must list at least one criterion/);
  assert.match(error(`{ ${base}, step_rate: 100, criteria: ["p95 <"] }`), /cap\.yaml:5:\d+: scenarios\.search\.profile\.criteria\[0\]: 'p95 <' is not a threshold/);
  assert.match(error(`{ ${base}, step_rate: 100, criteria: ["p96 < 50"] }`), /scenarios\.search\.profile\.criteria\[0\]: unknown metric 'p96'/);
  assert.match(error(`{ ${base}, step_rate: 100, criteria: [{ threshold: "p95 < 50", abort_on_fail: true }] }`), /scenarios\.search\.profile\.criteria\[0\]\.abort_on_fail: abort_on_fail does not apply to a capacity criterion/);
  assert.match(error(`{ ${base}, step_rate: 100, criteria: ["p95 < 50 [search/nope]"] }`), /scenarios\.search\.profile\.criteria\[0\]: no step named 'nope'/);
  assert.match(error(`{ ${base}, step_rate: 100, criteria: ["p95 < 50 [other]"] }`, '', '  other:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: x, url: / }]\n'), /scenarios\.search\.profile\.criteria\[0\]: a capacity criterion judges the steps of its own scenario \('search'\), not 'other'; write it without the scenario, e\.g\. "p95 < 50"/);
  assert.match(error(`{ ${base}, step_rate: 100, criteria: ["p95 < 50"] }`, 'duration: 10s'), /scenarios\.search\.duration: is 10s but the 5 steps of 1s add up to 5s/);
  assert.match(error(`{ ${base}, step_rate: 100, criteria: ["p95 < 50"] }`, 'weight: 2'), /scenarios\.search\.weight: does not apply to a capacity search/);
  assert.match(
    error(`{ ${base}, step_rate: 100, criteria: ["p95 < 50"] }`, '', `  again:\n    profile: { ${base}, step_rate: 100, criteria: ["p95 < 50"] }\n    steps: [{ name: x, url: / }]\n`),
    /scenarios\.again\.profile\.type: only one scenario of a plan may be a capacity search \('search' is one\)/,
  );
  assert.match(error(`{ ${base}, step_rate: 0.0001, criteria: ["p95 < 50"] }`), /scenarios\.search\.profile\.step_rate: .*max_stages/);
  assert.match(error('{ type: capacity, start_rate: 400, step_vus: 10, step_duration: 1s, max_rate: 800, criteria: ["p95 < 50"] }'), /'step_vus' belongs to the step profile, not 'capacity'/);
});

test('loadtest validate: a bad capacity profile exits 2 with its location, no stack trace', async () => {
  const file = planFile(`target: http://127.0.0.1:8080
scenarios:
  search:
    profile: { type: capacity, start_rate: 400, step_rate: 100, step_duration: 1s, max_rate: 800, criteria: ["p95 <<< 50"] }
    steps:
      - { name: root, url: / }
`);
  const r = await runCli(['validate', file], { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /plan\.yaml:4:\d+: scenarios\.search\.profile\.criteria\[0\]: 'p95 <<< 50' is not a threshold/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

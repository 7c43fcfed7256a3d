/**
 * Every example plan validates; the seed's four example plans (shared/seeds/
 * indus-tester-readme.txt) are kept verbatim and resolve to what the seed describes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlanFile } from '../../src/plan/load.js';
import type { Step } from '../../src/plan/types.js';
import { ROOT } from '../helpers.js';

const EXAMPLES = join(ROOT, 'examples');

test('every examples/*.yaml validates', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
  for (const seed of ['basic.yaml', 'ramp-stress.yaml', 'spike.yaml', 'step-load.yaml']) assert.ok(files.includes(seed), `examples/${seed} is missing`);
  for (const f of files) {
    const plan = loadPlanFile(join(EXAMPLES, f), { env: {} });
    assert.ok(plan.scenarios.length > 0, f);
    assert.match(plan.hash, /^[0-9a-f]{64}$/);
  }
});

test('seed basic: 10 VUs for 30s, 200ms think time, p95 and error_ratio thresholds', () => {
  const plan = loadPlanFile(join(EXAMPLES, 'basic.yaml'));
  assert.equal(plan.name, 'basic-api-test');
  const [s] = plan.scenarios;
  assert.equal(s.name, 'get-users');
  assert.deepEqual(s.executor, { type: 'vus', startVus: 10, stages: [{ durationMs: 30_000, target: 10 }] });
  assert.deepEqual(s.thinkTime, { type: 'fixed', ms: 200 });
  const step = s.steps[0] as Step;
  assert.equal(step.url.raw, 'http://localhost:8080/api/users');
  assert.equal(step.timeoutMs, 5000);
  assert.deepEqual(
    plan.thresholds.map((t) => t.expression),
    ['p95 < 500', 'error_rate < 0.01'],
  );
});

test('seed ramp-stress: 5 → 200 VUs over 120s, string body with its own Content-Type', () => {
  const plan = loadPlanFile(join(EXAMPLES, 'ramp-stress.yaml'));
  const [s] = plan.scenarios;
  assert.deepEqual(s.executor, { type: 'vus', startVus: 5, stages: [{ durationMs: 120_000, target: 200 }] });
  const step = s.steps[0] as Step;
  assert.equal(step.method, 'POST');
  assert.deepEqual(step.body, { raw: '{"item": "widget", "quantity": 1}', dynamic: false });
  assert.deepEqual(Object.keys(step.headers), ['Content-Type']);
  assert.deepEqual(
    plan.thresholds.map((t) => t.expression),
    ['p95 < 1000', 'p99 < 3000', 'error_rate < 0.05', 'rps > 100'],
  );
});

test('seed spike: scoped thresholds on the spike scenario', () => {
  const plan = loadPlanFile(join(EXAMPLES, 'spike.yaml'));
  assert.equal(plan.name, 'spike', 'a plan without a name is named after its file');
  assert.equal(plan.scenarios[0].durationMs, 90_000);
  assert.deepEqual(
    plan.thresholds.map((t) => t.expression),
    ['p95 < 2000 [checkout-spike]', 'error_rate < 0.05 [checkout-spike]'],
  );
});

test('seed step-load: 10 → 30 → 50 → 70 VUs, 15s timeout', () => {
  const plan = loadPlanFile(join(EXAMPLES, 'step-load.yaml'));
  const e = plan.scenarios[0].executor;
  assert.equal(e.type, 'vus');
  assert.deepEqual(e.type === 'vus' && [...new Set(e.stages.map((st) => st.target))], [10, 30, 50, 70]);
  assert.equal((plan.scenarios[0].steps[0] as Step).timeoutMs, 15_000);
  assert.deepEqual(plan.thresholds, []);
});

/** Run-time overrides (--vus, --duration, --target) applied to a loaded plan. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlan } from '../../src/plan/load.js';
import { applyOverrides } from '../../src/plan/overrides.js';

const plan = loadPlan(
  `target: http://127.0.0.1:1
scenarios:
  ramp:
    profile: { type: stages, stages: [{ duration: 10s, target: 10 }, { duration: 30s, target: 10 }] }
    steps: [{ name: a, url: /a }]
  open:
    duration: 20s
    profile: { type: constant_rate, rate: 5 }
    steps: [{ name: b, url: /b }]
  batch:
    profile: { type: iterations, vus: 2, iterations: 10, max_duration: 1m }
    steps: [{ name: c, url: /c }]
`,
  'o.yaml',
);

test('no overrides → the same plan object', () => {
  assert.equal(applyOverrides(plan, {}), plan);
});

test('--duration rescales stages proportionally and keeps the total exact', () => {
  const p = applyOverrides(plan, { durationMs: 4000 });
  assert.deepEqual(p.scenarios[0].executor, { type: 'vus', startVus: 0, stages: [{ durationMs: 1000, target: 10 }, { durationMs: 3000, target: 10 }] });
  assert.equal(p.scenarios[0].durationMs, 4000);
  assert.deepEqual(p.scenarios[1].executor.type === 'rate' && p.scenarios[1].executor.stages, [{ durationMs: 4000, target: 5 }]);
  assert.deepEqual(p.scenarios[2].executor, { type: 'iterations', vus: 2, iterations: 10, perVu: false, maxDurationMs: 4000 });
  assert.equal(plan.scenarios[0].durationMs, 40_000, 'the input plan is not changed');
});

test('--vus makes VU scenarios constant and sets iteration VUs; --target replaces the base', () => {
  const p = applyOverrides(plan, { vus: 3, target: 'http://127.0.0.1:2' });
  assert.deepEqual(p.scenarios[0].executor, { type: 'vus', startVus: 3, stages: [{ durationMs: 40_000, target: 3 }] });
  assert.equal(p.scenarios[1].executor.type, 'rate');
  assert.equal(p.scenarios[2].executor.type === 'iterations' && p.scenarios[2].executor.vus, 3);
  assert.equal(p.target, 'http://127.0.0.1:2');
  assert.equal(p.hash, plan.hash, 'the hash stays the loaded plan\'s (workers get the same overrides)');
});

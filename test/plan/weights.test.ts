/** Scenario weight: scenarios sharing a profile split its VUs or arrivals exactly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFrom } from '../helpers.js';

const plan = (a: string, b: string, profile: string) => `
name: weighted
target: http://127.0.0.1:9
scenarios:
  browsers:
    ${a}
    duration: 10s
    profile: ${profile}
    steps: [{ name: a, method: GET, url: /a }]
  buyers:
    ${b}
    duration: 10s
    profile: ${profile}
    steps: [{ name: b, method: GET, url: /b }]
`;

test('100 VUs over weights 3:1 → 75 and 25', () => {
  const p = planFrom(plan('weight: 3', 'weight: 1', '{ type: constant, vus: 100 }'));
  const [a, b] = p.scenarios.map((s) => s.executor);
  assert.deepEqual(a.type === 'vus' && a.stages.map((s) => s.target), [75]);
  assert.deepEqual(b.type === 'vus' && b.stages.map((s) => s.target), [25]);
});

test('odd counts add up exactly; rates split in proportion', () => {
  const p = planFrom(plan('weight: 1', 'weight: 2', '{ type: constant, vus: 10 }'));
  const sum = p.scenarios.reduce((n, s) => n + (s.executor.type === 'vus' ? s.executor.stages[0].target : 0), 0);
  assert.equal(sum, 10);
  const r = planFrom(plan('weight: 1', 'weight: 3', '{ type: constant_rate, rate: 200, pre_allocated_vus: 8, max_vus: 40 }'));
  const rates = r.scenarios.map((s) => (s.executor.type === 'rate' ? s.executor.startRatePerSec : 0));
  assert.deepEqual(rates, [50, 150]);
});

test('without weights, identical profiles each keep the whole profile', () => {
  const p = planFrom(plan('', '', '{ type: constant, vus: 100 }'));
  assert.deepEqual(p.scenarios.map((s) => (s.executor.type === 'vus' ? s.executor.startVus : 0)), [100, 100]);
});

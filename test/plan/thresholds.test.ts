/** Threshold parsing: short strings, the seed's object form, options, aliases, scopes, and refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThreshold, parseThresholdString, ThresholdSyntaxError, METRICS } from '../../src/thresholds/parse.js';
import { PlanError } from '../../src/errors.js';
import { loadPlan } from '../../src/plan/load.js';

test('short form → canonical expression and fields', () => {
  const table: [string, string, Partial<ReturnType<typeof parseThresholdString>>][] = [
    ['p95 < 500', 'p95 < 500', { metric: 'p95', op: '<', value: 500 }],
    ['p(95)<500', 'p95 < 500', { metric: 'p95', op: '<', value: 500 }],
    ['p( 99.9 ) <= 1200', 'p99.9 <= 1200', { metric: 'p99.9', op: '<=', value: 1200 }],
    ['p999 < 9', 'p99.9 < 9', { metric: 'p99.9' }],
    ['rps > 100', 'rps > 100', { metric: 'rps', op: '>', value: 100 }],
    ['error_ratio < 0.01', 'error_rate < 0.01', { metric: 'error_rate', value: 0.01 }],
    ['error_rate < 1%', 'error_rate < 0.01', { value: 0.01 }],
    ['checks >= 99%', 'checks >= 0.99', { metric: 'checks', op: '>=', value: 0.99 }],
    ['p95 < 1.5s', 'p95 < 1500', { value: 1500 }],
    ['max < 800ms', 'max < 800', { metric: 'max', value: 800 }],
    ['avg < 200', 'mean < 200', { metric: 'mean' }],
    ['median < 100', 'p50 < 100', { metric: 'p50' }],
    ['dropped_iterations == 0', 'dropped_iterations == 0', { metric: 'dropped_iterations', op: '==' }],
    ['requests = 10', 'requests == 10', { op: '==' }],
    ['requests != 0', 'requests != 0', { op: '!=' }],
    ['p95<500 [browse/list-users]', 'p95 < 500 [browse/list-users]', { scenario: 'browse', step: 'list-users' }],
    ['p95 < 500 [ browse ]', 'p95 < 500 [browse]', { scenario: 'browse', step: undefined }],
    ['p99 < 800 [*/login]', 'p99 < 800 [*/login]', { scenario: undefined, step: 'login' }],
    ['P95 < 500', 'p95 < 500', { metric: 'p95' }],
  ];
  for (const [input, expression, fields] of table) {
    const t = parseThresholdString(input);
    assert.equal(t.expression, expression, input);
    for (const [k, v] of Object.entries(fields)) assert.equal((t as unknown as Record<string, unknown>)[k], v, `${input}: ${k}`);
    assert.equal(t.abortOnFail, false);
    assert.equal(t.delayAbortEvalMs, 0);
    // The canonical text parses back to itself.
    assert.equal(parseThresholdString(t.expression).expression, t.expression);
  }
});

test('every canonical metric parses', () => {
  for (const m of METRICS) assert.equal(parseThresholdString(`${m} >= 0`).metric, m);
});

test('object forms: the seed form and a string with options', () => {
  const a = parseThreshold({ metric: 'error_ratio', condition: '<', value: 0.05, scenario: 'checkout-spike' });
  assert.equal(a.expression, 'error_rate < 0.05 [checkout-spike]');
  const b = parseThreshold({ metric: 'p99', condition: '<', value: 800, scenario: 'browse', step: 'list-users', abort_on_fail: true, delay_abort_eval: '10s' });
  assert.deepEqual(b, { expression: 'p99 < 800 [browse/list-users]', metric: 'p99', op: '<', value: 800, scenario: 'browse', step: 'list-users', abortOnFail: true, delayAbortEvalMs: 10_000 });
  const c = parseThreshold({ threshold: 'p(95) < 2s [browse]', abort_on_fail: true });
  assert.deepEqual(c, { expression: 'p95 < 2000 [browse]', metric: 'p95', op: '<', value: 2000, scenario: 'browse', abortOnFail: true, delayAbortEvalMs: 0 });
});

test('malformed thresholds are refused with the reason (both forms)', () => {
  const bad: [string | Record<string, unknown>, RegExp][] = [
    ['p95 <', /is not a threshold; write it like/],
    ['p95 500', /is not a threshold/],
    ['p95 < 500 [browse', /is not a threshold/],
    ['latency < 500', /unknown metric 'latency'/],
    ['p96 < 500', /unknown metric 'p96' \(did you mean 'p9[059]'\?\)/],
    ['error_rate < 5', /ratio from 0 to 1 \(got 5; for 5% write 0\.05 or "5%"\)/],
    ['error_rate < 150%', /ratio from 0 to 1 \(got 150%\)$/],
    ['rps > 10ms', /'ms' only applies to latency metrics/],
    ['p95 < 5%', /'%' only applies to ratio metrics/],
    ['p95 < -1', /must not be negative \(got -1\)/],
    ['p95 < 500 []', /empty scope/],
    ['p95 < 500 [browse/]', /empty step/],
    [{ metric: 'p95', condition: '=<', value: 500 }, /condition: .*must be one of < <= > >= == != \(got '=<'\)|must be one of < <= > >= == != \(got '=<'\)/],
    [{ metric: 'p95', condition: '<', value: '500' }, /value: must be a number \(got "500"\)/],
    [{ metric: 'p95', condition: '<' }, /value: must be a number \(got nothing\)/],
    [{ metric: 'p95', conditon: '<', value: 1 }, /unknown key 'conditon' \(did you mean 'condition'\?\)/],
    [{ threshold: 'p95 < 1', abort_on_fail: 'yes' }, /abort_on_fail: must be true or false/],
    [{ threshold: 'p95 < 1', delay_abort_eval: '10' }, /delay_abort_eval: needs a unit/],
  ];
  for (const [input, re] of bad) {
    assert.throws(
      () => parseThreshold(input, '--threshold'),
      (err: unknown) => err instanceof PlanError && err.message.startsWith('--threshold: ') && re.test(err.message) && err.cause instanceof ThresholdSyntaxError,
      JSON.stringify(input),
    );
  }
});

test('in a plan, threshold scopes must name existing scenarios and steps', () => {
  const plan = (t: string) =>
    loadPlan(
      `target: http://127.0.0.1:8080
scenarios:
  browse:
    duration: 5s
    profile: { type: constant, vus: 1 }
    steps:
      - { name: list-users, url: /u }
      - group: g
        steps: [{ name: in-group, url: /g }]
  buy:
    duration: 5s
    profile: { type: constant, vus: 1 }
    steps: [{ name: pay, url: /p }]
thresholds:
  - ${t}
`,
      't.yaml',
    );
  assert.equal(plan('"p95 < 5 [browse/in-group]"').thresholds[0].expression, 'p95 < 5 [browse/in-group]');
  assert.equal(plan('"p95 < 5 [*/pay]"').thresholds[0].expression, 'p95 < 5 [*/pay]');
  assert.throws(() => plan('"p95 < 5 [browse/pay]"'), { message: "t.yaml:15:5: thresholds[0]: no step named 'pay' in scenario 'browse'; steps: list-users, in-group" });
  assert.throws(() => plan('"p95 < 5 [*/pai]"'), { message: "t.yaml:15:5: thresholds[0]: no step named 'pai' (did you mean 'pay'?); steps: list-users, in-group, pay" });
  assert.throws(() => plan('"p95 < 5 [browse/g]"'), /no step named 'g' in scenario 'browse'/);
  assert.throws(() => plan('{ threshold: "p95 < 5 [bye]", abort_on_fail: true }'), { message: "t.yaml:15:18: thresholds[0].threshold: no scenario named 'bye' (did you mean 'buy'?); scenarios: browse, buy" });
  assert.throws(() => plan('42'), { message: 't.yaml:15:5: thresholds[0]: must be a string like "p95 < 500" or a map {metric, condition, value} (got 42)' });
  assert.throws(() => plan('{ threshold: "p95 <" }'), /t\.yaml:15:18: thresholds\[0\]\.threshold: 'p95 <' is not a threshold/);
});

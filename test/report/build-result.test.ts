/**
 * buildResult on synthetic recorder data: the Result validates against the zod
 * schema, percentiles match a known-latency ladder within HDR precision, rates are
 * over the run span, time series line up, and status/exit codes follow thresholds
 * and aborts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder } from '../../src/metrics/recorder.js';
import { ExitCode } from '../../src/errors.js';
import type { RunEvent } from '../../src/engine/types.js';
import { buildResult, exitCodeOf } from '../../src/report/build-result.js';
import { Result } from '../../src/report/result-schema.js';
import type { Plan } from '../../src/plan/types.js';
import { planFrom } from '../helpers.js';

const PLAN = `
name: ladder
target: http://127.0.0.1:9
scenarios:
  web:
    profile: { type: constant, vus: 2 }
    duration: 4s
    steps:
      - { name: home, url: /home }
      - { name: api, url: /api }
  open:
    profile: { type: constant_rate, rate: 10, pre_allocated_vus: 2, max_vus: 4 }
    duration: 4s
    steps:
      - { name: ping, url: /ping }
thresholds:
  - "p95 < 500"
  - { metric: error_rate, condition: "<", value: 0.5, scenario: web }
`;

const START = Date.UTC(2026, 0, 2, 3, 4, 5);

/**
 * 4 one-second intervals. `web/home` gets the ladder 1..100 ms each interval
 * (every 10th a 503), `web/api` 10 requests of 7 ms, `open/ping` 5 requests of 2 ms
 * with 1..5 ms generator lag; the run ends 3.5 s into the 4th interval.
 */
function synthetic(plan: Plan, opts: { endMs?: number } = {}) {
  const rec = new Recorder({ scenarios: plan.scenarios.map((s) => ({ name: s.name, steps: s.steps.map((x) => ('name' in x ? String(x.name) : 'step')) })), intervalMs: 1000, startAtMs: START });
  const home = rec.stepKey('web', 'home');
  const api = rec.stepKey('web', 'api');
  const ping = rec.stepKey('open', 'ping');
  const intervals = [];
  for (let s = 0; s < 4; s++) {
    for (let k = 1; k <= 100; k++) {
      const err = k % 10 === 0;
      rec.request(home, { latencyUs: k * 1000, serviceUs: k * 1000 - 100, ttfbUs: k * 900, status: err ? 503 : 200, errorClass: err ? 'http_5xx' : undefined, bytesIn: 1000, bytesOut: 100 });
    }
    for (let k = 0; k < 10; k++) rec.request(api, { latencyUs: 7000, serviceUs: 7000, ttfbUs: 6000, status: 200, bytesIn: 10, bytesOut: 10 });
    for (let k = 1; k <= 5; k++) {
      rec.request(ping, { latencyUs: 2000 + k * 1000, serviceUs: 2000, ttfbUs: 1500, status: 200, bytesIn: 1, bytesOut: 1 });
      rec.lag(rec.scenarioKey('open'), k * 1000);
      rec.iteration(rec.scenarioKey('open'), 2100);
    }
    rec.checks(home, 100, 0);
    intervals.push(rec.cut(3 + s));
  }
  const metrics = rec.final();
  rec.destroy();
  return { metrics, intervals, startAtMs: START, endedAtMs: opts.endMs ?? START + 3500 };
}

const near = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= want * 0.001 + 0.001, `${what}: ${got} vs ${want}`);

test('a passing run: schema-valid, ladder percentiles, rates over the run span, series per key', () => {
  const plan = planFrom(PLAN);
  const events: RunEvent[] = [
    { atMs: START, type: 'start', message: 'run started' },
    { atMs: START + 1250, type: 'worker_lost', message: 'w2 lost', workerId: 'w2', data: { silentMs: 3000 } },
  ];
  const r = buildResult({ plan, ...synthetic(plan), events, runId: 'run-1', git: { sha: 'abc', ref: 'main' }, toolVersion: '9.9.9' });
  Result.parse(r);
  assert.deepEqual([r.run.status, r.run.exit_code, exitCodeOf(r)], ['passed', 0, 0]);
  assert.deepEqual([r.run.id, r.run.started_at, r.run.ended_at, r.run.duration_ms], ['run-1', '2026-01-02T03:04:05.000Z', '2026-01-02T03:04:08.500Z', 3500]);
  assert.deepEqual(r.run.git, { sha: 'abc', ref: 'main' });
  assert.equal(r.tool.version, '9.9.9');
  assert.deepEqual(r.plan, { name: 'ladder', file: plan.file, hash: plan.hash });

  const home = r.scenarios.web.steps.home;
  assert.equal(home.requests, 400);
  assert.equal(home.errors, 40);
  assert.equal(home.error_rate, 0.1);
  near(home.rps, 400 / 3.5, 'home rps');
  for (const [k, want] of [['min', 1], ['p50', 50], ['p90', 90], ['p95', 95], ['p99', 99], ['max', 100], ['mean', 50.5]] as const) near(home.latency_ms[k], want, `home ${k}`);
  near(home.service_ms.p50, 49.9, 'service p50');
  near(home.ttfb_ms!.p50, 45, 'ttfb p50');
  assert.deepEqual(home.status, { '200': 360, '503': 40 });
  assert.deepEqual(home.errors_by_class, { http_5xx: 40 });
  assert.deepEqual(home.checks, { passes: 400, fails: 0, rate: 1 });
  assert.equal(home.bytes_in, 400_000);
  assert.ok(home.histogram?.startsWith('HISTF'), 'compressed V2 histogram');

  assert.equal(r.summary.requests, 460);
  assert.equal(r.scenarios.web.requests, 440);
  assert.equal(r.scenarios.open.iterations, 20);
  near(r.summary.rps, 460 / 3.5, 'summary rps');
  near(r.scenarios.open.steps.ping.latency_ms.max, 7, 'ping max');
  near(r.generator_lag_ms!.p50, 3, 'lag p50');
  near(r.generator_lag_ms!.max, 5, 'lag max');

  assert.deepEqual(r.timeseries.map((p) => [p.t, p.requests, p.active_vus]), [
    [0, 115, 3],
    [1, 115, 4],
    [2, 115, 5],
    [3, 115, 6],
  ]);
  // the last interval is partial (0.5 s of 1 s): its rate is over the part that happened
  assert.deepEqual(r.timeseries.map((p) => p.rps), [115, 115, 115, 230]);
  assert.deepEqual(r.scenarios.web.steps.home.timeseries.map((p) => [p.requests, p.errors]), Array(4).fill([100, 10]));
  near(r.scenarios.web.steps.home.timeseries[2].p95, 95, 'interval p95');
  assert.equal(r.scenarios.open.timeseries[0].iterations, 5);

  assert.deepEqual(r.thresholds.map((t) => [t.metric, t.passed]), [
    ['p95', true],
    ['error_rate', true],
  ]);
  assert.deepEqual(r.events, [
    { t: 0, at: '2026-01-02T03:04:05.000Z', type: 'start', message: 'run started' },
    { t: 1.25, at: '2026-01-02T03:04:06.250Z', type: 'worker_lost', message: 'w2 lost', worker: 'w2', data: { silentMs: 3000 } },
  ]);
  assert.deepEqual(r.error_samples, [{ scenario: 'web', step: 'home', error_class: 'http_5xx', message: 'HTTP 503', count: 40 }]);
  assert.deepEqual(r.workers, []);
});

test('status and exit code: thresholds failed → failed/99; abort_on_fail abort → failed/99; signal → aborted/105', () => {
  const failing = planFrom(PLAN.replace('"p95 < 500"', '"p95 < 10"'));
  const passing = planFrom(PLAN);
  const r1 = buildResult({ plan: failing, ...synthetic(failing), events: [] });
  Result.parse(r1);
  assert.deepEqual([r1.run.status, exitCodeOf(r1)], ['failed', ExitCode.thresholdsFailed]);
  assert.equal(r1.thresholds.find((t) => t.metric === 'p95')?.passed, false);
  const r2 = buildResult({ plan: failing, ...synthetic(failing), events: [], aborted: { reason: 'threshold crossed: p95 < 10', bySignal: false } });
  assert.deepEqual([r2.run.status, r2.run.exit_code, r2.run.abort_reason], ['failed', 99, 'threshold crossed: p95 < 10']);
  const r3 = buildResult({ plan: failing, ...synthetic(failing), events: [], aborted: { reason: 'SIGINT', bySignal: true } });
  assert.deepEqual([r3.run.status, exitCodeOf(r3)], ['aborted', ExitCode.aborted]);
  const r4 = buildResult({ plan: passing, ...synthetic(passing), events: [], aborted: { reason: 'SIGTERM', bySignal: true } });
  Result.parse(r4);
  assert.deepEqual([r4.run.status, r4.run.exit_code], ['aborted', 105]);
});

test('a run with no requests at all: zeros, thresholds failed for lack of data, still schema-valid', () => {
  const plan = planFrom(PLAN);
  const rec = new Recorder({ scenarios: [{ name: 'web', steps: ['home', 'api'] }, { name: 'open', steps: ['ping'] }], intervalMs: 1000, startAtMs: START });
  const intervals = [rec.cut(0)];
  const metrics = rec.final();
  rec.destroy();
  const r = buildResult({ plan, metrics, intervals, startAtMs: START, endedAtMs: START, events: [] });
  Result.parse(r);
  assert.equal(r.summary.requests, 0);
  assert.equal(r.summary.rps, 0);
  assert.equal(r.summary.latency_ms.p99, 0);
  assert.equal(r.summary.histogram, undefined);
  assert.equal(r.generator_lag_ms, undefined);
  assert.ok(r.thresholds.every((t) => t.actual === null && !t.passed));
  assert.deepEqual([r.run.status, r.run.exit_code], ['failed', 99]);
});

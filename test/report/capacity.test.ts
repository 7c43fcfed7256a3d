/**
 * Issue 14, capacity search: how a step is judged (its whole intervals only, the
 * criteria on the search's scenario, the generator blamed before the target), how the
 * live watcher and the Result's block agree, the outputs that show the answer, and the
 * comparison's one-step floor. Snapshots are recorded by the real Recorder with known
 * latencies; nothing here is timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder } from '../../src/metrics/recorder.js';
import type { GeneratorHealth, Snapshot } from '../../src/metrics/types.js';
import { capacityResult, CapacityWatcher, stepSeqs } from '../../src/report/capacity.js';
import { capacityOutput } from '../../src/report/capacity-view.js';
import { compareResults } from '../../src/report/compare.js';
import { buildResult } from '../../src/report/build-result.js';
import { finalTable } from '../../src/cli/progress.js';
import { renderHtml, renderMarkdown, renderPrComment } from '../../src/report/render.js';
import { Result } from '../../src/report/result-schema.js';
import type { Plan } from '../../src/plan/types.js';
import { planFrom } from '../helpers.js';

const searchPlan = (criteria = '["p95 < 50", "error_rate < 1%"]', steps = 'step_rate: 100, step_duration: 2s, max_rate: 800') =>
  planFrom(`
target: http://127.0.0.1:8080
scenarios:
  search:
    profile: { type: capacity, start_rate: 400, ${steps}, criteria: ${criteria} }
    steps:
      - { name: root, url: / }
`);

/** One interval: `n` completed requests of `latencyMs` each (`errors` of them 500s), `dropped` arrivals. */
interface Iv {
  n: number;
  latencyMs: number;
  errors?: number;
  dropped?: number;
  saturated?: boolean;
}

const health = (saturated: boolean): GeneratorHealth => ({ eventLoopP99Us: saturated ? 40_000 : 1_000, eventLoopMaxUs: 50_000, cpuPct: 50, lagP99Us: saturated ? 30_000 : 500, saturated });

/** Snapshots recorded through the real Recorder, one per entry, 1 s each from t = 0. */
function record(ivs: Iv[]): Snapshot[] {
  const rec = new Recorder({ scenarios: [{ name: 'search', steps: ['root'] }], intervalMs: 1000, startAtMs: 0 });
  const step = rec.stepKey('search', 'root');
  const sc = rec.scenarioKey('search');
  try {
    return ivs.map((iv) => {
      for (let i = 0; i < iv.n; i++) {
        const bad = i < (iv.errors ?? 0);
        rec.request(step, { latencyUs: iv.latencyMs * 1000, serviceUs: iv.latencyMs * 1000, ttfbUs: 100, status: bad ? 500 : 200, ...(bad ? { errorClass: 'http_5xx' as const } : {}), bytesIn: 10, bytesOut: 10 });
        rec.iteration(sc, iv.latencyMs * 1000);
      }
      if (iv.dropped) rec.dropped(sc, iv.dropped);
      return rec.cut(1, false, health(iv.saturated ?? false));
    });
  } finally {
    rec.destroy();
  }
}

/** Two intervals per step (2 s steps) at the step's rate, with the given latency. */
const steps = (...latencies: (number | Partial<Iv>)[]): Iv[] =>
  latencies.flatMap((l, i) => {
    const iv: Iv = { n: 400 + 100 * i, latencyMs: 5, ...(typeof l === 'number' ? { latencyMs: l } : l) };
    return [iv, iv];
  });

const resultOf = (plan: Plan, snaps: Snapshot[], aborted?: { atMs: number }) =>
  buildResult({
    plan,
    metrics: { v: 1, total: snaps[0].total, scenarios: snaps[0].scenarios, errorSamples: [] },
    intervals: snaps,
    startAtMs: 0,
    endedAtMs: snaps.length * 1000 - 1,
    events: aborted ? [{ atMs: aborted.atMs, type: 'abort', message: 'aborted: SIGINT' }] : [],
    ...(aborted ? { aborted: { reason: 'aborted: SIGINT', bySignal: true } } : {}),
  });

test('a step is judged on the whole intervals inside it', () => {
  const sc = searchPlan().scenarios[0] as Parameters<typeof stepSeqs>[0];
  assert.deepEqual(stepSeqs(sc, 0, 1000), { first: 0, last: 1 });
  assert.deepEqual(stepSeqs(sc, 3, 1000), { first: 6, last: 7 });
  // 1.5 s steps over 1 s intervals: the straddling interval [1 s, 2 s) belongs to neither.
  const odd = searchPlan(undefined, 'step_rate: 100, step_duration: 1500ms, max_rate: 800').scenarios[0] as Parameters<typeof stepSeqs>[0];
  assert.deepEqual([0, 1, 2].map((i) => stepSeqs(odd, i, 1000)), [{ first: 0, last: 0 }, { first: 2, last: 2 }, { first: 3, last: 3 }]);
});

test('criterion_failed: the highest step that held, the failing step with the criterion and its value', () => {
  const plan = searchPlan();
  const r = capacityResult(plan, record(steps(5, 6, 8, 120)), 0, 8000)!;
  assert.equal(r.stop_reason, 'criterion_failed');
  assert.equal(r.sustainable_rate, 600);
  assert.equal(r.sustainable!.latency_ms.p95, 8.003);
  assert.equal(r.sustainable!.achieved_rate, 600);
  assert.equal(r.failing!.rate, 700);
  assert.deepEqual(r.failing!.failed, [{ expression: 'p95 < 50', actual: 120.063 }]);
  assert.deepEqual(r.steps.map((s) => s.held), [true, true, true, false]);
  assert.match(r.message, /700\/s failed p95 < 50 \(actual 120\.063\); 600\/s held .*the highest sustainable rate is 600\/s/);
});

test('an error-rate criterion fails a fast step', () => {
  const r = capacityResult(searchPlan(), record(steps(5, { latencyMs: 5, errors: 20 })), 0, 4000)!;
  assert.equal(r.sustainable_rate, 400);
  assert.deepEqual(r.failing!.failed, [{ expression: 'error_rate < 0.01', actual: 0.04 }]);
});

test('generator_saturated: a saturated interval ends the search on the generator, even when a criterion failed too', () => {
  const ivs = steps(5, 6);
  ivs.push({ n: 600, latencyMs: 200, saturated: true }, { n: 600, latencyMs: 200 });
  const r = capacityResult(searchPlan(), record(ivs), 0, 6000)!;
  assert.equal(r.stop_reason, 'generator_saturated');
  assert.equal(r.sustainable_rate, 500);
  assert.equal(r.failing!.rate, 600);
  assert.equal(r.failing!.generator_saturated, true);
  assert.deepEqual(r.failing!.generator, { lag_p99_ms: 30, event_loop_p99_ms: 40 });
  assert.match(r.message, /^The load generator was the limit, not the target/);
  assert.doesNotMatch(r.message, /highest sustainable rate is/);
});

test('generator_saturated: arrivals dropped for want of a VU (more than 1 %) while the criteria held are the generator, not the target', () => {
  const within = capacityResult(searchPlan(), record(steps(5, { latencyMs: 5, dropped: 4 })), 0, 4000)!; // 8 of 1,000 planned
  assert.deepEqual(within.steps.map((s) => s.held), [true, true], '8 of 1,000 arrivals dropped: within 1 %');
  assert.equal(within.stop_reason, 'aborted', 'the run ended after 2 of its 5 steps');
  const over = capacityResult(searchPlan(), record(steps(5, { latencyMs: 5, dropped: 10 })), 0, 4000)!; // 20 of 1,000
  assert.equal(over.stop_reason, 'generator_saturated');
  assert.equal(over.failing!.dropped_iterations, 20);
  // A slow target keeps the VUs busy: the drops come with a failed criterion, which is the target's.
  const slow = capacityResult(searchPlan(), record(steps(5, { latencyMs: 300, dropped: 10 })), 0, 4000)!;
  assert.equal(slow.stop_reason, 'criterion_failed');
  assert.equal(slow.failing!.generator_saturated, false);
});

test('max_reached: every step held; aborted: a step cut short is not judged', () => {
  const all = capacityResult(searchPlan(), record(steps(5, 5, 5, 5, 5)), 0, 9999)!;
  assert.equal(all.stop_reason, 'max_reached');
  assert.equal(all.sustainable_rate, 800);
  assert.equal(all.failing, null);
  // SIGINT at 5.5 s: steps 0 and 1 ended before it; step 2 ([4 s, 6 s)) did not.
  const cut = capacityResult(searchPlan(), record(steps(5, 5, 5)), 0, 6000, 5500)!;
  assert.equal(cut.stop_reason, 'aborted');
  assert.equal(cut.steps.length, 2);
  assert.equal(cut.sustainable_rate, 500);
});

test('the live watcher ends the search on the same step as the result, and only once', () => {
  const plan = searchPlan();
  const snaps = record(steps(5, 6, 8, 120, 5));
  const w = CapacityWatcher.of(plan)!;
  const ended = snaps.map((s) => w.add(s));
  assert.deepEqual(ended.map((e) => e?.rate ?? null), [null, null, null, null, null, null, null, 700, null, null]);
  assert.equal(CapacityWatcher.of(planFrom('scenarios: { s: { duration: 1s, profile: { type: constant, vus: 1 }, steps: [{ name: a, url: "http://127.0.0.1:1/" }] } }')), undefined);
});

test('every output shows the answer: Result block (schema-valid), CLI table, summary, PR comment, HTML, Action output', () => {
  const plan = searchPlan('["p95 < 50"]');
  const result = resultOf(plan, record(steps(5, 6, 8, 120)));
  assert.equal(Result.safeParse(result).success, true);
  assert.equal(result.run.status, 'passed', 'finding the limit is the purpose of the run, not a failure');
  assert.equal(result.capacity!.sustainable_rate, 600);
  const table = finalTable(result);
  assert.match(table, /CAPACITY SEARCH \(scenario search; each step must meet: p95 < 50\)/);
  assert.match(table, /✗ +700\/s .*p95 < 50 \(actual 120\.063\)/);
  assert.match(table, /→ 600\/s sustainable \(p50 8\.00 ms, p95 8\.00 ms, p99 8\.00 ms, error rate 0\.00%, achieved 600\.0\/s\); 700\/s failed p95 < 50 \(actual 120\.063\) — stop: criterion_failed/);
  assert.match(renderMarkdown(result), /\*\*Capacity:\*\* 600\/s sustainable/);
  assert.match(renderMarkdown(result), /\| ✗ \| 700\/s \| 700\.0\/s \|/);
  assert.match(renderPrComment(result), /\*\*Capacity:\*\* 600\/s sustainable .* stop: criterion\\_failed/);
  const html = renderHtml(result);
  assert.match(html, /<section id="capacity">/);
  assert.match(html, /data-chart="capacity"/);
  const data = JSON.parse(/<script type="application\/json" id="lt-data">(.*?)<\/script>/s.exec(html)![1]);
  assert.deepEqual(data.capacity.rates, [400, 500, 600, 700]);
  assert.deepEqual(data.capacity.held, [true, true, true, false]);
  const out = capacityOutput(result.capacity!);
  assert.equal(out.sustainable_rate, 600);
  assert.equal(out.stop_reason, 'criterion_failed');
  assert.deepEqual((out.failing as { failed: unknown }).failed, [{ expression: 'p95 < 50', actual: 120.063 }]);
});

test('comparison: a drop of more than one step is a regression; one step, or a head bounded by its generator, is not', () => {
  const plan = searchPlan('["p95 < 50"]');
  const at = (...lat: number[]) => resultOf(plan, record(steps(...lat)));
  const base = at(5, 5, 5, 5, 120); // 700 held
  const row = (head: ReturnType<typeof at>) => compareResults(base, head).rows.find((r) => r.scope === 'capacity')!;
  assert.equal(row(at(5, 5, 5, 120)).verdict, '~', 'one step (100/s) lower is within the search resolution');
  const two = row(at(5, 5, 120));
  assert.equal(two.verdict, 'regressed');
  assert.equal(two.base, 700);
  assert.equal(two.head, 500);
  assert.match(two.note!, /floor: more than one step \(100\/s\)/);
  assert.equal(row(at(5, 5, 5, 5, 5)).verdict, '~', 'one step up');
  const ivs = steps(5, 5);
  ivs.push({ n: 600, latencyMs: 200, saturated: true }, { n: 600, latencyMs: 200 });
  const bounded = row(resultOf(plan, record(ivs)));
  assert.equal(bounded.verdict, '~', "a head that stopped on its generator only bounds the target's capacity");
  assert.match(bounded.note!, /head's search ended with generator_saturated/);
  const cmp = compareResults(base, at(5, 5, 120));
  assert.equal(cmp.rows.filter((r) => r.scope === 'overall' || r.scope.startsWith('search')).length, 0, "the search's own series are not compared");
  assert.match(cmp.method, /more than one step of the search/);
});

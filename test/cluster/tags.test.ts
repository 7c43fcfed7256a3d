/**
 * Issue 14, acceptance 1: tags as dimensions over 3 in-process workers. Per-tag totals
 * equal the sum of the tagged steps' totals (and of every worker's own counts), the
 * tag's percentiles equal those of one reference histogram holding every tagged
 * step's values, and tag-scoped thresholds (short and object form) pass and fail.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoTarget } from '../../src/demo/target.js';
import { runCoordinator } from '../../src/cluster/coordinator.js';
import { runWorker, type WorkerOutcome } from '../../src/cluster/worker.js';
import { createLocalTransport } from '../../src/cluster/local-transport.js';
import { loadPlan } from '../../src/plan/load.js';
import { decodeHistogram, latencyStats, newHistogram } from '../../src/metrics/histogram.js';
import { PlanError } from '../../src/errors.js';
import { renderHtml, renderMarkdown, renderPrComment } from '../../src/report/render.js';
import { Result } from '../../src/report/result-schema.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

const yaml = (url: string, thresholds = '') => `
name: tags
target: ${url}
scenarios:
  a:
    duration: 2s
    tags: { team: core }
    profile: { type: constant_rate, rate: 30, pre_allocated_vus: 10, max_vus: 40 }
    steps:
      - { name: list, url: "/slow?ms=20", tags: { endpoint: users } }
      - { name: get, url: "/slow?ms=5", tags: { endpoint: users } }
      - { name: orders, url: /fast, tags: { endpoint: orders, team: shop } }
  b:
    duration: 2s
    profile: { type: constant_rate, rate: 20, pre_allocated_vus: 10, max_vus: 40 }
    steps:
      - { name: profile, url: "/slow?ms=40", tags: { endpoint: users } }
      - { name: untagged, url: /fast }
thresholds:
${thresholds}`;

test('tags over 3 workers: totals = sum of tagged steps, percentiles = one reference histogram, tag thresholds pass and fail', async () => {
  const text = yaml(target.url, [
    '  - "p50 < 1000 {endpoint=users}"',
    '  - { metric: p50, tag: { endpoint: users }, condition: "<", value: 1 }',
    '  - "requests > 0 [a] {team: core}"',
    '  - { metric: error_rate, tag: { endpoint: orders }, condition: "<", value: 0.01 }',
  ].join('\n'));
  const plan = loadPlan(text, 'tags.yaml', { env: {} });
  const lt = createLocalTransport();
  const coord = runCoordinator({ plan, planSource: { text, file: 'tags.yaml' }, transport: lt.coordinator, workers: 3, waitMs: 10_000 });
  const workers = [0, 1, 2].map((i) => runWorker({ transport: lt.worker(), workerId: `w${i}` }));
  const [outcome, ...outs] = await Promise.all([coord, ...workers]);
  const r = outcome.result;
  const tags = r.summary.tags!;
  assert.deepEqual(Object.keys(tags).sort(), ['endpoint', 'team']);
  const users = tags.endpoint.users;
  assert.deepEqual(users.steps, ['a/list', 'a/get', 'b/profile']);
  const members = [r.scenarios.a.steps.list, r.scenarios.a.steps.get, r.scenarios.b.steps.profile];
  assert.equal(users.requests, members.reduce((n, s) => n + s.requests, 0));
  assert.equal(users.errors, members.reduce((n, s) => n + s.errors, 0));
  assert.ok(users.requests > 0);
  // The workers' own step counts add up to the merged tag figure.
  const own = (outs as WorkerOutcome[]).reduce((n, o) => n + ['list', 'get'].reduce((m, st) => m + o.engine.metrics.scenarios.a.steps[st].counters.requests, 0) + o.engine.metrics.scenarios.b.steps.profile.counters.requests, 0);
  assert.equal(users.requests, own);
  // One reference histogram with every tagged step's values.
  const ref = newHistogram();
  for (const s of members) ref.add(decodeHistogram(s.histogram!));
  assert.deepEqual(users.latency_ms, latencyStats(ref));
  ref.destroy();
  // The step's own tag overrides its scenario's: orders is team=shop, not core.
  assert.deepEqual(tags.team.core.steps, ['a/list', 'a/get']);
  assert.deepEqual(tags.team.shop.steps, ['a/orders']);
  assert.equal(tags.endpoint.orders.requests, r.scenarios.a.steps.orders.requests);
  const verdicts = Object.fromEntries(r.thresholds.map((t) => [t.expression, t.passed]));
  assert.deepEqual(verdicts, {
    'p50 < 1000 {endpoint=users}': true,
    'p50 < 1 {endpoint=users}': false,
    'requests > 0 [a] {team=core}': true,
    'error_rate < 0.01 {endpoint=orders}': true,
  });
  assert.deepEqual(r.thresholds[1].tag, { endpoint: 'users' });
  assert.equal(r.run.exit_code, 99);
  // The JSON stays valid against its schema, and every output has the tag table.
  assert.ok(Result.safeParse(JSON.parse(JSON.stringify(r))).success);
  const usersRow = `${users.requests} |`;
  assert.match(renderHtml(r), new RegExp(`<h2>By tag</h2>[\\s\\S]*<code>endpoint</code> = <code>users</code></td><td>${users.requests}</td>`));
  assert.match(renderMarkdown(r), new RegExp(`\\| Tag \\|[\\s\\S]*<code>endpoint(=|&#x3D;)users</code> \\| ${usersRow}`));
  assert.match(renderPrComment(r), new RegExp(`By tag \\(4\\)[\\s\\S]*<code>team(=|&#x3D;)shop</code> \\| ${tags.team.shop.requests} \\|`));
});

test('a tag threshold no step carries is refused at load, naming the tags the plan has', () => {
  assert.throws(
    () => loadPlan(yaml('http://127.0.0.1:1', '  - "p95 < 300 {endpoint=userz}"'), 'tags.yaml', { env: {} }),
    (e: unknown) => e instanceof PlanError && /no step carries the tags \{endpoint=userz\}; tags in this plan: .*endpoint=users/.test(e.message) && /tags\.yaml:\d+/.test(e.message),
  );
  assert.throws(
    () => loadPlan(yaml('http://127.0.0.1:1', '  - { metric: p95, tag: { endpoint: users }, condition: "<", value: 300, scenario: a, step: orders }'), 'tags.yaml', { env: {} }),
    (e: unknown) => e instanceof PlanError && /no step in scenario 'a' named 'orders' carries the tags \{endpoint=users\}/.test(e.message),
  );
  assert.throws(() => loadPlan(yaml('http://127.0.0.1:1', '  - "p95 < 300 {endpoint}"'), 'tags.yaml', { env: {} }), (e: unknown) => e instanceof PlanError && /must list tags like \{endpoint=users\}/.test(e.message));
});

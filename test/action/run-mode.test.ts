/**
 * The Action's `mode: run` as a job would run it (dist/index.js in a child process
 * against the fake Results service and the fake GitHub REST API):
 * - issue 5 acceptance 4: a plan error becomes an `::error file=…,line=…::` annotation
 *   and fails the step;
 * - issue 5 acceptance 5: finalize faults are retried; a duplicate artifact name is a
 *   clear warning, not a crash;
 * - issue 6 acceptance 5: the PR comment is created once, then updated in place, never
 *   duplicated; `baseline: auto` finds the base branch's last result; a fork PR's
 *   read-only token leaves a job-summary notice instead of failing;
 * - secrets from headers are masked.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { startFakeGitHubApi, type FakeGitHub } from '../support/fake-github-api.js';
import { parseAnnotations, runAction } from '../support/action-harness.js';
import { makeResult } from '../fixtures/results/make.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let results: FakeResults;
let github: FakeGitHub;
let workspace: string;
let runId = 9000;

const PLAN = (url: string) => `name: pr-check
target: ${url}
scenarios:
  api:
    duration: 2s
    profile: { type: constant, vus: 3 }
    think_time: 20ms
    steps:
      - name: users
        method: GET
        url: /api/users
        headers: { Authorization: "Bearer sekrit-token-123" }
thresholds:
  - "error_rate < 0.01"
`;

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  results = await startFakeResultsService();
  github = await startFakeGitHubApi({ results });
  workspace = mkdtempSync(join(tmpdir(), 'lt-run-ws-'));
  writeFileSync(join(workspace, 'plan.yaml'), PLAN(target.url));
  writeFileSync(join(workspace, 'bad.yaml'), `name: bad\nscenarios:\n  s:\n    duration: 2s\n    profile: { type: constant, vus: -3 }\n    steps: [{ name: a, method: GET, url: http://127.0.0.1:9/ }]\n`);
});
after(async () => {
  await github.close();
  await results.close();
  await target.close();
});

const prEvent = { pull_request: { number: 42, base: { ref: 'main' }, head: { ref: 'feature', sha: 'f'.repeat(40) } } };

const job = (inputs: Record<string, string>, extra: Partial<Parameters<typeof runAction>[0]> = {}) =>
  runAction({ inputs: { mode: 'run', plan: 'plan.yaml', 'github-token': 'test-token', ...inputs }, runId: ++runId, jobId: 'loadtest', results, github, workspace, timeoutMs: 60_000, ...extra });

test('a plan error is an ::error annotation with file and line, and fails the step', async () => {
  const r = await job({ plan: 'bad.yaml' });
  assert.notEqual(r.code, 0);
  const errors = parseAnnotations(r.stdout).filter((a) => a.level === 'error');
  const located = errors.find((a) => a.file === 'bad.yaml');
  assert.ok(located, r.stdout);
  assert.equal(located.line, 5);
  assert.equal(located.col, 37);
  assert.match(located.message, /vus/);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
});

test('mode run: outputs, summary, masked secrets and the result artifact', async () => {
  const r = await job({});
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.outputs.passed, 'true');
  const summary = JSON.parse(r.outputs.summary);
  assert.ok(summary.requests > 0 && summary.scenarios.api.requests === summary.requests);
  assert.equal(JSON.parse(r.outputs.thresholds)[0].passed, true);
  assert.match(r.summary, /Load test: pr-check/);
  assert.match(r.stdout, /::add-mask::Bearer sekrit-token-123/);
  const art = results.artifacts({ runId: String(runId) }).find((a) => a.name === 'loadtest-report');
  assert.equal(r.outputs['report-artifact-id'], String(art?.id));
});

test('mode run with a capacity search: the capacity output and the summary line (issue 14)', async () => {
  // A bucket of 30/s with no burst: 20/s holds, 40/s queues ~10 requests a second.
  writeFileSync(
    join(workspace, 'capacity.yaml'),
    `name: capacity-check
target: ${target.url}
# Limits far above what a loaded machine shows: this checks the plumbing, not the machine.
generator: { max_lag_p99: 5s, max_event_loop_p99: 5s }
scenarios:
  search:
    profile: { type: capacity, start_rate: 20, step_rate: 20, step_duration: 1s, max_rate: 60, criteria: ["p95 < 100"] }
    steps:
      - { name: bucket, url: "/capacity?rate=30&burst=1" }
`,
  );
  const r = await job({ plan: 'capacity.yaml' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const capacity = JSON.parse(r.outputs.capacity);
  assert.equal(capacity.stop_reason, 'criterion_failed', capacity.message);
  assert.equal(capacity.sustainable_rate, 20);
  assert.equal(capacity.failing.rate, 40);
  assert.equal(capacity.failing.failed[0].expression, 'p95 < 100');
  assert.match(r.summary, /\*\*Capacity:\*\* 20\/s sustainable/);
  assert.equal(JSON.parse(r.outputs.summary).status, 'passed');
});

test('a push run with baseline: auto gets no "no successful base-branch run" notice (nothing is looked up on a push)', async () => {
  const r = await job({ baseline: 'auto' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.summary + r.stdout, /base-branch run|baseline lookup/);
  assert.equal(parseAnnotations(r.stdout).filter((a) => a.level === 'notice').length, 0, r.stdout);
});

test('a failing threshold fails the step with a message naming it', async () => {
  writeFileSync(join(workspace, 'strict.yaml'), PLAN(target.url).replace('"error_rate < 0.01"', '"rps > 1000000"'));
  const r = await job({ plan: 'strict.yaml' });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::1 threshold\(s\) failed: rps > 1000000/);
  assert.equal(r.outputs.passed, 'false');
});

test('a transient finalize failure is retried; a duplicate report name is a clear warning', async () => {
  results.failNext('FinalizeArtifact', { status: 500, times: 1 });
  const r1 = await job({ 'report-name': 'retried-report' });
  assert.equal(r1.code, 0, r1.stdout);
  assert.ok(results.artifacts({ runId: String(runId) }).some((a) => a.name === 'retried-report' && a.status === 'finalized'));
  // The same name twice in one run: the service answers 409; the step still passes with a warning.
  const run = runId;
  const again = await runAction({ inputs: { mode: 'run', plan: 'plan.yaml', 'report-name': 'retried-report' }, runId: run, jobId: 'second', results, workspace, timeoutMs: 60_000 });
  assert.equal(again.code, 0, again.stdout);
  assert.match(again.stdout, /::warning::could not upload the report artifact 'retried-report'.*already exists/);
});

test('PR comment: created once, then updated in place, with the baseline comparison', async () => {
  // The base branch's last successful run left a result artifact.
  github.addRun({ id: 500, headBranch: 'main', headSha: 'b'.repeat(40), workflowPath: '.github/workflows/loadtest.yml', status: 'completed', conclusion: 'success' });
  github.addArtifact({ runId: 500, name: 'loadtest-report', files: { 'result.json': JSON.stringify(makeResult({ seed: 'baseline', text: { scenarios: ['api', 'checkout'], steps: ['users', 'search', 'pay'] } })) } });
  const opts = { event: prEvent, eventName: 'pull_request' };
  const r1 = await job({ baseline: 'auto' }, opts);
  assert.equal(r1.code, 0, r1.stdout);
  let comments = github.comments(42);
  assert.equal(comments.length, 1);
  assert.match(comments[0].body, /^<!-- loadtest-action:loadtest:loadtest -->/);
  assert.match(comments[0].body, /regressed · \d+ improved · \d+ unchanged( · \d+ not compared)?\*\* against run 500 on main/);
  assert.match(comments[0].body, /\[HTML report artifact\]\(https:\/\/github\.com\/octo-org\/octo-repo\/actions\/runs\/\d+\/artifacts\/\d+\)/, 'links the report artifact');
  const r2 = await job({ baseline: 'auto' }, opts);
  assert.equal(r2.code, 0, r2.stdout);
  comments = github.comments(42);
  assert.equal(comments.length, 1, 'updated, not duplicated');
  assert.notEqual(comments[0].updatedAt, comments[0].createdAt);
  assert.ok(github.requests.some((q) => q.method === 'PATCH'), 'the second run updated the comment');
});

test('a fork PR (read-only token) leaves a notice in the summary instead of failing', async () => {
  const r = await job({ 'github-token': 'read-only-token' }, { event: { pull_request: { number: 43, base: { ref: 'main' } } }, eventName: 'pull_request' });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(github.comments(43).length, 0);
  assert.match(r.summary, /read-only token/);
  assert.match(r.stdout, /::notice::.*read-only token/);
});

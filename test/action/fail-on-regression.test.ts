/**
 * Issue 15 acceptance 5: with `fail-on-regression: true` and a regression, the step
 * fails and every output says so — `passed=false`, `status=regressed`, the
 * `comparison` output counts it, and the job summary's headline and the PR comment's
 * first line open with ❌. dist/index.js runs as a job would, against the fake
 * Results service and REST API; the head is a real 8 s run against the demo target's
 * /slow endpoint, the baseline a saved real result of the same one-step plan against
 * an instant server (test/fixtures/results/real/base.json).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { startFakeGitHubApi, type FakeGitHub } from '../support/fake-github-api.js';
import { runAction } from '../support/action-harness.js';
import { ROOT } from '../helpers.js';
import { LOOSE_LIMITS, onePingPlan } from '../fixtures/results/real/plan.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let results: FakeResults;
let github: FakeGitHub;
let workspace: string;

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  results = await startFakeResultsService();
  github = await startFakeGitHubApi({ results });
  workspace = mkdtempSync(join(tmpdir(), 'lt-regress-ws-'));
  // Scenario and step named as in the baseline; limits a busy machine does not reach,
  // so the latency rows are compared (a saturated run's would not be).
  writeFileSync(join(workspace, 'plan.yaml'), onePingPlan({ target: target.url, duration: '8s', limits: LOOSE_LIMITS, path: '/slow?ms=30', vus: 3, thinkTime: '50ms' }));
  copyFileSync(join(ROOT, 'test/fixtures/results/real/base.json'), join(workspace, 'base.json'));
});
after(async () => {
  await github.close();
  await results.close();
  await target.close();
});

test('fail-on-regression with a regression: passed=false, status=regressed, the summary headline and the comment open with ❌', async () => {
  const r = await runAction({
    inputs: { mode: 'run', plan: 'plan.yaml', baseline: 'base.json', 'fail-on-regression': 'true', 'github-token': 'test-token' },
    event: { pull_request: { number: 77, base: { ref: 'main' }, head: { ref: 'feature', sha: 'e'.repeat(40) } } },
    eventName: 'pull_request',
    runId: 7700,
    jobId: 'loadtest',
    results,
    github,
    workspace,
    timeoutMs: 60_000,
  });
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stdout, /::error::\d+ regression\(s\) against the baseline: overall /);
  assert.equal(r.outputs.passed, 'false');
  assert.equal(r.outputs.status, 'regressed');
  const cmp = JSON.parse(r.outputs.comparison);
  assert.ok(cmp.regressed >= 1, r.outputs.comparison);
  assert.equal(cmp.flagged.filter((f: { verdict: string }) => f.verdict === 'regressed').length, cmp.regressed);
  assert.match(r.summary, /^## ❌ Load test: cmp\n\n\*\*Failed: \d+ regression\(s\) against the baseline \(fail-on-regression\)\*\*/);
  const [comment] = github.comments(77);
  assert.ok(comment, 'a PR comment was posted');
  assert.match(comment.body.split('\n')[1], /^### ❌ Load test <code>cmp<\/code>: \d+ regressions?, largest /);
});

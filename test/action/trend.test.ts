/**
 * Issue 14 acceptance 3: `baseline: auto` with the default `trend-runs` (10), against
 * the fake GitHub REST API with 12 earlier successful base-branch runs, 2 of whose
 * result artifacts have expired: the runs are read over two pages, the PR comment
 * shows the trend of the 10 available runs (a sparkline per headline metric, this run
 * after │), names the expired ones, says the trend is context only, and stays under
 * GitHub's 65,536-character limit. The HTML report artifact carries the trend chart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { startFakeGitHubApi, type FakeGitHub } from '../support/fake-github-api.js';
import { runAction } from '../support/action-harness.js';
import { readZip } from '../support/zip.js';
import { makeResult } from '../fixtures/results/make.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let results: FakeResults;
let github: FakeGitHub;
let workspace: string;

const EXPIRED = new Set([604, 609]);

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  results = await startFakeResultsService();
  github = await startFakeGitHubApi({ results });
  workspace = mkdtempSync(join(tmpdir(), 'lt-trend-ws-'));
  writeFileSync(join(workspace, 'plan.yaml'), `name: trend-check
target: ${target.url}
scenarios:
  api:
    duration: 1s
    profile: { type: constant, vus: 2 }
    think_time: 20ms
    steps:
      - { name: users, method: GET, url: /api/users }
`);
  // 12 successful runs on main, one a day, latency creeping up run after run.
  for (let i = 1; i <= 12; i++) {
    const id = 600 + i;
    const day = `2026-01-${String(i).padStart(2, '0')}`;
    github.addRun({ id, headBranch: 'main', headSha: (0xa0 + i).toString(16).padEnd(40, '0'), workflowPath: '.github/workflows/loadtest.yml', status: 'completed', conclusion: 'success', createdAt: `${day}T10:00:00Z` });
    const r = makeResult({ seed: `trend-${i}`, latencyScale: 1 + i / 20, text: { scenarios: ['api', 'checkout'], steps: ['users', 'search', 'pay'] } });
    r.run.started_at = `${day}T10:00:00.000Z`;
    r.run.git = { sha: (0xa0 + i).toString(16).padEnd(40, '0') };
    github.addArtifact({ runId: id, name: 'loadtest-report', expired: EXPIRED.has(id), files: { 'result.json': JSON.stringify(r) } });
  }
});
/** One `mode: run` job on a pull request into `base` with `baseline: auto`. */
const prJob = (runId: number, pr: number, base: string, inputs: Record<string, string> = {}) =>
  runAction({
    inputs: { mode: 'run', plan: 'plan.yaml', 'github-token': 'test-token', baseline: 'auto', ...inputs },
    event: { pull_request: { number: pr, base: { ref: base }, head: { ref: 'feature', sha: 'f'.repeat(40) } } },
    eventName: 'pull_request',
    runId,
    jobId: 'loadtest',
    results,
    github,
    workspace,
    timeoutMs: 60_000,
  });

after(async () => {
  await github.close();
  await results.close();
  await target.close();
});

test('the PR comment shows the trend of the 10 available base runs and names the 2 expired ones', async () => {
  const r = await prJob(9700, 77, 'main');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const [comment] = github.comments(77);
  assert.ok(comment, 'a comment was posted');
  const body = comment.body;
  assert.ok(body.length < 65_536, `comment is ${body.length} characters`);
  assert.match(body, /against run 612 on main/, 'the comparison is still with the last base run');
  assert.match(body, /\*\*Trend over the last 10 base-branch runs\*\*/);
  const sparks = [...body.matchAll(/^\| (rps|error_rate|p50|p95|p99) \| `([▁▂▃▄▅▆▇█]+)│([▁▂▃▄▅▆▇█])` \|/gm)];
  assert.deepEqual(sparks.map((m) => m[1]), ['rps', 'error_rate', 'p50', 'p95', 'p99'], 'one sparkline row per headline metric');
  for (const m of sparks) assert.equal([...m[2]].length, 10, `${m[1]}: one character per available run`);
  // Latency rose run after run (1.05× … 1.6×), so the p95 sparkline climbs from the lowest bar to the highest.
  const p95 = [...sparks.find((m) => m[1] === 'p95')![2]];
  assert.equal(p95[0], '▁');
  assert.equal(p95[9], '█');
  if (process.env.LT_PRINT_COMMENT) console.log(body);
  assert.match(body, /Left out: run 609 \(a900000\): its result artifact has expired; run 604 \(a400000\): its result artifact has expired\./);
  assert.match(body, /Context only: .*verdicts above come from the head-vs-base comparison alone/);
  // Two pages of runs (11 a page), and no download of an expired artifact.
  const runPages = github.requests.filter((q) => q.op === 'listWorkflowRuns');
  assert.equal(runPages.length, 2);
  assert.ok(!github.requests.some((q) => q.status === 410), 'expired artifacts are skipped, not fetched');
  // The HTML report in the uploaded artifact carries the trend section and its chart.
  const art = results.artifacts({ runId: '9700' }).find((a) => a.name === 'loadtest-report');
  const html = readZip(art!.bytes!).get('report.html')!.toString('utf8');
  assert.match(html, /<h2>Trend across base-branch runs<\/h2>/);
  assert.match(html, /data-chart="trend"/);
  assert.match(html, /Left out: run 609/);
});

test('an unreadable result among the earlier runs is left out of the trend and named; the next run is the baseline', async () => {
  const sha = (n: number) => n.toString(16).padEnd(40, '0');
  github.addRun({ id: 701, headBranch: 'release', headSha: sha(0xb1), workflowPath: '.github/workflows/loadtest.yml', status: 'completed', conclusion: 'success', createdAt: '2026-01-20T10:00:00Z' });
  github.addRun({ id: 702, headBranch: 'release', headSha: sha(0xb2), workflowPath: '.github/workflows/loadtest.yml', status: 'completed', conclusion: 'success', createdAt: '2026-01-21T10:00:00Z' });
  github.addArtifact({ runId: 701, name: 'loadtest-report', files: { 'result.json': JSON.stringify(makeResult({ seed: 'rel-1' })) } });
  github.addArtifact({ runId: 702, name: 'loadtest-report', files: { 'result.json': '{oops' } });
  const r = await prJob(9701, 78, 'release', { 'trend-runs': '5' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const body = github.comments(78)[0]?.body ?? '';
  assert.match(body, /against run 701 on release/);
  assert.match(body, /\*\*Trend over the last 1 base-branch run\*\*/);
  assert.match(body, /Left out: run 702 \(b200000\): .*result\.json is not JSON/);
});

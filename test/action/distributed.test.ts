/**
 * Issue 5 acceptance 1–3: dist/index.js as one coordinator and three worker jobs,
 * started concurrently, meeting through the artifacts mailbox on the fake Actions
 * Results service (the real @actions/artifact client over real HTTP), against the
 * demo target. Then: a worker that never shows up, and a coordinator killed mid-run
 * whose result `mode: report` rebuilds from the worker artifacts alone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { Result } from '../../src/report/result-schema.js';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { runAction, startAction } from '../support/action-harness.js';
import { readZip } from '../support/zip.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let results: FakeResults;
let workspace: string;
let runId = 7000;

// Fast mailbox timing against the local fake (defaults are tuned for GitHub's service).
const FAST = { LOADTEST_ARTIFACT_POLL_MS: '300', LOADTEST_ARTIFACT_FLUSH_MS: '1000', LOADTEST_ARTIFACT_START_DELAY_MS: '4000' };

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  results = await startFakeResultsService();
  workspace = mkdtempSync(join(tmpdir(), 'lt-action-ws-'));
  writeFileSync(
    join(workspace, 'plan.yaml'),
    `name: matrix
target: ${target.url}
scenarios:
  api:
    duration: 4s
    profile: { type: constant_rate, rate: 60, pre_allocated_vus: 6, max_vus: 30 }
    steps:
      - { name: users, method: GET, url: /api/users }
thresholds:
  - "p95 < 2000"
  - "error_rate < 0.01"
`,
  );
});
after(async () => {
  await results.close();
  await target.close();
});

/** The result.json inside the run's `loadtest-report` artifact, downloaded through the fake. */
async function reportArtifact(run: number): Promise<{ id: number; result: Result; files: Map<string, Buffer> }> {
  const art = results.artifacts({ runId: String(run) }).find((a) => a.name === 'loadtest-report' && a.status === 'finalized');
  assert.ok(art, 'report artifact uploaded');
  const zip = Buffer.from(await (await fetch(results.downloadUrl(art.id))).arrayBuffer());
  const files = readZip(zip);
  return { id: art.id, result: Result.parse(JSON.parse(files.get('result.json')!.toString('utf8'))), files };
}

const job = (run: number, jobId: string, mode: string, extra: Record<string, string> = {}) => ({
  inputs: { mode, plan: 'plan.yaml', workers: '3', wait: '20s', ...extra },
  env: FAST,
  runId: run,
  jobId,
  results,
  workspace,
  timeoutMs: 90_000,
});

test('a coordinator and three workers meet through the artifact mailbox, merge, and publish', async () => {
  const run = ++runId;
  const [coord, ...workers] = await Promise.all([
    runAction(job(run, 'coordinator', 'coordinator')),
    runAction(job(run, 'worker-0', 'worker')),
    runAction(job(run, 'worker-1', 'worker')),
    runAction(job(run, 'worker-2', 'worker')),
  ]);
  for (const w of workers) assert.equal(w.code, 0, w.stdout + w.stderr);
  assert.equal(coord.code, 0, coord.stdout + coord.stderr);
  const { id, result, files } = await reportArtifact(run);
  assert.match(coord.outputs.result, /result\.json$/);
  assert.equal(result.workers.length, 3);
  assert.equal(result.summary.requests, result.workers.reduce((a, w) => a + w.requests, 0), 'merged = sum of workers');
  assert.ok(Math.abs(result.summary.iterations - 240) <= 12, `iterations ${result.summary.iterations} ≈ 60/s × 4 s`);
  const skews = result.workers.map((w) => w.start_skew_ms!);
  const spread = Math.max(...skews) - Math.min(...skews);
  assert.ok(spread < 1000, `workers started within 1 s of each other (spread ${spread.toFixed(1)} ms)`);
  assert.equal(coord.outputs.passed, 'true');
  assert.equal(JSON.parse(coord.outputs.summary).requests, result.summary.requests);
  assert.equal(JSON.parse(coord.outputs.thresholds).length, 2);
  assert.match(coord.summary, /Load test: matrix/);
  assert.match(coord.summary, /\| Worker \| Share/);
  // The uploaded result artifact (downloaded through the fake) is the coordinator's result.
  assert.equal(coord.outputs['report-artifact-id'], String(id));
  assert.equal(JSON.parse(coord.outputs.summary).requests, result.summary.requests);
  assert.equal(result.run.status, coord.outputs.passed === 'true' ? 'passed' : 'failed');
  assert.ok(files.get('report.html')!.toString('utf8').startsWith('<!doctype html>'));
});

test('a worker that never shows up: the coordinator starts with the others after wait and says so', async () => {
  const run = ++runId;
  const [coord] = await Promise.all([
    runAction(job(run, 'coordinator', 'coordinator', { wait: '6s', 'min-workers': '2' })),
    runAction(job(run, 'worker-0', 'worker')),
    runAction(job(run, 'worker-1', 'worker')),
  ]);
  assert.equal(coord.code, 0, coord.stdout + coord.stderr);
  const { result } = await reportArtifact(run);
  assert.equal(result.workers.filter((w) => w.status === 'ok').length, 2);
  assert.match(coord.summary + JSON.stringify(result.events), /2 of 3|missing|only 2/i);
});

test('fewer workers than min-workers: the coordinator fails with a clear message', async () => {
  const run = ++runId;
  const coord = await runAction(job(run, 'coordinator', 'coordinator', { wait: '3s', 'min-workers': '2' }));
  assert.notEqual(coord.code, 0);
  assert.match(coord.stdout, /::error::.*worker/i);
});

test('the coordinator killed mid-run: mode report rebuilds the merged result from the worker artifacts', async () => {
  const run = ++runId;
  const coord = startAction(job(run, 'coordinator', 'coordinator'));
  const workers = [0, 1, 2].map((i) => runAction(job(run, `worker-${i}`, 'worker')));
  await coord.waitForStdout(/worker\(s\) assigned; starting in/, 60_000);
  await new Promise((r) => setTimeout(r, 4000)); // the start delay: now the load is running
  await new Promise((r) => setTimeout(r, 1500));
  coord.kill('SIGKILL');
  await coord.done;
  const ws = await Promise.all(workers);
  for (const w of ws) assert.equal(w.code, 0, `workers finish their shard without the coordinator: ${w.stdout.slice(-800)}`);
  const report = await runAction({ ...job(run, 'report', 'report'), timeoutMs: 60_000 });
  assert.equal(report.code, 0, report.stdout + report.stderr);
  const { result } = await reportArtifact(run);
  assert.equal(result.workers.length, 3);
  assert.ok(Math.abs(result.summary.iterations - 240) <= 12, `iterations ${result.summary.iterations}`);
  assert.ok(result.events.some((e) => /rebuilt from 3 worker result artifact/.test(e.message)));
  assert.equal(report.outputs.passed, 'true');
});

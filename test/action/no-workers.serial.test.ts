/**
 * Issue 15 acceptance 6 (point 8, "a late worker waits 20 minutes"): dist/index.js as a
 * coordinator with no workers and `wait: 10s` on the fake artifact service. It fails
 * after its wait with a job summary and outputs that name the Action's inputs, and
 * leaves its end marker; a worker started after that exits at once with a clear
 * message. A worker whose coordinator never answers, or died without an end marker,
 * gives up within `wait` + a relay round trip (artifact-markers.ts), not after 10 min.
 *
 * Bounds, not times: each job must end within its wait + 15 s; nothing here depends on
 * how fast the machine is beyond that.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnnotations, runAction, startAction, type RunActionOptions } from '../support/action-harness.js';
import { lossPlan, startLossFixture, type LossFixture } from '../support/worker-loss-fixture.js';

let fx: LossFixture;
let runId = 15_600;

// Fast polling against the local fake; the latency allowance stays at its default (3 s),
// so a waiting worker's relay margin is 2 × (0.3 + 3) = 6.6 s.
const ENV = { LOADTEST_ARTIFACT_POLL_MS: '300' };
const WAIT_S = 10;

before(async () => {
  fx = await startLossFixture('lt-noworkers-ws-');
  writeFileSync(join(fx.workspace, 'plan.yaml'), lossPlan({ name: 'no-workers', url: fx.url, rate: 10, durationS: 2 }));
});
after(() => fx.close());

const job = (run: number, jobId: string, mode: string, inputs: Record<string, string> = {}): RunActionOptions => ({
  inputs: { mode, plan: 'plan.yaml', workers: '2', wait: `${WAIT_S}s`, ...inputs },
  env: ENV,
  runId: run,
  jobId,
  results: fx.results,
  workspace: fx.workspace,
  timeoutMs: 60_000,
});

/** Runs a job and measures how long its process lived. */
async function timed(opts: RunActionOptions) {
  const t0 = Date.now();
  const r = await runAction(opts);
  return { ...r, elapsedS: (Date.now() - t0) / 1000 };
}

const errors = (stdout: string) => parseAnnotations(stdout).filter((a) => a.level === 'error').map((a) => a.message).join('\n');

test('no workers and wait 10s: the coordinator fails after its wait with a summary and outputs naming the inputs; a worker started afterwards exits at once', async () => {
  const run = ++runId;
  const coord = await timed(job(run, 'coordinator', 'coordinator'));
  assert.equal(coord.code, 1, coord.stdout.slice(-1500));
  assert.ok(coord.elapsedS >= WAIT_S - 0.5 && coord.elapsedS < WAIT_S + 15, `the coordinator ended after ${coord.elapsedS} s`);
  assert.match(errors(coord.stdout), /only 0 of 2 workers ready after 10 s .*see input 'min-workers' \/ input 'wait'/);
  assert.doesNotMatch(coord.stdout + coord.summary, /--min-workers|--wait/, 'the CLI flags are not the Action inputs');
  assert.equal(coord.outputs.passed, 'false');
  assert.equal(coord.outputs.status, 'aborted');
  assert.equal(coord.outputs.result, undefined, 'no result: the report job of the example keys on it');
  assert.match(coord.summary, /❌ Load test failed/);
  // The summary is Markdown-escaped (GitHub shows &#x27; as ').
  assert.match(coord.summary.replace(/&#x27;/g, "'"), /see input 'min-workers' \/ input 'wait'/);
  const names = fx.results.artifacts({ runId: String(run) }).map((a) => a.name);
  assert.ok(names.some((n) => n.endsWith('.c.end')), `end marker left: ${names.join(', ')}`);
  assert.ok(names.some((n) => n.endsWith('.c.run')), `start note left: ${names.join(', ')}`);

  const late = await timed(job(run, 'worker-0', 'worker'));
  assert.equal(late.code, 1, late.stdout.slice(-1500));
  assert.ok(late.elapsedS < WAIT_S + 15, `the late worker ended after ${late.elapsedS} s`);
  assert.match(errors(late.stdout), /the coordinator ended the run before this worker could take part: .*only 0 of 2 workers ready/);
  assert.equal(late.outputs.passed, 'false');
  assert.equal(late.outputs.status, 'aborted');
  assert.match(late.summary, /❌ Load test failed/);
  assert.equal(fx.served(), 0, 'nothing was sent to the target');
});

test('a worker whose coordinator never answers gives up within its wait + the relay round trip, naming the input', async () => {
  const run = ++runId;
  const w = await timed(job(run, 'worker-0', 'worker', { wait: '5s' }));
  assert.equal(w.code, 1, w.stdout.slice(-1500));
  assert.ok(w.elapsedS >= 5 && w.elapsedS < 5 + 15, `the worker ended after ${w.elapsedS} s`);
  assert.match(errors(w.stdout), /no coordinator answered in this workflow run within 11\.6 s \(input 'wait' 5 s \+ 6\.6 s for the relay\)/);
  assert.equal(w.outputs.status, 'aborted');
});

test("a coordinator killed while waiting (its start note, no end marker): a worker started afterwards gives up within the coordinator's wait + 15 s", async () => {
  const run = ++runId;
  const coord = startAction(job(run, 'coordinator', 'coordinator'));
  await coord.waitForStdout(/waiting for 2 worker\(s\)/, 30_000);
  // The note is left before the coordinator says it waits; be sure it is listed.
  for (let i = 0; i < 50 && !fx.results.artifacts({ runId: String(run), status: 'finalized' }).some((a) => a.name.endsWith('.c.run')); i++) await new Promise((r) => setTimeout(r, 100));
  coord.kill('SIGKILL');
  await coord.done;
  // The worker's own wait is longer than the coordinator's: the start note's wait bounds it.
  const w = await timed(job(run, 'worker-0', 'worker', { wait: '60s' }));
  assert.equal(w.code, 1, w.stdout.slice(-1500));
  assert.ok(w.elapsedS < WAIT_S + 15, `the worker ended after ${w.elapsedS} s`);
  assert.match(errors(w.stdout), /no assignment within 16\.6 s of the coordinator's start note \(its wait 10 s for 2 worker\(s\)/);
});

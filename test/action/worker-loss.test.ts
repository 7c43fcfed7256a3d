/**
 * Issue 15 acceptance 1: dist/index.js as a coordinator and three worker jobs on the
 * fake artifact service; one worker SIGKILLed mid-run, detected too late for its share
 * to be redistributed. The step must not pass at two thirds of the load: exit 113,
 * `passed=false`, `status=partial`, and the summary names the worker and the missing
 * load. With `on_worker_loss: continue` the step follows its thresholds, with a warning
 * annotation, and `status` still says `partial`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../src/errors.js';
import { parseAnnotations, runAction, startAction } from '../support/action-harness.js';
import { lossPlan, reportResult as reportOf, startLossFixture, type LossFixture } from '../support/worker-loss-fixture.js';

let fx: LossFixture;
let runId = 15_000;

// Fast mailbox against the local fake; the loss timeout (8 s) outlasts the rest of the
// 6 s plan after the kill, so the lost share is not redistributed: load goes missing.
const ENV = { LOADTEST_ARTIFACT_POLL_MS: '300', LOADTEST_ARTIFACT_FLUSH_MS: '500', LOADTEST_ARTIFACT_START_DELAY_MS: '4000', LOADTEST_ARTIFACT_LOSS_TIMEOUT_MS: '8000' };
const RATE = 60;
const DURATION_S = 6;

before(async () => {
  fx = await startLossFixture('lt-loss-ws-');
  const plan = (extra = '') => lossPlan({ name: 'loss', url: fx.url, rate: RATE, durationS: DURATION_S, extra });
  writeFileSync(join(fx.workspace, 'fail.yaml'), plan());
  writeFileSync(join(fx.workspace, 'continue.yaml'), plan('on_worker_loss: continue'));
});
after(() => fx.close());

const job = (run: number, jobId: string, mode: string, planFile: string) => ({
  inputs: { mode, plan: planFile, workers: '3', wait: '20s' },
  env: ENV,
  runId: run,
  jobId,
  results: fx.results,
  workspace: fx.workspace,
  timeoutMs: 90_000,
});

/** Coordinator + 3 workers; worker-2 SIGKILLed 2 s into the load. */
async function runWithKill(planFile: string) {
  const run = ++runId;
  fx.resetServed();
  const coord = startAction(job(run, 'coordinator', 'coordinator', planFile));
  const victim = startAction(job(run, 'worker-2', 'worker', planFile));
  const others = [0, 1].map((i) => runAction(job(run, `worker-${i}`, 'worker', planFile)));
  await coord.waitForStdout(/worker\(s\) assigned; starting in/, 60_000);
  await new Promise((r) => setTimeout(r, 4000 + 2000)); // the start delay, then 2 s of load
  victim.kill('SIGKILL');
  await victim.done;
  const c = await coord.done;
  await Promise.all(others);
  return { coord: c, result: await reportOf(fx.results, run), servedAtEnd: fx.served() };
}

test('a worker SIGKILLed mid-run: the step fails as partial, names the worker and the missing load', async () => {
  const { coord, result, servedAtEnd } = await runWithKill('fail.yaml');
  assert.equal(coord.code, 1, 'a failed step exits 1 (core.setFailed)');
  assert.equal(result.run.status, 'partial');
  assert.equal(result.run.exit_code, ExitCode.partial);
  assert.equal(coord.outputs.passed, 'false');
  assert.equal(coord.outputs.status, 'partial');
  const load = result.load!;
  assert.equal(load.planned, RATE * DURATION_S);
  assert.ok(load.partial && load.missing_ratio > load.tolerance, JSON.stringify(load));
  assert.equal(load.lost.length, 1);
  assert.equal(load.lost[0].worker.includes('worker-2'), true, load.lost[0].worker);
  assert.equal(load.lost[0].redistributed, false);
  assert.match(coord.summary, /partial run: delivered \d+ of 360 planned iterations/);
  assert.match(coord.summary, /worker-2 lost at \+\d/);
  assert.match(coord.summary, /❌/);
  // The target served more than was delivered only by the victim's unflushed last interval
  // (1 s intervals, ½ s flushes, and the upload: 2.6 s of its third measured on a loaded
  // 2-core machine; bound at 4 s), and that gap is counted as missing.
  const gap = servedAtEnd - result.summary.requests;
  assert.ok(gap >= 0 && gap <= (RATE / 3) * 4, `delivered ${result.summary.requests}, target served ${servedAtEnd}`);
  assert.ok(load.planned - load.delivered >= gap, `missing ${load.planned - load.delivered} covers the unflushed ${gap}`);
  assert.ok(load.lost[0].missing_estimate >= gap, `the victim's estimate ${load.lost[0].missing_estimate} covers the unflushed ${gap}`);
});

test('on_worker_loss: continue — a warning annotation, exit per thresholds, status still partial', async () => {
  const { coord, result } = await runWithKill('continue.yaml');
  assert.equal(coord.code, 0, coord.stdout.slice(-1500));
  assert.equal(result.run.status, 'passed');
  assert.equal(result.load?.partial, true);
  assert.equal(coord.outputs.passed, 'true');
  assert.equal(coord.outputs.status, 'partial');
  assert.ok(parseAnnotations(coord.stdout).some((a) => a.level === 'warning' && /partial run/.test(a.message)), 'a warning annotation');
  assert.match(coord.summary, /partial run: delivered/);
});

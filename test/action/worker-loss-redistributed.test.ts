/**
 * Issue 15 acceptance 2: dist/index.js as a coordinator and three worker jobs on the
 * fake artifact service; one worker SIGKILLed early in the run. Through the artifacts
 * relay the loss is detected after 3 missed upload periods plus polling and latency
 * (artifact-timing.ts; here 3 × 1 s + 0.25 s + 0.25 s = 3.5 s), in time for the two
 * survivors to take over its share: the delivered load is within ±10 % of the plan.
 * The victim is killed right after its first snapshot upload (its first second).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, startAction } from '../support/action-harness.js';
import { lossPlan, reportResult, startLossFixture, type LossFixture } from '../support/worker-loss-fixture.js';

let fx: LossFixture;

// Fast mailbox against the local fake; no LOSS_TIMEOUT override: the coordinator derives it.
const ENV = { LOADTEST_ARTIFACT_POLL_MS: '250', LOADTEST_ARTIFACT_FLUSH_MS: '1000', LOADTEST_ARTIFACT_LATENCY_MS: '250', LOADTEST_ARTIFACT_START_DELAY_MS: '2000' };
const RATE = 60;
const DURATION_S = 22;

before(async () => {
  fx = await startLossFixture('lt-redistribute-ws-');
  writeFileSync(join(fx.workspace, 'plan.yaml'), lossPlan({ name: 'redistribute', url: fx.url, rate: RATE, durationS: DURATION_S }));
});
after(() => fx.close());

const job = (jobId: string, mode: string) => ({ inputs: { mode, plan: 'plan.yaml', workers: '3', wait: '20s' }, env: ENV, runId: 15_500, jobId, results: fx.results, workspace: fx.workspace, timeoutMs: 90_000 });

test('a worker SIGKILLed early through the artifacts relay: lost after 3 missed periods, its share redistributed, the delivered load within ±10 % of the plan', async () => {
  const coord = startAction(job('coordinator', 'coordinator'));
  const victim = startAction(job('worker-2', 'worker'));
  const others = [0, 1].map((i) => runAction(job(`worker-${i}`, 'worker')));
  await coord.waitForStdout(/worker\(s\) assigned; starting in/, 60_000);
  // Killed right after its first upload of measurements (its first second, sent at once):
  // early by its own progress, not by a sleep that a loaded machine stretches.
  const uploadedSnapshot = () => fx.results.artifacts({ runId: '15500' }).some((a) => a.status === 'finalized' && a.name.includes('.w.w-worker-2.') && a.bytes?.includes('"type":"snapshot"'));
  for (let i = 0; i < 600 && !uploadedSnapshot(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(uploadedSnapshot(), 'the victim uploaded its first snapshot within 30 s');
  victim.kill('SIGKILL');
  await victim.done;
  const c = await coord.done;
  const ws = await Promise.all(others);
  for (const w of ws) assert.equal(w.code, 0, w.stdout.slice(-800));
  assert.match(c.stdout, /workers upload every 1 s; one silent for 3\.5 s is lost/);
  const result = await reportResult(fx.results, 15_500);
  const load = result.load!;
  assert.equal(load.planned, RATE * DURATION_S);
  // (A survivor starved of CPU on a loaded machine may be taken for lost and come back; the victim is what counts.)
  const victimLoss = load.lost.find((l) => /worker-2/.test(l.worker));
  assert.ok(victimLoss, JSON.stringify(load));
  assert.equal(victimLoss.redistributed, true, JSON.stringify(victimLoss));
  assert.ok(result.events.some((e) => e.type === 'redistributed'), 'a redistributed event');
  const off = Math.abs(load.delivered - load.planned) / load.planned;
  assert.ok(off <= 0.1, `delivered ${load.delivered} of ${load.planned} planned (${(off * 100).toFixed(1)} % off): ${JSON.stringify(load)}`);
  // What was delivered is what the target counted, less the victim's last undelivered upload period.
  assert.ok(result.summary.requests <= fx.served() && fx.served() - result.summary.requests <= RATE, `delivered ${result.summary.requests}, target served ${fx.served()}`);
  // The step's verdict follows the load: partial only beyond the 5 % tolerance.
  assert.equal(c.outputs.status, load.partial ? 'partial' : 'passed', `${c.outputs.status}: ${JSON.stringify(load)}`);
});

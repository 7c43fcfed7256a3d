/**
 * Issue 15 acceptance 3 (point 2, "`mode: report` presents a partial run as complete"):
 * dist/index.js as a coordinator and three worker jobs on the fake artifact service;
 * the coordinator and one worker SIGKILLed mid-run, the other two finish. `mode: report`
 * must read the mailbox (artifact-replay.ts): three configured workers, the one that
 * left no final result listed as lost with its share, the run `partial`, `passed=false`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../src/errors.js';
import { runAction, startAction } from '../support/action-harness.js';
import { lossPlan, reportResult, startLossFixture, type LossFixture } from '../support/worker-loss-fixture.js';

let fx: LossFixture;
const RUN_ID = 15_700;

// As in worker-loss.test.ts: a fast mailbox against the local fake.
const ENV = { LOADTEST_ARTIFACT_POLL_MS: '300', LOADTEST_ARTIFACT_FLUSH_MS: '500', LOADTEST_ARTIFACT_START_DELAY_MS: '4000' };
const RATE = 60;
const DURATION_S = 6;

before(async () => {
  fx = await startLossFixture('lt-report-partial-ws-');
  writeFileSync(join(fx.workspace, 'plan.yaml'), lossPlan({ name: 'report-partial', url: fx.url, rate: RATE, durationS: DURATION_S }));
});
after(() => fx.close());

const job = (jobId: string, mode: string) => ({
  inputs: { mode, plan: 'plan.yaml', workers: '3', wait: '20s' },
  env: ENV,
  runId: RUN_ID,
  jobId,
  results: fx.results,
  workspace: fx.workspace,
  timeoutMs: 90_000,
});

test('coordinator and one worker killed mid-run: mode report lists 3 configured workers, the lost one, and partial', async () => {
  const coord = startAction(job('coordinator', 'coordinator'));
  const victim = startAction(job('worker-2', 'worker'));
  const others = [0, 1].map((i) => runAction(job(`worker-${i}`, 'worker')));
  await coord.waitForStdout(/worker\(s\) assigned; starting in/, 60_000);
  await new Promise((r) => setTimeout(r, 4000 + 2000)); // the start delay, then 2 s of load
  coord.kill('SIGKILL');
  victim.kill('SIGKILL');
  await Promise.all([coord.done, victim.done]);
  for (const w of await Promise.all(others)) assert.equal(w.code, 0, `the survivors finish their shares: ${w.stdout.slice(-800)}`);
  const servedAtEnd = fx.served();

  const report = await runAction({ ...job('report', 'report'), timeoutMs: 60_000 });
  assert.equal(report.code, 1, report.stdout.slice(-1500));
  assert.equal(report.outputs.passed, 'false');
  assert.equal(report.outputs.status, 'partial');
  const result = await reportResult(fx.results, RUN_ID);
  assert.equal(result.run.status, 'partial');
  assert.equal(result.run.exit_code, ExitCode.partial);

  assert.equal(result.workers.length, 3, JSON.stringify(result.workers.map((w) => [w.id, w.status])));
  const lost = result.workers.filter((w) => w.status === 'lost');
  assert.equal(lost.length, 1);
  assert.ok(lost[0].id.includes('worker-2'), lost[0].id);
  // Shares are the assignment's (a third each), not each worker's part of what was delivered.
  for (const w of result.workers) assert.ok(Math.abs(w.share - 1 / 3) < 0.01, `${w.id} share ${w.share}`);
  const rebuilt = result.events.find((e) => /rebuilt from 2 worker result artifact/.test(e.message));
  assert.ok(rebuilt, JSON.stringify(result.events.map((e) => e.message)));
  assert.match(rebuilt.message, /configured for 3 worker\(s\), 3 registered, 3 assigned a shard; no final result from .*worker-2/);

  const load = result.load!;
  assert.equal(load.planned, RATE * DURATION_S);
  assert.ok(load.partial && load.missing_ratio > load.tolerance, JSON.stringify(load));
  assert.equal(load.lost.length, 1);
  assert.ok(load.lost[0].worker.includes('worker-2'));
  assert.match(report.summary, /partial run: delivered \d+ of 360 planned iterations/);
  // What the victim delivered before it went counts; only its unflushed last second can be missing.
  assert.ok(result.summary.requests <= servedAtEnd, `delivered ${result.summary.requests}, target served ${servedAtEnd}`);
  assert.ok(result.summary.requests > ((RATE * DURATION_S * 2) / 3) * 0.95, `the survivors' two thirds and the victim's first ~2 s: ${result.summary.requests}`);
});

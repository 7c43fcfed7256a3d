/**
 * Issue 16 point 1: a step that fails before any I/O (a template rendering to a URL
 * that cannot be sent) used to spin the VU loop on microtasks only — no timer, no
 * snapshot, no SIGTERM handler ever ran, and the run never ended. The run must end:
 * at its duration when the failures differ, as a plan error (exit 2) when a step
 * fails the same way on every try; with workers, never as "PASSED, 0 requests".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPlan } from '../../src/runner.js';
import { runDistributedLocal } from '../../src/cluster/local-cluster.js';
import { planFile, planFrom, runCli } from '../helpers.js';
import { loadPlan } from '../../src/plan/load.js';

// Each case ends in about a second; the bound only turns a hang into a failure.
const BOUND = { timeout: 20_000 };

test('unset env var in a url template: the run stops as a plan error (exit 2) instead of hanging', BOUND, async () => {
  const plan = loadPlan(
    `env: [BASE_URL]\nscenarios:\n  s:\n    duration: 30s\n    profile: { type: constant, vus: 2 }\n    steps: [{ name: health, url: "{{env.BASE_URL}}/health" }]\n`,
    'unset.yaml',
    { env: {} },
  );
  const r = await runPlan(plan);
  assert.equal(r.run.exit_code, 2);
  assert.equal(r.run.status, 'error');
  assert.match(r.run.abort_reason ?? '', /health.*failed 20 times in a row before sending/);
  assert.equal(r.summary.requests > 0, true, 'the failures are counted');
});

test('a VU loop whose iterations never do I/O still lets timers run: the run ends at its duration with snapshots', BOUND, async () => {
  // The message differs on every try (a random value in it), so the plan-error stop does not apply.
  const plan = planFrom(`env: [BASE_URL]\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 2 }\n    steps: [{ name: a, url: "{{env.BASE_URL}}{{randomString 12}} x" }]\n`);
  const r = await runPlan(plan, { intervalMs: 200 });
  assert.equal(r.run.status === 'error', false, r.run.abort_reason);
  assert.ok(r.timeseries.length >= 2, `interval snapshots were cut (${r.timeseries.length})`);
  assert.ok(r.summary.requests > 0 && r.summary.errors === r.summary.requests, 'every try counted as a client error');
});

test('SIGTERM ends a run whose steps never do I/O (exit 105, partial result)', BOUND, async () => {
  const path = planFile(`env: [BASE_URL]\nscenarios:\n  s:\n    duration: 60s\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: a, url: "{{env.BASE_URL}}{{randomString 12}} x" }]\n`);
  let sent = false;
  const r = await runCli(['run', path], {
    env: { BASE_URL: '' },
    timeoutMs: 15_000,
    onStdout: (_text, child) => {
      if (!sent) {
        sent = true;
        setTimeout(() => child.kill('SIGTERM'), 500);
      }
    },
  });
  assert.equal(r.signal, null, `the CLI exited by itself (stderr: ${r.stderr})`);
  assert.equal(r.code, 105, r.stdout + r.stderr);
});

test('--workers 2 with a step that can never be sent: exit 2, never PASSED with 0 requests', BOUND, async () => {
  const path = planFile(`env: [BASE_URL]\nscenarios:\n  s:\n    duration: 20s\n    profile: { type: constant, vus: 2 }\n    steps: [{ name: health, url: "{{env.BASE_URL}}/health" }]\n`);
  const r = await runDistributedLocal(path, { workers: 2, env: {}, log: () => undefined });
  assert.notEqual(r.run.status, 'passed');
  assert.equal(r.run.exit_code, 2, r.run.abort_reason);
});

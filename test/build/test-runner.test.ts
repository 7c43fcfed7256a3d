/**
 * scripts/test.mjs bounds the run: a test file whose tests pass but whose process never
 * exits (node:test waits for it without a word) is killed after TEST_RUN_TIMEOUT_MS with
 * a message and a failing exit code, instead of running CI out of time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('a test file that never exits is stopped by the watchdog: exit 1 and a message saying why', () => {
  const started = Date.now();
  // Without node:test's marker of a child run, the nested runner runs its file.
  const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
  const r = spawnSync(process.execPath, ['scripts/test.mjs', 'test/fixtures/runner/leaves-a-timer.test.ts'], {
    env: { ...env, TEST_RUN_TIMEOUT_MS: '4000' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /ok 1 - passes, then leaves an interval running/, 'its test passed');
  assert.match(r.stderr, /test run passed 4 s \(TEST_RUN_TIMEOUT_MS\) and was stopped[^]*never exited/);
  assert.ok(Date.now() - started < 30_000, 'stopped, not waited out');
});

/**
 * scripts/test.mjs bounds the run: a test file whose tests pass but whose process never
 * exits (node:test waits for it without a word) is killed after TEST_RUN_TIMEOUT_MS with
 * a message and a failing exit code, instead of running CI out of time; and a SIGTERM
 * (or Ctrl-C) sent to it reaches the test file processes, which run in their own group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

const FIXTURE = 'test/fixtures/runner/leaves-a-timer.test.ts';
// Without node:test's marker of a child run, the nested runner runs its file.
const { NODE_TEST_CONTEXT: _ctx, ...ENV } = process.env;

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a test file that never exits is stopped by the watchdog: exit 1 and a message saying why', () => {
  // The spawnSync bound is below what an unstopped run would take (for ever): a status of
  // null (killed by spawnSync) fails the first assertion.
  const r = spawnSync(process.execPath, ['scripts/test.mjs', FIXTURE], {
    env: { ...ENV, TEST_RUN_TIMEOUT_MS: '4000' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /ok 1 - passes, then leaves an interval running/, 'its test passed');
  assert.match(r.stderr, /test run passed 4 s \(TEST_RUN_TIMEOUT_MS\) and was stopped[^]*never exited/);
});

test('SIGTERM to the runner reaches the test file processes in its group', async () => {
  const pidFile = join(tempDir(), 'pid');
  const runner = spawn(process.execPath, ['scripts/test.mjs', FIXTURE], { env: { ...ENV, LT_PID_FILE: pidFile }, stdio: 'ignore' });
  const exited = once(runner, 'exit');
  try {
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 'the test file to start');
    const filePid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(filePid), 'the test file process runs (its interval keeps it alive)');
    runner.kill('SIGTERM');
    await waitFor(() => !alive(filePid), 'the test file process to end');
    const [code] = await exited;
    assert.notEqual(code, 0, 'the stopped run does not pass');
  } finally {
    runner.kill('SIGKILL');
  }
});

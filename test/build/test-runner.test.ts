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
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

test('the parallel group runs its files at once, then the serial group alone; the closing counts cover both groups', () => {
  const order = join(tempDir(), 'order');
  const fixtures = ['ordered.test.ts', 'ordered-too.test.ts', 'ordered.serial.test.ts'].map((f) => `test/fixtures/runner/${f}`);
  const r = spawnSync(process.execPath, ['scripts/test.mjs', ...fixtures], {
    env: { ...ENV, LT_ORDER_FILE: order, TEST_CONCURRENCY: '2' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const events = readFileSync(order, 'utf8').trim().split('\n');
  const at = (e: string) => events.indexOf(e);
  // The two parallel files overlap: each starts before the other ends.
  assert.ok(at('start ordered.test.ts') < at('end ordered-too.test.ts') && at('start ordered-too.test.ts') < at('end ordered.test.ts'), events.join(', '));
  // The serial file starts after both have ended.
  assert.equal(at('start ordered.serial.test.ts'), 4, events.join(', '));
  // One set of closing counts, last, for all three files; then the plain line.
  assert.equal((r.stdout.match(/^# tests /gm) ?? []).length, 1, r.stdout);
  assert.match(r.stdout, /^# tests 3\n[^]*^# pass 3\n# fail 0\n[^]*^3 passed, 0 failed, 0 skipped\n$/m);
});

test('a failure in the parallel group fails the run although the serial group passes', () => {
  const dir = tempDir();
  const failing = join(dir, 'fails.test.ts');
  writeFileSync(failing, "import { test } from 'node:test';\ntest('fails', () => { throw new Error('no'); });\n");
  const r = spawnSync(process.execPath, ['scripts/test.mjs', failing, 'test/fixtures/runner/ordered.serial.test.ts'], { env: ENV, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /ok 1 - ordered\.serial\.test\.ts runs/, 'the serial group still ran');
  assert.match(r.stdout, /^1 passed, 1 failed, 0 skipped$/m);
});

test('SIGTERM during the parallel group: the serial group never starts', async () => {
  const dir = tempDir();
  const pidFile = join(dir, 'pid');
  const order = join(dir, 'order');
  const runner = spawn(process.execPath, ['scripts/test.mjs', FIXTURE, 'test/fixtures/runner/ordered.serial.test.ts'], {
    env: { ...ENV, LT_PID_FILE: pidFile, LT_ORDER_FILE: order },
    stdio: 'ignore',
  });
  const exited = once(runner, 'exit');
  try {
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 'the parallel file to start');
    runner.kill('SIGTERM');
    const [code] = await exited;
    assert.notEqual(code, 0);
    assert.equal(existsSync(order), false, 'the serial file did not run');
  } finally {
    runner.kill('SIGKILL');
  }
});

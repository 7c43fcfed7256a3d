#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test (Node 20's --test does not expand globs).
// Usage: node scripts/test.mjs [substring…]  — only files whose path contains one of them
// (a path to a .test.ts file runs that file, even one under a fixtures folder).
//
// Bounded: one test may take TEST_TIMEOUT_MS (default 5 min) before it fails by name, and
// the whole run TEST_RUN_TIMEOUT_MS (default 40 min). The second catches a test file whose
// process never exits after its tests pass (a timer or socket left open), which node:test
// waits for without a word; it is killed with a message instead of running CI out of time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const filters = process.argv.slice(2);
const named = filters.filter((f) => f.endsWith('.test.ts') && existsSync(f));
const matched = walk('test')
  .map((p) => relative('.', p))
  .filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)));
const files = [...new Set([...matched, ...named.map((f) => relative('.', f))])].sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '1';
const testTimeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 300_000);
const runTimeoutMs = Number(process.env.TEST_RUN_TIMEOUT_MS ?? 2_400_000);
// Its own process group, so the runner and every test file process under it can be
// signalled together (a hung file's process would otherwise outlive the run).
const child = spawn(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${testTimeoutMs}`, ...files],
  { stdio: 'inherit', detached: true },
);
const signalAll = (sig) => {
  try {
    process.kill(-child.pid, sig);
  } catch {
    child.kill(sig);
  }
};
// Being in its own group, the run no longer gets the terminal's Ctrl-C: pass it on.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => signalAll(sig));
const watchdog = setTimeout(() => {
  console.error(
    `\nscripts/test.mjs: the test run passed ${Math.round(runTimeoutMs / 1000)} s (TEST_RUN_TIMEOUT_MS) and was stopped. ` +
      'The file after the last one reported most likely never exited: look for a timer, socket or child process it left open.',
  );
  signalAll('SIGKILL');
  process.exitCode = 1;
}, runTimeoutMs);
child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exitCode ||= code ?? (signal ? 1 : 0);
});

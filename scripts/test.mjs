#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test (Node 20's --test does not expand globs).
// Usage: node scripts/test.mjs [--quick] [substring…] — only files whose path contains one
// of the substrings (a path to a .test.ts file runs that file, even one under a fixtures
// folder); --quick (`npm run test:quick`) leaves out the browser and multi-process files.
//
// Two groups (the rule is in scripts/test-groups.mjs): the parallel group runs
// TEST_CONCURRENCY files at once (default 2 per core: most files wait on loopback
// servers and fixed run lengths, not on the CPU); then the serial group — files whose
// assertions depend on timing (skew, rates, known latencies, worker processes; a new file
// joins by matching SERIAL there or by being named *.serial.test.ts) — runs one file at
// a time with nothing else running.
//
// Before the first file starts, what the selected files need from the machine is found
// or installed (scripts/test-provision.mjs): Chromium for the browser tests. If it cannot
// be, the run stops at once with one line naming the command to run.
//
// Bounded: one test may take TEST_TIMEOUT_MS (default 5 min) before it fails by name, and
// the whole run TEST_RUN_TIMEOUT_MS (default 40 min). The second catches a test file whose
// process never exits after its tests pass (a timer or socket left open), which node:test
// waits for without a word; it is killed with a message instead of running CI out of time.
//
// Each group is one `node --test` process; their closing counts are held back and
// printed once at the end, summed, so the last lines count every test of the run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { groupFiles } from './test-groups.mjs';
import { provisionChromium, ProvisionError } from './test-provision.mjs';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => a !== '--quick');
const named = filters.filter((f) => f.endsWith('.test.ts') && existsSync(f));
const matched = walk('test')
  .map((p) => relative('.', p))
  .filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)));
const files = [...new Set([...matched, ...named.map((f) => relative('.', f))])].sort();
const groups = groupFiles(files, { quick });
if (groups.parallel.length + groups.serial.length === 0) {
  console.error(`no test files match ${filters.join(' ')}${quick ? ' (--quick)' : ''}`);
  process.exit(1);
}

const env = { ...process.env };
if (groups.browser) {
  try {
    env.CHROMIUM_PATH = provisionChromium({ env });
  } catch (e) {
    if (!(e instanceof ProvisionError)) throw e;
    console.error(`scripts/test.mjs: ${e.message}`);
    process.exit(2);
  }
}

const concurrency = process.env.TEST_CONCURRENCY ?? String(2 * availableParallelism());
const testTimeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 300_000);
const runTimeoutMs = Number(process.env.TEST_RUN_TIMEOUT_MS ?? 2_400_000);

// node:test's closing counts, in its TAP (`# pass 3`) and spec (`ℹ pass 3`) forms.
const COUNT = /^(# |ℹ )(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/;
const totals = new Map();
// Through the pipe, node:test would pick TAP: keep what it picks for a terminal (spec, in colour).
const reporter = process.stdout.isTTY ? ['--test-reporter=spec'] : [];
let prefix = '# ';

let child;
let stopped = false;
const signalAll = (sig) => {
  if (!child) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    child.kill(sig);
  }
};

/** Runs one group as one `node --test` in its own process group; resolves to its exit code. */
function runGroup(groupFiles, groupConcurrency) {
  // Its own process group, so the runner and every test file process under it can be
  // signalled together (a hung file's process would otherwise outlive the run).
  child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--test', ...reporter, `--test-concurrency=${groupConcurrency}`, `--test-timeout=${testTimeoutMs}`, ...groupFiles],
    { stdio: ['inherit', 'pipe', 'inherit'], detached: true, env: process.stdout.isTTY ? { ...env, FORCE_COLOR: '1' } : env },
  );
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const m = COUNT.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!m) return void process.stdout.write(`${line}\n`);
    prefix = m[1];
    totals.set(m[2], (totals.get(m[2]) ?? 0) + Number(m[3]));
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// Being in its own group, a run no longer gets the terminal's Ctrl-C: pass it on, and
// start no further group.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopped = true;
    process.exitCode = 1;
    signalAll(sig);
  });
}
const watchdog = setTimeout(() => {
  console.error(
    `\nscripts/test.mjs: the test run passed ${Math.round(runTimeoutMs / 1000)} s (TEST_RUN_TIMEOUT_MS) and was stopped. ` +
      'The file after the last one reported most likely never exited: look for a timer, socket or child process it left open.',
  );
  stopped = true;
  process.exitCode = 1;
  signalAll('SIGKILL');
}, runTimeoutMs);

const t0 = performance.now();
for (const [groupFilesToRun, groupConcurrency] of [
  [groups.parallel, concurrency],
  [groups.serial, '1'],
]) {
  if (stopped || groupFilesToRun.length === 0) continue;
  const code = await runGroup(groupFilesToRun, groupConcurrency);
  process.exitCode ||= code;
}
clearTimeout(watchdog);
if (totals.size > 0) {
  totals.set('duration_ms', performance.now() - t0);
  for (const [name, n] of totals) process.stdout.write(`${prefix}${name} ${name === 'duration_ms' ? n.toFixed(0) : n}\n`);
  // The plain closing line, counted in any language.
  process.stdout.write(`${totals.get('pass') ?? 0} passed, ${(totals.get('fail') ?? 0) + (totals.get('cancelled') ?? 0)} failed, ${totals.get('skipped') ?? 0} skipped\n`);
}

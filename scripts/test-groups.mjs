// Which test files scripts/test.mjs runs, and in which group. The rule, for new files too:
//
// - SERIAL: files whose assertions depend on timing — start skew and clock offsets,
//   arrival rates and iteration counts from rate × time, known latencies, worker
//   processes meeting at a start instant. They run one at a time, alone, after the
//   parallel group, so no other test's CPU load moves their numbers. A file joins by
//   matching a pattern below; a new file can also join by its name alone: any
//   `*.serial.test.ts` is serial.
// - MULTI_PROCESS: files that start several CLI or Action processes (besides the one
//   under test); `npm run test:quick` skips them, as it skips every file that imports
//   test/browser.ts (found by reading the file, so a new browser test needs no entry).
// - Everything else runs in the parallel group, several files at once.
//
// Patterns are paths from the repository root; `*` matches within one path segment,
// `**/` any number of folders.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Timing-sensitive files: run alone, one at a time, after the parallel group. */
export const SERIAL = [
  '**/*.serial.test.ts', // the marker any new file can use
  'test/cluster/acceptance-*.test.ts', // worker processes: start skew, iterations within ±10 % of rate × time
  'test/cluster/in-process.test.ts', // clock offset within 5 ms, start skew within 50 ms
  'test/cluster/http-relay.test.ts', // iterations ≈ rate × time, heartbeat periods
  'test/action/distributed.test.ts', // four Action processes: start-skew spread, iterations ≈ rate × time
  'test/action/worker-loss*.test.ts', // a worker SIGKILLed at a given second: delivered vs planned load, loss detected in time
  'test/action/report-mode-partial.test.ts', // coordinator and a worker SIGKILLed at a given second: delivered vs planned load
  'test/engine/open-model*.test.ts', // arrival rate within ±2 %, known latencies within 1 ms
  'test/engine/*saturation*.test.ts', // the generator at its limit: lag and drops are the result
];

/**
 * The parallel group's longest files, longest first: they start first. The group's wall
 * time is bounded by when its last file ends, and node --test starts files in the order
 * given, so a long file left to start late (alphabetically) runs on alone at the end
 * while the other slots sit idle. Order only: every file still runs. Taken from the
 * per-file sums of a full run's TAP (each file's tests run one after another); a file
 * not listed keeps its alphabetical place after these.
 */
export const LONG_FIRST = [
  'test/cli/run.test.ts',
  'test/action/run-mode.test.ts',
  'test/report/compare.test.ts',
  'test/report/cli.test.ts',
  'test/service/controller.test.ts',
  'test/report/html-browser.test.ts',
  'test/build/test-runner.test.ts',
  'test/build/cli-bundle.test.ts',
  'test/service/restart.test.ts',
  'test/build/test-provision.test.ts',
  'test/demo/journey.test.ts',
  'test/report/outputs.test.ts',
  'test/engine/journey-e2e.test.ts',
  'test/report/dashboard.test.ts',
  'test/support-tests/action-harness.test.ts',
];

/** Files that start several CLI or Action processes: skipped by `npm run test:quick`. */
export const MULTI_PROCESS = [
  'test/cluster/acceptance-*.test.ts',
  'test/action/distributed.test.ts',
  'test/action/worker-loss*.test.ts',
  'test/action/report-mode-partial.test.ts',
  'test/action/no-workers.serial.test.ts',
  'test/action/run-mode.test.ts',
  'test/cli/coordinator-dashboard.test.ts',
  'test/build/cli-bundle.test.ts',
  'test/service/controller.test.ts', // serve + agents
  'test/service/restart.test.ts',
  'test/service/examples-on-controller.test.ts',
  'test/cli/log-format.test.ts', // --workers 2
];

// A glob pattern (`*`, `**/`) as an anchored regular expression.
function globToRegExp(pattern) {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (pattern.startsWith('**/', i)) {
      re += '(?:[^/]+/)*';
      i += 2;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * True when `file` (a path from the repository root, `/`-separated) matches a pattern.
 * @param {string} file
 * @param {readonly string[]} patterns
 */
export function matchesAny(file, patterns) {
  return patterns.some((p) => globToRegExp(p).test(file));
}

/**
 * True for a test file that drives Chromium: it imports test/browser.ts.
 * @param {string} file a path from `root`
 * @param {string} [root] the repository root (default: the working directory)
 */
export function needsBrowser(file, root = process.cwd()) {
  return /from\s+['"](?:\.\.?\/)+browser(?:\.[jt]s)?['"]/.test(readFileSync(resolve(root, file), 'utf8'));
}

/**
 * Splits test files into the parallel and the serial group (the parallel group's
 * LONG_FIRST files first); `quick` leaves out the browser and multi-process files.
 * @param {string[]} files paths from `root`
 * @param {{ quick?: boolean, root?: string }} [opts] root: the repository root (default: the working directory)
 * @returns {{ parallel: string[], serial: string[], browser: boolean }}
 */
export function groupFiles(files, { quick = false, root = process.cwd() } = {}) {
  const posix = (f) => f.split('\\').join('/');
  const browser = (f) => needsBrowser(f, root);
  const kept = quick ? files.filter((f) => !browser(f) && !matchesAny(posix(f), MULTI_PROCESS)) : files;
  // Index in LONG_FIRST, or past its end for a file not listed; the sort is stable.
  const rank = (f) => {
    const i = LONG_FIRST.findIndex((p) => matchesAny(posix(f), [p]));
    return i < 0 ? LONG_FIRST.length : i;
  };
  return {
    parallel: kept.filter((f) => !matchesAny(posix(f), SERIAL)).sort((a, b) => rank(a) - rank(b)),
    serial: kept.filter((f) => matchesAny(posix(f), SERIAL)),
    browser: kept.some(browser),
  };
}

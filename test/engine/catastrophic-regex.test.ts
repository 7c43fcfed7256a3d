/**
 * Issue 16 point 2: a regex extractor `^(a+)+$` on a 50 KB body hung the run — a
 * backtracking RegExp runs synchronously on the VU loop, so no timer, snapshot or
 * signal handler ran again. Extractors and body checks now match with RE2 (linear
 * time); patterns RE2 cannot run (backreferences, lookaround) are plan errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanError } from '../../src/errors.js';
import { planFile, planFrom, runCli, tempDir } from '../helpers.js';

// Each case ends in a few seconds at most (a CLI start); the bound only turns a hang into a failure.
const BOUND = { timeout: 20_000 };

test('catastrophic regex: ^(a+)+$ on a 50 KB body ends the run and records the extract and check failures', BOUND, async () => {
  const body = 'a'.repeat(50_000) + '!';
  const server = createServer((_req, res) => res.end(body));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    // In a child process: on a backtracking engine the match blocks the event loop,
    // so only a kill from outside can turn the hang into a failure.
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const yaml = `
target: ${url}
scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: 3 }
    steps:
      - name: page
        url: /
        checks: { body_matches: '^(a|a)+$' }
        extract:
          run: { regex: '^(a+)+$', group: 1 }
`;
    const run = await runCli(['run', planFile(yaml, dir), '--out', out, '--quiet'], { timeoutMs: 15_000 });
    assert.equal(run.signal, null, `the run ended by itself: ${run.stdout} ${run.stderr}`);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const step = r.scenarios.s.steps.page;
    assert.equal(step.requests, 3);
    assert.equal(step.errors_by_class.check_failed, 3, JSON.stringify(r.error_samples));
    assert.equal(r.summary.checks.fails, 6, 'the check and the extractor fail on every response');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

const withRegex = (extract: string, check: string) => `
target: http://127.0.0.1:8080
scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: 1 }
    steps:
      - name: page
        url: /${extract ? `\n        extract: { v: { regex: '${extract}' } }` : ''}${check ? `\n        checks: { body_matches: '${check}' }` : ''}
`;

test('catastrophic regex: patterns RE2 cannot run in linear time are located plan errors', () => {
  const cases: [string, string, RegExp][] = [
    ['(a)\\1', '', /test\.yaml:9:\d+: scenarios\.s\.steps\[0\]\.extract\.v\.regex: uses a backreference \(\\1\), which the linear-time regex engine \(RE2\) does not support/],
    ['(?<x>a)\\k<x>', '', /extract\.v\.regex: uses a named backreference/],
    ['', 'a(?=b)', /test\.yaml:9:\d+: scenarios\.s\.steps\[0\]\.checks\.body_matches: uses a lookahead \(\?=…\)/],
    ['', '(?<!a)b', /checks\.body_matches: uses a lookbehind \(\?<!…\)/],
  ];
  for (const [extract, check, want] of cases) {
    assert.throws(() => planFrom(withRegex(extract, check)), (err: unknown) => err instanceof PlanError && want.test(err.message), `${extract || check}`);
  }
  // What RE2 does run keeps working: classes, named groups, escapes in JS syntax.
  assert.doesNotThrow(() => planFrom(withRegex('"id":"(?<id>[^"\\\\]+)"', '[\\\\1]\\u00e9')));
});

test('catastrophic regex: validate refuses a backreference with exit 2 and no stack trace', BOUND, async () => {
  const r = await runCli(['validate', planFile(withRegex('(a)\\1', ''))], { timeoutMs: 15_000 });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /plan\.yaml:9:\d+: .*regex: uses a backreference/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

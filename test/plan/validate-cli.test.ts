/** `loadtest validate` through the real CLI in a child process: exit codes, stdout/stderr, no stacks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { ROOT } from '../helpers.js';

function validate(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, LOADTEST_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a bad plan exits 2 with the located message on stderr and no stack trace', () => {
  const r = validate('test/fixtures/plans/invalid/10-negative-vus.yaml');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'loadtest validate: test/fixtures/plans/invalid/10-negative-vus.yaml:6:12: scenarios.browse.profile.vus: must be a positive integer (got -3)\n');
  assert.ok(!r.stderr.includes('    at '));
});

/** Runs `main()` in this process (same code path as the binary, minus the process spawn). */
async function validateInProcess(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (add(String(chunk)), cb()) });
  const code = await main(['validate', ...args], {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    signal: new AbortController().signal,
    env: {},
    cwd: ROOT,
  });
  return { code, stdout, stderr };
}

test('a YAML syntax error, a missing file and a bad call exit 2 without a stack', async () => {
  const syntax = await validateInProcess('test/fixtures/plans/invalid/01-yaml-syntax.yaml');
  assert.equal(syntax.code, 2);
  assert.match(syntax.stderr, /^loadtest validate: test\/fixtures\/plans\/invalid\/01-yaml-syntax\.yaml:6:5: YAML syntax error: /);
  const missing = await validateInProcess('no/such/plan.yaml');
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'loadtest validate: no/such/plan.yaml: cannot read plan: no such file\n');
  const usage = await validateInProcess();
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /validate takes exactly one plan file \(got 0\)/);
  for (const r of [syntax, missing, usage]) assert.ok(!r.stderr.includes('    at '));
});

test('data files are found next to the plan, whatever the working directory', async () => {
  const r = await validateInProcess(join(ROOT, 'test/fixtures/plans/invalid/41-unknown-data-source.yaml'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /41-unknown-data-source\.yaml:7:11: scenarios\.login\.data: no data source named 'user' \(did you mean 'users'\?\)/);
});

test('a good plan exits 0 and prints a summary of the resolved plan', () => {
  const r = validate(join('examples', 'spike.yaml'));
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^plan 'spike' is valid \(examples\/spike\.yaml, hash [0-9a-f]{12}, seed 1\)\n/);
  assert.match(r.stdout, /scenario 'checkout-spike': VUs 5 → 100 → 5 for 90s; 1 step\(s\): checkout\n/);
  assert.match(r.stdout, /thresholds: p95 < 2000 \[checkout-spike\]; error_rate < 0\.05 \[checkout-spike\]\n$/);
});

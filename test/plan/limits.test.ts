/**
 * Absurd and hostile plans (issue 13) that are generated rather than kept as fixtures
 * (megabytes of steps, nesting thousands deep, a sparse gigabyte data file), and the
 * issue's table through the real CLI: each exits 2 with a located message naming the
 * limit, no stack trace, no Node warning, bounded memory. Bounds are on outcomes,
 * bytes and counts, never on wall-clock time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, ftruncateSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan, loadPlanFile } from '../../src/plan/load.js';
import { PlanError } from '../../src/errors.js';
import { DEFAULT_LIMITS, formatLimit, LIMITS, MAX_NESTING, PLAN_SIZE } from '../../src/plan/limits.js';
import { ROOT, tempDir } from '../helpers.js';

const HEAD = 'target: http://127.0.0.1:8080\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps:\n';

/** A plan of `n` one-line steps (the 5 MB plan is n = 160,000). */
function manySteps(n: number): string {
  const parts = [HEAD];
  for (let i = 0; i < n; i++) parts.push(`      - { name: s${i}, url: /x${i} }\n`);
  return parts.join('');
}

function planError(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlanError, `expected a PlanError, got ${String(err)}`);
    assert.ok(!err.message.includes('    at '), 'stack trace in the message');
    return err;
  }
  assert.fail('the plan was accepted');
}

test('the issue\'s 5 MB / 160,000-step plan is refused by its size, before parsing', () => {
  const text = manySteps(160_000);
  assert.ok(text.length > 5_000_000);
  const err = planError(() => loadPlan(text, 'big.yaml'));
  assert.match(err.message, /^big\.yaml:1:1: the plan is [\d,]+ bytes, over the limit of 256KiB \(checked before parsing\).*LOADTEST_MAX_PLAN_SIZE=1MiB/);
});

test('a plan under the size limit with 5,000 steps is refused by its step count, counted before any step is validated', () => {
  const text = manySteps(5_000);
  assert.ok(text.length < PLAN_SIZE.default);
  const err = planError(() => loadPlan(text, 'big.yaml'));
  assert.match(err.message, /^big\.yaml:7:7: scenarios\.s\.steps: the number of steps is over the limit of 1,000 for steps and groups/);
  // A plan at the limit is fine.
  assert.equal(loadPlan(manySteps(DEFAULT_LIMITS.max_steps), 'ok.yaml').scenarios[0].steps.length, DEFAULT_LIMITS.max_steps);
});

test('a malformed or too large LOADTEST_MAX_PLAN_SIZE is a usage error naming the variable', () => {
  for (const v of ['lots', '1TiB']) assert.throws(() => loadPlan(HEAD, 'p.yaml', { env: { LOADTEST_MAX_PLAN_SIZE: v } }), (e: unknown) => (e as Error).name === 'UsageError' && (e as Error).message.startsWith(`${PLAN_SIZE.env}: must be a size like 1MiB, at most 16MiB (got '${v}')`));
});

test('a plan file over the size limit is refused from its size on disk (a sparse 4 GiB file is never read)', () => {
  const dir = tempDir();
  const file = join(dir, 'huge.yaml');
  const fd = openSync(file, 'w');
  ftruncateSync(fd, 4 * 1024 ** 3);
  closeSync(fd);
  const before = process.memoryUsage().rss;
  const err = planError(() => loadPlanFile(file));
  assert.match(err.message, /the plan is 4,294,967,296 bytes, over the limit of 256KiB/);
  assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024, 'the file was read');
});

const deep: [string, (n: number) => string][] = [
  ['flow lists', (n) => `a: ${'['.repeat(n)}${']'.repeat(n)}\n`],
  ['flow maps', (n) => `a: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`],
  ['compact block lists', (n) => `a:\n${'- '.repeat(n)}x\n`],
  ['indented block maps', (n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n'],
];
for (const [name, make] of deep) {
  test(`nesting 5,000 deep (${name}) names the real problem, not "Maximum call stack size exceeded"`, () => {
    const text = make(name.startsWith('indented') ? 700 : 5000);
    const err = planError(() => loadPlan(text, 'deep.yaml', { env: { LOADTEST_MAX_PLAN_SIZE: '16MiB' } }));
    assert.match(err.message, new RegExp(`^deep\\.yaml:\\d+:\\d+: the plan nests deeper than ${MAX_NESTING} levels of maps and lists here`));
    assert.ok(!/call stack/i.test(err.message));
  });
}

test(`nesting up to ${MAX_NESTING} levels is accepted (a deep json: body)`, () => {
  // The plan map, scenarios, s, steps and the step's own map are 5 levels around the body's.
  const body = `${'['.repeat(MAX_NESTING - 5)}1${']'.repeat(MAX_NESTING - 5)}`;
  const plan = loadPlan(HEAD + `      - { name: a, method: POST, url: /, json: ${body} }\n`, 'ok.yaml');
  assert.equal(plan.scenarios[0].steps.length, 1);
  planError(() => loadPlan(HEAD + `      - { name: a, method: POST, url: /, json: [${body}] }\n`, 'deep.yaml'));
});

test('a 600 KB inline body (plan size raised) is refused by max_inline_body before its templates are parsed', () => {
  const text = HEAD + `      - { name: a, method: POST, url: /, body: "${'{{x'.repeat(200_000)}" }\n`;
  const err = planError(() => loadPlan(text, 'body.yaml', { env: { LOADTEST_MAX_PLAN_SIZE: '1MiB' } }));
  assert.match(err.message, /^body\.yaml:7:48: scenarios\.s\.steps\[0\]\.body: this body \(600,000 bytes\) is over the limit of 256KiB/);
});

test('a data file over max_data_size is refused from its size (a sparse 1 GiB CSV is never read)', () => {
  const dir = tempDir();
  const fd = openSync(join(dir, 'rows.csv'), 'w');
  ftruncateSync(fd, 1024 ** 3);
  closeSync(fd);
  const text = `target: http://127.0.0.1:8080\ndata:\n  rows: { file: rows.csv }\nscenarios:\n  s:\n    duration: 1s\n    data: rows\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: a, url: / }]\n`;
  const err = planError(() => loadPlan(text, 'data.yaml', { baseDir: dir }));
  assert.match(err.message, /^data\.yaml:3:17: data\.rows\.file: data file 'rows\.csv' \(1,073,741,824 bytes\) is over the limit of 64MiB/);
});

test('limits: raises a bound up to its ceiling, and the raised plan keeps its limits (workers check the same)', () => {
  const text = (vus: number) => `limits: { max_vus: ${LIMITS.max_vus.ceiling} }\n` + HEAD.replace('vus: 1', `vus: ${vus}`) + '      - { name: a, url: / }\n';
  const plan = loadPlan(text(200_000), 'raised.yaml');
  assert.equal(plan.limits?.max_vus, LIMITS.max_vus.ceiling);
  planError(() => loadPlan(text(LIMITS.max_vus.ceiling + 1), 'raised.yaml'));
  // A plan without limits: has none in its resolved form, so its hash is what it was.
  assert.equal(loadPlan(HEAD + '      - { name: a, url: / }\n', 'plain.yaml').limits, undefined);
});

test("the issue's table through the real CLI: exit 2, a located message naming the limit, no stack, no Node warning, RSS < 200 MB", () => {
  const dir = tempDir();
  const big = join(dir, 'big.yaml');
  writeFileSync(big, manySteps(160_000));
  const deepFile = join(dir, 'deep.yaml');
  writeFileSync(deepFile, deep[0][1](5000));
  const fixtures = ['58-start-time-overflow', '59-graceful-stop-overflow', '60-duration-overflow', '61-vus-a-billion', '62-rate-a-billion', '88-inline-body-too-large'].map((f) => `test/fixtures/plans/invalid/${f}.yaml`);
  const files = [...fixtures, big, deepFile];
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/validate-many.ts', ...files], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOADTEST_DEBUG: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'Node printed something (a warning?)');
  const out = JSON.parse(r.stdout) as { results: { file: string; code: number; stderr: string }[]; maxRssBytes: number };
  const limits = [/limit of 168h/, /limit of 168h/, /limit of 168h/, /limit of 100,000 for VUs.*~24 KB/, /limit of 400,000\/s.*~40,000 arrivals\/s/, /limit of 16 bytes/, /limit of 256KiB/, new RegExp(`deeper than ${MAX_NESTING} levels`)];
  out.results.forEach((x, i) => {
    assert.equal(x.code, 2, x.file);
    assert.match(x.stderr, /^loadtest validate: [^:]+:\d+:\d+: /, x.file);
    assert.match(x.stderr, limits[i], x.file);
    assert.ok(!x.stderr.includes('    at '), `${x.file}: stack trace`);
  });
  assert.ok(out.maxRssBytes < 200 * 1024 * 1024, `peak RSS ${Math.round(out.maxRssBytes / 1e6)} MB`);
});

test("README's limits table lists every limit with its default and ceiling (fails when they drift)", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [key, s] of Object.entries(LIMITS)) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
    assert.ok(row, `README has no row for ${key}`);
    const cells = row.split(' | ');
    assert.equal(cells[1], formatLimit(s.kind, s.default), `${key} default`);
    assert.equal(cells[2], formatLimit(s.kind, s.ceiling), `${key} ceiling`);
  }
});

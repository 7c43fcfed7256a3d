/**
 * Issue 16, point 4: a plan from an untrusted source (a fork's pull request, a
 * self-hosted runner) reads only what whoever runs it allows: env names from the
 * runner's allow-list and never the runner's credentials; data files in its own folder
 * or an allowed one; and no template can print (`{{log (base64 env.X)}}`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan, loadPlanFile } from '../../src/plan/load.js';
import { compileText } from '../../src/engine/journey/template.js';
import { runCli, tempDir } from '../helpers.js';
import { startRecordingTarget } from '../support/rogue-relay.js';

const plan = (env: string, steps = `      - { name: a, url: "/x" }\n`, extra = '') =>
  `target: http://127.0.0.1:1\nenv: [${env}]\n${extra}scenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps:\n${steps}`;

const RUNNER_ENV = { ACTIONS_RUNTIME_TOKEN: 'rt-secret', INPUT_TOKEN: 'in-secret', GITHUB_TOKEN: 'gh-secret', RUNNER_TEMP: '/tmp', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret', LOADTEST_RELAY_TOKEN: 'relay-secret' };

test('env: runner credentials (ACTIONS_*, INPUT_*, GITHUB_TOKEN, RUNNER_*) are never resolved, even when an allow-list names them', () => {
  for (const name of Object.keys(RUNNER_ENV)) {
    for (const allowEnv of [undefined, ['OK', name]]) {
      assert.throws(() => loadPlan(plan(`OK, ${name}`), 'p.yaml', { env: RUNNER_ENV, allowEnv }), {
        name: 'PlanError',
        message: new RegExp(`^p\\.yaml:2:11: env\\[1\\]: ${name} is never readable by a plan`),
      });
    }
  }
});

test('env: a name the allow-list does not hold is a located plan error naming where the list came from', () => {
  assert.throws(() => loadPlan(plan('A, B'), 'p.yaml', { env: { A: '1', B: '2' }, allowEnv: ['A'], allowEnvFrom: "the workflow's input 'env-allow'" }), {
    name: 'PlanError',
    message: /^p\.yaml:2:10: env\[1\]: the plan reads B, which the workflow's input 'env-allow' does not allow \(allowed: A\)/,
  });
  assert.deepEqual(loadPlan(plan('A'), 'p.yaml', { env: { A: '1', B: '2' }, allowEnv: ['A', 'B'] }).envValues, { A: '1' });
});

test('CLI: `loadtest run --allow-env` refuses a plan reading more (exit 2, located), before any request', async () => {
  const target = await startRecordingTarget();
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'p.yaml'), plan('API_KEY, OTHER').replace('http://127.0.0.1:1', target.url));
    const r = await runCli(['run', join(dir, 'p.yaml'), '--allow-env', 'API_KEY', '--quiet'], { env: { API_KEY: 'k', OTHER: 'other-secret' }, timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /p\.yaml:2:16: env\[1\]: the plan reads OTHER, which --allow-env does not allow \(allowed: API_KEY\)/);
    assert.equal(target.requests.length, 0);
  } finally {
    await target.close();
  }
});

test("data files: confined to the plan's folder (symlinks resolved) unless a folder is allowed", () => {
  const root = tempDir();
  const planDir = join(root, 'plan');
  const shared = join(root, 'shared');
  mkdirSync(planDir);
  mkdirSync(shared);
  writeFileSync(join(shared, 'users.csv'), 'user\nalice\n');
  writeFileSync(join(planDir, 'own.csv'), 'user\nbob\n');
  symlinkSync(join(shared, 'users.csv'), join(planDir, 'link.csv'));
  const withData = (file: string) => `target: http://127.0.0.1:1\ndata:\n  users: { file: ${file} }\nscenarios:\n  s:\n    duration: 1s\n    data: users\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: a, url: "/{{data.user}}" }]\n`;
  const confined = { baseDir: planDir, allowPaths: [] as string[] };
  assert.equal(loadPlan(withData('own.csv'), 'p.yaml', confined).data.users.rows.length, 1);
  for (const file of ['../shared/users.csv', join(shared, 'users.csv'), 'link.csv', '/etc/passwd']) {
    assert.throws(() => loadPlan(withData(file), 'p.yaml', confined), { name: 'PlanError', message: /^p\.yaml:3:18: data\.users\.file: data file .* is outside the plan's folder .*; allow its folder with --allow-path/ }, file);
  }
  assert.equal(loadPlan(withData('../shared/users.csv'), 'p.yaml', { baseDir: planDir, allowPaths: [shared] }).data.users.rows[0].user, 'alice');
  assert.equal(loadPlan(withData('link.csv'), 'p.yaml', { baseDir: planDir, allowPaths: [shared] }).data.users.rows[0].user, 'alice');
});

test('templates cannot print: {{log (base64 env.X)}} is a located plan error, and the engine has no log helper', () => {
  assert.throws(() => loadPlan(plan('X', `      - { name: a, url: "/x", body: "{{log (base64 env.X)}}" }\n`), 'p.yaml', { env: { X: 'the-secret' } }), {
    name: 'PlanError',
    message: /^p\.yaml:8:37: scenarios\.s\.steps\[0\]\.body: templates cannot print \(\{\{log\}\} is not available\)/,
  });
  const fn = compileText({ raw: '{{log (base64 env.X)}}', dynamic: true });
  const printed: unknown[] = [];
  const saved = { log: console.log, info: console.info, error: console.error, warn: console.warn, debug: console.debug };
  for (const k of Object.keys(saved) as (keyof typeof saved)[]) console[k] = (...a: unknown[]) => void printed.push(a);
  try {
    assert.throws(() => fn({ env: { X: 'the-secret' } }), /Missing helper: "log"/);
  } finally {
    Object.assign(console, saved);
  }
  assert.deepEqual(printed, [], 'nothing printed');
});

test('validate and the plan hash ignore allow-lists: the same plan loads to the same hash wherever it is allowed', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'p.yaml'), plan('A'));
  assert.equal(loadPlanFile(join(dir, 'p.yaml'), { env: {} }).hash, loadPlanFile(join(dir, 'p.yaml'), { env: { A: 'x' }, allowEnv: ['A'], allowPaths: [] }).hash);
});

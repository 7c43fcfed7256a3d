/**
 * Issue 16 point 1: template names are known at plan load (extractors, setup's
 * extractors, data columns, the env allow-list), so a template reading anything else,
 * or a partial (plans have none), is a located plan error — not a run whose every
 * request fails (or hangs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadPlan } from '../../src/plan/load.js';
import { runCli, tempDir } from '../helpers.js';

const plan = (steps: string, extra = '') => `target: http://127.0.0.1:1\n${extra}scenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps:\n${steps}`;
const load = (yaml: string, baseDir?: string) => loadPlan(yaml, 'p.yaml', { env: {}, ...(baseDir ? { baseDir } : {}) });

test('unknown variable {{ base }} in a url is a located plan error', () => {
  assert.throws(() => load(plan(`      - { name: a, url: "{{ base }}/x" }\n`)), {
    name: 'PlanError',
    message: /^p\.yaml:7:25: scenarios\.s\.steps\[0\]\.url: template reads 'base', which no extractor, setup step or data source defines; known variables: vu, iteration, env, data/,
  });
});

test('missing partial {{> missing}} and recursive partials are plan errors', () => {
  assert.throws(() => load(plan(`      - { name: a, url: "/x", body: "{{> missing}}" }\n`)), /steps\[0\]\.body: template uses a partial \(\{\{> name\}\}\), but plans have no partials/);
  assert.throws(() => load(plan(`      - { name: a, url: "/x", body: "{{#> layout}}{{> layout}}{{/layout}}" }\n`)), /template uses a partial/);
});

test('variables an extractor (in any step or in setup) defines are known; data columns are checked', () => {
  const ok = load(
    plan(`      - { name: a, url: "/x/{{ token }}/{{ later }}", extract: { token: { header: x } } }\n      - { name: b, url: "/y", extract: { later: { header: y } } }\n`, `setup:\n  - { name: login, url: /login, extract: { sid: { header: s } } }\n`),
  );
  assert.equal(ok.scenarios[0].steps.length, 2);
  assert.doesNotThrow(() => load(plan(`      - { name: a, url: "/x/{{ sid }}" }\n`, `setup:\n  - { name: login, url: /login, extract: { sid: { header: s } } }\n`)));
  const dir = tempDir();
  writeFileSync(join(dir, 'users.csv'), 'username,password\nu1,p1\n');
  const withData = (url: string) => `target: http://127.0.0.1:1\ndata:\n  users: { file: users.csv }\nscenarios:\n  s:\n    duration: 1s\n    data: users\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: a, url: "${url}" }]\n`;
  assert.doesNotThrow(() => load(withData('/u/{{data.username}}'), dir));
  assert.throws(() => load(withData('/u/{{data.usernme}}'), dir), /template reads data\.usernme but the data rows have no column 'usernme' \(did you mean 'username'\?\); columns: username, password/);
  assert.throws(() => load(plan(`      - { name: a, url: "/u/{{data.x}}" }\n`)), /template reads data\.x but this scenario has no data: source/);
});

test('validate refuses a template with an unknown variable (exit 2, location, no stack)', async () => {
  const dir = tempDir();
  const file = join(dir, 'plan.yaml');
  writeFileSync(file, plan(`      - { name: a, url: "/x?q={{ qury }}", extract: { query: { header: q } } }\n`));
  const r = await runCli(['validate', file], { timeoutMs: 20_000 });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /plan\.yaml:7:25: .*template reads 'qury'.*\(did you mean 'query'\?\)/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

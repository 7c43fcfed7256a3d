/**
 * The plan's journey features resolve to what the engine consumes (issue 3): request
 * bodies, templates, extractors, checks, think times, groups, data files, env capture,
 * HTTP settings, defaults, setup/teardown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadPlan } from '../../src/plan/load.js';
import { NAMED_THINK_TIMES } from '../../src/plan/steps.js';
import type { Step, StepGroup } from '../../src/plan/types.js';
import { ROOT } from '../helpers.js';

const DATA = join(ROOT, 'test/fixtures/plans/data');

const FULL = `
name: shop
target: http://127.0.0.1:8080
seed: 42
think_time_multiplier: 0.5
env: [API_TOKEN, MISSING_VAR]
defaults:
  timeout: 10s
  headers: { Accept: application/json, X-Run: "{{vu.id}}" }
  think_time: navigation
http: { connections: shared, pool_size: 64, max_body: 512KiB, insecure: true }
data:
  users: { file: users.csv, order: unique }
  products: { file: products.json }
setup:
  - name: admin-login
    method: post
    url: /login
    json: { user: admin }
    extract: { admin_token: { json: "$.token" } }
teardown:
  - { name: cleanup, method: DELETE, url: /api/cart }
scenarios:
  buyer:
    duration: 30s
    data: users
    weight: 2
    cookies: per_iteration
    on_check_failure: stop_iteration
    think_time: { uniform: [1s, 3s] }
    profile: { type: constant, vus: 3 }
    steps:
      - name: login-form
        url: /login
        follow_redirects: false
        extract:
          csrf: { regex: 'name="csrf" value="([^"]+)"' }
          all: { regex: 'csrf' }
          next: { header: Location }
          sid: { cookie: sid }
        checks:
          status: 200
          body_contains: csrf
          body_matches: 'value="\\w+"'
          header: { Content-Type: text/html }
          max_duration: 500ms
      - name: login
        method: POST
        url: "/login?user={{data.username}}"
        body: "user={{data.username}}&csrf={{csrf}}"
        headers: { Content-Type: application/x-www-form-urlencoded, Authorization: "Bearer {{env.API_TOKEN}}" }
        query: { ref: home, n: 3 }
        timeout: 2s
        think_time: { normal: { mean: 2s, stddev: 500ms } }
        tags: { flow: auth, critical: true }
      - group: browse
        repeat: 3
        probability: 0.7
        steps:
          - name: products
            url: /api/products
            probability: 0.5
            think_time: { exponential: { mean: 4s } }
            checks:
              status: [200, 304]
              json: { "$.items.length": { gt: 0, lte: 100 }, "$.currency": EUR, "$.next": null }
      - name: add-to-cart
        method: POST
        url: /api/cart
        json: { sku: "{{randomItem \\"A1\\" \\"B2\\"}}", qty: 1, note: 'say "hi"', nested: { list: [1, "x{{uuid}}", true, null] } }
        think_time: purchase
`;

test('a plan using every journey feature resolves to the engine types', () => {
  const plan = loadPlan(FULL, 'shop.yaml', { baseDir: DATA, env: { API_TOKEN: 'tok', OTHER: 'no' } });
  assert.equal(plan.name, 'shop');
  assert.equal(plan.seed, 42);
  assert.equal(plan.thinkTimeMultiplier, 0.5);
  assert.deepEqual(plan.env, ['API_TOKEN', 'MISSING_VAR']);
  assert.deepEqual(plan.envValues, { API_TOKEN: 'tok' }, 'only allow-listed, set variables are captured');
  assert.deepEqual(plan.defaults, {
    timeoutMs: 10_000,
    headers: { Accept: { raw: 'application/json', dynamic: false }, 'X-Run': { raw: '{{vu.id}}', dynamic: true } },
    thinkTime: { type: 'normal', meanMs: 1000, stddevMs: 300 },
  });
  assert.deepEqual(plan.http, { connections: 'shared', poolSize: 64, maxBodyBytes: 524_288, insecure: true });
  assert.deepEqual(plan.data.users, {
    name: 'users',
    file: 'users.csv',
    order: 'unique',
    rows: [
      { username: 'alice', password: 'secret1' },
      { username: 'bob', password: 'secret2' },
      { username: 'carol', password: 'secret3' },
    ],
  });
  assert.deepEqual(plan.data.products.rows, [
    { sku: 'A1', qty: 1 },
    { sku: 'B2', qty: 3 },
  ]);
  assert.equal(plan.data.products.order, 'sequential');

  const setup = plan.setup[0] as Step;
  assert.equal(setup.method, 'POST', 'methods are case-insensitive');
  assert.deepEqual(setup.body, { raw: '{"user":"admin"}', dynamic: false, json: true });
  assert.deepEqual(setup.headers['Content-Type'], { raw: 'application/json', dynamic: false });
  assert.deepEqual(setup.extract, { admin_token: { from: 'json', path: '$.token' } });
  assert.equal((plan.teardown[0] as Step).method, 'DELETE');

  const s = plan.scenarios[0];
  assert.equal(s.data, 'users');
  assert.equal(s.weight, 2);
  assert.equal(s.cookies, 'per_iteration');
  assert.equal(s.onCheckFailure, 'stop_iteration');
  assert.deepEqual(s.thinkTime, { type: 'uniform', minMs: 1000, maxMs: 3000 });

  const [form, login, group, cart] = s.steps as [Step, Step, StepGroup, Step];
  assert.equal(form.followRedirects, false);
  assert.equal(form.timeoutMs, 10_000, 'defaults.timeout applies');
  assert.equal(form.thinkTime, undefined, 'a step without think_time has none of its own');
  assert.deepEqual(form.extract, {
    csrf: { from: 'regex', pattern: 'name="csrf" value="([^"]+)"', group: 1 },
    all: { from: 'regex', pattern: 'csrf', group: 0 },
    next: { from: 'header', name: 'Location' },
    sid: { from: 'cookie', name: 'sid' },
  });
  assert.deepEqual(form.checks, { status: [200], bodyContains: 'csrf', bodyMatches: 'value="\\w+"', header: { 'Content-Type': 'text/html' }, maxDurationMs: 500 });
  assert.equal(form.line, FULL.split('\n').findIndex((l) => l.includes('- name: login-form')) + 1);

  assert.deepEqual(login.url, { raw: '/login?user={{data.username}}', dynamic: true });
  assert.deepEqual(login.body, { raw: 'user={{data.username}}&csrf={{csrf}}', dynamic: true });
  assert.equal(login.headers['Content-Type'].raw, 'application/x-www-form-urlencoded', 'no JSON Content-Type is added to a string body');
  assert.deepEqual(login.headers.Authorization, { raw: 'Bearer {{env.API_TOKEN}}', dynamic: true });
  assert.deepEqual(login.query, { ref: { raw: 'home', dynamic: false }, n: { raw: '3', dynamic: false } });
  assert.equal(login.timeoutMs, 2000);
  assert.deepEqual(login.thinkTime, { type: 'normal', meanMs: 2000, stddevMs: 500 });
  assert.deepEqual(login.tags, { flow: 'auth', critical: 'true' });

  assert.equal(group.kind, 'group');
  assert.equal(group.name, 'browse');
  assert.equal(group.repeat, 3);
  assert.equal(group.probability, 0.7);
  const products = group.steps[0] as Step;
  assert.equal(products.probability, 0.5);
  assert.deepEqual(products.thinkTime, { type: 'exponential', meanMs: 4000 });
  assert.deepEqual(products.checks?.json, [
    { path: '$.items.length', op: 'gt', value: 0 },
    { path: '$.items.length', op: 'lte', value: 100 },
    { path: '$.currency', op: 'eq', value: 'EUR' },
    { path: '$.next', op: 'eq', value: null },
  ]);
  assert.deepEqual(products.checks?.status, [200, 304]);

  // json bodies: serialised once; template spans kept verbatim (their quotes unescaped) so Handlebars can read them.
  assert.equal(cart.body?.raw, '{"sku":"{{randomItem "A1" "B2"}}","qty":1,"note":"say \\"hi\\"","nested":{"list":[1,"x{{uuid}}",true,null]}}');
  assert.equal(cart.body?.dynamic, true);
  assert.deepEqual(cart.thinkTime, NAMED_THINK_TIMES.purchase);
});

test('json bodies without templates are exactly JSON.stringify, and Content-Type is not doubled', () => {
  const value = { a: [1, 2.5, 'x"y', null, { b: false }], 'k"ey': 'ü\n' };
  const plan = loadPlan(
    `target: http://127.0.0.1:8080
defaults: { headers: { content-type: application/vnd.api+json } }
scenarios:
  s:
    duration: 1s
    profile: { type: constant, vus: 1 }
    steps:
      - name: a
        method: POST
        url: /a
        json: ${JSON.stringify(value)}
`,
    'j.yaml',
  );
  const step = plan.scenarios[0].steps[0] as Step;
  assert.deepEqual(step.body, { raw: JSON.stringify(value), dynamic: false, json: true });
  assert.equal(step.headers['Content-Type'], undefined, 'defaults already set a content-type');
});

test('named think-time profiles follow the design document table', () => {
  assert.deepEqual(NAMED_THINK_TIMES, {
    navigation: { type: 'normal', meanMs: 1000, stddevMs: 300 },
    reading: { type: 'normal', meanMs: 15000, stddevMs: 8000 },
    form: { type: 'normal', meanMs: 6000, stddevMs: 2000 },
    search: { type: 'normal', meanMs: 3000, stddevMs: 1000 },
    purchase: { type: 'exponential', meanMs: 20000 },
  });
});

test('defaults when keys are left out: timeout 30s, seed 1, per_vu cookies, 1 MiB bodies, GET, follow redirects', () => {
  const plan = loadPlan('scenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: a, url: "https://example.test/a" }]\n', 'dir/my-plan.yaml');
  assert.equal(plan.name, 'my-plan', 'name defaults to the file name');
  assert.equal(plan.file, 'dir/my-plan.yaml');
  assert.equal(plan.seed, 1);
  assert.equal(plan.target, undefined);
  assert.deepEqual(plan.http, { connections: 'per_vu', poolSize: 0, maxBodyBytes: 1_048_576, insecure: false });
  assert.deepEqual(plan.env, []);
  assert.deepEqual(plan.envValues, {});
  const s = plan.scenarios[0];
  assert.equal(s.cookies, 'per_vu');
  assert.equal(s.onCheckFailure, 'continue');
  assert.equal(s.thinkTime, undefined);
  const step = s.steps[0] as Step;
  assert.deepEqual(
    { method: step.method, timeoutMs: step.timeoutMs, followRedirects: step.followRedirects, probability: step.probability, body: step.body, checks: step.checks },
    { method: 'GET', timeoutMs: 30_000, followRedirects: true, probability: 1, body: undefined, checks: undefined },
  );
});

test('URLs: templated bases are allowed, relative templated URLs still need a target', () => {
  const one = (url: string, target = '') =>
    loadPlan(`${target}env: [BASE]\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: a, url: "${url}" }]\n`, 'u.yaml');
  assert.equal((one('{{env.BASE}}/api').scenarios[0].steps[0] as Step).url.dynamic, true);
  assert.equal((one('http://h:1/{{vu.id}}').scenarios[0].steps[0] as Step).url.raw, 'http://h:1/{{vu.id}}');
  assert.throws(() => one('/users/{{vu.id}}'), /url: is relative but the plan has no target/);
  assert.throws(() => one('ftp://h/{{vu.id}}'), /must be an http or https URL/);
  assert.throws(() => one('localhost:8080/x'), /must be an http or https URL \(got 'localhost:8080\/x'; add http:\/\/ in front\)/);
  assert.throws(() => one('http://'), /is not a valid URL \(got 'http:\/\/'\)/);
  assert.equal((one('/users', 'target: https://api.test\n').scenarios[0].steps[0] as Step).url.raw, '/users');
});

test('data files: JSON must be an array of objects; unreadable and unparsable files are located errors', () => {
  const withData = (file: string) => `target: http://h\ndata:\n  d: { file: ${file} }\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: a, url: /a }]\n`;
  assert.throws(() => loadPlan(withData('users.csv'), 'd.yaml', { baseDir: join(DATA, 'nowhere') }), /^PlanError: d\.yaml:3:14: data\.d\.file: cannot read data file 'users\.csv' \(no such file;/);
  assert.throws(() => loadPlan(withData('.'), 'd.yaml', { baseDir: DATA }), /data\.d\.file: cannot read data file '\.' \(is a directory;/);
  assert.throws(() => loadPlan(withData('../invalid/01-yaml-syntax.expected'), 'd.yaml', { baseDir: DATA }), /data\.d\.file: cannot parse data file|has no rows/);
});

test('templates: errors at the node of the bad text, env names checked against the allow-list', () => {
  const step = (extra: string) => `target: http://h\nenv: [TOKEN]\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps:\n      - name: a\n        url: /a\n${extra}`;
  assert.equal((loadPlan(step('        query: { t: "{{env.TOKEN}}", u: "{{base64 env.TOKEN}}" }\n'), 't.yaml').scenarios[0].steps[0] as Step).query.t.dynamic, true);
  assert.throws(() => loadPlan(step('        query: { t: "{{base64 env.NOPE}}" }\n'), 't.yaml'), { message: "t.yaml:10:21: scenarios.s.steps[0].query.t: template reads env.NOPE but NOPE is not in the plan's env: allow-list (listed: TOKEN) (in '{{base64 env.NOPE}}')" });
  assert.throws(() => loadPlan(step('        body: "{{#if x}}open"\n'), 't.yaml'), /t\.yaml:10:15: scenarios\.s\.steps\[0\]\.body: template syntax error: /);
  assert.throws(() => loadPlan(step('        json: { a: [1, { b: "{{ }}" }] }\n'), 't.yaml'), /t\.yaml:10:29: scenarios\.s\.steps\[0\]\.json\.a\[1\]\.b: template syntax error/);
  assert.throws(() => loadPlan(step('        headers: { X: "{{#if x}}y{{/unless}}" }\n'), 't.yaml'), /headers\.X: template syntax error: if doesn't match unless/);
  assert.doesNotThrow(() => loadPlan(step('        extract: { items: { json: $.items }, ok: { json: $.ok } }\n        headers: { X: "{{#each items}}{{this}}{{/each}}{{#if ok}}y{{else}}n{{/if}}" }\n'), 't.yaml'));
});

test('extractor and check refusals not covered by the corpus', () => {
  const step = (extra: string) => `target: http://h\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps:\n      - name: a\n        url: /a\n${extra}`;
  const cases: [string, RegExp][] = [
    ['        extract: { t: { json: "" } }\n', /extract\.t\.json: must be a JSONPath starting with \$/],
    ['        extract: { t: { json: "token" } }\n', /must be a JSONPath starting with \$, e\.g\. \$\.auth\.token \(got 'token'\)/],
    ['        extract: { t: {} }\n', /extract\.t: needs exactly one of json, regex, header, cookie \(got none\)/],
    ['        extract: { t: { header: X, group: 1 } }\n', /extract\.t\.group: only applies to a regex extractor/],
    ['        extract: { env: { header: X } }\n', /extract\.env: 'env' is reserved/],
    ['        extract: { t: { jsonpath: "$.a" } }\n', /extract\.t\.jsonpath: unknown key \(did you mean 'json'\?\)/],
    ['        checks: { status: 99 }\n', /checks\.status: must be an HTTP status code \(100-599\) \(got 99\)/],
    ['        checks: { status: [] }\n', /checks\.status: must list at least one status code/],
    ['        checks: { json: { "items": 1 } }\n', /checks\.json\.items: keys must be JSONPaths starting with \$/],
    ['        checks: { json: { "$.a": { gt: "x" } } }\n', /checks\.json\["\$\.a"\]\.gt: must be a number \(got 'x'\)/],
    ['        checks: { json: { "$.a": {} } }\n', /needs a comparison/],
    ['        checks: { max_duration: 0s }\n', /checks\.max_duration: must be longer than 0s/],
    ['        checks: { statuss: 200 }\n', /checks\.statuss: unknown key \(did you mean 'status'\?\)/],
    ['        timeout: 0s\n', /timeout: must be longer than 0s/],
    ['        probability: 1.5\n', /probability: must be from 0 to 1 \(got 1\.5\)/],
    ['        think_time: 5\n', /think_time: must be a duration .*a bare number has no unit/],
    ['        think_time: { gaussian: { mean: 1s } }\n', /think_time\.gaussian: unknown key; allowed: uniform, normal, exponential/],
    ['        think_time: { normal: { mean: 1s } }\n', /think_time\.normal\.stddev: is required/],
    ['        think_time: { exponential: { mean: 0s } }\n', /think_time\.exponential\.mean: must be longer than 0s/],
    ['        repeat: 3\n', /steps\[0\]\.repeat: unknown key \('repeat' belongs to a group/],
  ];
  for (const [extra, re] of cases) assert.throws(() => loadPlan(step(extra), 't.yaml'), re, extra);
});

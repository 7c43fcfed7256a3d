import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileChecks, jsonEqual, type CheckInput } from '../../../src/engine/journey/checks.js';
import { PlanError } from '../../../src/errors.js';

const resp = (over: Partial<CheckInput> = {}): CheckInput => ({
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-id': 'abc', vary: ['a', 'b'] },
  body: JSON.stringify({ ok: true, items: [{ id: 1 }, { id: 2 }], name: 'shop', total: '12.5', meta: { a: 1, b: [1, 2] } }),
  durationMs: 120,
  ...over,
});

test('all kinds pass on a good response', () => {
  const c = compileChecks({
    status: [200, 201],
    bodyContains: '"ok":true',
    bodyMatches: '"name":"sh.p"',
    json: [
      { path: '$.items.length', op: 'gt', value: 0 },
      { path: '$.items.length', op: 'eq', value: 2 },
      { path: '$.total', op: 'gte', value: 12.5 },
      { path: '$.total', op: 'lt', value: 13 },
      { path: '$.items[0].id', op: 'lte', value: 1 },
      { path: '$.name', op: 'ne', value: 'other' },
      { path: '$.name', op: 'contains', value: 'ho' },
      { path: '$.items', op: 'contains', value: { id: 2 } },
      { path: '$.meta', op: 'eq', value: { b: [1, 2], a: 1 } },
      { path: '$.ok', op: 'exists' },
      { path: '$.nope', op: 'exists', value: false },
    ],
    header: { 'Content-Type': 'application/json', 'X-ID': 'abc', Vary: 'a, b' },
    maxDurationMs: 500,
  });
  assert.equal(c.needsBody, true);
  assert.equal(c.needsHeaders, true);
  assert.equal(c.count, 18);
  assert.deepEqual(c.run(resp()), { passed: 18, failed: [] });
});

test('status-only checks need neither body nor headers', () => {
  const c = compileChecks({ status: [200] });
  assert.equal(c.needsBody, false);
  assert.equal(c.needsHeaders, false);
  assert.deepEqual(c.run(resp({ body: undefined })), { passed: 1, failed: [] });
});

test('each failure names the check, the expectation and what came back', () => {
  const c = compileChecks({
    status: [200, 201],
    bodyContains: 'welcome',
    bodyMatches: '^<html',
    json: [
      { path: '$.items.length', op: 'gt', value: 5 },
      { path: '$.name', op: 'eq', value: 'other' },
      { path: '$.missing', op: 'exists' },
      { path: '$.ok', op: 'exists', value: false },
      { path: '$.missing', op: 'ne', value: 1 },
      { path: '$.name', op: 'gt', value: 1 },
      { path: '$.items', op: 'contains', value: 3 },
    ],
    header: { 'Content-Type': 'text/html', 'X-Missing': 'y' },
    maxDurationMs: 100,
  });
  const r = c.run(resp({ status: 503 }));
  assert.equal(r.passed, 0);
  assert.deepEqual(r.failed, [
    { check: 'status', message: 'status 503 not in [200, 201]' },
    { check: 'body_contains', message: "body does not contain 'welcome'" },
    { check: 'body_matches', message: 'body does not match /^<html/' },
    { check: 'json $.items.length', message: 'expected $.items.length gt 5, got 2' },
    { check: 'json $.name', message: "expected $.name eq 'other', got 'shop'" },
    { check: 'json $.missing', message: 'expected $.missing to exist, it matched nothing' },
    { check: 'json $.ok', message: 'expected $.ok not to exist, got true' },
    { check: 'json $.missing', message: 'expected $.missing ne 1, but $.missing matched nothing' },
    { check: 'json $.name', message: "expected $.name gt 1, got 'shop' (not a number)" },
    { check: 'json $.items', message: 'expected $.items to contain 3, got [{"id":1},{"id":2}]' },
    { check: 'header content-type', message: "header Content-Type: expected 'text/html', got 'application/json; charset=utf-8'" },
    { check: 'header x-missing', message: "header X-Missing: expected 'y', the response has no X-Missing header" },
    { check: 'max_duration', message: 'took 120.0 ms > max_duration 100 ms' },
  ]);
});

test('no response (status 0) and a truncated body say so', () => {
  const c = compileChecks({ status: [200], bodyContains: 'end' });
  const r = c.run(resp({ status: 0, body: 'start...', bodyTruncated: true }));
  assert.deepEqual(r.failed.map((f) => f.message), ['status none not in [200]', "body does not contain 'end' (body cut at max_body)"]);
});

test('json checks on a non-JSON body fail with the parse reason', () => {
  const c = compileChecks({ json: [{ path: '$.a', op: 'exists' }, { path: '$.b', op: 'eq', value: 1 }] });
  const r = c.run(resp({ body: 'not json' }));
  assert.equal(r.failed.length, 2);
  assert.match(r.failed[0].message, /^json \$\.a: the response body is not JSON \(/);
  assert.match(c.run(resp({ body: undefined })).failed[0].message, /the response has no body/);
});

test('header check: media type match is case-insensitive, other values exact', () => {
  const c = compileChecks({ header: { 'content-type': 'Application/JSON' } });
  assert.equal(c.run(resp()).passed, 1);
  const exact = compileChecks({ header: { 'x-id': 'ABC' } });
  assert.equal(exact.run(resp()).failed.length, 1);
});

test('bad regex, bad path and non-numeric comparison are PlanErrors naming the field', () => {
  assert.throws(() => compileChecks({ bodyMatches: '(' }, 'steps.s.checks'), (e: unknown) => e instanceof PlanError && e.message.startsWith('steps.s.checks.body_matches: '));
  assert.throws(() => compileChecks({ json: [{ path: 'x', op: 'exists' }] }, 'steps.s.checks'), /steps\.s\.checks\.json: JSONPath 'x' must start with '\$'/);
  assert.throws(() => compileChecks({ json: [{ path: '$.x', op: 'gt', value: 'lots' }] }, 'steps.s.checks'), /steps\.s\.checks\.json\.\$\.x\.gt: needs a number, got 'lots'/);
});

test('jsonEqual ignores key order and distinguishes types', () => {
  assert.ok(jsonEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] }));
  assert.ok(!jsonEqual(1, '1'));
  assert.ok(!jsonEqual([1], { 0: 1 }));
  assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExtractors, type ExtractInput } from '../../../src/engine/journey/extract.js';
import { PlanError } from '../../../src/errors.js';

const resp = (over: Partial<ExtractInput> = {}): ExtractInput => ({
  headers: { location: '/next', 'set-cookie': ['a=1', 'b=2'], 'x-multi': ['first', 'second'] },
  body: JSON.stringify({ auth: { token: 't-123', ttl: 60, roles: ['a'], nothing: null } }),
  cookie: (name) => (name === 'sid' ? 's-9' : undefined),
  ...over,
});

test('json, regex, header (case-insensitive) and cookie extractors', () => {
  const ex = compileExtractors({
    token: { from: 'json', path: '$.auth.token' },
    ttl: { from: 'json', path: '$.auth.ttl' },
    roles: { from: 'json', path: '$.auth.roles' },
    next: { from: 'header', name: 'Location' },
    multi: { from: 'header', name: 'X-Multi' },
    sid: { from: 'cookie', name: 'sid' },
  });
  assert.equal(ex.needsBody, true);
  assert.deepEqual(ex.names, ['token', 'ttl', 'roles', 'next', 'multi', 'sid']);
  const r = ex.run(resp());
  assert.deepEqual(r.values, { token: 't-123', ttl: '60', roles: '["a"]', next: '/next', multi: 'first', sid: 's-9' });
  assert.deepEqual(r.failures, []);
  const rx = compileExtractors({ csrf: { from: 'regex', pattern: 'name="csrf" value="([^"]+)"', group: 1 }, whole: { from: 'regex', pattern: 'csrf', group: 0 } });
  assert.deepEqual(rx.run(resp({ body: '<input name="csrf" value="c5rf">' })).values, { csrf: 'c5rf', whole: 'csrf' });
});

test('header and cookie extractors do not need the body', () => {
  assert.equal(compileExtractors({ n: { from: 'header', name: 'Location' }, s: { from: 'cookie', name: 'sid' } }).needsBody, false);
});

test('a JSON null is a value ("null"); a path that matches nothing is a failure naming it', () => {
  const ex = compileExtractors({ n: { from: 'json', path: '$.auth.nothing' }, token: { from: 'json', path: '$.auth.missing' } });
  const r = ex.run(resp());
  assert.deepEqual(r.values, { n: 'null' });
  assert.deepEqual(r.failures, [{ name: 'token', message: 'extract "token": $.auth.missing matched nothing' }]);
});

test('a non-JSON body fails every json extractor with a clear message and is parsed once', () => {
  const ex = compileExtractors({ a: { from: 'json', path: '$.a' }, b: { from: 'json', path: '$.b' } });
  let parses = 0;
  const orig = JSON.parse;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => (parses++, orig(...args))) as typeof JSON.parse;
  try {
    const r = ex.run(resp({ body: '<html>oops</html>' }));
    assert.equal(r.failures.length, 2);
    assert.match(r.failures[0].message, /^extract "a": the response body is not JSON \(.*; starts "<html>oops<\/html>"\)$/);
    const ok = ex.run(resp({ body: '{"a":1,"b":2}' }));
    assert.deepEqual(ok.values, { a: '1', b: '2' });
  } finally {
    JSON.parse = orig;
  }
  assert.equal(parses, 2, 'one parse per response, not per extractor');
  const empty = ex.run(resp({ body: undefined }));
  assert.match(empty.failures[0].message, /extract "a": the response has no body/);
  const cut = ex.run(resp({ body: '{"a": [1, 2', bodyTruncated: true }));
  assert.match(cut.failures[0].message, /cut at max_body/);
});

test('a shared jsonCache lets checks and extractors parse the body once', () => {
  const ex = compileExtractors({ a: { from: 'json', path: '$.a' } });
  const cache = { parsed: { ok: true as const, value: { a: 'from-cache' } } };
  assert.deepEqual(ex.run(resp({ body: '{"a":"from-body"}', jsonCache: cache })).values, { a: 'from-cache' });
});

test('regex that does not match, and a group that did not take part, are failures', () => {
  const ex = compileExtractors({ csrf: { from: 'regex', pattern: 'csrf=(\\w+)|none', group: 1 } });
  assert.match(ex.run(resp({ body: 'hello world' })).failures[0].message, /^extract "csrf": \/csrf=\(\\w\+\)\|none\/ did not match the body \(starts "hello world"\)$/);
  assert.match(ex.run(resp({ body: 'none' })).failures[0].message, /matched but group 1 did not take part/);
  assert.match(ex.run(resp({ body: '' })).failures[0].message, /\(empty body\)/);
});

test('missing header and missing cookie are failures with messages', () => {
  const ex = compileExtractors({ next: { from: 'header', name: 'X-Next' }, sid: { from: 'cookie', name: 'session' } });
  const r = ex.run(resp());
  assert.deepEqual(r.values, {});
  assert.deepEqual(r.failures, [
    { name: 'next', message: 'extract "next": no X-Next header in the response' },
    { name: 'sid', message: 'extract "sid": no cookie session for this URL' },
  ]);
});

test('bad regex, bad group and bad JSONPath are PlanErrors at compile time naming the field', () => {
  assert.throws(() => compileExtractors({ x: { from: 'regex', pattern: '(', group: 1 } }, 'steps.login.extract'), (e: unknown) => e instanceof PlanError && e.message.startsWith('steps.login.extract.x.regex: '));
  assert.throws(() => compileExtractors({ x: { from: 'regex', pattern: 'a(b)', group: 2 } }, 'steps.login.extract'), /steps\.login\.extract\.x\.group: 2 is not a capture group of \/a\(b\)\/ \(it has 1\)/);
  assert.throws(() => compileExtractors({ x: { from: 'json', path: 'auth.token' } }, 'steps.login.extract'), /steps\.login\.extract\.x\.json: JSONPath 'auth\.token' must start with '\$'/);
});

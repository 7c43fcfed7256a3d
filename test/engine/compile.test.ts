/** Step compilation: the rendered-path fast path agrees with WHATWG URL resolution. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildUrl, compileNodes, type CompiledStep } from '../../src/engine/compile.js';
import { planFrom } from '../helpers.js';

const plan = planFrom(`
name: urls
target: http://127.0.0.1:8080
scenarios:
  s:
    duration: 1s
    profile: { type: constant, vus: 1 }
    steps:
      - { name: a, method: GET, url: "{{ p }}", extract: { p: { header: x } } }
`);

test('rendered URLs: fast path and URL resolution give the same target', () => {
  const [step] = compileNodes(plan.scenarios[0].steps, plan, plan.target, 's') as CompiledStep[];
  for (const p of ['/items/42', '/a/b?x=1&y=2', '/a b', '//evil.test/x', '/%7e', 'relative/path', 'http://127.0.0.1:9/other', '/#frag']) {
    const got = buildUrl(step, { p }, plan.target, 'test');
    const u = new URL(p, plan.target);
    assert.equal(got.href, u.href, p);
    assert.equal(got.origin, u.origin, p);
    assert.equal(got.path, u.pathname + u.search, p);
  }
});

/** The plan hash: stable for the same content, different for any change that matters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlan } from '../../src/plan/load.js';
import { canonicalJson, planHash } from '../../src/plan/hash.js';

const BASE = `name: h
target: http://127.0.0.1:8080
env: [TOKEN]
scenarios:
  s:
    duration: 30s
    profile: { type: constant, vus: 10 }
    steps:
      - { name: a, url: /a, headers: { X: "1" } }
thresholds:
  - "p95 < 500"
`;

const hashOf = (text: string, file = 'a.yaml', env: Record<string, string> = {}) => loadPlan(text, file, { env }).hash;

test('same plan → same hash, across loads, file names, env values, comments and YAML style', () => {
  const h = hashOf(BASE);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(hashOf(BASE), h);
  assert.equal(hashOf(BASE, 'other/place.yaml'), h, 'the file name is not content');
  assert.equal(hashOf(BASE, 'a.yaml', { TOKEN: 'secret' }), h, 'env values are not content (and must not leak into the hash)');
  assert.equal(hashOf(`# a comment\n\n${BASE}`), h, 'comments and blank lines move step lines but not the hash');
  const block = BASE.replace('      - { name: a, url: /a, headers: { X: "1" } }', '      - name: a\n        headers:\n          X: "1"\n        url: /a');
  assert.equal(hashOf(block), h, 'flow vs block style and key order do not matter');
  assert.equal(hashOf(BASE.replace('duration: 30s', 'duration: 30000ms')), h, 'equal durations written differently resolve the same');
  assert.equal(hashOf(BASE.replace('"p95 < 500"', '{ metric: p95, condition: "<", value: 500 }')), h, 'threshold forms resolve the same');
});

test('any change to the load, steps or gates changes the hash', () => {
  const h = hashOf(BASE);
  const variants = [
    BASE.replace('vus: 10', 'vus: 11'),
    BASE.replace('duration: 30s', 'duration: 31s'),
    BASE.replace('url: /a', 'url: /b'),
    BASE.replace('X: "1"', 'X: "2"'),
    BASE.replace('p95 < 500', 'p95 < 501'),
    BASE.replace('name: h', 'name: h2'),
    BASE.replace('target: http://127.0.0.1:8080', 'target: http://127.0.0.1:8081'),
    BASE + 'seed: 7\n',
    BASE.replace('env: [TOKEN]', 'env: [TOKEN, OTHER]'),
  ];
  const hashes = variants.map((v) => hashOf(v));
  for (const [i, v] of hashes.entries()) assert.notEqual(v, h, `variant ${i} should change the hash`);
  assert.equal(new Set(hashes).size, hashes.length, 'all variants differ from each other');
});

test('planHash of a resolved plan equals its hash; canonical JSON sorts keys and drops undefined', () => {
  const plan = loadPlan(BASE, 'a.yaml');
  assert.equal(planHash(plan), plan.hash);
  assert.equal(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }, null], e: undefined }), '{"a":[{"c":"x"},null],"b":1}');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSONPath } from 'jsonpath-plus';
import { compileJsonPath } from '../../../src/engine/journey/json-path.js';

const doc = {
  a: { b: 1, 'odd key': 'o', 'dash-key': 'd', nul: null, arr: [10, { id: 'x' }, [3]] },
  items: [{ id: 1, price: 5 }, { id: 2, price: 15 }],
  s: 'hello',
  obj: { length: 7 },
  empty: [],
};

test('simple paths agree with jsonpath-plus', () => {
  const paths = ['$', '$.a', '$.a.b', '$.a.nul', '$.a.arr[0]', '$.a.arr[1].id', '$.a.arr[2][0]', "$['a']['odd key']", '$["a"].b', '$.a.dash-key', '$.missing', '$.a.b.c', '$.a.arr[9]', '$.items[1].price', '$.s.x', '$.empty[0]'];
  for (const p of paths) assert.deepEqual(compileJsonPath(p)(doc), JSONPath({ path: p, json: doc, wrap: true }), p);
});

test('general paths go to jsonpath-plus (wildcards, recursive descent, filters)', () => {
  assert.deepEqual(compileJsonPath('$.items[*].id')(doc), [1, 2]);
  assert.deepEqual(compileJsonPath('$..id')(doc), ['x', 1, 2]);
  assert.deepEqual(compileJsonPath('$.items[?(@.price > 10)].id')(doc), [2]);
});

test('.length of arrays and strings; an own length key is a value', () => {
  assert.deepEqual(compileJsonPath('$.items.length')(doc), [2]);
  assert.deepEqual(compileJsonPath('$.empty.length')(doc), [0]);
  assert.deepEqual(compileJsonPath('$.s.length')(doc), [5]);
  assert.deepEqual(compileJsonPath('$.obj.length')(doc), [7]);
  assert.deepEqual(compileJsonPath('$.a.length')(doc), []);
  assert.deepEqual(compileJsonPath('$.missing.length')(doc), []);
});

test('a scalar document matches only $', () => {
  assert.deepEqual(compileJsonPath('$')(5), [5]);
  assert.deepEqual(compileJsonPath('$.a')(5), []);
  assert.deepEqual(compileJsonPath('$..a')('str'), []);
});

test('prototype properties are not values', () => {
  assert.deepEqual(compileJsonPath('$.constructor')({}), []);
  assert.deepEqual(compileJsonPath('$.a.toString')(doc), []);
});

test('a path not starting with $ is an error', () => {
  assert.throws(() => compileJsonPath('a.b'), /must start with '\$'/);
});

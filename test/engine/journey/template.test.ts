import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/engine/journey/random.js';
import { compileJson, compileJsonText, compileText, compileTextHandlebars, createTemplateContext, HELPER_NAMES, type TemplateContext } from '../../../src/engine/journey/template.js';
import { TEMPLATE_HELPERS, jsonBodyText } from '../../../src/plan/templates.js';
import { PlanError } from '../../../src/errors.js';

const t = (raw: string) => compileText({ raw, dynamic: raw.includes('{{') });
const ctxOf = (seed: number | string = 1, extra: Record<string, unknown> = {}): TemplateContext =>
  createTemplateContext({ vuId: 7, iteration: 3, env: { HOST: 'h.example' }, rng: createRng(seed), vars: { token: 'abc', ...extra }, data: { user: 'alice', n: 5 } });

test('static text compiles to a constant function returning the same string', () => {
  const raw = 'https://x.test/a?b=1';
  const fn = compileText({ raw, dynamic: false });
  assert.equal(fn({}), raw);
  // dynamic: false is trusted: braces are not templated.
  assert.equal(compileText({ raw: 'a {{b}}', dynamic: false })({ b: 'X' }), 'a {{b}}');
});

test('context: variables at top level, vu.id, iteration, env, data row under data.', () => {
  assert.equal(t('{{ token }}|{{vu.id}}|{{iteration}}|{{env.HOST}}|{{data.user}}|{{data.n}}')(ctxOf()), 'abc|7|3|h.example|alice|5');
  // Data fields are not at the top level (documented decision).
  assert.equal(t('[{{user}}]')(ctxOf()), '[]');
});

test('no HTML escaping; missing variables render empty (strict: false)', () => {
  assert.equal(t('{{ v }}')(ctxOf(1, { v: `<a href="x">&'` })), `<a href="x">&'`);
  assert.equal(t('a{{ nope }}b{{ nope.deeper }}c')(ctxOf()), 'abc');
});

test('random helpers are reproducible from the VU stream', () => {
  const tpl = t('{{uuid}} {{randomInt 1 1000}} {{randomItem "a" "b" "c"}} {{randomString 12}}');
  assert.equal(tpl(ctxOf('s')), tpl(ctxOf('s')));
  assert.notEqual(tpl(ctxOf('s')), tpl(ctxOf('other')));
});

test('uuid has the v4 layout', () => {
  const fn = t('{{uuid}}');
  const ctx = ctxOf();
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const u = fn(ctx);
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(u);
  }
  assert.equal(seen.size, 200);
});

test('randomInt is inclusive and within bounds; bad arguments are errors', () => {
  const fn = t('{{randomInt 1 3}}');
  const ctx = ctxOf();
  const seen = new Set(Array.from({ length: 300 }, () => fn(ctx)));
  assert.deepEqual([...seen].sort(), ['1', '2', '3']);
  assert.throws(() => t('{{randomInt 5 1}}')(ctx), /randomInt 5 1: needs two numbers, min ≤ max/);
  assert.throws(() => t('{{randomInt 5}}')(ctx), /randomInt needs two numbers/);
  assert.throws(() => t('{{randomInt "a" 2}}')(ctx), /needs two numbers/);
});

test('randomItem picks from a list variable or from its arguments; empty list gives empty', () => {
  const ctx = ctxOf(1, { ids: ['p1', 'p2'], none: [] });
  const seen = new Set(Array.from({ length: 100 }, () => t('{{randomItem ids}}')(ctx)));
  assert.deepEqual([...seen].sort(), ['p1', 'p2']);
  assert.equal(t('[{{randomItem none}}]')(ctx), '[]');
  assert.match(t('{{randomItem "x" "y"}}')(ctx), /^[xy]$/);
});

test('randomString: default length 8, alphanumeric; bad length is an error', () => {
  const ctx = ctxOf();
  assert.match(t('{{randomString}}')(ctx), /^[A-Za-z0-9]{8}$/);
  assert.match(t('{{randomString 20}}')(ctx), /^[A-Za-z0-9]{20}$/);
  assert.throws(() => t('{{randomString -1}}')(ctx), /length must be an integer/);
});

test('now, isoDate, base64, json', () => {
  const ctx = ctxOf(1, { obj: { a: [1, 'x"y'] }, s: 'héllo' });
  const before = Date.now();
  const now = Number(t('{{now}}')(ctx));
  assert.ok(now >= before && now <= Date.now());
  assert.ok(Math.abs(Date.parse(t('{{isoDate}}')(ctx)) - Date.now()) < 5000);
  assert.equal(t('{{isoDate 0}}')(ctx), '1970-01-01T00:00:00.000Z');
  assert.throws(() => t('{{isoDate "x"}}')(ctx), /isoDate x: not an epoch-ms number/);
  assert.equal(t('{{base64 s}}')(ctx), Buffer.from('héllo').toString('base64'));
  assert.equal(t('{{base64 "user:pw"}}')(ctx), 'dXNlcjpwdw==');
  assert.throws(() => t('{{base64}}')(ctx), /base64 needs a value/);
  assert.equal(t('{{json obj}}')(ctx), '{"a":[1,"x\\"y"]}');
  assert.equal(t('{{json missing}}')(ctx), 'null');
});

test('the helper list matches what the plan validator allows', () => {
  assert.deepEqual([...HELPER_NAMES].sort(), [...TEMPLATE_HELPERS].sort());
});

test('a syntax error is a PlanError at compile time naming the field, never at render', () => {
  for (const raw of ['x {{#if a}}', 'x {{ a', '{{ a }} {{/each}}']) {
    assert.throws(
      () => compileText({ raw, dynamic: true }, 'scenarios.s.steps.login.url'),
      (err: unknown) => err instanceof PlanError && /^scenarios\.s\.steps\.login\.url: template error: /.test(err.message) && !err.message.includes('\n'),
      raw,
    );
  }
});

test('compileJson: templates in strings are JSON-escaped; "{{json x}}" injects the value', () => {
  const ctx = ctxOf(1, { token: 'a"b\\c\nd', cart: [{ id: 1 }, 'x'], id: 42 });
  const fn = compileJson({ token: '{{token}}', items: '{{json cart}}', n: '{{id}}', nested: { list: [1, null, true, 'lit"eral'] }, '{{vu.id}}': 'key' });
  const out = fn(ctx);
  assert.deepEqual(JSON.parse(out), { token: 'a"b\\c\nd', items: [{ id: 1 }, 'x'], n: '42', nested: { list: [1, null, true, 'lit"eral'] }, '7': 'key' });
});

test('compileJson of a static structure serialises once, like JSON.stringify', () => {
  const v = { a: 1, b: ['x', { c: null }], d: 'q"' };
  const fn = compileJson(v);
  assert.equal(fn({}), JSON.stringify(v));
});

test('compileJsonText on the plan loader text equals compileJson on the value', () => {
  const ctx = ctxOf(1, { token: 'a"b\n', cart: [1, 2] });
  const values: unknown[] = [
    { product_id: '{{ token }}', qty: 1 },
    { items: '{{json cart}}', pick: 'x{{randomItem "q\\"" "r"}}y', esc: 'a\\"{{token}}\u00e9\t' },
    ['{{vu.id}}', { '{{iteration}}': '{{{json cart}}}' }],
    'plain {{ token }}',
    { static: ['no', 'templates'] },
  ];
  for (const v of values) {
    const text = jsonBodyText(v);
    assert.equal(compileJsonText(text)(ctxOf(1, { token: 'a"b\n', cart: [1, 2] })), compileJson(v)(ctxOf(1, { token: 'a"b\n', cart: [1, 2] })), text);
    JSON.parse(compileJsonText(text)(ctx));
  }
});

test('compileJsonText: broken text is a PlanError', () => {
  assert.throws(() => compileJsonText('{"a":"{{x', 'steps.a.json'), PlanError);
  assert.throws(() => compileJsonText('{"a":"x', 'steps.a.json'), /unterminated string/);
  assert.throws(() => compileJsonText('{"a":"{{#if}}"}', 'steps.a.json'), /steps\.a\.json: template error/);
});

test('the variables-only fast path renders exactly what Handlebars renders', () => {
  const templates = [
    '{{ token }}', 'a {{a}} b {{ a.b }} c {{a.b.c}}', '{{~ token ~}} x', 'x {{~ token }} y', '{{{ token }}}', '\\{{ token }}', '{{! comment }}{{token}}',
    '{{ items.[0] }}|{{ items.[1].id }}|{{ items.length }}', '{{ s.length }}', '{{ n }}{{ z }}{{ f }}{{ t }}{{ nul }}{{ undef }}', '{{ obj }}', '{{ items }}',
'{{ vu.id }}-{{ iteration }}', '{{ data.user }}', '{{ dash-key }}', 'x{{ fn }}y',
    '{{ uuid }}', '{{ this.token }}', '{{ ./token }}', '{{ @root.token }}', '{{#if token}}{{token}}{{/if}}',
  ];
  const ctx = { ...ctxOf(1, {}), token: 'tok', a: { b: { c: 'deep' } }, items: [1, { id: 'i2' }], s: 'str', n: 0, z: -1.5, f: false, t: true, nul: null, undef: undefined, obj: { k: 1 }, 'dash-key': 'd', fn: () => 'called' } as TemplateContext;
  // Prototype properties are not variables (Handlebars agrees, with a console warning, so not compared here).
  assert.equal(t('[{{ constructor }}|{{ s.constructor }}|{{ obj.toString }}]')(ctx), '[||]');
  for (const raw of templates) {
    const fast = compileText({ raw, dynamic: true });
    const slow = compileTextHandlebars(raw);
    if (raw.includes('uuid')) {
      assert.match(fast(ctx), /^[0-9a-f-]{36}$/, 'a helper name is not a variable');
      continue;
    }
    assert.equal(fast(ctx), slow(ctx), raw);
  }
});

test('regression: adjacent numeric outputs are concatenated, not added (Handlebars noEscape joins with +)', () => {
  const ctx = ctxOf(1, { a: 1, b: 2 });
  assert.equal(t('{{randomInt 5 5}}{{randomInt 7 7}}')(ctx), '57');
  assert.equal(t('{{a}}{{b}}')(ctx), '12');
  assert.equal(t('{{#if a}}{{a}}{{b}}{{/if}}')(ctx), '12');
  assert.equal(compileTextHandlebars('{{a}}{{b}}')(ctx), '12');
});

test('the prefix that fixes it changes nothing else: whitespace control and standalone blocks', () => {
  const ctx = ctxOf(1, { s: 'x', list: ['a', 'b'] });
  assert.equal(t('{{~ s }} y')(ctx), 'x y');
  assert.equal(t('\n\n{{~ s }}')(ctx), 'x');
  assert.equal(t('\n{{s}}')(ctx), '\nx');
  assert.equal(t('{{#each list}}\n{{this}}\n{{/each}}\nend')(ctx), 'a\nb\nend');
  assert.equal(t('{{#if s}}\nyes\n{{/if}}')(ctx), 'yes\n');
  assert.equal(t('  {{#if s}}\nyes\n{{/if}}')(ctx), 'yes\n');
});

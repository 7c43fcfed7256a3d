/** Template helpers known to the plan checker are the ones the engine registers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEMPLATE_HELPERS, templateProblem, jsonBodyText } from '../../src/plan/templates.js';
import { compileText } from '../../src/engine/journey/template.js';

test('every helper the plan allows exists in the engine (no "Missing helper" at run time)', () => {
  for (const name of TEMPLATE_HELPERS) {
    const render = compileText({ raw: `{{${name} 1 2}}`, dynamic: true });
    assert.doesNotThrow(() => render({}), name);
  }
  // And the checker does refuse what the engine would fail on.
  assert.throws(() => compileText({ raw: '{{noSuchHelper 1}}', dynamic: true })({}), /Missing helper/);
  assert.match(templateProblem('{{noSuchHelper 1}}', []) ?? '', /unknown template helper 'noSuchHelper'/);
});

test('a json body with templates renders to valid JSON through the engine', () => {
  const text = jsonBodyText({ sku: '{{randomItem items}}', q: 'say "{{name}}"', n: 2 });
  const out = compileText({ raw: text, dynamic: true })({ items: ['A1'], name: 'bob' });
  assert.deepEqual(JSON.parse(out), { sku: 'A1', q: 'say "bob"', n: 2 });
});

test('templateProblem: static text and valid templates pass', () => {
  for (const ok of ['plain', '{{x}}', '{{{raw}}}', '{{vu.id}}-{{iteration}}', '{{data.username}}', '{{randomInt 1 10}}', '{{#if a}}b{{else}}c{{/if}}', '{{lookup m "k"}}', '{{json (randomItem xs)}}', '{{env.A}}']) {
    assert.equal(templateProblem(ok, ['A']), undefined, ok);
  }
  assert.match(templateProblem('{{env}}', []) ?? '', /without a name/);
  assert.match(templateProblem('{{json (randItem xs)}}', []) ?? '', /unknown template helper 'randItem' \(did you mean 'randomItem'\?\)/);
  assert.equal(templateProblem('{{x', []), 'template syntax error: a {{ is not closed (at character 1)');
  assert.equal(templateProblem('a {{ user.name }', []), 'template syntax error: a {{ is not closed (at character 3)');
  assert.equal(templateProblem('{{ }}', []), 'template syntax error: incomplete expression before }} at character 4');
  assert.equal(templateProblem('{{#if x}}open', []), 'template syntax error: unexpected end of template (a {{#block}} is not closed with {{/block}})');
  assert.equal(templateProblem('{{a b=}}', []), 'template syntax error: incomplete expression before }} at character 7');
  assert.equal(templateProblem('{{a}} {{b c d"}}', []), 'template syntax error: unexpected character inside {{ }} at character 13');
});

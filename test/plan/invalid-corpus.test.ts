/**
 * The invalid-plan corpus (issue 2 "Bad input", at least 25 plans; we keep more): each
 * test/fixtures/plans/invalid/NN-name.yaml must fail with exactly the message in its
 * sibling NN-name.expected — file:line:col, key path, bad value, what is allowed — as a
 * PlanError (exit 2) without a stack trace in the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan } from '../../src/plan/load.js';
import { ExitCode, PlanError } from '../../src/errors.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'test/fixtures/plans/invalid');
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('the corpus holds at least 30 invalid plans, each with an .expected message', () => {
  assert.ok(fixtures.length >= 30, `only ${fixtures.length} fixtures`);
  for (const f of fixtures) assert.ok(existsSync(join(DIR, f.replace(/\.yaml$/, '.expected'))), `${f} has no .expected`);
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.expected'))) assert.ok(fixtures.includes(f.replace(/\.expected$/, '.yaml')), `${f} has no plan`);
});

for (const f of fixtures) {
  test(`invalid plan ${f}`, () => {
    const expected = readFileSync(join(DIR, f.replace(/\.yaml$/, '.expected')), 'utf8').trim();
    let caught: unknown;
    try {
      loadPlan(readFileSync(join(DIR, f), 'utf8'), f, { baseDir: DIR, env: {} });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof PlanError, `${f}: expected a PlanError, got ${caught === undefined ? 'no error' : String(caught)}`);
    const message = caught.message.split(DIR).join('<dir>');
    assert.equal(message, expected);
    assert.equal(caught.code, 'LT_ERR_PLAN_INVALID');
    assert.equal(caught.exitCode, ExitCode.usage);
    assert.ok(!/\n\s+at /.test(caught.message) && !caught.message.includes('    at '), 'message holds a stack trace');
    assert.ok(!caught.message.includes('\n'), 'one line per error');
    // The location fields agree with the text, and point inside the file.
    const m = /^([^:]+):(\d+):(\d+): /.exec(caught.message);
    assert.ok(m, 'message starts with file:line:col');
    assert.deepEqual(caught.location, { file: f, line: Number(m[2]), col: Number(m[3]) });
    const lines = readFileSync(join(DIR, f), 'utf8').split('\n');
    assert.ok(Number(m[2]) <= lines.length && Number(m[3]) <= lines[Number(m[2]) - 1].length + 1, 'location is inside the file');
  });
}

test('a missing plan file is a PlanError naming the file, without a stack', async () => {
  const { loadPlanFile } = await import('../../src/plan/load.js');
  assert.throws(
    () => loadPlanFile(join(DIR, 'no-such-plan.yaml')),
    (err: unknown) => err instanceof PlanError && /no-such-plan\.yaml: cannot read plan: no such file$/.test(err.message) && !err.message.includes('    at '),
  );
});

test('an empty document and a non-map document are located errors', () => {
  assert.throws(() => loadPlan('', 'empty.yaml'), { message: "empty.yaml:1:1: a plan must be a YAML map with at least 'scenarios' (got null)" });
  assert.throws(() => loadPlan('- a\n- b\n', 'list.yaml'), { message: `list.yaml:1:1: a plan must be a YAML map with at least 'scenarios' (got ["a","b"])` });
  assert.throws(() => loadPlan('name: x\n', 'none.yaml'), { message: 'none.yaml:1:1: scenarios: is required (a map of scenario names to scenarios)' });
});

test('YAML alias bombs are refused with a located message', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
  assert.throws(() => loadPlan(bomb, 'bomb.yaml'), (err: unknown) => err instanceof PlanError && /^bomb\.yaml:\d+:\d+: YAML (syntax )?error: /.test(err.message));
});

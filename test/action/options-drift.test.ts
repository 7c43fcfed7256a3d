/**
 * One options schema (CONVENTIONS.md rule 2): action.yml inputs and CLI flags must
 * match src/options.ts — names, descriptions and defaults. This fails on drift.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { OPTIONS, cliParseConfig, validateOptions } from '../../src/options.js';
import { UsageError } from '../../src/errors.js';
import { ROOT } from '../helpers.js';

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { description: string; default?: string }>; runs: { using: string; main: string } };

test('action.yml inputs are exactly the action options of src/options.ts', () => {
  const expected = OPTIONS.filter((o) => o.action);
  assert.deepEqual(Object.keys(action.inputs).sort(), expected.map((o) => o.name).sort());
  for (const o of expected) {
    const input = action.inputs[o.name];
    assert.equal(input.description, o.description, `description of ${o.name}`);
    assert.equal(input.default, o.default, `default of ${o.name}`);
  }
});

test('action.yml runs dist/index.js on node24', () => {
  assert.equal(action.runs.using, 'node24');
  assert.equal(action.runs.main, 'dist/index.js');
});

test('CLI flags are exactly the cli options of src/options.ts', () => {
  const flags = Object.keys(cliParseConfig());
  assert.deepEqual(flags.sort(), OPTIONS.filter((o) => o.cli).map((o) => o.name).sort());
});

test('option values are validated with a message naming the option and value', () => {
  assert.throws(() => validateOptions({ duration: 'soon' }, 'cli'), (e: unknown) => e instanceof UsageError && /--duration/.test(e.message) && /soon/.test(e.message));
  assert.throws(() => validateOptions({ workers: '-1' }, 'cli'), (e: unknown) => e instanceof UsageError && /--workers/.test(e.message));
  assert.throws(() => validateOptions({ mode: 'fly' }, 'action'), (e: unknown) => e instanceof UsageError && /input 'mode'/.test(e.message) && /run, coordinator, worker, report/.test(e.message));
  const ok = validateOptions({ duration: '1m30s', workers: '3', 'fail-on-thresholds': 'false', mode: '' }, 'action');
  assert.equal(ok.duration, 90_000);
  assert.equal(ok.workers, 3);
  assert.equal(ok.failOnThresholds, false);
  assert.equal(ok.mode, 'run', 'empty input falls back to the default');
});

/**
 * Issue 6 acceptance 6 and the text outputs: JUnit XML validates against the JUnit
 * schema (xmllint), one test case per threshold with actual vs limit on failure; the
 * job summary stays under 1 MiB; the PR comment under 65,536 characters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunit, renderMarkdown, renderPrComment } from '../../src/report/render.js';
import { compareResults } from '../../src/report/compare.js';
import { syntheticResult } from './synthetic.js';
import { tempDir, ROOT } from '../helpers.js';

test('JUnit XML validates against the JUnit schema; failures carry actual vs limit', () => {
  const r = syntheticResult({ seed: 'junit', names: { scenario: 'a&b <c>', step: 'x"y' } });
  r.thresholds.push({ expression: 'error_rate < 0.001 & "more"', metric: 'error_rate', op: '<', limit: 0.001, actual: 0.05, passed: false, abort_on_fail: false });
  const xml = renderJunit(r);
  const file = join(tempDir(), 'junit.xml');
  writeFileSync(file, xml);
  const lint = spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'test/fixtures/junit/junit.xsd'), file], { encoding: 'utf8' });
  assert.equal(lint.status, 0, lint.stderr);
  assert.equal((xml.match(/<testcase /g) ?? []).length, r.thresholds.length, 'one test case per threshold');
  assert.match(xml, /<failure message="actual 0\.0500 vs limit &lt; 0\.001"/);
  assert.match(xml, /tests="2" failures="1"/);
});

test('the job summary stays under 1 MiB even with thousands of steps', () => {
  const r = syntheticResult({ seed: 'big' });
  const sc = Object.values(r.scenarios)[0];
  const step = Object.values(sc.steps)[0];
  for (let i = 0; i < 6000; i++) sc.steps[`step-${i}-${'x'.repeat(120)}`] = step;
  const md = renderMarkdown(r);
  assert.ok(Buffer.byteLength(md) < 1024 * 1024, `${Buffer.byteLength(md)} bytes`);
  assert.match(md, /Truncated to stay under GitHub/);
});

test('the PR comment has the marker, a verdict line, and stays under 65,536 characters', () => {
  const base = syntheticResult({ seed: 'pr-base' });
  const head = syntheticResult({ seed: 'pr-head', latencyScale: 1.3 });
  const sc = Object.values(head.scenarios)[0];
  const bsc = Object.values(base.scenarios)[0];
  for (let i = 0; i < 600; i++) {
    sc.steps[`s${i}`] = Object.values(sc.steps)[0];
    bsc.steps[`s${i}`] = Object.values(bsc.steps)[0];
  }
  const comparison = compareResults(base, head, { resamples: 200 });
  const body = renderPrComment(head, { marker: '<!-- loadtest-action:wf:job -->', comparison, runUrl: 'https://github.com/o/r/actions/runs/1' });
  assert.ok(body.length < 65_536, `${body.length} characters`);
  assert.ok(body.startsWith('<!-- loadtest-action:wf:job -->'));
  assert.match(body, /regression\(s\) found/);
  assert.match(body, /<details><summary>All \d+ comparisons and the method<\/summary>/);
  assert.match(body, /Showing \d+ of \d+ rows/);
});

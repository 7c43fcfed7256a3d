/**
 * Issue 6 acceptance 6 and the text outputs: JUnit XML validates against the JUnit
 * schema (libxml2's validator as WebAssembly, xmllint-wasm: the same check as the
 * xmllint command, with no system package), one test case per threshold with actual vs limit on failure; the
 * job summary stays under 1 MiB; the PR comment under 65,536 characters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunit, renderMarkdown, renderPrComment, render, templatesDir } from '../../src/report/render.js';
import { compareResults } from '../../src/report/compare.js';
import { makePair, makeResult } from '../fixtures/results/make.js';
import { build } from 'esbuild';
import { validateXML } from 'xmllint-wasm';
import { cpSync, mkdirSync } from 'node:fs';
import { tempDir, ROOT } from '../helpers.js';
// The plugin the real bundles use: dist/ carries uPlot's texts, as it ships without node_modules.
// @ts-expect-error — plain JavaScript build script, no types
import { inlineChartAssets } from '../../scripts/build-options.mjs';

/** Validates an XML document against the JUnit schema fixture. */
function validateJunit(xml: string) {
  const schema = { fileName: 'junit.xsd', contents: readFileSync(join(ROOT, 'test/fixtures/junit/junit.xsd'), 'utf8') };
  return validateXML({ xml: { fileName: 'junit.xml', contents: xml }, schema });
}

test('JUnit XML validates against the JUnit schema; failures carry actual vs limit', async () => {
  const r = makeResult({ seed: 'junit', text: { scenarios: ['a&b <c>', 'checkout'], steps: ['x"y', 'search', 'pay'] } });
  r.thresholds.push({ expression: 'error_rate < 0.001 & "more"', metric: 'error_rate', op: '<', limit: 0.001, actual: 0.05, passed: false, abort_on_fail: false });
  const xml = renderJunit(r);
  const lint = await validateJunit(xml);
  assert.ok(lint.valid, lint.rawOutput);
  // The validator does reject what the schema forbids: a test case without its name.
  const unnamed = await validateJunit(xml.replace(/<testcase name="[^"]*"/, '<testcase'));
  assert.equal(unnamed.valid, false, 'a testcase without name is refused');
  assert.match(unnamed.errors.map((e) => e.message).join('\n'), /name.*required|required.*name/i);
  assert.equal((xml.match(/<testcase /g) ?? []).length, r.thresholds.length, 'one test case per threshold');
  assert.match(xml, /<failure message="actual 0\.0500 vs limit &lt; 0\.001"/);
  const failed = r.thresholds.filter((t) => !t.passed).length;
  assert.ok(failed >= 1);
  assert.match(xml, new RegExp(`tests="${r.thresholds.length}" failures="${failed}"`));
});

test('the job summary stays under 1 MiB even with thousands of steps', () => {
  const r = makeResult({ seed: 'big' });
  const sc = Object.values(r.scenarios)[0];
  const step = Object.values(sc.steps)[0];
  for (let i = 0; i < 6000; i++) sc.steps[`step-${i}-${'x'.repeat(120)}`] = step;
  const md = renderMarkdown(r);
  assert.ok(Buffer.byteLength(md) < 1024 * 1024, `${Buffer.byteLength(md)} bytes`);
  assert.match(md, /Truncated to stay under GitHub/);
});

test('the PR comment has the marker, a verdict line, and stays under 65,536 characters', () => {
  // Only latency moves (+30%); no errors, so error-rate noise cannot lead the headline.
  const base = makeResult({ seed: 'pr-base', errorRate: 0 });
  const head = makeResult({ seed: 'pr-head', latencyScale: 1.3, errorRate: 0 });
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
  assert.match(body, /### ❌ Load test <code>shop<\/code>: \d+ regressions, largest p\d+ \+\d+\.\d% on /);
  assert.match(body, /<details><summary>All \d+ comparisons and the method<\/summary>/);
  assert.match(body, /Showing \d+ of \d+ rows/);
});

test('job summary: verdict, thresholds ✓/✗ with limits, scenarios, workers, events, comparison rows', () => {
  const { base, head } = makePair({ seed: 'md', shift: 1.3 });
  const md = renderMarkdown(head, { comparison: compareResults(base, head) });
  assert.match(md, /^## ❌ Load test: shop\n\n\*\*Failed: 2 of 5 thresholds not met\*\*/);
  assert.match(md, /\| ✓ \| <code>p\(95\) &lt; 400<\/code> \| \d+ \| <code>&lt; 400<\/code> \|/);
  assert.match(md, /\| ✗ \| <code>error\\_rate &lt; 0\.01<\/code> \|/);
  assert.match(md, /\| \*\*browse\*\* \| \d+ \|/);
  assert.match(md, /\| &nbsp;&nbsp;↳ pay \|/);
  assert.match(md, /\| w-1 \| 50\.00% \| \d+ \| \d+ \| 3\.2 ms \| lost \|/);
  assert.match(md, /worker\\_lost/);
  assert.match(md, /### Compared with the baseline/);
  assert.match(md, /\| overall \| p95 \| \d+ \| \d+ \| \+\d+\.\d% \| \+\d+\.\d% … \+\d+\.\d% \| ❌ regressed \|/);
});

test('Markdown escaping: pipes, HTML, links, images, emphasis and mentions in names stay text', () => {
  const evil = 'a|b <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![i](http://t/x.png) **bold** @octocat `tick`\nnext';
  const r = makeResult({ seed: 'md-esc', text: { scenarios: [`s ${evil}`, 'checkout'], steps: ['home', `st ${evil}`, 'pay'], workers: [`w ${evil}`, 'w-1'], eventMessage: `ev ${evil}`, planName: `plan ${evil}` } });
  const { base } = makePair({ seed: 'md-esc-b' });
  for (const md of [renderMarkdown(r), renderPrComment(r, { marker: '<!-- m -->', comparison: compareResults(base, r) })]) {
    assert.doesNotMatch(md, /<img/);
    assert.doesNotMatch(md, /[^\\]\]\(javascript:/, 'brackets escaped: no link');
    assert.doesNotMatch(md, /!\[i/, 'no image');
    assert.doesNotMatch(md, /\*\*bold\*\*/);
    assert.doesNotMatch(md, /@octocat/, 'no mention');
    assert.doesNotMatch(md, /a\|b/, 'no raw pipe inside a cell');
    assert.match(md, /a&#124;b &lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt; \\\[x\\\]\(javascript:alert\(1\)\)/);
    // Every table row keeps its column count: names cannot add cells.
    for (const table of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const lines = table.split('\n').filter((l) => l.startsWith('|'));
      const cols = (l: string) => l.split('|').length;
      for (const l of lines) assert.equal(cols(l), cols(lines[0]), l);
    }
  }
});

test('PR comment: marker first, counts, flagged table, details with every row and the method, links', () => {
  const { base, head } = makePair({ seed: 'pr', shift: 1.3 });
  const comparison = compareResults(base, head, { baseLabel: 'main @ abc1234' });
  const body = renderPrComment(head, { marker: '<!-- loadtest-action:ci:load -->', comparison, runUrl: 'https://github.com/o/r/actions/runs/9', artifactUrl: 'https://github.com/o/r/actions/runs/9/artifacts/1' });
  const lines = body.split('\n');
  assert.equal(lines[0], '<!-- loadtest-action:ci:load -->');
  assert.match(lines[1], /^### ❌ Load test <code>shop<\/code>: \d+ regressions, largest /);
  assert.match(body, new RegExp(`\\*\\*${comparison.summary.regressed} regressed · ${comparison.summary.improved} improved · ${comparison.summary.unchanged} unchanged\\*\\* against main &#x40;|main @`));
  assert.match(body, /\| Metric \| Scope \| Base \| Head \| Δ \| Interval of Δ \| Verdict \|/);
  assert.match(body, new RegExp(`<details><summary>All ${comparison.rows.length} comparisons and the method</summary>`));
  assert.match(body, /Bonferroni/);
  assert.match(body, /\[Workflow run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/9\) · \[HTML report artifact\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/9\/artifacts\/1\)/);
  const noBase = renderPrComment(head, { marker: '<!-- m -->', baselineNote: 'first run', runUrl: 'javascript:alert(1)' });
  assert.match(noBase, /No baseline result to compare with yet \(first run\)/);
  assert.doesNotMatch(noBase, /javascript:/);
});

test('templates are found from the esbuild bundle layout (dist/ beside templates/)', async () => {
  const root = tempDir('lt-layout-');
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  cpSync(templatesDir(), join(root, 'templates'), { recursive: true });
  const entry = join(root, 'entry.ts');
  writeFileSync(entry, `import { render } from ${JSON.stringify(join(ROOT, 'src/report/render.ts'))};\nexport { render };\n`);
  await build({ entryPoints: [entry], outfile: join(root, 'dist', 'cli.js'), bundle: true, platform: 'node', format: 'esm', logLevel: 'warning', plugins: [inlineChartAssets], banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" } });
  const mod = (await import(join(root, 'dist', 'cli.js'))) as { render: typeof render };
  const r = makeResult({ seed: 'bundle' });
  assert.equal(mod.render(r, 'md'), render(r, 'md'));
  assert.match(mod.render(r, 'html'), /<!doctype html>/);
});

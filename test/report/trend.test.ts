/** The trend across runs (issue 14): sparklines, rows, the comment block, and `loadtest trend`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTrend, sparkline, trendMarkdown, trendRows, trendRun, TREND_NOTE } from '../../src/report/trend.js';
import { renderPrComment, COMMENT_LIMIT } from '../../src/report/render.js';
import { runCli, tempDir } from '../helpers.js';
import { makeResult } from '../fixtures/results/make.js';

test('sparkline: lowest and highest bars at the ends of the range, flat in the middle, · for no value, clamped beyond a given scale', () => {
  assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 5, 5]), '▄▄▄');
  assert.equal(sparkline([1, NaN, 2]), '▁·█');
  assert.equal(sparkline([100, -100], [0, 10]), '█▁');
});

const run = (label: string, day: number, latencyScale: number) => ({ ...trendRun(makeResult({ seed: label, latencyScale }), label), started_at: `2026-02-${String(day).padStart(2, '0')}T00:00:00Z` });

test('trend rows: runs sorted oldest first, this run after │ on the base runs\' scale', () => {
  const trend = buildTrend([run('c', 3, 1.4), run('a', 1, 1), run('b', 2, 1.2)], { head: trendRun(makeResult({ seed: 'h', latencyScale: 5 })) });
  assert.deepEqual(trend.runs.map((r) => r.label), ['a', 'b', 'c']);
  const p95 = trendRows(trend).find((r) => r.metric === 'p95')!;
  assert.match(p95.spark, /^▁[▁▂▃▄▅▆▇█]█│█$/, 'a far slower head is clamped to the top bar');
  assert.equal(p95.oldest, `${trend.runs[0].p95.toFixed(0)} ms`);
  assert.equal(trendRows(buildTrend([])).length, 0);
});

test('the comment block: a row per metric, skipped runs escaped, the context note, and the comment stays under the limit with 50 runs', () => {
  const runs = Array.from({ length: 50 }, (_, i) => run(`r${i}`, 1 + (i % 28), 1 + i / 50));
  const md = trendMarkdown(buildTrend(runs, { skipped: ['run 9 (<b>x</b>): its result artifact has expired'] }));
  assert.equal(md.split('\n').filter((l) => /^\| (rps|error_rate|p50|p95|p99) \|/.test(l)).length, 5);
  assert.ok(md.includes('run 9 (&lt;b&gt;x&lt;/b&gt;)'), 'names from the API are escaped');
  assert.ok(md.includes(TREND_NOTE));
  assert.equal(trendMarkdown(undefined), '');
  const head = makeResult({ seed: 'big' });
  const comment = renderPrComment(head, { trend: buildTrend(runs, { head: trendRun(head) }) });
  assert.ok(comment.includes('**Trend over the last 50 base-branch runs**'));
  assert.ok(comment.length < COMMENT_LIMIT);
});

const dir = tempDir();
const files = [1, 2, 3].map((i) => {
  const r = makeResult({ seed: `cli-${i}`, latencyScale: 1 + i / 5 });
  r.run.started_at = `2026-03-0${4 - i}T00:00:00.000Z`; // given newest first
  const f = join(dir, `run${i}.json`);
  writeFileSync(f, JSON.stringify(r));
  return f;
});

test('loadtest trend prints the sparklines oldest first, as text, md and json, and --report writes the HTML trend chart', async () => {
  const text = await runCli(['trend', ...files]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /oldest → newest: run3\.json, run2\.json, run1\.json/);
  assert.match(text.stdout, /^p95\s+[▁▂▃▄▅▆▇█]{3} /m);
  assert.ok(text.stdout.includes(TREND_NOTE));
  const md = await runCli(['trend', ...files, '--format', 'md']);
  assert.match(md.stdout, /^\| p99 \| `[▁▂▃▄▅▆▇█]{3}` \|/m);
  const json = await runCli(['trend', ...files, '--format', 'json']);
  assert.deepEqual(JSON.parse(json.stdout).runs.map((r: { label: string }) => r.label), ['run3.json', 'run2.json', 'run1.json']);
  const html = join(dir, 'out', 'trend.html');
  const rep = await runCli(['trend', ...files, '--report', html]);
  assert.equal(rep.code, 0, rep.stderr);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /data-chart="trend"/);
  assert.match(page, /"trend":\{"runs":\[\{"label":"run3.json"/);
});

test('loadtest trend: bad input exits 2 naming what is wrong; an unwritable --report names the path', async () => {
  writeFileSync(join(dir, 'a-file'), '');
  // Independent processes: run side by side.
  const [one, fmt, missing, unwritable] = await Promise.all([
    runCli(['trend', files[0]]),
    runCli(['trend', ...files, '--format', 'xml']),
    runCli(['trend', files[0], join(dir, 'nope.json')]),
    runCli(['trend', ...files, '--report', join(dir, 'a-file', 'x.html')]),
  ]);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /trend takes at least two result files \(got 1\)/);
  assert.equal(fmt.code, 2);
  assert.match(fmt.stderr, /--format must be one of text, md, json \(got 'xml'\)/);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read result .*nope\.json: no such file/);
  assert.notEqual(unwritable.code, 0);
  assert.match(unwritable.stderr, /cannot write .*a-file\/x\.html/);
  for (const r of [one, fmt, missing, unwritable]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

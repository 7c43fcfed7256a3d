/**
 * Issue 15 acceptance 4: the comparison says what it did, on results of the real engine
 * (a 2 s pair run here against a loopback server; the 8 s runs saved by
 * test/fixtures/results/real/generate.ts, one closed-model scenario with one step):
 * - a 2 s run pair is `not compared`, in the headline, never "no clear change";
 * - a pair where one run's generator was saturated is `not compared` for latency, and
 *   so is one whose generator lag p99 is far above the other's;
 * - a one-scenario one-step plan gives one row per metric, a change counted once;
 * - no row shows a Δ outside its interval; a whole-run change outside it is noted.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPlan } from '../../src/runner.js';
import { compareResults, type CompareRow } from '../../src/report/compare.js';
import { comparisonHeadline, formatDelta } from '../../src/report/compare-text.js';
import { renderMarkdown, renderPrComment } from '../../src/report/render.js';
import { comparisonOutput } from '../../src/action/publish.js';
import type { Result } from '../../src/report/result-schema.js';
import { readResultFile } from '../../src/report/load-result.js';
import { planFrom, ROOT, runCli, tempDir } from '../helpers.js';
import { LOOSE_LIMITS, onePingPlan } from '../fixtures/results/real/plan.js';

let server: Server;
let url: string;
/** Every response of the current run waits this long (ms). */
let delayMs = 0;

before(async () => {
  server = createServer((_req, res) => {
    if (delayMs) setTimeout(() => res.end('ok'), delayMs);
    else res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

/** A 2 s run of one closed-model scenario with one step (4 VUs, 10 ms think time); limits a busy machine does not reach. */
async function shortRun(delay: number): Promise<Result> {
  delayMs = delay;
  const plan = planFrom(onePingPlan({ target: url, duration: '2s', limits: LOOSE_LIMITS }));
  return runPlan(plan);
}

/** A saved real-engine result (test/fixtures/results/real). */
const saved = (name: 'base' | 'slow' | 'burst' | 'saturated'): Result => readResultFile(join(ROOT, 'test/fixtures/results/real', `${name}.json`));

test('a 2 s run pair is not compared, and the headline says so (never "no clear change"); --fail-on-regression cannot fail on it', async () => {
  const b = await shortRun(0);
  const h = await shortRun(15);
  const cmp = compareResults(b, h);
  assert.ok(cmp.rows.length > 0);
  for (const r of cmp.rows) {
    assert.equal(r.verdict, 'not compared', JSON.stringify(r));
    assert.match(r.note ?? '', /^not enough data to compare: \d intervals?( \(base \d, head \d\))?, need 5/);
  }
  assert.deepEqual(cmp.summary, { regressed: 0, improved: 0, unchanged: 0, notCompared: cmp.rows.length });
  const headline = comparisonHeadline(cmp);
  assert.match(headline, /^not compared: not enough data to compare: \d intervals?.*, need 5/);
  assert.doesNotMatch(headline, /no clear change/);
  // The PR comment: first line and the visible table (not only the collapsed details).
  const comment = renderPrComment(h, { comparison: cmp });
  const [first] = comment.split('\n');
  assert.match(first, /^### ⚠️ Load test <code>cmp<\/code>: not compared: not enough data to compare/);
  const visible = comment.slice(0, comment.indexOf('<details>'));
  assert.match(visible, /\| p50 \| overall ≡ only ≡ only \/ ping \| [\d.]+ \| [\d.]+ \| [+−][\d.]+% \| not enough data to compare: \d intervals?.*, need 5 \| ⚠️ not compared \|/);
  assert.match(comment, /0 regressed · 0 improved · 0 unchanged · 5 not compared/);
  const md = renderMarkdown(h, { comparison: cmp });
  assert.match(md, /### Compared with the baseline\n\nnot compared: not enough data to compare: \d intervals?.*, need 5 — 0 regressed · 0 improved · 0 unchanged · 5 not compared\n/);
  assert.match(md, /\| overall ≡ only ≡ only \/ ping \| p50 \|[^\n]*\| not enough data to compare[^\n]*\| ⚠️ not compared \|/, 'the visible table');
  assert.equal(comparisonOutput(cmp).not_compared, 5);
  // The CLI: exit 0 with --fail-on-regression, and the headline first.
  const dir = tempDir();
  writeFileSync(join(dir, 'b.json'), JSON.stringify(b));
  writeFileSync(join(dir, 'h.json'), JSON.stringify(h));
  const cli = await runCli(['compare', join(dir, 'b.json'), join(dir, 'h.json'), '--fail-on-regression']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /^not compared: not enough data to compare/);
  assert.match(cli.stdout, /^not compared +overall ≡ only ≡ only \/ ping +p50 /m);
});

test('one run with a saturated generator: latency not compared with that reason, throughput and errors still compared', () => {
  const base = saved('base');
  const sat = saved('saturated');
  assert.ok(sat.generator?.saturated && !base.generator?.saturated, 'the fixtures are what they say');
  for (const [b, h, side] of [[base, sat, 'head'], [sat, base, 'base']] as const) {
    const cmp = compareResults(b, h);
    assert.equal(cmp.rows.length, 5);
    for (const r of cmp.rows.filter((x) => ['p50', 'p95', 'p99'].includes(x.metric))) {
      assert.equal(r.verdict, 'not compared', JSON.stringify(r));
      assert.equal(r.interval, null);
      assert.match(r.note ?? '', new RegExp(`^the ${side} run's load generator was saturated in 1 of 7 compared intervals: its latencies include the generator's own delay$`));
    }
    for (const r of cmp.rows.filter((x) => x.metric === 'rps' || x.metric === 'error_rate')) assert.notEqual(r.verdict, 'not compared', JSON.stringify(r));
    assert.match(comparisonHeadline(cmp), new RegExp(`3 of 5 rows not compared: the ${side} run's load generator was saturated`));
    assert.match(renderPrComment(h, { comparison: cmp }), new RegExp(`\\| p95 \\| overall ≡ only ≡ only / ping \\|[^\\n]*\\| the ${side} run&#x27;s load generator was saturated[^\\n]*\\| ⚠️ not compared \\|`));
  }
});

test("generator lag p99 far above the other run's: latency not compared; ordinary jitter still compares", () => {
  const lag = (p99: number) => ({ min: 0, mean: p99 / 4, p50: p99 / 5, p90: p99 / 2, p95: p99 / 1.5, p99, p99_9: p99, max: p99 });
  const base = { ...saved('base'), generator_lag_ms: lag(4.5) };
  const disturbed = { ...saved('slow'), generator_lag_ms: lag(61) };
  const cmp = compareResults(base, disturbed);
  for (const r of cmp.rows.filter((x) => ['p50', 'p95', 'p99'].includes(x.metric))) {
    assert.equal(r.verdict, 'not compared', JSON.stringify(r));
    assert.match(r.note ?? '', /^generator lag p99 61 ms on the head run against 4\.5 ms on the base: the extra delay alone could move this latency by more than the [\d.]+ ms floor$/);
  }
  assert.notEqual(cmp.rows.find((r) => r.metric === 'rps')!.verdict, 'not compared');
  const jitter = compareResults(base, { ...disturbed, generator_lag_ms: lag(6.1) });
  assert.equal(jitter.summary.notCompared, 0, JSON.stringify(jitter.rows.map((r) => r.note)));
  assert.equal(jitter.rows.find((r) => r.metric === 'p50')!.verdict, 'regressed', 'the 8 ms slowdown is still found');
});

test('a one-scenario one-step plan has one row per metric; a slowdown counts once', () => {
  const cmp = compareResults(saved('base'), saved('slow'));
  assert.deepEqual(cmp.rows.map((r) => `${r.scope} ${r.metric}`), ['overall p50', 'overall p95', 'overall p99', 'overall rps', 'overall error_rate']);
  for (const r of cmp.rows) assert.deepEqual(r.same, ['only', 'only / ping']);
  assert.equal(cmp.rows[0].verdict, 'regressed', `~0.8 ms → ~9 ms: ${JSON.stringify(cmp.rows[0])}`);
  assert.equal(cmp.summary.regressed, 1, 'the slowdown is one regression, not three');
  assert.match(comparisonHeadline(cmp), /^1 regression, largest p50 \+\d+\.\d% on overall ≡ only ≡ only \/ ping \(interval /);
  const comment = renderPrComment(saved('slow'), { comparison: cmp });
  assert.match(comment, /<details><summary>All 5 comparisons and the method<\/summary>/);
  assert.match(comment, /\*\*1 regressed · \d improved · \d unchanged\*\*/);
});

/** Whether the Δ a row shows lies in its interval (in the interval's units). */
function deltaInside(r: CompareRow): boolean {
  const [lo, hi] = r.interval!;
  const v = r.intervalKind === 'difference' ? r.estimate! : 1 + r.deltaPct!;
  return v >= lo && v <= hi;
}

test('Δ lies within its interval; a whole-run change outside it carries a note', () => {
  const names = ['base', 'slow', 'burst', 'saturated'] as const;
  let rows = 0;
  let noted = 0;
  for (const a of names) {
    for (const b of names) {
      if (a === b) continue;
      for (const r of compareResults(saved(a), saved(b)).rows.filter((x) => x.interval)) {
        rows++;
        assert.ok(deltaInside(r) || /outside its bootstrap interval/.test(r.note ?? ''), `${a} → ${b}: Δ ${formatDelta(r)} outside ${JSON.stringify(r.interval)} without a note: ${JSON.stringify(r)}`);
        const whole = r.intervalKind === 'difference' ? r.head - r.base : r.head / r.base;
        const outside = whole < r.interval![0] || whole > r.interval![1];
        assert.equal(/whole-run change .* is outside the interval/.test(r.note ?? ''), outside, `${a} → ${b}: ${JSON.stringify(r)}`);
        if (outside) noted++;
      }
    }
  }
  assert.ok(rows >= 40, `${rows} rows compared`);
  assert.ok(noted >= 1, 'some whole-run change lies outside its interval (the saturated run\'s dropped intervals), and the row says so');
});

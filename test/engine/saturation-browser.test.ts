/**
 * Issue 10 acceptance 2: a run whose generator is forced into saturation (the test
 * blocks this process's event loop 60 ms out of every 100 ms, as a CPU-bound step
 * would) marks the saturated intervals in the result, warns in the CLI table, shows a
 * banner in the job summary, the PR comment and the HTML report (in Chromium), and
 * `generator.on_saturation: fail` fails it with exit code 112.
 */
import { test, before, after } from 'node:test';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { runPlan } from '../../src/runner.js';
import { finalTable } from '../../src/cli/progress.js';
import { renderHtml, renderMarkdown, renderPrComment } from '../../src/report/render.js';
import { ExitCode } from '../../src/errors.js';
import { launchChromium } from '../browser.js';
import { planFrom, tempDir } from '../helpers.js';

let server: Server;
let url = '';
let browser: Browser;
before(async () => {
  server = createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launchChromium();
});
after(async () => {
  await browser.close();
  server.closeAllConnections();
  server.close();
});

const plan = (extra: string) =>
  planFrom(`
name: saturated
target: ${url}
${extra}
scenarios:
  s:
    duration: 2s
    profile: { type: constant_rate, rate: 200, pre_allocated_vus: 20, max_vus: 50 }
    steps:
      - { name: root, method: GET, url: / }
`);

/** Runs with this process's event loop blocked 60 ms in every 100 ms. */
async function blocked(extra: string) {
  const hog = setInterval(() => {
    const end = performance.now() + 60;
    while (performance.now() < end);
  }, 100);
  try {
    return await runPlan(plan(extra));
  } finally {
    clearInterval(hog);
  }
}

test('a saturated generator is marked per interval, warned about, and shown as a banner in every output', async () => {
  const r = await blocked('');
  assert.ok(r.generator, 'the result has a generator summary');
  assert.equal(r.generator!.saturated, true);
  assert.ok(r.generator!.saturated_intervals.length >= 1, 'saturated intervals listed');
  assert.ok(r.generator!.event_loop_p99_ms > 20, `event-loop p99 ${r.generator!.event_loop_p99_ms} ms`);
  const marked = r.timeseries.filter((p) => p.generator?.saturated).map((p) => p.t);
  assert.deepEqual(marked, r.generator!.saturated_intervals, 'the series marks the same intervals');
  assert.equal(r.run.exit_code, ExitCode.passed, 'on_saturation defaults to warn');

  const table = finalTable(r);
  assert.match(table, /WARNING: The load generator was saturated in \d+ of \d+ interval/);
  assert.match(table, /--workers N/);
  assert.match(renderMarkdown(r), /> \[!WARNING\]\n> The load generator was saturated/);
  assert.match(renderPrComment(r), /The load generator was saturated/);

  const file = join(tempDir(), 'report.html');
  writeFileSync(file, renderHtml(r));
  const page = await browser.newPage();
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(file).href);
  const banner = page.locator('[data-field="saturation"]');
  assert.equal(await banner.count(), 1);
  assert.ok(await banner.isVisible(), 'the banner is visible');
  assert.match((await banner.textContent()) ?? '', /include the generator's own delay/);
  await page.close();
});

test('generator.on_saturation: fail fails a saturated run with exit code 112', async () => {
  const r = await blocked('generator: { on_saturation: fail }');
  assert.equal(r.generator?.saturated, true);
  assert.equal(r.run.exit_code, ExitCode.generatorSaturated);
  assert.equal(r.run.exit_code, 112);
  assert.equal(r.run.status, 'failed');
  assert.match(finalTable(r), /FAILED: the load generator was saturated/);
});

test('a healthy run at a low rate carries generator health and is not failed by on_saturation: fail', async () => {
  // Limits raised far above anything a loaded CI machine shows, so this checks the
  // plumbing (health present, limits applied) rather than the machine's speed.
  const r = await runPlan(plan('generator: { on_saturation: fail, max_lag_p99: 5s, max_event_loop_p99: 5s }'));
  assert.ok(r.timeseries.every((p) => p.generator !== undefined), 'every interval has generator health');
  assert.equal(r.generator?.saturated, false);
  assert.deepEqual(r.generator?.limits, { lag_p99_ms: 5000, event_loop_p99_ms: 5000 });
  assert.equal(r.run.exit_code, ExitCode.passed);
});

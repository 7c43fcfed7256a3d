/**
 * Issue 6 acceptance 1–2: the HTML report of a real run opens in headless Chromium
 * with no console errors and every chart drawn (a screenshot goes to docs/), it is
 * self-contained (every network request blocked), and strings from the plan, the
 * target and responses cannot run script.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startDemoTarget } from '../../src/demo/target.js';
import { runPlan } from '../../src/runner.js';
import { renderHtml } from '../../src/report/render.js';
import { compareResults } from '../../src/report/compare.js';
import { launchChromium, openHtml } from '../browser.js';
import { planFrom, tempDir, ROOT } from '../helpers.js';
import { makePair, makeResult } from '../fixtures/results/make.js';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser.close());

const open = (html: string) => openHtml(browser, html);

test('the report of a real run: no console errors, every chart drawn, self-contained', async (t) => {
  const target = await startDemoTarget({ port: 0, quiet: true });
  let result;
  try {
    const plan = planFrom(`
name: report-run
target: ${target.url}
scenarios:
  browse:
    duration: 4s
    profile: { type: ramp_up, start_vus: 2, end_vus: 8 }
    think_time: 20ms
    steps:
      - { name: users, method: GET, url: /api/users }
      - { name: flaky, method: GET, url: "/flaky?fail=0.1" }
  orders:
    duration: 4s
    profile: { type: constant_rate, rate: 50, pre_allocated_vus: 5, max_vus: 10 }
    steps:
      - { name: order, method: POST, url: /api/orders, json: { item: widget } }
thresholds:
  - "p95 < 1000"
  - "error_rate < 0.5"
`);
    result = await runPlan(plan);
  } finally {
    await target.close();
  }
  const base = makeResult({ seed: 'shot-base', text: { scenarios: ['browse', 'orders'], steps: ['users', 'flaky', 'order'] } });
  const html = renderHtml(result, { comparison: compareResults(base, result) });
  const { page, errors, requests } = await open(html);
  try {
    for (const chart of ['rps', 'latency', 'errors', 'vus', 'histogram']) {
      const drawn = await page.$eval(`[data-chart="${chart}"] canvas`, (c) => {
        const canvas = c as HTMLCanvasElement;
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
        return { inked, width: canvas.getBoundingClientRect().width, height: canvas.getBoundingClientRect().height };
      });
      assert.ok(drawn.width > 100 && drawn.height > 100, `${chart} has a size`);
      assert.ok(drawn.inked > 500, `${chart} has marks (${drawn.inked} inked pixels)`);
    }
    assert.equal(await page.textContent('[data-field="requests"]'), String(result.summary.requests));
    assert.deepEqual(errors, [], 'no console or page errors');
    assert.deepEqual(requests, [], 'no network requests: the report is self-contained');
    // Page weight and time to a drawn page (navigation start → load event, charts drawn synchronously by then).
    const loadMs = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
    // Chart drawing alone: re-render from the embedded data (what the live dashboard does per event).
    const drawMs = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById('lt-data')!.textContent!);
      const t0 = performance.now();
      (window as unknown as { __ltRender(d: unknown): void }).__ltRender(data);
      return performance.now() - t0;
    });
    t.diagnostic(`report page weight ${Buffer.byteLength(html)} bytes; load with charts drawn ${loadMs.toFixed(0)} ms; re-render ${drawMs.toFixed(1)} ms`);
    // docs/report-screenshot.png is refreshed on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean.
    const shot = process.env.UPDATE_SCREENSHOT ? join(ROOT, 'docs', 'report-screenshot.png') : join(tempDir(), 'report.png');
    await page.screenshot({ path: shot });
    assert.ok(statSync(shot).size > 10_000, 'a real screenshot was taken');
  } finally {
    await page.close();
  }
});

test('a one-hour run: page weight and time to draw stay reasonable', async (t) => {
  const { base, head } = makePair({ seed: 'hour', intervals: 3600, stepRps: 20 });
  const html = renderHtml(head, { comparison: compareResults(base, head) });
  const { page, errors, requests } = await open(html);
  try {
    const loadMs = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
    const points = await page.evaluate(() => (window as unknown as { __ltCharts: Record<string, { u: { data: number[][] } }> }).__ltCharts.latency.u.data[0].length);
    assert.equal(points, 3600, 'every interval is drawn');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    t.diagnostic(`3,600-interval report: ${Buffer.byteLength(html)} bytes; load with charts drawn ${loadMs.toFixed(0)} ms`);
    assert.ok(Buffer.byteLength(html) < 5 * 1024 * 1024, 'under 5 MiB');
  } finally {
    await page.close();
  }
});

test('strings from the plan, the target and responses are escaped: no script runs', async () => {
  const evil = '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">';
  const r = makeResult({
    seed: 'xss',
    text: { planName: `plan${evil}`, scenarios: [`s${evil}`, `c${evil}`], steps: [`home${evil}`, `step${evil}`, `pay${evil}`], errorMessage: `body ${evil}`, eventMessage: `event ${evil}`, workers: [`w${evil}`, `v${evil}`], url: `http://127.0.0.1/${evil}` },
  });
  r.thresholds[0].expression = `p95 < 500 ${evil}`;
  r.run.git = { run_url: 'javascript:window.__pwned=3', sha: evil };
  r.run.abort_reason = `abort ${evil}`;
  r.summary.errors_by_class[`cls${evil}`] = 1;
  r.summary.status[`st${evil}`] = 1;
  r.timeseries[5].errors_by_class[`cls${evil}`] = 1;
  r.events.push({ t: 3, at: r.run.started_at, type: `type${evil}`, message: evil, worker: evil });
  const { page, errors, requests } = await open(renderHtml(r, { comparison: compareResults(r, r), title: `title ${evil}` }));
  try {
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'no injected script ran');
    assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0, 'no injected element exists');
    assert.equal(await page.$$eval('script', (s) => s.length), 2, 'only the data block and the report script');
    assert.equal(await page.$$eval('a[href^="javascript:"]', (a) => a.length), 0, 'no javascript: links');
    const text = (await page.textContent('body')) ?? '';
    for (const literal of [`s${evil}`, `step${evil}`, `body ${evil}`, `event ${evil}`, `w${evil}`, `http://127.0.0.1/${evil}`, `cls${evil}`, `p95 < 500 ${evil}`]) assert.ok(text.includes(literal), `shows literally: ${literal}`);
    assert.ok((await page.textContent('[data-legend="errors"]'))?.includes(`cls${evil}`), 'legend text from the embedded JSON is literal');
    assert.deepEqual(requests, [], 'nothing was fetched (an injected <img> would have been)');
    assert.deepEqual(errors.filter((e) => !/Content Security Policy|javascript:/.test(e)), []);
  } finally {
    await page.close();
  }
});

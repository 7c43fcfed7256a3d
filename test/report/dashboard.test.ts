/**
 * Issue 6 acceptance 3: the live dashboard shows request counts rising during a run
 * (read from the page in Chromium), and it does not keep the run alive afterwards.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startDemoTarget } from '../../src/demo/target.js';
import { startDashboard } from '../../src/report/dashboard.js';
import { runPlan } from '../../src/runner.js';
import { launchChromium } from '../browser.js';
import { planFrom, runCli, planFile } from '../helpers.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let browser: Browser;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  browser = await launchChromium();
});
after(async () => {
  await browser.close();
  await target.close();
});

test('the dashboard page shows request counts rising while the run goes on', async () => {
  const plan = planFrom(`
name: live
target: ${target.url}
scenarios:
  s:
    duration: 6s
    profile: { type: constant_rate, rate: 100, pre_allocated_vus: 5, max_vus: 20 }
    steps:
      - { name: fast, method: GET, url: /fast }
`);
  const dashboard = await startDashboard({ plan, port: 0 });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  try {
    const run = runPlan(plan, { onSnapshot: (snap) => dashboard.publish(snap) });
    await page.goto(dashboard.url);
    const read = async () => Number((await page.textContent('[data-field="requests"]'))?.trim() || '0');
    await page.waitForFunction(() => Number(document.querySelector('[data-field="requests"]')?.textContent || '0') > 0, undefined, { timeout: 5000 });
    const first = await read();
    await page.waitForTimeout(2200);
    const second = await read();
    assert.ok(second > first, `requests rose on the page: ${first} → ${second}`);
    const rendered = await page.evaluate(() => (window as unknown as { __ltCharts: Record<string, { u: { data: number[][] } }> }).__ltCharts.rps.u.data[0].length);
    assert.ok(rendered > 0, 'the RPS chart is drawn from live data');
    const result = await run;
    await dashboard.close();
    await page.waitForFunction(() => document.querySelector('[data-field="live-status"]')?.textContent === 'run finished', undefined, { timeout: 3000 });
    assert.ok(result.summary.requests >= second, 'the page never shows more than the run did');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await dashboard.close();
  }
});

test('loadtest run --dashboard exits when the run ends (k6 #3619)', async () => {
  const yaml = `
name: live-cli
target: ${target.url}
scenarios:
  s:
    duration: 2s
    profile: { type: constant, vus: 2 }
    think_time: 50ms
    steps:
      - { name: fast, method: GET, url: /fast }
`;
  const t0 = Date.now();
  const r = await runCli(['run', planFile(yaml), '--dashboard', '--quiet'], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  assert.ok(Date.now() - t0 < 15_000, 'the process ended soon after the 2 s run');
});

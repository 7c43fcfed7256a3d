/**
 * Issue 14 acceptance 2: the report's charts are interactive in Chromium — hovering
 * shows the value under the cursor, a drag zooms and a double-click resets, a legend
 * click hides and shows a series, every event (worker lost, abort, generator
 * saturation) has a marker — with no console errors, self-contained, and readable at
 * a phone's width. The trend chart draws when the report carries a trend.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { renderHtml } from '../../src/report/render.js';
import { buildTrend, trendRun } from '../../src/report/trend.js';
import { launchChromium, openHtml } from '../browser.js';
import { makeResult } from '../fixtures/results/make.js';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser.close());

type Charts = Record<string, { u: { data: number[][]; scales: { x: { min: number; max: number } }; series: { show: boolean }[]; cursor: { idx: number | null }; bbox: { width: number } } }>;

/** A result with a worker lost (t 20), an abort (t 25) and saturated intervals (t 8–10). */
function eventful() {
  const r = makeResult({ seed: 'charts' });
  r.events.push({ t: 25, at: r.run.started_at, type: 'abort', message: 'aborted by signal' });
  for (const p of r.timeseries) p.generator = { event_loop_p99_ms: 2, cpu_pct: 40, lag_p99_ms: 1, saturated: p.t >= 8 && p.t <= 10 };
  return r;
}

/** The plot area of a chart in page coordinates. */
async function plotBox(page: Page, key: string) {
  return page.$eval(`[data-chart="${key}"] .u-over`, (e) => {
    e.scrollIntoView({ block: 'center' });
    const b = e.getBoundingClientRect();
    return { x: b.x, y: b.y, width: b.width, height: b.height };
  });
}

const charts = (page: Page) => page.evaluate(() => {
  const c = (window as unknown as { __ltCharts: Charts }).__ltCharts;
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, { min: v.u.scales.x.min, max: v.u.scales.x.max, shown: v.u.series.map((s) => s.show), idx: v.u.cursor.idx, n: v.u.data[0].length }]));
});

test('charts: hover shows the value, drag zooms, double-click resets, legend toggles, events are marked', async () => {
  const r = eventful();
  const { page, errors, requests } = await openHtml(browser, renderHtml(r));
  try {
    // Markers: worker lost and redistributed (t 20), abort (t 25), saturation (from t 8).
    const marks = await page.$$eval('[data-chart="latency"] [data-event]', (els) => els.map((e) => ({ type: e.getAttribute('data-event'), title: (e as HTMLElement).title, left: parseFloat((e as HTMLElement).style.left) })));
    assert.deepEqual(marks.map((m) => m.type).sort(), ['abort', 'generator saturated', 'redistributed', 'worker_lost']);
    assert.match(marks.find((m) => m.type === 'abort')!.title, /^abort at 25 s: aborted by signal$/);
    const full = (await charts(page)).latency;
    const box = await plotBox(page, 'latency');
    const sat = marks.find((m) => m.type === 'generator saturated')!;
    assert.ok(Math.abs(sat.left - ((8 - full.min) / (full.max - full.min)) * box.width) < 2, 'the saturation marker sits at t = 8 s');

    // Hover: the legend shows the p95 of the interval under the cursor.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const hovered = (await charts(page)).latency;
    assert.ok(hovered.idx !== null, 'the cursor is on a point');
    const p95Text = await page.$eval('[data-legend="latency"] .u-series:nth-child(3) .u-value', (e) => e.textContent ?? '');
    const p95 = r.timeseries[hovered.idx!].p95;
    assert.match(p95Text, /^[\d.]+ ms$/);
    assert.ok(Math.abs(parseFloat(p95Text) - p95) <= 0.01 * p95 + 0.01, `legend shows ${p95Text}, the point is ${p95}`);
    const xText = await page.$eval('[data-legend="latency"] .u-series:nth-child(1) .u-value', (e) => e.textContent ?? '');
    assert.equal(xText, `${r.timeseries[hovered.idx!].t.toFixed(0)} s`);

    // Drag from 20% to 50% of the width: the x range narrows to about that span.
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.up();
    const zoomed = (await charts(page)).latency;
    const span = full.max - full.min;
    assert.ok(Math.abs(zoomed.max - zoomed.min - 0.3 * span) < 0.05 * span, `zoomed to ${zoomed.min}…${zoomed.max} of ${full.min}…${full.max}`);
    const marksZoomed = await page.$$eval('[data-chart="latency"] [data-event]', (els) => els.map((e) => e.getAttribute('data-event')));
    assert.deepEqual(marksZoomed, ['generator saturated'], 'only the saturation at t 8 lies in the zoomed range');
    await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const reset = (await charts(page)).latency;
    assert.deepEqual([reset.min, reset.max], [full.min, full.max], 'double-click resets the zoom');

    // Legend click hides p99, a second click shows it again.
    await page.click('[data-legend="latency"] .u-series:nth-child(4) th');
    assert.deepEqual((await charts(page)).latency.shown, [true, true, true, false]);
    assert.equal(await page.$eval('[data-legend="latency"] .u-series:nth-child(4)', (e) => e.classList.contains('u-off')), true);
    await page.click('[data-legend="latency"] .u-series:nth-child(4) th');
    assert.deepEqual((await charts(page)).latency.shown, [true, true, true, true]);

    assert.deepEqual(errors, [], 'no console or page errors');
    assert.deepEqual(requests, [], 'self-contained');
  } finally {
    await page.close();
  }
});

test('charts at a phone width: every chart fits, nothing scrolls the page sideways', async () => {
  const { page, errors } = await openHtml(browser, renderHtml(eventful()), { width: 375, height: 800 });
  try {
    const widths = await page.$$eval('[data-chart] canvas', (cs) => cs.map((c) => c.getBoundingClientRect().right));
    assert.equal(widths.length, 5);
    for (const w of widths) assert.ok(w <= 375, `a chart ends at ${w}px`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no sideways scroll');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('the trend chart draws the base-branch runs and this run, with the table beside it', async () => {
  const runs = [1, 1.1, 1.3].map((s, i) => ({ ...trendRun(makeResult({ seed: `t${i}`, latencyScale: s }), `run${i}`), started_at: `2026-01-0${i + 1}T00:00:00Z` }));
  const head = makeResult({ seed: 'head', latencyScale: 1.5 });
  const { page, errors } = await openHtml(browser, renderHtml(head, { trend: buildTrend(runs, { head: trendRun(head), skipped: ['run 7: artifact expired'] }) }));
  try {
    const c = (await charts(page)).trend;
    assert.equal(c.n, 4, 'three base runs and this run');
    assert.match((await page.textContent('body')) ?? '', /Left out: run 7: artifact expired/);
    assert.equal(await page.$$eval('section table code', (cs) => cs.filter((e) => /^[▁▂▃▄▅▆▇█]+│[▁▂▃▄▅▆▇█]$/.test(e.textContent ?? '')).length), 5, 'a sparkline per metric');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('the capacity chart draws latency by offered rate, marks the failing step, and escapes every name', async () => {
  const r = makeResult({ seed: 'capacity' });
  const step = (rate: number, p95: number, held: boolean) => ({
    rate, t: 0, duration_s: 2, requests: rate * 2, errors: 0, error_rate: 0, achieved_rate: rate, rps: rate, dropped_iterations: 0,
    latency_ms: { p50: p95 / 2, p95, p99: p95 * 1.2, max: p95 * 1.5 }, generator_saturated: false,
    failed: held ? [] : [{ expression: 'p95 < 50 {x=<img src=x onerror=alert(1)>}', actual: p95 }], held,
  });
  const steps = [step(650, 4, true), step(700, 5, true), step(750, 6, true), step(800, 96, false)];
  r.capacity = { scenario: '<script>alert(1)</script>', stop_reason: 'criterion_failed', sustainable_rate: 750, sustainable: steps[2], failing: steps[3], step: { kind: 'rate', value: 50 }, criteria: ['p95 < 50 {x=<img src=x onerror=alert(1)>}'], steps, message: 'ok <b>bold</b>' };
  const { page, errors } = await openHtml(browser, renderHtml(r));
  try {
    const c = (await charts(page)).capacity;
    assert.equal(c.n, 4, 'one point per step');
    assert.deepEqual(c.shown, [true, true, true, true, true], 'rate axis, p50, p95, p99, achieved/s');
    const box = await plotBox(page, 'capacity');
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    assert.match((await page.textContent('[data-legend="capacity"]')) ?? '', /800\/s ✗/);
    assert.match((await page.textContent('#capacity')) ?? '', /750\/s sustainable/);
    assert.equal(await page.$$eval('#capacity img, #capacity b, #capacity script', (els) => els.length), 0, 'names and messages are text, never markup');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

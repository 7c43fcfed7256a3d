/**
 * Issue 12: the live dashboard page of a run stored by the controller
 * (`GET /runs/{id}/dashboard`), opened in Chromium: it follows the run's snapshots while
 * it runs (request counts rise), says when it ended, and needs the token like every
 * other route (once as ?token=, then from the HttpOnly cookie it sets for that run).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startDemoTarget } from '../../src/demo/target.js';
import { launchChromium } from '../browser.js';
import { tempDir } from '../helpers.js';
import { api, startAgent, startServe, until, type Proc } from './support.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let serve: Awaited<ReturnType<typeof startServe>>;
let agent: Proc;
let browser: Browser;

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  serve = await startServe(join(tempDir('lt-dash-'), 'lt.db'));
  agent = startAgent(serve.url, serve.token, 'a1');
  browser = await launchChromium();
  await until('the agent connected', async () => (await api<{ agents: unknown[] }>(serve.url, serve.token, 'GET', '/agents')).body.agents.length === 1);
});

after(async () => {
  await browser.close();
  agent.child.kill('SIGTERM');
  await agent.exited;
  serve.child.kill('SIGTERM');
  await serve.exited;
  await target.close();
});

test("a run's dashboard page on the controller follows its snapshots in Chromium and needs the token", async () => {
  const plan = `name: dash\ntarget: ${target.url}\nscenarios:\n  s:\n    duration: 5s\n    profile: { type: constant, vus: 2 }\n    think_time: 20ms\n    steps:\n      - { name: fast, method: GET, url: /fast }\n`;
  const run = await api<{ id: string }>(serve.url, serve.token, 'POST', '/runs', { plan });
  assert.equal(run.status, 201, run.text);
  const id = run.body.id;
  const dash = `${serve.url}/runs/${id}/dashboard`;

  // Without the token, with a wrong one: refused, no page.
  for (const url of [dash, `${dash}?token=wrong`, `${dash}/events`]) {
    const r = await fetch(url);
    assert.equal(r.status, 401, url);
    assert.match(await r.text(), /"code":"unauthorized"/);
  }
  const wrongCookie = await fetch(`${dash}/events`, { headers: { cookie: 'loadtest_token=wrong' } });
  assert.equal(wrongCookie.status, 401);

  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const eventRequests: string[] = [];
  page.on('request', (r) => r.url().includes('/dashboard/events') && eventRequests.push(r.url()));
  try {
    await page.goto(`${dash}?token=${encodeURIComponent(serve.token)}`);
    const requests = () => page.evaluate(() => Number(document.querySelector('[data-field="requests"]')?.textContent?.trim() || '0'));
    await page.waitForFunction(() => Number(document.querySelector('[data-field="requests"]')?.textContent || '0') > 0, undefined, { timeout: 10_000 });
    const first = await requests();
    await page.waitForFunction((n) => Number(document.querySelector('[data-field="requests"]')?.textContent || '0') > n, first, { timeout: 5000 });
    await page.waitForFunction(() => document.querySelector('[data-field="live-status"]')?.textContent === 'run finished', undefined, { timeout: 15_000 });
    const done = await api<{ status: string; summary: { requests: number } }>(serve.url, serve.token, 'GET', `/runs/${id}`);
    assert.equal(done.body.status, 'completed');
    assert.ok((await requests()) <= done.body.summary.requests, 'the page never shows more than the run did');
    assert.ok(eventRequests.length > 0 && eventRequests.every((u) => !u.includes('token=')), `the events are fetched with the cookie, not the token in the URL: ${eventRequests.join(', ')}`);
    const cookies = await page.context().cookies(`${dash}/events`);
    const c = cookies.find((k) => k.name === 'loadtest_token');
    assert.ok(c?.httpOnly && c.path === `/runs/${id}/dashboard`, JSON.stringify(cookies));
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

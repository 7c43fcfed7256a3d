/**
 * Issue 3 acceptance 1 and 5 end to end: examples/journey.yaml walks the demo shop
 * with zero check failures; a broken extractor or no cookies fail per step with the
 * reason while the run completes; a 50 MiB response with a body check stays within
 * the body cap in memory, and one without checks is drained, not buffered.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { runPlan } from '../../src/runner.js';
import { applyOverrides } from '../../src/plan/overrides.js';
import { planFrom, ROOT } from '../helpers.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let journey: string;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  // The example as shipped, pointed at this target, with think times scaled down so the
  // test does not wait like a person would.
  journey = readFileSync(join(ROOT, 'examples/journey.yaml'), 'utf8').replace('target: http://127.0.0.1:8080', `target: ${target.url}`).replace(/^seed: 42$/m, 'seed: 42\nthink_time_multiplier: 0.01');
});
after(() => target.close());

const run = (yaml: string, durationMs = 4000) => runPlan(applyOverrides(planFrom(yaml, 'journey.yaml'), { durationMs }));

test('examples/journey.yaml walks the shop with zero check failures', async () => {
  const r = await run(journey);
  const steps = r.scenarios.shopper.steps;
  for (const name of ['login-form', 'login', 'products', 'add-to-cart', 'checkout']) {
    assert.ok(steps[name].requests > 0, `${name} ran`);
    assert.equal(steps[name].errors, 0, `${name}: ${JSON.stringify(r.error_samples.filter((s) => s.step === name))}`);
  }
  assert.equal(r.summary.checks.fails, 0);
  assert.ok(r.summary.checks.passes > 0);
  assert.equal(r.run.status, 'passed');
});

test('a broken extractor: failures counted at that step with the reason; the run completes; exit follows thresholds', async () => {
  const broken = journey.replace(`'name="csrf" value="([^"]+)"'`, `'name="token" value="([^"]+)"'`);
  const r = await run(broken);
  const form = r.scenarios.shopper.steps['login-form'];
  assert.ok(form.errors > 0 && form.errors_by_class.check_failed === form.errors);
  assert.ok(r.error_samples.some((s) => s.step === 'login-form' && /extract "csrf".*did not match/.test(s.message)), JSON.stringify(r.error_samples));
  assert.equal(r.scenarios.shopper.steps.login?.requests ?? 0, 0, 'on_check_failure: stop_iteration ends the visit');
  assert.equal(r.run.status, 'failed');
  assert.equal(r.run.exit_code, 99);
});

test('without cookies: the shop refuses, failures are per step with the reason', async () => {
  const r = await run(journey.replace('cookies: per_iteration', 'cookies: off').replace('on_check_failure: stop_iteration', 'on_check_failure: continue').replace(/^thresholds:[\s\S]*$/m, ''));
  const login = r.scenarios.shopper.steps.login;
  assert.ok(login.errors > 0, 'login fails without the pre-session cookie');
  assert.ok(r.error_samples.some((s) => s.step === 'login' && /status 403 not in \[200\]/.test(s.message)), JSON.stringify(r.error_samples));
  assert.ok(r.scenarios.shopper.steps.products.errors_by_class.check_failed > 0 || r.scenarios.shopper.steps.products.errors_by_class.http_4xx > 0);
  assert.equal(r.run.status, 'passed', 'no thresholds: the run itself completes');
});

/** A plan that GETs `bytes` bytes from the demo target with a body cap and optional checks (a YAML line). */
const bytesPlan = (o: { maxBody: string; bytes: number; iterations: number; checks: string }) => `
name: bytes
target: ${target.url}
http: { max_body: ${o.maxBody} }
scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: ${o.iterations} }
    steps:
      - name: big
        method: GET
        url: /bytes?n=${o.bytes}
        timeout: 60s
        ${o.checks}
`;

test('a failed body check on a body cut at max_body says so', async () => {
  const r = await runPlan(planFrom(bytesPlan({ maxBody: '1KiB', bytes: 100_000, iterations: 1, checks: 'checks: { body_contains: "no such text" }' })));
  assert.equal(r.summary.errors, 1);
  assert.ok(r.error_samples.some((s) => /body does not contain 'no such text' \(body cut at max_body\)/.test(s.message)), JSON.stringify(r.error_samples));
});

test('50 MiB response: a body check keeps only max_body; without checks the body is drained', async () => {
  const big = 50 * 1024 * 1024;
  for (const checks of ['checks: { body_contains: "aaaa" }', '']) {
    // Collect garbage as the bytes stream (the runner passes --expose-gc), so the peak
    // measures what is held, not what the collector has not reached yet.
    const gc = (globalThis as { gc?: () => void }).gc;
    assert.ok(gc, 'tests run with --expose-gc');
    gc();
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const r = await runPlan(planFrom(bytesPlan({ maxBody: '1MiB', bytes: big, iterations: 2, checks })));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    assert.equal(r.summary.errors, 0, JSON.stringify(r.error_samples));
    assert.ok(r.summary.bytes_in >= 2 * big, 'both responses were read to the end');
    const growthMb = (peak - before.rss) / 2 ** 20;
    // The cap is 1 MiB; allow a margin for socket buffers and GC timing, far below 50 MiB.
    assert.ok(growthMb < 16, `${checks || 'no checks'}: RSS grew ${growthMb.toFixed(1)} MiB for a 50 MiB body`);
  }
});

/**
 * Issue 3 acceptance 1: examples/journey.yaml walks the demo shop with zero check
 * failures; the same plan with a broken extractor or without cookies fails per step
 * with the reason, the run still completes, and the exit status follows thresholds.
 * The plan is run as shipped, only shortened (duration, think time) by text edits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoTarget, type DemoTarget } from '../../src/demo/target.js';
import { run } from '../../src/engine/run.js';
import { ROOT, planFile, planFrom, runCli } from '../helpers.js';

const JOURNEY = readFileSync(join(ROOT, 'examples/journey.yaml'), 'utf8');
const STEPS = ['login-form', 'login', 'products', 'add-to-cart', 'checkout', 'logout'];
let target: DemoTarget;

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

/** The shipped plan pointed at our target, 2 s long, think time scaled down; `edits` are exact text swaps. */
function journey(edits: [string, string][] = []): string {
  let text = JOURNEY;
  for (const [from, to] of [['target: http://127.0.0.1:8080', `target: ${target.url}`], ['seed: 42', 'seed: 42\nthink_time_multiplier: 0.02'], ['duration: 30s', 'duration: 2s'], ...edits] as [string, string][]) {
    assert.ok(text.includes(from), `examples/journey.yaml no longer contains '${from}'`);
    text = text.replace(from, to);
  }
  return text;
}

test('examples/journey.yaml: every step runs, zero check failures, zero errors', async () => {
  const out = await run(planFrom(journey(), 'journey.yaml'));
  const total = out.metrics.total.counters;
  assert.ok(total.iterations >= 2, `iterations ${total.iterations}`);
  assert.equal(total.errors, 0, JSON.stringify(out.metrics.errorSamples));
  assert.equal(total.checksFailed, 0);
  assert.ok(total.checksPassed > 0);
  const steps = out.metrics.scenarios.shopper.steps;
  for (const name of STEPS) assert.ok(steps[name]?.counters.requests > 0, `step ${name} ran`);
  assert.equal(steps['add-to-cart'].counters.status['201'], steps['add-to-cart'].counters.requests);
});

test('without cookies the shop refuses the login: failures counted on that step with the reason', async () => {
  const out = await run(planFrom(journey([['cookies: per_iteration', 'cookies: off']]), 'journey.yaml'));
  const steps = out.metrics.scenarios.shopper.steps;
  assert.ok(steps.login.counters.requests > 0);
  assert.equal(steps.login.counters.checksFailed > 0, true);
  assert.equal(steps.login.counters.status['403'], steps.login.counters.requests, 'CSRF refused without the pre cookie');
  assert.equal(steps.products?.counters.requests ?? 0, 0, 'stop_iteration: nothing after the failed login');
  const sample = out.metrics.errorSamples.find((s) => s.step === 'login');
  assert.ok(sample, 'an error sample names the login step');
  assert.match(sample.message, /403/);
});

test('a broken extractor: the failure names the extractor, later steps are not hammered', async () => {
  const out = await run(planFrom(journey([[`csrf: { regex: 'name="csrf" value="([^"]+)"' }`, `csrf: { regex: 'name="xsrf" value="([^"]+)"' }`]]), 'journey.yaml'));
  const steps = out.metrics.scenarios.shopper.steps;
  assert.ok(steps['login-form'].counters.checksFailed > 0);
  assert.equal(steps['login-form'].counters.errorsByClass.check_failed, steps['login-form'].counters.requests);
  const sample = out.metrics.errorSamples.find((s) => s.step === 'login-form');
  assert.ok(sample);
  assert.match(sample.message, /extract "csrf"/);
  assert.equal(steps.login?.counters.requests ?? 0, 0);
});

test('through the CLI: the journey passes (exit 0); without cookies its thresholds fail (exit 99)', async () => {
  const [ok, broken] = await Promise.all([
    runCli(['run', planFile(journey()), '--quiet'], { timeoutMs: 40_000 }),
    runCli(['run', planFile(journey([['cookies: per_iteration', 'cookies: off']])), '--quiet'], { timeoutMs: 40_000 }),
  ]);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.equal(broken.code, 99, broken.stderr + broken.stdout);
  assert.match(broken.stdout + broken.stderr, /checks > 0\.99/);
});

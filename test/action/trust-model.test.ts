/**
 * Issue 16, point 4, as a job would meet it (dist/index.js against the local fakes): the
 * plan in the checkout may be a fork's, so `env:` resolves only the names of the
 * workflow's `env-allow` input, never the runner's credentials, and every resolved value
 * is masked (`::add-mask::`) in its plain and encoded forms before anything prints.
 * The plan's target sits on a second loopback address (127.0.0.2): a refused plan sends
 * nothing there.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { runAction } from '../support/action-harness.js';
import { startRecordingTarget } from '../support/rogue-relay.js';

const SECRET = 'api-key-7c1e-do-not-leak';
let target: Awaited<ReturnType<typeof startRecordingTarget>>;
let results: FakeResults;
let workspace: string;
let runId = 16_000;

const PLAN = (env: string) => `name: trust
target: ${target.url}
env: [${env}]
scenarios:
  s:
    duration: 1s
    profile: { type: constant, vus: 1 }
    think_time: 50ms
    steps:
      - { name: a, method: GET, url: /a, headers: { x-key: "{{base64 env.${env.split(',')[0].trim()}}}" } }
`;

before(async () => {
  target = await startRecordingTarget('127.0.0.2');
  results = await startFakeResultsService();
  workspace = mkdtempSync(join(tmpdir(), 'lt-trust-ws-'));
  writeFileSync(join(workspace, 'key.yaml'), PLAN('API_KEY'));
  writeFileSync(join(workspace, 'runtime.yaml'), PLAN('ACTIONS_RUNTIME_TOKEN'));
});
after(async () => {
  await results.close();
  await target.close();
});

const job = (plan: string, inputs: Record<string, string> = {}) =>
  runAction({ inputs: { mode: 'run', plan, ...inputs }, env: { API_KEY: SECRET }, runId: ++runId, jobId: 'loadtest', results, workspace, timeoutMs: 60_000 });

const unmasked = (stdout: string, value: string) => stdout.split('\n').filter((l) => l.includes(value) && !l.startsWith('::add-mask::'));

test("a plan's env: name the workflow did not pass in env-allow fails the step, naming the input; nothing is sent", async () => {
  const before = target.requests.length;
  const r = await job('key.yaml');
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /::error title=Invalid load test plan,file=key\.yaml,line=3,col=7::.*the plan reads API_KEY, which the workflow's input 'env-allow' does not allow \(it allows none\)/);
  assert.equal(target.requests.length, before);
  assert.deepEqual(unmasked(r.stdout + r.stderr, SECRET), []);
});

test('env-allow passes a name: its value and encoded forms are masked before anything prints', async () => {
  const r = await job('key.yaml', { 'env-allow': 'API_KEY' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const b64 = Buffer.from(SECRET).toString('base64');
  assert.match(r.stdout, new RegExp(`^::add-mask::${SECRET}$`, 'm'));
  assert.ok(r.stdout.split('\n').includes(`::add-mask::${b64}`), 'base64 form masked');
  assert.deepEqual(unmasked(r.stdout + r.stderr, SECRET), []);
  assert.deepEqual(unmasked(r.stdout + r.stderr, b64), []);
  assert.ok(target.requests.some((q) => q.includes(`"x-key":"${b64}"`)), 'the allowed value reached the target');
});

test('the runner credentials are never resolved, even when env-allow names them', async () => {
  const before = target.requests.length;
  const r = await job('runtime.yaml', { 'env-allow': 'ACTIONS_RUNTIME_TOKEN' });
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /::error title=Invalid load test plan,file=runtime\.yaml,line=3,col=7::.*ACTIONS_RUNTIME_TOKEN is never readable by a plan/);
  assert.equal(target.requests.length, before, 'nothing reached 127.0.0.2');
});

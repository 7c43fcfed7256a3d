/**
 * Issue 16, point 3: workers trust only a coordinator that proves it knows the token.
 * A rogue relay on 127.0.0.2 never receives the token or a secret and has its plan run
 * nowhere; the worker checks the assigned plan's hash against its own --plan, reads only
 * the env names its own --allow-env lists, and reaches an https relay it was given a CA for.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpRelayServer } from '../../src/cluster/http-relay-server.js';
import { createHttpRelayClient } from '../../src/cluster/http-relay-client.js';
import { runCoordinator } from '../../src/cluster/coordinator.js';
import { runWorker } from '../../src/cluster/worker.js';
import { newToken } from '../../src/cluster/token.js';
import { RelayUntrustedError } from '../../src/cluster/transport.js';
import { loadPlan } from '../../src/plan/load.js';
import { LtError, PlanError } from '../../src/errors.js';
import { runCli, tempDir } from '../helpers.js';
import { startRecordingTarget, startRogueRelay } from '../support/rogue-relay.js';

const SECRET = 'worker-secret-value-9f3a';
let target: Awaited<ReturnType<typeof startRecordingTarget>>;
let elsewhere: Awaited<ReturnType<typeof startRecordingTarget>>;
before(async () => {
  target = await startRecordingTarget();
  elsewhere = await startRecordingTarget('127.0.0.2');
});
after(async () => {
  await target.close();
  await elsewhere.close();
});

/** A short plan that sends env.SECRET in a header to `url`. */
const secretPlan = (url: string, extra = '') => `name: trust
target: ${url}
env: [SECRET]
${extra}scenarios:
  s:
    duration: 1s
    profile: { type: constant_rate, rate: 10, pre_allocated_vus: 2, max_vus: 4 }
    steps:
      - { name: a, method: GET, url: /a, headers: { x-secret: "{{env.SECRET}}" } }
`;

const leaks = (texts: string[], ...secrets: string[]) => texts.filter((t) => secrets.some((s) => t.includes(s) || t.includes(Buffer.from(s).toString('base64'))));

test('worker given a rogue --relay never sends its token and runs nothing from it', async () => {
  const rogue = await startRogueRelay(secretPlan(elsewhere.url));
  const token = newToken();
  try {
    const before = elsewhere.requests.length;
    const worker = runWorker({
      transport: createHttpRelayClient({ url: rogue.url, token }),
      workerId: 'victim',
      env: { SECRET },
      allowEnv: ['SECRET'], // even a worker that would let the plan read it runs nothing from a rogue relay
      probes: 2,
      assignTimeoutMs: 10_000,
    });
    await assert.rejects(worker, (e: LtError) => e instanceof RelayUntrustedError && e.code === 'LT_ERR_RELAY' && /did not prove it knows the token/.test(e.message));
    assert.ok(rogue.seen.length > 0, 'the rogue relay was contacted');
    assert.deepEqual(leaks(rogue.seen, token, SECRET), [], 'neither the token nor the secret reached 127.0.0.2');
    assert.equal(elsewhere.requests.length, before, "the rogue's plan never ran");
  } finally {
    await rogue.close();
  }
});

test('CLI: `loadtest worker --relay <rogue>` exits 1 naming the relay; the token never reaches it', async () => {
  const rogue = await startRogueRelay(secretPlan(elsewhere.url));
  const token = newToken();
  try {
    const r = await runCli(['worker', '--relay', rogue.url, '--id', 'w1'], { env: { LOADTEST_RELAY_TOKEN: token, SECRET }, timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`relay at ${rogue.url.replace(/\./g, '\\.')} did not prove it knows the token`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(leaks(rogue.seen, token, SECRET), []);
  } finally {
    await rogue.close();
  }
});

/** A coordinator that knows the token but skips its own plan-hash check (worker-side checks must hold alone). */
async function lenientCoordinator(text: string, env: Record<string, string> = {}) {
  const token = newToken();
  const relay = createHttpRelayServer({ token });
  const start = relay.start.bind(relay);
  relay.start = (h) => start((m, ago) => h(m.type === 'register' ? { ...m, planHash: undefined } : m, ago));
  const plan = loadPlan(text, 'trust.yaml', { env });
  const run = runCoordinator({ plan, planSource: { text, file: 'trust.yaml' }, transport: relay, workers: 1, waitMs: 10_000, resultGraceMs: 3000 });
  for (let i = 0; i < 200 && relay.url === ''; i++) await new Promise((r) => setTimeout(r, 10));
  return { token, relay, run };
}

test('worker refuses an assignment whose plan hash differs from its own --plan', async () => {
  const { token, relay, run } = await lenientCoordinator(secretPlan(elsewhere.url));
  const mine = loadPlan(secretPlan(target.url), 'mine.yaml', { env: {} });
  const before = elsewhere.requests.length;
  try {
    const worker = runWorker({ transport: createHttpRelayClient({ url: relay.url, token }), workerId: 'w1', planHash: mine.hash, env: { SECRET }, allowEnv: ['SECRET'], probes: 2 });
    await assert.rejects(worker, (e: LtError) => e.code === 'LT_ERR_CLUSTER' && /refusing to run a plan other than the one given/.test(e.message) && e.message.includes(mine.hash.slice(0, 12)));
    assert.equal(elsewhere.requests.length, before, 'the other plan never ran');
  } finally {
    await run.catch(() => undefined);
    await relay.close();
  }
});

test("worker never resolves env names its own --allow-env does not list (the coordinator's plan asks for SECRET)", async () => {
  const { token, relay, run } = await lenientCoordinator(secretPlan(elsewhere.url));
  const before = elsewhere.requests.length;
  try {
    const worker = runWorker({ transport: createHttpRelayClient({ url: relay.url, token }), workerId: 'w1', env: { SECRET }, probes: 2 });
    await assert.rejects(worker, (e: LtError) => e instanceof PlanError && /reads SECRET, which this worker's --allow-env does not allow/.test(e.message) && /^trust\.yaml:3:7:/.test(e.message));
    const outcome = await run;
    assert.equal(outcome.result.summary.requests, 0);
    assert.equal(elsewhere.requests.length, before, 'nothing was sent to the plan target');
    assert.deepEqual(leaks(elsewhere.requests, SECRET), []);
  } finally {
    await relay.close();
  }
});

test('worker allowed SECRET by its own --allow-env sends it to the target (the allow-list is the only gate)', async () => {
  const { token, relay, run } = await lenientCoordinator(secretPlan(target.url));
  try {
    const w = await runWorker({ transport: createHttpRelayClient({ url: relay.url, token }), workerId: 'w1', env: { SECRET }, allowEnv: ['SECRET'], probes: 2 });
    const outcome = await run;
    assert.ok(w.engine.metrics.total.counters.requests > 0);
    assert.equal(outcome.result.summary.errors, 0);
    assert.ok(target.requests.some((r) => r.includes(`"x-secret":"${SECRET}"`)));
  } finally {
    await relay.close();
  }
});

test('https relay: a worker given the CA of a self-signed coordinator certificate joins and runs', async (t) => {
  const dir = tempDir('lt-tls-');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  } catch {
    t.skip('openssl is not installed');
    return;
  }
  const cert = readFileSync(join(dir, 'cert.pem'));
  const token = newToken();
  const relay = createHttpRelayServer({ token, tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
  const text = secretPlan(target.url).replace('env: [SECRET]\n', '').replace(', headers: { x-secret: "{{env.SECRET}}" }', '');
  const plan = loadPlan(text, 'tls.yaml', { env: {} });
  const run = runCoordinator({ plan, planSource: { text, file: 'tls.yaml' }, transport: relay, workers: 1, waitMs: 10_000 });
  try {
    for (let i = 0; i < 200 && relay.url === ''; i++) await new Promise((r) => setTimeout(r, 10));
    assert.match(relay.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const w = await runWorker({ transport: createHttpRelayClient({ url: relay.url, token, ca: cert }), workerId: 'w1', probes: 2 });
    const outcome = await run;
    assert.equal(outcome.result.run.exit_code, 0);
    assert.equal(outcome.result.summary.requests, w.engine.metrics.total.counters.requests);
    assert.ok(outcome.result.summary.requests > 0);
  } finally {
    await run.catch(() => undefined);
    await relay.close();
  }
});

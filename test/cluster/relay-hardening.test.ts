/**
 * Issue 16, point 8: a client holding the relay token cannot take the run over. Its
 * declared capacity is capped at what the plan can use, snapshots and results claiming
 * more requests than its share allows are refused (a `snapshot_refused` event), an
 * oversized body gets 413 with a JSON error, and the coordinator shows its token once —
 * after `::add-mask::` in a GitHub job — and never a token it was given.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { Readable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpRelayServer } from '../../src/cluster/http-relay-server.js';
import { createHttpRelayClient } from '../../src/cluster/http-relay-client.js';
import { runCoordinator } from '../../src/cluster/coordinator.js';
import { runWorker } from '../../src/cluster/worker.js';
import { newToken } from '../../src/cluster/token.js';
import { RelayRefusedError, type WorkerTransport } from '../../src/cluster/transport.js';
import { maxRequests } from '../../src/cluster/snapshot-bounds.js';
import { loadPlan } from '../../src/plan/load.js';
import { runCli, tempDir } from '../helpers.js';
import { startRecordingTarget } from '../support/rogue-relay.js';

let target: Awaited<ReturnType<typeof startRecordingTarget>>;
before(async () => {
  target = await startRecordingTarget();
});
after(() => target.close());

const planText = () => `name: hardening
target: ${target.url}
scenarios:
  s:
    duration: 2s
    profile: { type: constant_rate, rate: 20, pre_allocated_vus: 4, max_vus: 8 }
    steps:
      - { name: a, method: GET, url: /a }
`;

async function coordinator(workers: number) {
  const text = planText();
  const token = newToken();
  const relay = createHttpRelayServer({ token });
  const run = runCoordinator({ plan: loadPlan(text, 'h.yaml', { env: {} }), planSource: { text, file: 'h.yaml' }, transport: relay, workers, waitMs: 10_000, resultGraceMs: 3000 });
  for (let i = 0; i < 200 && relay.url === ''; i++) await new Promise((r) => setTimeout(r, 10));
  return { token, relay, run };
}

test('a worker registering maxVus 1,000,000 is capped at the plan peak VUs: it takes an equal share, not 98.5 %', async () => {
  const { token, relay, run } = await coordinator(2);
  try {
    const greedy = runWorker({ transport: createHttpRelayClient({ url: relay.url, token }), workerId: 'greedy', capacity: { maxVus: 1_000_000 }, probes: 2 });
    const honest = runWorker({ transport: createHttpRelayClient({ url: relay.url, token }), workerId: 'honest', capacity: { maxVus: 8 }, probes: 2 });
    const [outcome] = await Promise.all([run, greedy, honest]);
    const shares = Object.fromEntries(outcome.result.workers.map((w) => [w.id, w.share]));
    assert.deepEqual(shares, { greedy: 0.5, honest: 0.5 });
  } finally {
    await relay.close();
  }
});

test('a forged snapshot claiming more requests than its share allows is refused and logged as an event; the totals stay honest', async () => {
  const { token, relay, run } = await coordinator(2);
  try {
    const client = createHttpRelayClient({ url: relay.url, token });
    // Holds the token, runs its share, but inflates what it reports.
    const forger: WorkerTransport = {
      ...client,
      send: (msgs) =>
        client.send(
          msgs.map((m) => {
            if (m.type !== 'snapshot') return m;
            const s = structuredClone(m);
            s.snapshot.total.counters.requests += 5_000_000_000;
            return s;
          }),
        ),
    };
    const forged = runWorker({ transport: forger, workerId: 'forger', probes: 2 });
    const honest = runWorker({ transport: createHttpRelayClient({ url: relay.url, token }), workerId: 'honest', probes: 2 });
    const [outcome, , h] = await Promise.all([run, forged.catch((e: unknown) => e), honest]);
    assert.ok((await forged.catch((e: unknown) => e)) instanceof RelayRefusedError, 'the forger is told');
    const refused = outcome.result.events.filter((e) => e.type === 'snapshot_refused');
    assert.equal(refused.length, 1);
    assert.match(refused[0].message, /worker forger: snapshot refused: it claims 5,000,000,\d{3} requests, more than its share can have made by now/);
    assert.ok(outcome.result.summary.requests < 100, `totals hold no forged requests: ${outcome.result.summary.requests}`);
    assert.ok(outcome.result.summary.requests >= h.engine.metrics.total.counters.requests);
  } finally {
    await relay.close();
  }
});

test('the share bound holds for honest numbers: never below what the plan can make, far below a forgery', () => {
  const plan = loadPlan(planText(), 'h.yaml', { env: {} });
  // 20/s for 2 s, all of it on one worker: 40 arrivals; the bound is generous but finite.
  const bound = maxRequests(plan, 1, 3000);
  assert.ok(bound >= 40 && bound < 10_000, `bound ${bound}`);
  const closed = loadPlan(planText().replace('{ type: constant_rate, rate: 20, pre_allocated_vus: 4, max_vus: 8 }', '{ type: constant, vus: 2 }'), 'c.yaml', { env: {} });
  assert.ok(maxRequests(closed, 0.5, 10_000) < 5_000_000_000);
});

test('an oversized relay body gets 413 with a JSON error, with or without a content-length', async () => {
  const token = newToken();
  const lines: string[] = [];
  const relay = createHttpRelayServer({ token, maxBodyBytes: 1024, log: (l) => lines.push(l) });
  await relay.start(() => undefined);
  try {
    for (const chunked of [false, true]) {
      const body = JSON.stringify([{ v: 1, type: 'heartbeat', workerId: 'w', activeVus: 0, pad: 'x'.repeat(4096) }]);
      const res = await request(`${relay.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: chunked ? Readable.from([body]) : body,
      });
      assert.equal(res.statusCode, 413, chunked ? 'chunked' : 'with content-length');
      assert.match(res.headers['content-type'] as string, /application\/json/);
      assert.deepEqual(await res.body.json(), { error: 'message body over 1024 bytes' });
    }
    assert.ok(lines.some((l) => /over 1024 bytes \(413\)/.test(l)), lines.join('\n'));
  } finally {
    await relay.close();
  }
});

test('coordinator CLI: its own token printed once, after ::add-mask:: in a GitHub job; a given token never printed', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'h.yaml'), planText());
  const gh = await runCli(['coordinator', join(dir, 'h.yaml'), '--workers', '1', '--wait', '1s', '--quiet'], { env: { GITHUB_ACTIONS: 'true', LOADTEST_RELAY_TOKEN: '' }, timeoutMs: 30_000 });
  const token = /relay: \S+ token: (\S+)/.exec(gh.stdout)?.[1];
  assert.ok(token && token.length === 43, gh.stdout + gh.stderr);
  const all = gh.stdout + gh.stderr;
  assert.equal(all.split(token).length - 1, 2, 'the mask line and the relay line only');
  assert.ok(gh.stdout.indexOf(`::add-mask::${token}\n`) >= 0 && gh.stdout.indexOf(`::add-mask::${token}`) < gh.stdout.indexOf(`token: ${token}`), 'masked before printed');
  assert.equal(gh.code, 1, 'no worker came: a cluster error');

  const given = 'given-relay-token-do-not-print';
  const r = await runCli(['coordinator', join(dir, 'h.yaml'), '--workers', '1', '--wait', '1s', '--quiet', '--token', given], { env: { GITHUB_ACTIONS: 'true' }, timeoutMs: 30_000 });
  assert.match(r.stdout, /relay: http:\/\/127\.0\.0\.1:\d+ token: <given>/);
  assert.ok(!(r.stdout + r.stderr).includes(given), r.stdout + r.stderr);
});

test('a message the coordinator cannot use (its handler throws) is a 400 with a JSON error, not a 500', async () => {
  const token = newToken();
  const relay = createHttpRelayServer({ token });
  await relay.start(() => {
    throw new Error('cannot decode histogram');
  });
  try {
    const res = await request(`${relay.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ v: 1, type: 'heartbeat', workerId: 'w', activeVus: 0 }) });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(await res.body.json(), { error: 'invalid heartbeat message: cannot decode histogram' });
  } finally {
    await relay.close();
  }
});

test('CLI usage errors of the trust flags exit 2 with the flag named, no stack trace', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'h.yaml'), planText());
  writeFileSync(join(dir, 'bad.pem'), 'not a certificate');
  const cases: [string[], RegExp][] = [
    [['coordinator', join(dir, 'h.yaml'), '--tls-cert', join(dir, 'bad.pem')], /--tls-cert and --tls-key go together/],
    [['coordinator', join(dir, 'h.yaml'), '--tls-cert', join(dir, 'bad.pem'), '--tls-key', join(dir, 'bad.pem')], /the relay's TLS certificate or key is not usable/],
    [['coordinator', join(dir, 'h.yaml'), '--token', ''], /--token: must not be empty/],
    [['worker', '--relay', 'https://127.0.0.2:1', '--token', 't', '--relay-ca', join(dir, 'missing.pem')], /--relay-ca: cannot read .*missing\.pem: ENOENT/],
    [['worker', '--relay', 'http://127.0.0.2:1', '--token', 't', '--allow-env', 'A,B-C'], /--allow-env: 'B-C' is not an environment variable name/],
  ];
  // Independent processes: run side by side.
  const runs = await Promise.all(cases.map(([args]) => runCli(args, { timeoutMs: 30_000 })));
  for (const [i, [args, re]] of cases.entries()) {
    const r = runs[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

/**
 * Issue 13, acceptance 3: during a real distributed run (coordinator, HTTP relay and a
 * worker in this process, against a local target that counts what reaches it),
 * - a snapshot signed with the right token from a worker id that never registered, and
 *   one from a worker that registered but was never assigned a shard, are refused (the
 *   sender is told) and logged;
 * - a 100 MiB body to every route of the relay (the router's own table, so a new route
 *   cannot be missed), declared up front or chunked, is refused with 413 long before
 *   it is all read;
 * and the run's totals are exactly what the target received.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createHttpRelayServer, type HttpRelayServer } from '../../src/cluster/http-relay-server.js';
import { createHttpRelayClient } from '../../src/cluster/http-relay-client.js';
import { runCoordinator } from '../../src/cluster/coordinator.js';
import { runWorker } from '../../src/cluster/worker.js';
import { newToken } from '../../src/cluster/token.js';
import { RelayRefusedError } from '../../src/cluster/transport.js';
import type { MessageOf } from '../../src/cluster/protocol.js';
import { loadPlan } from '../../src/plan/load.js';
import { startRecordingTarget } from '../support/rogue-relay.js';
import { recordedSnapshots } from '../support/recorded-snapshots.js';

const MiB = 1024 * 1024;
const HUGE = 100 * MiB;

let target: Awaited<ReturnType<typeof startRecordingTarget>>;
before(async () => {
  target = await startRecordingTarget();
});
after(() => target.close());

/**
 * Sends `method path` with a 100 MiB body over a raw socket (declared with
 * content-length, or chunked), respecting backpressure, until the relay answers or
 * closes. Returns the status line and how many body bytes the socket took.
 */
function hugeRequest(relay: HttpRelayServer, method: string, path: string, framing: 'length' | 'chunked'): Promise<{ status: string; sentBytes: number }> {
  const { hostname, port } = new URL(relay.url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    const chunk = Buffer.alloc(MiB, 'x');
    let sent = 0;
    let answer = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      sock.destroy();
      const status = answer.split('\r\n')[0];
      if (!status) reject(new Error(`${method} ${path} (${framing}): closed without an answer after ${sent} bytes`));
      else resolve({ status, sentBytes: sent });
    };
    sock.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) finish();
    });
    sock.on('error', () => undefined); // EPIPE / ECONNRESET once the relay closes: expected
    sock.on('close', finish);
    const pump = () => {
      while (!done && sent < HUGE) {
        const framed = framing === 'chunked' ? [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')] : [chunk];
        sent += chunk.length;
        let ok = true;
        for (const b of framed) ok = sock.write(b) && ok;
        if (!ok) return void sock.once('drain', pump);
      }
      if (!done && framing === 'chunked') sock.write('0\r\n\r\n');
    };
    sock.on('connect', () => {
      const len = framing === 'length' ? `Content-Length: ${HUGE}` : 'Transfer-Encoding: chunked';
      sock.write(`${method} ${path} HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${relay.token}\r\nContent-Type: application/json\r\n${len}\r\n\r\n`);
      pump();
    });
  });
}

test('acceptance 3: forged snapshots from unassigned worker ids and 100 MiB bodies to every relay route are refused; the totals are what the target received', { timeout: 60_000 }, async () => {
  // No warm-up: its requests reach the target but are in no count.
  const text = `name: hostile-relay
target: ${target.url}
warmup: false
scenarios:
  s:
    duration: 3s
    profile: { type: constant_rate, rate: 20, pre_allocated_vus: 4, max_vus: 8 }
    steps:
      - { name: a, method: GET, url: /a }
`;
  const plan = loadPlan(text, 'h.yaml', { env: {} });
  const token = newToken();
  const lines: string[] = [];
  const relay = createHttpRelayServer({ token, log: (l) => lines.push(l) });
  // Two workers asked for, one enough: 'lurker' registers but never says ready, so the
  // run starts without it after `waitMs` and it is never assigned a shard.
  const run = runCoordinator({ plan, planSource: { text, file: 'h.yaml' }, transport: relay, workers: 2, minWorkers: 1, waitMs: 4000, resultGraceMs: 5000, log: (l) => lines.push(l) });
  for (let i = 0; i < 200 && relay.url === ''; i++) await new Promise((r) => setTimeout(r, 10));
  const forger = createHttpRelayClient({ url: relay.url, token });
  const stop = new AbortController(); // a failed assertion must not leave the worker retrying
  try {
    await forger.send([{ v: 1, type: 'register', workerId: 'lurker', capacity: { cores: 1, memoryMb: 1024, maxVus: 8 }, clockProbe: { t0: Date.now() }, instance: 'lurker-1' }]);
    const honest = runWorker({ transport: createHttpRelayClient({ url: relay.url, token }), workerId: 'honest', probes: 2, signal: stop.signal });
    // Awaited below; an assertion failing before that must not leave it an unhandled rejection.
    honest.catch(() => undefined);
    for (let i = 0; i < 1000 && target.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(target.requests.length > 0, 'the run is under way');

    // Forged numbers, signed with the right token (the client signs every request).
    const { snaps } = recordedSnapshots('s', 'a', [5]);
    const forged = (workerId: string): MessageOf<'snapshot'> => ({ v: 1, type: 'snapshot', workerId, seq: 0, snapshot: { ...snaps[0], startMs: Date.now() - 1000 } });
    await assert.rejects(forger.send([forged('ghost')]), (e: unknown) => e instanceof RelayRefusedError && /unknown worker 'ghost'/.test(e.message));
    await assert.rejects(forger.send([forged('lurker')]), (e: unknown) => e instanceof RelayRefusedError && /worker lurker: snapshot seq 0 refused: this worker was never assigned a shard/.test(e.message));

    // Every route, with its own method and as a POST, both framings.
    assert.deepEqual(relay.routes.map((r) => `${r.method} ${r.path}`), ['POST /v1/messages', 'GET /v1/commands', 'GET /metrics'], 'the routes this test covers (a new one shows here)');
    for (const r of relay.routes) {
      for (const method of new Set([r.method, 'POST'])) {
        for (const framing of ['length', 'chunked'] as const) {
          const out = await hugeRequest(relay, method, r.path, framing);
          assert.match(out.status, /^HTTP\/1\.1 413 /, `${method} ${r.path} (${framing}): ${out.status}`);
          assert.ok(out.sentBytes < HUGE, `${method} ${r.path} (${framing}): refused before it was all read (${out.sentBytes / MiB} MiB taken)`);
        }
      }
    }

    const [outcome, h] = await Promise.all([run, honest]);
    assert.equal(outcome.result.summary.requests, target.requests.length, 'totals = requests the target received');
    assert.equal(outcome.result.summary.requests, h.engine.metrics.total.counters.requests);
    assert.deepEqual(outcome.result.workers.map((w) => w.id), ['honest']);
    const refused = outcome.result.events.filter((e) => e.type === 'snapshot_refused');
    assert.deepEqual(refused.map((e) => e.worker), ['lurker']);
    assert.ok(lines.some((l) => /relay: refused worker 'ghost' .*unknown worker 'ghost'/.test(l)), `ghost logged:\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => /relay: refused worker 'lurker' .*never assigned a shard/.test(l)), 'lurker logged');
    assert.ok(lines.filter((l) => /\(413\)$/.test(l)).length >= 10, 'each 413 logged');
  } finally {
    stop.abort();
    await forger.close();
    await relay.close();
  }
});

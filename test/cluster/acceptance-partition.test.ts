/**
 * Issue 4 acceptance 3: a TCP proxy under the test's control sits between one worker
 * process and the relay and blocks it for 5 s mid-run. The worker keeps running and
 * buffers; the coordinator declares it lost after 3 s of silence (heartbeat timeout),
 * redistributes, and when the link comes back the worker rejoins and delivers every
 * buffered snapshot in order. No snapshot is lost: what the coordinator received from
 * that worker sums to the worker's own totals, and the merged totals to the sum of all.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { startDemoTarget } from '../../src/demo/target.js';
import { runDistributedLocalDetailed } from '../../src/cluster/local-cluster.js';
import { planFile } from '../helpers.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

/** A TCP proxy that can stall all traffic (existing and new connections) on demand. */
class BlockingProxy {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  blocked = false;
  port = 0;
  /** Set once the relay listens (connections come only after that). */
  upstreamPort = 0;

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.upstreamPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      if (this.blocked) {
        client.pause();
        upstream.pause();
      }
      client.pipe(upstream);
      upstream.pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
  }

  block(): void {
    this.blocked = true;
    for (const [a, b] of this.pairs) {
      a.pause();
      b.pause();
      // pipe() resumes on drain; unpipe so nothing flows until unblock.
      a.unpipe(b);
      b.unpipe(a);
    }
  }

  unblock(): void {
    this.blocked = false;
    for (const [a, b] of this.pairs) {
      a.pipe(b);
      b.pipe(a);
      a.resume();
      b.resume();
    }
  }

  async close(): Promise<void> {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

test('acceptance 3: a worker cut off for 5 s loses no snapshot; merged totals equal its own', async () => {
  const path = planFile(`
name: partition
target: ${target.url}
scenarios:
  s:
    duration: 8s
    profile: { type: constant_rate, rate: 45, pre_allocated_vus: 10, max_vus: 50 }
    steps:
      - { name: fast, method: GET, url: /fast }
`);
  const proxy = new BlockingProxy();
  await proxy.start();
  const timers: NodeJS.Timeout[] = [];
  let blockedAt = 0;
  let outcome: Awaited<ReturnType<typeof runDistributedLocalDetailed>>;
  try {
    outcome = await runDistributedLocalDetailed(path, {
      workers: 3,
      onRelay: (url) => (proxy.upstreamPort = Number(new URL(url).port)),
      relayUrlFor: (i, url) => (i === 1 ? `http://127.0.0.1:${proxy.port}` : url),
      log: (line) => {
        const m = /assigned; starting in ([\d.]+) s/.exec(line);
        if (m) {
          const startInMs = Number(m[1]) * 1000;
          timers.push(setTimeout(() => ((blockedAt = Date.now()), proxy.block()), startInMs + 1500));
          timers.push(setTimeout(() => proxy.unblock(), startInMs + 6500));
        }
      },
    });
  } finally {
    for (const t of timers) clearTimeout(t);
    await proxy.close();
  }
  assert.ok(blockedAt > 0, 'the link was blocked');
  const r = outcome.result;
  const w2 = outcome.workers.find((w) => w.id === 'w2')!;
  assert.ok(w2.fromResult, 'the cut-off worker delivered its final result');
  assert.equal(w2.snapshotsReceived, w2.snapshotsProduced, `no snapshot lost (${w2.snapshotsReceived}/${w2.snapshotsProduced})`);
  assert.ok(w2.lateSnapshots >= 2, `late snapshots placed in their intervals: ${w2.lateSnapshots}`);
  assert.equal(w2.fromSnapshots.requests, w2.fromResult!.total.counters.requests, 'snapshots received = the worker’s own totals');
  assert.equal(w2.fromSnapshots.iterations, w2.fromResult!.total.counters.iterations);
  assert.equal(r.summary.requests, outcome.workers.reduce((a, w) => a + w.fromResult!.total.counters.requests, 0), 'merged = Σ workers’ own totals');
  // The interval series holds the late snapshots too: its sum is the run's total.
  assert.equal(r.timeseries.reduce((a, p) => a + p.requests, 0), r.summary.requests);
  const types = r.events.filter((e) => e.worker === 'w2' || e.type === 'redistributed').map((e) => e.type);
  for (const t of ['worker_lost', 'worker_joined', 'late_snapshot', 'redistributed']) assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
  const lost = r.events.find((e) => e.type === 'worker_lost' && e.worker === 'w2')!;
  const detectedAfterMs = Date.parse(lost.at) - blockedAt;
  assert.ok(detectedAfterMs > 0 && detectedAfterMs <= 3300, `heartbeat loss detected ${detectedAfterMs} ms after the cut`);
  assert.equal(r.workers.find((w) => w.id === 'w2')!.status, 'ok', 'back and finished');
});

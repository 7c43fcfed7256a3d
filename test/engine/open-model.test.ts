/**
 * Issue 2 acceptance 1–3: coordinated-omission correction, arrival-rate accuracy,
 * dropped iterations, and percentile accuracy against known latencies.
 */
import { test, before, after } from 'node:test';
import { createServer } from 'node:http';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { startDemoTarget } from '../../src/demo/target.js';
import { run } from '../../src/engine/run.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { planFrom } from '../helpers.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

function pct(encoded: string | undefined, p: number): number {
  assert.ok(encoded, 'histogram present');
  const h = decodeHistogram(encoded);
  const v = h.getValueAtPercentile(p) / 1000;
  h.destroy();
  return v;
}

test('a stalling target: corrected p99 shows the stall, uncorrected p50 stays low', async () => {
  const plan = planFrom(`
name: stall
target: ${target.url}
scenarios:
  s:
    duration: 6s
    profile: { type: constant_rate, rate: 200, pre_allocated_vus: 200, max_vus: 400 }
    steps:
      - { name: stall, method: GET, url: "/stall?every=2000&for=500" }
`);
  const out = await run(plan);
  const total = out.metrics.total;
  const correctedP99 = pct(total.hist.latency, 99);
  const serviceP50 = pct(total.hist.service, 50);
  assert.ok(correctedP99 >= 400, `corrected p99 ${correctedP99} ms should be ≥ 400 ms`);
  assert.ok(serviceP50 < 50, `uncorrected p50 ${serviceP50} ms should stay low`);
  assert.equal(total.counters.errors, 0);
});

test('constant_rate 500/s for 10 s completes 5000 ± 2% iterations', async () => {
  const plan = planFrom(`
name: rate
target: ${target.url}
scenarios:
  s:
    duration: 10s
    profile: { type: constant_rate, rate: 500, pre_allocated_vus: 50, max_vus: 200 }
    steps:
      - { name: fast, method: GET, url: /fast }
`);
  const out = await run(plan);
  const it = out.metrics.total.counters.iterations;
  assert.ok(Math.abs(it - 5000) <= 100, `iterations ${it} should be 5000 ± 2%`);
  assert.equal(out.metrics.total.counters.droppedIterations, 0);
});

test('max_vus too small for the latency: arrivals are dropped and counted, not delayed', async () => {
  const plan = planFrom(`
name: drop
target: ${target.url}
scenarios:
  s:
    duration: 3s
    profile: { type: constant_rate, rate: 200, pre_allocated_vus: 2, max_vus: 5 }
    steps:
      - { name: slow, method: GET, url: "/slow?ms=100" }
`);
  const out = await run(plan);
  const c = out.metrics.total.counters;
  // 5 VUs × 10 iterations/s ≈ 150 in 3 s; the other ~450 arrivals must be dropped.
  assert.ok(c.droppedIterations > 300, `dropped ${c.droppedIterations}`);
  assert.equal(c.iterations + c.droppedIterations, 600);
  assert.ok(out.events.some((e) => /arrivals are being dropped/.test(e.message)), 'a notice says arrivals are dropped');
});

test('known latencies: p50/p90/p99 match the server-side truth within 1 ms + HDR precision', async () => {
  // The server delays responses through a ladder (10 ms ×40, 30 ms ×40, 80 ms ×15, 150 ms ×5)
  // and records how long each response really took on its side: that is the truth. The
  // ladder puts p50, p90 and p99 inside a group, not on the edge between two, so one
  // stray sample cannot move the comparison.
  const ladder = [...Array(40).fill(10), ...Array(40).fill(30), ...Array(15).fill(80), ...Array(5).fill(150)];
  const truth: number[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    const t0 = performance.now();
    const delay = ladder[n++ % ladder.length];
    setTimeout(() => {
      res.end('ok', () => truth.push(performance.now() - t0));
    }, delay);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const plan = planFrom(`
name: ladder
target: ${url}
scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: 200 }
    steps:
      - { name: ladder, method: GET, url: / }
`);
    const out = await run(plan);
    const enc = out.metrics.total.hist.service;
    const sorted = [...truth].sort((a, b) => a - b);
    const exact = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1];
    for (const p of [50, 90, 99]) {
      const measured = pct(enc, p);
      const t = exact(p);
      // Client-side time includes the loopback round trip; HDR keeps 3 significant digits.
      assert.ok(measured >= t - t * 0.001 && measured <= t * 1.001 + 1, `p${p}: measured ${measured.toFixed(3)} ms vs truth ${t.toFixed(3)} ms`);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

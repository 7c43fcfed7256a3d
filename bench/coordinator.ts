/**
 * Coordinator cost at scale: 256 simulated workers feed a real coordinator through
 * the real protocol path (local transport: JSON round trip + zod validation per
 * message, then the coordinator's handler: dedup, MetricsAccumulator.add, the merged
 * progress interval, live threshold evaluation). Each worker's 1-s snapshot comes
 * from a real Recorder fed ~2,000 requests over 2 scenarios × 3 steps (latencies
 * log-uniform 0.2–500 ms, 1 % errors), so histogram sizes are what a worker ships —
 * the same workload as bench/merge.ts, which times the merge functions alone; this
 * one times the whole per-interval coordinator path around them.
 *
 * Per interval: CPU ms of this process (user + system) from the first snapshot
 * delivered to the merged progress interval emitted (snapshot generation excluded),
 * then the final result merge and RSS / heap.
 *
 * Usage: node --import tsx bench/coordinator.ts [workers=256] [intervals=5] [requestsPerSec=2000]
 */
import { runCoordinator } from '../src/cluster/coordinator.js';
import { createLocalTransport } from '../src/cluster/local-transport.js';
import type { Command } from '../src/cluster/protocol.js';
import { Recorder } from '../src/metrics/recorder.js';
import type { Snapshot } from '../src/metrics/types.js';
import { loadPlan } from '../src/plan/load.js';

const WORKERS = Number(process.argv[2] ?? 256);
const INTERVALS = Number(process.argv[3] ?? 5);
const RPS = Number(process.argv[4] ?? 2000);

const steps = (names: string[]) => names.map((n) => `      - { name: ${n}, method: GET, url: /${n} }`).join('\n');
const text = `
name: bench
target: http://127.0.0.1:9
scenarios:
  browse:
    duration: ${INTERVALS + 2}s
    profile: { type: constant_rate, rate: 100, pre_allocated_vus: 10, max_vus: 20 }
    steps:
${steps(['list', 'item', 'buy'])}
  checkout:
    duration: ${INTERVALS + 2}s
    profile: { type: constant_rate, rate: 100, pre_allocated_vus: 10, max_vus: 20 }
    steps:
${steps(['list', 'item', 'buy'])}
thresholds:
  - { threshold: "p95 < 60000", abort_on_fail: true }
  - "error_rate < 0.5"
`;
const plan = loadPlan(text, 'bench.yaml', { env: {} });
const layout = ['browse', 'checkout'].map((name) => ({ name, steps: ['list', 'item', 'buy'] }));
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;

// Snapshots are generated up front: producing 256 × 2,000 requests blocks this event
// loop for seconds, which the coordinator would rightly read as silent workers.
const guessStartMs = Date.now() + 60_000;
const recs = Array.from({ length: WORKERS }, () => {
  const rec = new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs: guessStartMs });
  return { rec, steps: layout.flatMap((l) => l.steps.map((st) => rec.stepKey(l.name, st))), scen: layout.map((l) => rec.scenarioKey(l.name)) };
});
function produce(w: (typeof recs)[number]): Snapshot {
  for (let i = 0; i < RPS; i++) {
    const latencyUs = Math.round(200 * Math.pow(2500, rnd()));
    const err = rnd() < 0.01;
    w.rec.request(w.steps[i % w.steps.length], { latencyUs, serviceUs: latencyUs, ttfbUs: Math.round(latencyUs * 0.9), status: err ? 503 : 200, errorClass: err ? 'http_5xx' : undefined, bytesIn: 700, bytesOut: 120 });
    if (i % 3 === 2) w.rec.iteration(w.scen[i % 2], latencyUs * 3);
  }
  return w.rec.cut(20);
}
const pregenerated: Snapshot[][] = [];
for (let k = 0; k < INTERVALS; k++) pregenerated.push(recs.map(produce));
const finals = recs.map((w) => w.rec.final());
for (const w of recs) w.rec.destroy();

const lt = createLocalTransport();
const progress = new Map<number, () => void>();
// The coordinator's clock stands still during each interval and moves 1 s when the
// bench says: intervals are merged when complete, never by timeout, and nobody is
// "silent" while this process is busy generating or timing.
let frozenMs: number | undefined;
const clock = () => frozenMs ?? Date.now();
const coord = runCoordinator({
  plan,
  planSource: { text, file: 'bench.yaml' },
  transport: lt.coordinator,
  workers: WORKERS,
  waitMs: 60_000,
  resultGraceMs: 600_000,
  nowMs: clock,
  onProgress: (snap) => progress.get(snap.seq)?.(),
  log: process.env.BENCH_LOG ? (l) => console.error(l) : undefined,
});

interface Sim {
  id: string;
  t: ReturnType<typeof lt.worker>;
  assigned?: boolean;
}
let startAtMs = 0;
const assigned = new Promise<void>((resolveAll) => {
  let n = 0;
  const sims: Sim[] = Array.from({ length: WORKERS }, (_, i) => ({ id: `sim${i}`, t: lt.worker() }));
  for (const s of sims) {
    s.t.connect(s.id, (cmd: Command) => {
      if (cmd.type === 'clock' && !s.assigned) void s.t.send([{ v: 1, type: 'ready', workerId: s.id, clockOffsetMs: 0, rttMs: 0 }]);
      if (cmd.type === 'assign') {
        startAtMs = cmd.startAtMs;
        s.assigned = true;
        if (++n === WORKERS) resolveAll();
      }
    });
    void s.t.send([{ v: 1, type: 'register', workerId: s.id, capacity: { cores: 2, memoryMb: 4096, maxVus: 1000 }, clockProbe: { t0: Date.now() }, instance: s.id }]);
  }
  (globalThis as { sims?: Sim[] }).sims = sims;
});
await assigned;
frozenMs = startAtMs + 500;
const sims = (globalThis as { sims?: Sim[] }).sims!;

// Heartbeats, as real workers send them, so nobody is declared lost between intervals.
const beat = setInterval(() => {
  for (const s of sims) void s.t.send([{ v: 1, type: 'heartbeat', workerId: s.id, activeVus: 20 }]);
}, 1000);

const rows: { cpu: number; wall: number; kb: number }[] = [];
for (let k = 0; k < INTERVALS; k++) {
  const snaps = pregenerated[k];
  const kb = snaps.reduce((a, s) => a + JSON.stringify(s).length, 0) / 1024;
  const emitted = new Promise<void>((r) => progress.set(k, r));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(sims.map((s, i) => s.t.send([{ v: 1, type: 'snapshot', workerId: s.id, seq: snaps[i].seq, snapshot: snaps[i] }])));
  const deliveredCpu = cpuMs(process.cpuUsage(c0));
  await emitted; // waits for the coordinator's next 200 ms tick: idle time, not CPU
  frozenMs += 1000;
  rows.push({ cpu: cpuMs(process.cpuUsage(c0)), wall: performance.now() - t0, kb });
  console.log(`interval ${k}: ${kb.toFixed(0)} KiB of snapshots; CPU ${rows[k].cpu.toFixed(1)} ms (delivery+validation+add ${deliveredCpu.toFixed(1)} ms)`);
}
const c0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(sims.map((s) => s.t.send([{ v: 1, type: 'result', workerId: s.id, metrics: finals[sims.indexOf(s)], events: [], startedAtMs: startAtMs, endedAtMs: Date.now(), snapshots: INTERVALS }])));
const outcome = await coord;
const finalCpu = cpuMs(process.cpuUsage(c0));
const finalWall = performance.now() - t0;
const mem = process.memoryUsage();
const sorted = rows.map((r) => r.cpu).sort((a, b) => a - b);
console.log(`\n${WORKERS} workers × ${RPS} req/s, ${INTERVALS} intervals`);
console.log(`per interval CPU ms: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)} (target < 100)`);
console.log(`final merge of ${WORKERS} results + Result build: CPU ${finalCpu.toFixed(0)} ms, wall ${finalWall.toFixed(0)} ms; ${outcome.result.summary.requests} requests merged`);
console.log(`memory: RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
clearInterval(beat);
await lt.coordinator.close();

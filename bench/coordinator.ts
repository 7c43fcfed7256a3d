/**
 * Coordinator cost at scale (`npm run bench -- merge`): a real coordinator behind the
 * real HTTP relay on 127.0.0.1, fed by 256 simulated workers that live in a child
 * process and speak the real protocol (register, clock, ready, started, heartbeats,
 * one snapshot a second, final result). Their snapshots come from real Recorders fed
 * 2,000 requests a second each over 2 scenarios × 3 steps (latencies log-uniform
 * 0.2–500 ms, 1 % errors) and are cut as workers cut them (compact), so histogram
 * sizes are what a worker ships. Snapshots are produced before the run starts (32
 * distinct recorders, reused round-robin), so the child keeps real time.
 *
 * Measured in the coordinator process only: CPU (user + system) between consecutive
 * merged intervals — HTTP, JSON, validation, merging, progress, live thresholds,
 * heartbeats, everything — then the end-of-run merge and Result, and RSS / heap.
 *
 * Usage: node --import tsx bench/coordinator.ts [workers=256] [intervals=12] [requestsPerSec=2000]
 */
import { spawn } from 'node:child_process';
import { runCoordinator } from '../src/cluster/coordinator.js';
import { createHttpRelayClient } from '../src/cluster/http-relay-client.js';
import { createHttpRelayServer } from '../src/cluster/http-relay-server.js';
import type { WorkerMessage } from '../src/cluster/protocol.js';
import type { WorkerTransport } from '../src/cluster/transport.js';
import { joinSimulated } from '../test/support/simulated-workers.js';
import { newToken } from '../src/cluster/token.js';
import { Recorder } from '../src/metrics/recorder.js';
import type { RunMetrics, Snapshot } from '../src/metrics/types.js';
import { loadPlan } from '../src/plan/load.js';

const simMode = process.argv[2] === '--simulate';
const args = simMode ? process.argv.slice(5) : process.argv.slice(2);
const WORKERS = Number(args[0] ?? 256);
const INTERVALS = Number(args[1] ?? 12);
const RPS = Number(args[2] ?? 2000);
const DISTINCT = Math.min(32, WORKERS);
const STEPS = ['list', 'item', 'buy'];
const SCENARIOS = ['browse', 'checkout'];

const planText = `
name: bench
target: http://127.0.0.1:9
scenarios:
${SCENARIOS.map(
  (name) => `  ${name}:
    duration: ${INTERVALS}s
    profile: { type: constant_rate, rate: 100, pre_allocated_vus: 10, max_vus: 20 }
    steps:
${STEPS.map((n) => `      - { name: ${n}, method: GET, url: /${n} }`).join('\n')}`,
).join('\n')}
thresholds:
  - { threshold: "p95 < 60000", abort_on_fail: true }
  - "error_rate < 0.5"
`;

if (simMode) await simulate(process.argv[3], process.argv[4]);
else await coordinate();
// Clients' keep-alive sockets and timers would hold the process a few seconds more.
process.exit(0);

/** Child: WORKERS simulated workers over the HTTP relay. */
async function simulate(url: string, token: string): Promise<void> {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const layout = SCENARIOS.map((name) => ({ name, steps: STEPS }));
  const snaps: Snapshot[][] = [];
  const finals: RunMetrics[] = [];
  for (let r = 0; r < DISTINCT; r++) {
    const rec = new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs: 0 });
    const steps = layout.flatMap((l) => l.steps.map((st) => rec.stepKey(l.name, st)));
    const scen = layout.map((l) => rec.scenarioKey(l.name));
    const mine: Snapshot[] = [];
    for (let k = 0; k < INTERVALS; k++) {
      for (let i = 0; i < RPS; i++) {
        const latencyUs = Math.round(200 * Math.pow(2500, rnd()));
        const err = rnd() < 0.01;
        rec.request(steps[i % steps.length], { latencyUs, serviceUs: latencyUs - Math.round(rnd() * 150), ttfbUs: Math.round(latencyUs * 0.9), status: err ? 503 : 200, errorClass: err ? 'http_5xx' : undefined, bytesIn: 700, bytesOut: 120 });
        if (i % 3 === 2) rec.iteration(scen[i % 2], latencyUs * 3);
      }
      mine.push(rec.cut(20, true));
    }
    snaps.push(mine);
    finals.push(rec.final());
    rec.destroy();
  }
  const sims = Array.from({ length: WORKERS }, (_, i) => ({ id: `sim${i}`, t: createHttpRelayClient({ url, token, sendTimeoutMs: 10_000 }) }));
  const send = async (t: WorkerTransport, m: WorkerMessage) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await t.send([m]);
      } catch (err) {
        if (attempt > 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const startAtMs = await joinSimulated(sims, { cores: 2, memoryMb: 4096, maxVus: 1000 }, send);
  const at = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
  await at(startAtMs);
  await Promise.all(sims.map((s) => send(s.t, { v: 1, type: 'started', workerId: s.id, actualStartMs: Date.now() })));
  for (let k = 0; k < INTERVALS; k++) {
    await at(startAtMs + (k + 1) * 1000);
    await Promise.all(
      sims.map((s, i) => {
        const snap = { ...snaps[i % DISTINCT][k], startMs: startAtMs + k * 1000 };
        return send(s.t, { v: 1, type: 'snapshot', workerId: s.id, seq: k, snapshot: snap });
      }),
    );
  }
  await Promise.all(sims.map((s, i) => send(s.t, { v: 1, type: 'result', workerId: s.id, metrics: finals[i % DISTINCT], events: [], startedAtMs: startAtMs, endedAtMs: Date.now(), snapshots: INTERVALS })));
  await Promise.all(sims.map((s) => s.t.close()));
}

/** Parent: the coordinator, measured. */
async function coordinate(): Promise<void> {
  const plan = loadPlan(planText, 'bench.yaml', { env: {} });
  const token = newToken();
  const relay = createHttpRelayServer({ token });
  const cpuMs = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const marks: { seq: number; cpu: number; merge: number; rss: number }[] = [];
  let expose: (() => Promise<{ body: string }>) | undefined;
  let mergeS = 0;
  const readMerge = async () => {
    const text = (await expose!()).body;
    mergeS = Number(/loadtest_coordinator_merge_cpu_seconds_total ([\d.e+-]+)/.exec(text)?.[1] ?? NaN);
  };
  let child: ReturnType<typeof spawn> | undefined;
  const coord = runCoordinator({
    plan,
    planSource: { text: planText, file: 'bench.yaml' },
    transport: relay,
    workers: WORKERS,
    waitMs: 300_000,
    resultGraceMs: 120_000,
    onListening: () => {
      child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--simulate', relay.url, token, String(WORKERS), String(INTERVALS), String(RPS)], { stdio: 'inherit' });
    },
    onMetrics: (e) => (expose = e),
    // The merge counter is read right after (the exposition is async); its own cost is not in it.
    onProgress: (snap) => {
      const cpu = cpuMs();
      void readMerge().then(() => marks.push({ seq: snap.seq, cpu, merge: mergeS * 1000, rss: process.memoryUsage().rss }));
    },
    log: process.env.BENCH_LOG ? (l) => console.error(l) : undefined,
  });
  const lastCpu = () => marks[marks.length - 1].cpu;
  const outcome = await coord.catch((err) => {
    child?.kill();
    throw err;
  });
  const endCpu = cpuMs() - lastCpu();
  const mem = process.memoryUsage();
  // The first interval pays for JIT warm-up; each later one is measured from the previous emit.
  const per = marks.slice(1).map((m, i) => ({ seq: m.seq, cpu: m.cpu - marks[i].cpu, merge: m.merge - marks[i].merge, rss: m.rss }));
  for (const p of per) console.log(`interval ${p.seq}: coordinator CPU ${p.cpu.toFixed(1)} ms, of which merging ${p.merge.toFixed(1)} ms; RSS ${(p.rss / 2 ** 20).toFixed(0)} MiB`);
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)}`;
  };
  console.log(`\ncoordinator, ${WORKERS} workers × ${RPS} req/s, ${marks.length} intervals merged over the HTTP relay`);
  console.log(`merge CPU ms per 1-s interval (decode + add + merged interval + live thresholds): ${stats(per.map((p) => p.merge))} (target < 100)`);
  console.log(`whole coordinator process CPU ms per interval (HTTP, JSON, validation, merge, timers): ${stats(per.map((p) => p.cpu))}`);
  console.log(`end of run (${WORKERS} results, totals, Result): CPU ${endCpu.toFixed(0)} ms; ${outcome.result.summary.requests} requests merged`);
  console.log(`memory: RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB (after interval 1: ${(marks[1].rss / 2 ** 20).toFixed(0)} MiB), heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
  if (outcome.result.summary.requests !== WORKERS * RPS * INTERVALS) throw new Error(`merged ${outcome.result.summary.requests} requests, expected ${WORKERS * RPS * INTERVALS}`);
}

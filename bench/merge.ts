/**
 * Coordinator merge cost: 256 simulated workers each deliver a 1-s snapshot per
 * interval, produced by a real Recorder fed ~2,000 requests (2 scenarios × 3 steps,
 * latencies log-uniform 0.2–500 ms, 1 % errors) — so histogram sizes are what a
 * worker really ships. Per interval it times, in CPU ms (user + system of this
 * process) and wall ms:
 *   add     MetricsAccumulator.add() of all 256 snapshots (decode + add into run totals)
 *   merge   mergeSnapshots() of the 256 (the merged interval for progress and the series)
 * and the coordinator's RSS (snapshots are produced by a child process, written to a
 * temp dir, and read back one interval at a time as if they had arrived by HTTP;
 * producing and parsing them is not timed).
 *
 * Usage: node --import tsx bench/merge.ts [workers=256] [intervals=5] [requestsPerSec=2000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsAccumulator, mergeSnapshots } from '../src/metrics/merge.js';
import { Recorder, type StepKey, type ScenarioKey } from '../src/metrics/recorder.js';
import type { Snapshot } from '../src/metrics/types.js';

const produceDir = process.argv[2] === '--produce' ? process.argv[3] : undefined;
const args = produceDir ? process.argv.slice(4) : process.argv.slice(2);
const WORKERS = Number(args[0] ?? 256);
const INTERVALS = Number(args[1] ?? 5);
const RPS = Number(args[2] ?? 2000);

if (produceDir) {
  produce(produceDir);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'lt-merge-bench-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--produce', dir, String(WORKERS), String(INTERVALS), String(RPS)], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('snapshot producer failed');
    coordinate(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function produce(dir: string): void {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const layout = ['browse', 'checkout'].map((name) => ({ name, steps: ['list', 'item', 'buy'] }));
  const startAtMs = Date.now();
  const workers = Array.from({ length: WORKERS }, () => {
    const rec = new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs });
    const steps: StepKey[] = layout.flatMap((s) => s.steps.map((st) => rec.stepKey(s.name, st)));
    const scen: ScenarioKey[] = layout.map((s) => rec.scenarioKey(s.name));
    return { rec, steps, scen };
  });

  function one(w: (typeof workers)[number]): Snapshot {
    for (let i = 0; i < RPS; i++) {
      const latencyUs = Math.round(200 * Math.pow(2500, rnd()));
      const err = rnd() < 0.01;
      w.rec.request(w.steps[i % w.steps.length], {
        latencyUs,
        serviceUs: Math.max(1, latencyUs - Math.round(rnd() * 200)),
        ttfbUs: Math.round(latencyUs * 0.9),
        status: err ? 503 : 200,
        errorClass: err ? 'http_5xx' : undefined,
        bytesIn: 700,
        bytesOut: 120,
      });
      if (i % 3 === 2) w.rec.iteration(w.scen[i % 2], latencyUs * 3);
    }
    return w.rec.cut(20);
  }
  for (let k = 0; k < INTERVALS; k++) writeFileSync(join(dir, `${k}.json`), JSON.stringify(workers.map(one)));
  for (const w of workers) w.rec.destroy();
}

function coordinate(dir: string): void {
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  const acc = new MetricsAccumulator();
  const rows: { add: number; merge: number; addWall: number; mergeWall: number; bytes: number }[] = [];
  for (let k = 0; k < INTERVALS; k++) {
    const snaps = JSON.parse(readFileSync(join(dir, `${k}.json`), 'utf8')) as Snapshot[];
    const bytes = snaps.reduce((a, s) => a + JSON.stringify(s).length, 0);
    let c0 = process.cpuUsage();
    let t0 = performance.now();
    for (const s of snaps) acc.add(s);
    const add = cpuMs(process.cpuUsage(c0));
    const addWall = performance.now() - t0;
    c0 = process.cpuUsage();
    t0 = performance.now();
    const merged = mergeSnapshots(snaps);
    const merge = cpuMs(process.cpuUsage(c0));
    const mergeWall = performance.now() - t0;
    if (merged.total.counters.requests !== WORKERS * RPS) throw new Error('merge lost requests');
    rows.push({ add, merge, addWall, mergeWall, bytes });
    console.log(`interval ${k}: add ${add.toFixed(0)} ms CPU (${addWall.toFixed(0)} wall), merge ${merge.toFixed(0)} ms CPU (${mergeWall.toFixed(0)} wall), ${WORKERS} snapshots = ${(bytes / 1024).toFixed(0)} KiB JSON`);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const c0 = process.cpuUsage();
  const ivs = acc.intervals();
  const totals = acc.total();
  const finalMs = cpuMs(process.cpuUsage(c0));
  if (totals.total.counters.requests !== WORKERS * RPS * INTERVALS || ivs.length !== INTERVALS) throw new Error('accumulator lost data');
  console.log(`median per interval (${WORKERS} workers × ${RPS} req/s): add ${med(rows.map((r) => r.add)).toFixed(0)} ms CPU, merge ${med(rows.map((r) => r.merge)).toFixed(0)} ms CPU, add+merge ${med(rows.map((r) => r.add + r.merge)).toFixed(0)} ms CPU; snapshot JSON ${(med(rows.map((r) => r.bytes)) / WORKERS / 1024).toFixed(1)} KiB per worker`);
  console.log(`end of run: intervals() + total() ${finalMs.toFixed(0)} ms CPU; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  acc.destroy();
}

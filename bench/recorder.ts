/**
 * Cost of the recorder's hot path: `request()` per call, in ns, with a realistic mix
 * (2 scenarios × 3 steps, latencies log-uniform 0.2–500 ms, 1 % errors with a few
 * distinct messages, 4 status codes), interval cuts every 20,000 calls as the engine
 * would do about every second at that rate. Prints the best of ROUNDS runs (the
 * machine is shared; the minimum is the least disturbed figure) and the median.
 *
 * Usage: node --import tsx bench/recorder.ts [calls=2000000] [rounds=5]
 */
import { Recorder, type RequestSample, type StepKey } from '../src/metrics/recorder.js';

const CALLS = Number(process.argv[2] ?? 2_000_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const CUT_EVERY = 20_000;

let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const M = 1 << 16;
const samples: RequestSample[] = [];
for (let i = 0; i < M; i++) {
  const latencyUs = Math.round(200 * Math.pow(2500, rnd()));
  const err = rnd() < 0.01;
  const status = err ? (rnd() < 0.5 ? 503 : 404) : rnd() < 0.9 ? 200 : 201;
  samples.push({
    latencyUs,
    serviceUs: Math.max(1, latencyUs - Math.round(rnd() * 100)),
    ttfbUs: Math.round(latencyUs * 0.8),
    status,
    errorClass: err ? (status >= 500 ? 'http_5xx' : 'http_4xx') : undefined,
    bytesIn: 512,
    bytesOut: 128,
    message: err ? `HTTP ${status} from upstream ${Math.floor(rnd() * 3)}` : undefined,
  });
}

const layout = ['browse', 'checkout'].map((name) => ({ name, steps: ['a', 'b', 'c'] }));
const results: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const rec = new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs: Date.now() });
  const keys: StepKey[] = layout.flatMap((s) => s.steps.map((st) => rec.stepKey(s.name, st)));
  let cutNs = 0n;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    rec.request(keys[i % keys.length], samples[i & (M - 1)]);
    if (i % CUT_EVERY === CUT_EVERY - 1) {
      const c0 = process.hrtime.bigint();
      rec.cut(50);
      cutNs += process.hrtime.bigint() - c0;
    }
  }
  const totalNs = process.hrtime.bigint() - t0;
  const perCallNs = Number(totalNs - cutNs) / CALLS;
  const cuts = Math.floor(CALLS / CUT_EVERY);
  const m = rec.final();
  if (m.total.counters.requests !== CALLS) throw new Error(`lost requests: ${m.total.counters.requests} ≠ ${CALLS}`);
  rec.destroy();
  results.push(perCallNs);
  console.log(`round ${round + 1}: request() ${perCallNs.toFixed(0)} ns/call, cut() ${(Number(cutNs) / cuts / 1e6).toFixed(2)} ms each (${cuts} cuts)`);
}
results.sort((a, b) => a - b);
console.log(`request(): best ${results[0].toFixed(0)} ns/call, median ${results[Math.floor(results.length / 2)].toFixed(0)} ns/call over ${ROUNDS} × ${CALLS} calls`);

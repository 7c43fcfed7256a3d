/**
 * Which hdr-histogram-js variant to use: record() cost, encoded size, and decode+add
 * cost for `packed`, Int32 (32), Float64 (64) and WASM (32) buckets, on the same
 * pseudo-random latencies (log-uniform 0.2–500 ms, integer µs).
 *
 * Usage: node --import tsx bench/histogram-options.ts
 */
import * as hdr from 'hdr-histogram-js';

const N = 1_000_000;
const values = new Float64Array(N);
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
for (let i = 0; i < N; i++) values[i] = Math.round(200 * Math.pow(2500, rnd()));

hdr.initWebAssemblySync();

type Variant = { name: string; bits: hdr.BitBucketSize; wasm: boolean };
const variants: Variant[] = [
  { name: 'packed', bits: 'packed', wasm: false },
  { name: 'int32', bits: 32, wasm: false },
  { name: 'float64', bits: 64, wasm: false },
  { name: 'wasm32', bits: 32, wasm: true },
];

function build(v: Variant): hdr.Histogram {
  return hdr.build({ bitBucketSize: v.bits, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true, useWebAssembly: v.wasm });
}

for (let round = 0; round < 2; round++) {
  for (const v of variants) {
    // record()
    const h = build(v);
    for (let i = 0; i < 50_000; i++) h.recordValue(values[i]); // warm-up
    h.reset();
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) h.recordValue(values[i]);
    const recordNs = Number(process.hrtime.bigint() - t0) / N;
    // encoded size for a 1-s worker interval (2,000 values) and for the whole million
    const small = build(v);
    for (let i = 0; i < 2000; i++) small.recordValue(values[i]);
    const encSmall = hdr.encodeIntoCompressedBase64(small);
    const encBig = hdr.encodeIntoCompressedBase64(h);
    // decode + add of the 2,000-value histogram (what a coordinator does per key per worker)
    const into = build(v);
    const reps = 2000;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) {
      const d = hdr.decodeFromCompressedBase64(encSmall, v.bits, v.wasm);
      into.add(d);
      d.destroy();
    }
    const decodeAddUs = Number(process.hrtime.bigint() - t0) / reps / 1000;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) hdr.encodeIntoCompressedBase64(small);
    const encodeUs = Number(process.hrtime.bigint() - t0) / reps / 1000;
    if (round === 1) {
      console.log(`${v.name.padEnd(8)} record ${recordNs.toFixed(1).padStart(6)} ns  encoded(2k) ${String(encSmall.length).padStart(5)} B  encoded(1M) ${String(encBig.length).padStart(6)} B  encode(2k) ${encodeUs.toFixed(1).padStart(6)} µs  decode+add(2k) ${decodeAddUs.toFixed(1).padStart(6)} µs  p99 ${h.getValueAtPercentile(99)}`);
    }
    h.destroy();
    small.destroy();
    into.destroy();
  }
}

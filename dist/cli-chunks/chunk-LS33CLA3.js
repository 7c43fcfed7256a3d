import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);

// src/cluster/clock.ts
import { performance } from "node:perf_hooks";
function probeSample(p) {
  return { offsetMs: (p.t1 - p.t0 + (p.t2 - p.t3)) / 2, rttMs: Math.max(0, p.t3 - p.t0 - (p.t2 - p.t1)) };
}
function estimateOffset(probes) {
  if (probes.length === 0) throw new RangeError("estimateOffset needs at least one probe");
  let best = probeSample(probes[0]);
  for (const p of probes.slice(1)) {
    const s = probeSample(p);
    if (s.rttMs < best.rttMs) best = s;
  }
  return { offsetMs: best.offsetMs, rttMs: best.rttMs, samples: probes.length };
}
function preciseNowMs() {
  return performance.timeOrigin + performance.now();
}

export {
  estimateOffset,
  preciseNowMs
};

/**
 * Real snapshots (the metrics Recorder's, compact as workers send them) for tests that
 * feed a coordinator numbers of their own making: `counts[k]` requests in interval k,
 * all on one step, plus the final RunMetrics of them all.
 */
import { Recorder } from '../../src/metrics/recorder.js';
import type { RunMetrics, Snapshot } from '../../src/metrics/types.js';

/** Snapshots of `counts[k]` 200-answered requests each on `scenario`/`step`, and their final totals. */
export function recordedSnapshots(scenario: string, step: string, counts: readonly number[]): { snaps: Snapshot[]; fin: RunMetrics } {
  const r = new Recorder({ scenarios: [{ name: scenario, steps: [step] }], intervalMs: 1000, startAtMs: 0 });
  try {
    const key = r.stepKey(scenario, step);
    const snaps = counts.map((n) => {
      for (let i = 0; i < n; i++) r.request(key, { latencyUs: 1000 + i, serviceUs: 1000, ttfbUs: 900, status: 200, bytesIn: 2, bytesOut: 1 });
      return r.cut(1, true);
    });
    return { snaps, fin: r.final() };
  } finally {
    r.destroy();
  }
}

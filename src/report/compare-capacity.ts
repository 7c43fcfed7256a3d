/**
 * The baseline comparison of a capacity search's answer (compare.ts): head's sustainable
 * rate against base's, one row in scope `capacity`.
 *
 * There are no intervals to bootstrap here: each run gives one number, and the floor does
 * the work. A search's answer is quantised to its steps, and the step at the knee passes
 * or fails from run to run (latency there climbs steeply, so ordinary run-to-run noise
 * decides it); a drop of one step is within the search's resolution. So a row is flagged
 * only when the rate moved by more than one step of the search (the larger of the two
 * runs' steps, a factor step taken at base's rate) and by more than the relative floor.
 * A search that ended on the load generator (`generator_saturated`) or at max_rate only
 * bounds the target's capacity from below: such a head is never called a regression,
 * and such a base never makes a head an improvement.
 */
import type { CapacityResult, Result } from './result-schema.js';
import type { CompareRow } from './compare.js';

/** Rate difference of one step of `c`'s search at `atRate` (arrivals/s). */
export function stepSize(c: Pick<CapacityResult, 'step'>, atRate: number): number {
  // A factor search's step below `atRate` is atRate − atRate / factor.
  return c.step.kind === 'rate' ? c.step.value : atRate * (1 - 1 / c.step.value);
}

/** A lower bound only: the target was never shown to fail. */
const boundOnly = (c: CapacityResult) => c.stop_reason === 'generator_saturated' || c.stop_reason === 'max_reached';

/** The `capacity` row, or undefined when either side has no search (or they searched different scenarios). */
export function compareCapacity(base: Result, head: Result, o: { minRelative: number }): CompareRow | undefined {
  const b = base.capacity;
  const h = head.capacity;
  if (!b || !h || b.scenario !== h.scenario) return undefined;
  const row: CompareRow = { scope: 'capacity', metric: 'sustainable_rate', base: b.sustainable_rate ?? 0, head: h.sustainable_rate ?? 0, deltaPct: null, estimate: null, wholeRunDeltaPct: null, interval: null, intervalKind: 'difference', verdict: '~' };
  if (b.sustainable_rate === null) {
    row.verdict = 'not compared';
    row.note = 'no step held in the baseline';
    return row;
  }
  // No step held in head: its capacity is below its first step.
  const headRate = h.sustainable_rate ?? 0;
  row.deltaPct = row.wholeRunDeltaPct = (headRate - b.sustainable_rate) / b.sustainable_rate;
  row.estimate = headRate - b.sustainable_rate;
  const floor = Math.max(stepSize(b, b.sustainable_rate), stepSize(h, b.sustainable_rate), o.minRelative * b.sustainable_rate);
  // A hair of slack: rates on the same grid differ by exact multiples of the step.
  const beyond = (d: number) => d > floor * (1 + 1e-9);
  const worse = beyond(b.sustainable_rate - headRate) && !boundOnly(h);
  const better = beyond(headRate - b.sustainable_rate) && !boundOnly(b);
  row.verdict = worse ? 'regressed' : better ? 'improved' : '~';
  row.note = `floor: more than one step (${+floor.toFixed(2)}/s)${boundOnly(h) ? `; head's search ended with ${h.stop_reason}, a lower bound` : ''}${boundOnly(b) ? `; base's search ended with ${b.stop_reason}, a lower bound` : ''}`;
  return row;
}

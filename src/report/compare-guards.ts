/**
 * When a comparison row must say `not compared` instead of a verdict (issue 15
 * points 3 and 4): too few intervals to estimate a change, or latencies that include
 * the load generator's own delay on one side.
 *
 * The generator rule, and why:
 * - Latency rows are not compared when either run had a saturated interval among the
 *   intervals the comparison uses (all but the first and last). Dropping only the
 *   saturated intervals (as before) was not enough: a disturbance does not stop at an
 *   interval boundary, its edges fall in intervals just under the limit, and the
 *   whole-run Base/Head figures include it. Of 90 ordered A/A pairs of 6 s runs, 20
 *   flagged something, 18 of them with one disturbed run (issue 15 point 4). A
 *   saturated first or last interval does not count: those are dropped as warm-up
 *   and tail anyway, and the first one is often the JIT's.
 * - Latency rows are also not compared when one run's generator lag p99 (whole run,
 *   open model) is at least LAG_RATIO × the other's and the difference is at least
 *   the row's practical floor (max of the absolute ms floor and the relative floor
 *   of the row's latency): the extra delay could by itself move that latency beyond
 *   the floor, so a flag could be the generator's. The ratio keeps ordinary jitter
 *   (healthy runs: lag p99 1.4–6.1 ms, see PLAN_DEFAULTS.generator) from switching
 *   comparisons off; the disturbed run had 61 ms against ~4.5 ms (13×).
 *   Event-loop delay is left to the saturation limit: its healthy range (1–8.7 ms)
 *   is too wide for a ratio rule.
 * - Throughput and error rows still compare, on the unsaturated intervals: a slow
 *   generator delays requests but does not make the target fail them, and fewer
 *   requests in saturated intervals are left out with those intervals.
 */
import type { Result, TimePoint } from './result-schema.js';

/** Below this many usable intervals a bootstrap interval means little. */
export const MIN_INTERVALS = 5;
/** One run's generator lag p99 at least this many times the other's may distort latencies. */
export const LAG_RATIO = 4;

/** The reason a row could not be compared for lack of intervals. */
export function tooFewReason(baseUsable: number, headUsable: number, saturatedLeftOut: number): string {
  const n = Math.min(baseUsable, headUsable);
  const sides = baseUsable !== headUsable ? ` (base ${baseUsable}, head ${headUsable})` : '';
  const sat = saturatedLeftOut ? `; ${saturatedLeftOut} interval(s) left out because the load generator was saturated` : '';
  return `not enough data to compare: ${n} interval${n === 1 ? '' : 's'}${sides}, need ${MIN_INTERVALS}${sat}`;
}

/** The `t` of the intervals a comparison would use: all but the first and last. */
function innerTimes(series: TimePoint[]): number[] {
  return (series.length > 3 ? series.slice(1, -1) : series).map((p) => p.t);
}

function saturationReason(r: Result, side: 'base' | 'head'): string | undefined {
  const inner = new Set(innerTimes(r.timeseries));
  const sat = r.timeseries.filter((p) => p.generator?.saturated && inner.has(p.t)).length;
  if (!sat) return undefined;
  // Short: it is repeated on every latency row; the figures are in the run's saturation banner.
  return `the ${side} run's load generator was saturated in ${sat} of ${inner.size} compared intervals: its latencies include the generator's own delay`;
}

/**
 * Why latency rows of this pair cannot be compared, as a function of the row's
 * latency (ms, the smaller of base and head) and the absolute and relative floors;
 * undefined when they can.
 */
export function latencyGuard(base: Result, head: Result): (latencyMs: number, minAbsoluteMs: number, minRelative: number) => string | undefined {
  const saturated = [saturationReason(base, 'base'), saturationReason(head, 'head')].filter(Boolean).join('; ');
  const bLag = base.generator_lag_ms?.p99;
  const hLag = head.generator_lag_ms?.p99;
  return (latencyMs, minAbsoluteMs, minRelative) => {
    if (saturated) return saturated;
    if (bLag === undefined || hLag === undefined) return undefined;
    const [hi, lo, side, other] = hLag >= bLag ? [hLag, bLag, 'head', 'base'] : [bLag, hLag, 'base', 'head'];
    const floor = Math.max(minAbsoluteMs, minRelative * latencyMs);
    if (hi >= LAG_RATIO * lo && hi - lo >= floor) {
      return `generator lag p99 ${hi} ms on the ${side} run against ${lo} ms on the ${other}: the extra delay alone could move this latency by more than the ${+floor.toFixed(2)} ms floor`;
    }
    return undefined;
  };
}

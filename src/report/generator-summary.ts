/**
 * Generator saturation in the Result: per interval (`timeseries[].generator`) and over
 * the run (`generator`). An interval is saturated when the load generator's own delay
 * (event-loop delay, or open-model lag between intended and actual send) passed the
 * plan's limits: its latencies include the generator, not only the target (issue 10).
 */
import type { GeneratorHealth, Snapshot } from '../metrics/types.js';
import type { GeneratorLimits } from '../plan/types.js';
import type { GeneratorSummary, TimePoint } from './result-schema.js';

const ms = (us: number): number => Math.round(us) / 1000;

/** One interval's generator figures for the time series. */
export function generatorPoint(g: GeneratorHealth): NonNullable<TimePoint['generator']> {
  return {
    event_loop_p99_ms: ms(g.eventLoopP99Us),
    cpu_pct: Math.round(g.cpuPct * 10) / 10,
    lag_p99_ms: ms(g.lagP99Us),
    saturated: g.saturated,
    ...(g.saturatedWorkers?.length ? { workers: [...g.saturatedWorkers] } : {}),
  };
}

/** What a user can do about a saturated generator. */
export const SATURATION_ADVICE =
  'spread the load over more generator processes (--workers N, or more matrix workers), raise max_vus if arrivals were dropped, or use a bigger runner';

/** The run's generator summary, or undefined when no interval carried generator health. */
export function summarizeGenerator(intervals: Snapshot[], startAtMs: number, limits: GeneratorLimits): GeneratorSummary | undefined {
  const withHealth = intervals.filter((s) => s.generator !== undefined);
  if (withHealth.length === 0) return undefined;
  const t = (s: Snapshot) => Math.round((s.startMs - startAtMs) / 10) / 100;
  const saturated = withHealth.filter((s) => s.generator!.saturated);
  const byWorker: Record<string, number[]> = {};
  for (const s of saturated) for (const w of s.generator!.saturatedWorkers ?? []) (byWorker[w] ??= []).push(t(s));
  let loop = 0;
  let lag = 0;
  let cpu = 0;
  for (const s of withHealth) {
    loop = Math.max(loop, s.generator!.eventLoopP99Us);
    lag = Math.max(lag, s.generator!.lagP99Us);
    cpu = Math.max(cpu, s.generator!.cpuPct);
  }
  return {
    saturated: saturated.length > 0,
    saturated_intervals: saturated.map(t),
    intervals: withHealth.length,
    limits: { lag_p99_ms: limits.maxLagP99Ms, event_loop_p99_ms: limits.maxEventLoopP99Ms },
    event_loop_p99_ms: ms(loop),
    lag_p99_ms: ms(lag),
    cpu_pct_max: Math.round(cpu * 10) / 10,
    ...(Object.keys(byWorker).length ? { by_worker: byWorker } : {}),
    advice: SATURATION_ADVICE,
  };
}

/** One sentence for banners and CLI output; undefined when the generator kept up. */
export function saturationMessage(g: GeneratorSummary | undefined): string | undefined {
  if (!g?.saturated) return undefined;
  const n = g.saturated_intervals.length;
  const workers = g.by_worker ? ` (workers: ${Object.keys(g.by_worker).join(', ')})` : '';
  return (
    `The load generator was saturated in ${n} of ${g.intervals} interval${g.intervals === 1 ? '' : 's'}${workers}: ` +
    `lag p99 up to ${g.lag_p99_ms} ms (limit ${g.limits.lag_p99_ms} ms), event-loop delay p99 up to ${g.event_loop_p99_ms} ms ` +
    `(limit ${g.limits.event_loop_p99_ms} ms), CPU up to ${g.cpu_pct_max}% of a core. ` +
    `Latency figures of those intervals include the generator's own delay. To fix: ${g.advice}.`
  );
}

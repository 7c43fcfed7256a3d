/**
 * Planned against delivered load (issue 15: a lost worker must never pass at two
 * thirds of the plan). The plan's load is counted in the unit its executors are
 * driven by: iterations for open-model (arrivals) and `iterations` scenarios, VU-seconds
 * for closed-model (`vus`) scenarios. A plan that mixes both is counted in iterations of
 * its non-`vus` scenarios (per-scenario VU-seconds are not measured; `activeVus` is a
 * run-wide figure).
 *
 * Delivered arrivals are started + dropped iterations: a dropped arrival is the
 * generator's limit (reported as saturation), not load a lost worker failed to send.
 */
import { ArrivalSchedule, valueAt } from '../engine/schedule.js';
import type { RunMetrics, Snapshot } from '../metrics/types.js';
import type { Plan, Scenario } from '../plan/types.js';

/** What a lost or failed worker left undone, as the coordinator saw it (ms since the start instant). */
export interface LostShare {
  worker: string;
  /** When the coordinator declared it lost. */
  lostAtMs: number;
  /** End of the last interval it delivered (0: none). */
  lastDataAtMs: number;
  /** Its share of the plan when it was lost (0..1). */
  share: number;
  /** True when the survivors took its share from `lostAtMs` on. */
  redistributed: boolean;
}

/** The `load` block of a Result. */
export interface LoadSummary {
  unit: 'iterations' | 'vu_seconds';
  planned: number;
  delivered: number;
  /** (planned − delivered) / planned, 0 when delivered ≥ planned. */
  missing_ratio: number;
  /** A run that misses more than this because of a lost worker is partial. */
  tolerance: number;
  partial: boolean;
  lost: { worker: string; lost_at_s: number; last_data_at_s: number; share: number; redistributed: boolean; missing_estimate: number }[];
}

/** Default tolerance: a run may deliver 5 % less than planned before a loss makes it partial. */
export const DEFAULT_LOAD_TOLERANCE = 0.05;

function unitOf(plan: Pick<Plan, 'scenarios'>): LoadSummary['unit'] {
  return plan.scenarios.every((s) => s.executor.type === 'vus') ? 'vu_seconds' : 'iterations';
}

function counted(s: Scenario, unit: LoadSummary['unit']): boolean {
  return unit === 'vu_seconds' ? s.executor.type === 'vus' : s.executor.type !== 'vus';
}

/** Planned load of one scenario in [0, tMs) of its own time, in `unit`. */
function scenarioPlannedUntil(s: Scenario, tMs: number): number {
  const e = s.executor;
  const t = Math.max(0, Math.min(tMs, s.durationMs));
  if (e.type === 'iterations') {
    const total = e.perVu ? e.iterations * e.vus : e.iterations;
    // Spread over the active duration: an approximation used only to attribute a loss.
    return s.durationMs > 0 ? (total * t) / s.durationMs : total;
  }
  if (e.type === 'rate') {
    if (t >= s.durationMs) return new ArrivalSchedule(e.startRatePerSec, e.stages).total;
    return integrate((x) => valueAt(e.startRatePerSec, e.stages, x), t) / 1000;
  }
  return integrate((x) => valueAt(e.startVus, e.stages, x), t) / 1000;
}

/** ∫₀ᵗ f (ms), midpoint rule in 100 ms steps: shapes are piecewise linear and this is for attribution. */
function integrate(f: (tMs: number) => number, tMs: number): number {
  let sum = 0;
  for (let a = 0; a < tMs; a += 100) {
    const b = Math.min(tMs, a + 100);
    sum += f((a + b) / 2) * (b - a);
  }
  return sum;
}

/** Planned load of the plan in [fromMs, toMs) since the start instant. */
export function plannedBetween(plan: Pick<Plan, 'scenarios'>, fromMs: number, toMs: number): number {
  const unit = unitOf(plan);
  let n = 0;
  for (const s of plan.scenarios) {
    if (!counted(s, unit)) continue;
    n += scenarioPlannedUntil(s, toMs - s.startTimeMs) - scenarioPlannedUntil(s, fromMs - s.startTimeMs);
  }
  return Math.max(0, n);
}

/** The plan's whole load. */
export function plannedLoad(plan: Pick<Plan, 'scenarios'>): { unit: LoadSummary['unit']; planned: number } {
  return { unit: unitOf(plan), planned: plannedBetween(plan, 0, Infinity) };
}

/** Load the run delivered, in the plan's unit. */
export function deliveredLoad(plan: Pick<Plan, 'scenarios'>, metrics: RunMetrics, intervals: Snapshot[], endedAtMs: number): number {
  const unit = unitOf(plan);
  if (unit === 'vu_seconds') return intervals.reduce((a, s) => a + (s.activeVus * Math.max(0, Math.min(s.intervalMs, endedAtMs - s.startMs))) / 1000, 0);
  let n = 0;
  for (const s of plan.scenarios) {
    if (!counted(s, unit)) continue;
    const c = metrics.scenarios[s.name]?.total.counters;
    n += (c?.iterations ?? 0) + (c?.droppedIterations ?? 0);
  }
  return n;
}

/** Planned vs delivered, and whether a loss made the run partial. */
export function loadSummary(plan: Pick<Plan, 'scenarios'>, delivered: number, lost: LostShare[], tolerance = DEFAULT_LOAD_TOLERANCE): LoadSummary {
  const { unit, planned } = plannedLoad(plan);
  const end = Math.max(0, ...plan.scenarios.map((s) => s.startTimeMs + s.durationMs));
  const missing = planned > 0 ? Math.max(0, (planned - delivered) / planned) : 0;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    unit,
    planned: r3(planned),
    delivered: r3(delivered),
    missing_ratio: r3(missing),
    tolerance,
    partial: lost.length > 0 && missing > tolerance,
    lost: lost.map((l) => ({
      worker: l.worker,
      lost_at_s: r3(l.lostAtMs / 1000),
      last_data_at_s: r3(l.lastDataAtMs / 1000),
      share: r3(l.share),
      redistributed: l.redistributed,
      missing_estimate: r3(l.share * plannedBetween(plan, l.lastDataAtMs, l.redistributed ? l.lostAtMs : end)),
    })),
  };
}

/** One sentence on a partial run: how much load was missing, and which worker, when. Undefined when the run is not partial. */
export function partialMessage(load: LoadSummary | undefined): string | undefined {
  if (!load?.partial) return undefined;
  const unit = load.unit === 'vu_seconds' ? 'VU-seconds' : 'iterations';
  const who = load.lost
    .map((l) => `worker ${l.worker} lost at +${l.lost_at_s.toFixed(1)} s (last data at +${l.last_data_at_s.toFixed(1)} s, share ${(l.share * 100).toFixed(1)} %, ${l.redistributed ? 'share redistributed' : 'share not redistributed'}, ~${Math.round(l.missing_estimate)} ${unit} missing)`)
    .join('; ');
  return `partial run: delivered ${Math.round(load.delivered)} of ${Math.round(load.planned)} planned ${unit} (${(load.missing_ratio * 100).toFixed(1)} % missing, tolerance ${(load.tolerance * 100).toFixed(0)} %): ${who}`;
}

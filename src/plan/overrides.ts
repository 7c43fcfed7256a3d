/**
 * Run-time overrides of a loaded plan (`--vus`, `--duration`, `--target`), applied
 * after validation so the plan file stays the single source. The hash is left as
 * loaded: workers receive the plan text plus the same overrides.
 */
import { UsageError } from '../errors.js';
import { DEFAULT_LIMITS, limitMessage } from './limits.js';
import { runLoadExcess, runLoadSubject } from './profiles.js';
import type { Executor, Plan, Scenario, Stage } from './types.js';

/** Overrides a user may pass on the command line or as action inputs. */
export interface PlanOverrides {
  vus?: number;
  durationMs?: number;
  target?: string;
}

/** Stretches stages proportionally to a new total duration. */
function rescale(stages: Stage[], durationMs: number): Stage[] {
  const total = stages.reduce((a, s) => a + s.durationMs, 0);
  if (total === 0) return stages;
  const f = durationMs / total;
  let acc = 0;
  return stages.map((s, i) => {
    const d = i === stages.length - 1 ? durationMs - acc : Math.round(s.durationMs * f);
    acc += d;
    return { durationMs: d, target: s.target };
  });
}

function overrideExecutor(e: Executor, o: PlanOverrides, durationMs: number): Executor {
  if (e.type === 'vus') {
    if (o.vus !== undefined) return { type: 'vus', startVus: o.vus, stages: [{ durationMs, target: o.vus }] };
    return o.durationMs !== undefined ? { ...e, stages: rescale(e.stages, durationMs) } : e;
  }
  if (e.type === 'rate') return o.durationMs !== undefined ? { ...e, stages: rescale(e.stages, durationMs) } : e;
  return {
    ...e,
    vus: o.vus ?? e.vus,
    maxDurationMs: o.durationMs ?? e.maxDurationMs,
  };
}

/**
 * Returns a new plan with the overrides applied (the input is not changed). The result
 * must stay within the plan's limits (limits.ts), as the plan itself did: a UsageError
 * names the option (`label` spells it: `--vus` for the CLI, `input 'vus'` for the Action).
 */
export function applyOverrides(plan: Plan, o: PlanOverrides, label: (name: string) => string = (n) => `--${n}`): Plan {
  if (o.vus === undefined && o.durationMs === undefined && o.target === undefined) return plan;
  const limits = plan.limits ?? DEFAULT_LIMITS;
  if (o.durationMs !== undefined && o.durationMs > limits.max_duration) throw new UsageError(`${label('duration')}: ${limitMessage('max_duration', limits, `${o.durationMs / 1000}s`)}`);
  if (o.vus !== undefined && o.vus > limits.max_vus) throw new UsageError(`${label('vus')}: ${limitMessage('max_vus', limits, o.vus.toLocaleString('en-US'))}`);
  const scenarios: Scenario[] = plan.scenarios.map((s) => {
    const durationMs = o.durationMs ?? s.durationMs;
    return { ...s, durationMs, executor: overrideExecutor(s.executor, o, durationMs) };
  });
  const excess = o.vus !== undefined ? runLoadExcess(scenarios, limits) : undefined;
  if (excess) throw new UsageError(`${label('vus')}: ${limitMessage(excess.key, limits, `${o.vus} VUs in every scenario make ${runLoadSubject(excess)}, which`)}`);
  return { ...plan, target: o.target ?? plan.target, scenarios };
}

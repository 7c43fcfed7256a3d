/**
 * Scenario `weight`: scenarios that declare the same profile (same executor after
 * resolution, same start time) and all set a weight share that one profile, the way
 * Locust's user classes share the user count: 100 VUs over weights 3 and 1 run as
 * 75 and 25 VUs; an arrival rate splits in the same proportion. Integer counts use
 * the largest-remainder split so they add up to the profile exactly.
 */
import type { Executor, Plan, Scenario } from './types.js';
import { splitByWeight } from '../engine/journey/flow.js';

function share(e: Executor, index: number, weights: number[]): Executor {
  const ints = (n: number) => splitByWeight(n, weights)[index];
  const frac = (x: number) => (x * weights[index]) / weights.reduce((a, b) => a + b, 0);
  switch (e.type) {
    case 'vus':
      return { type: 'vus', startVus: ints(e.startVus), stages: e.stages.map((s) => ({ durationMs: s.durationMs, target: ints(s.target) })) };
    case 'iterations':
      return { ...e, vus: Math.max(1, ints(e.vus)), iterations: e.perVu ? e.iterations : Math.max(1, ints(e.iterations)) };
    case 'rate':
      return {
        ...e,
        startRatePerSec: frac(e.startRatePerSec),
        stages: e.stages.map((s) => ({ durationMs: s.durationMs, target: frac(s.target) })),
        preAllocatedVus: Math.max(1, ints(e.preAllocatedVus)),
        maxVus: Math.max(1, ints(e.maxVus)),
      };
  }
}

/** Returns the plan with weighted groups split (unchanged when no group exists). */
export function applyWeights<P extends Pick<Plan, 'scenarios'>>(plan: P): P {
  const groups = new Map<string, number[]>();
  plan.scenarios.forEach((s: Scenario, i) => {
    if (s.weight === undefined) return;
    const key = `${s.startTimeMs}|${JSON.stringify(s.executor)}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const scenarios = [...plan.scenarios];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const weights = members.map((i) => plan.scenarios[i].weight!);
    members.forEach((i, k) => (scenarios[i] = { ...scenarios[i], executor: share(plan.scenarios[i].executor, k, weights) }));
  }
  return { ...plan, scenarios };
}

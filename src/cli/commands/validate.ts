/** `loadtest validate plan.yaml` — checks a plan without sending a request. */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../../errors.js';
import { loadPlanFile } from '../../plan/load.js';
import type { Executor, Plan } from '../../plan/types.js';
import { stepNames } from '../../engine/compile.js';

function describeExecutor(e: Executor): string {
  switch (e.type) {
    case 'vus': {
      const peak = Math.max(e.startVus, ...e.stages.map((s) => s.target));
      return e.stages.length === 1 && e.startVus === e.stages[0].target ? `${e.startVus} VUs` : `VUs ${e.startVus} → … (peak ${peak}) over ${e.stages.length} stage(s)`;
    }
    case 'iterations':
      return `${e.iterations} iterations ${e.perVu ? 'per VU' : 'shared'} by ${e.vus} VUs (max ${e.maxDurationMs / 1000}s)`;
    case 'rate': {
      const peak = Math.max(e.startRatePerSec, ...e.stages.map((s) => s.target));
      return `arrival rate up to ${+peak.toFixed(3)}/s (VUs ${e.preAllocatedVus}..${e.maxVus})`;
    }
  }
}

/** One paragraph describing a resolved plan. */
export function describePlan(plan: Plan): string {
  const lines = [`plan '${plan.name}' is valid (hash ${plan.hash.slice(0, 12)})`];
  for (const s of plan.scenarios) {
    const steps = stepNames(s.steps);
    lines.push(`  scenario '${s.name}': ${describeExecutor(s.executor)}, ${s.durationMs / 1000}s${s.startTimeMs ? ` from ${s.startTimeMs / 1000}s` : ''}; ${steps.length} step(s): ${steps.join(', ')}`);
  }
  if (plan.thresholds.length) lines.push(`  thresholds: ${plan.thresholds.map((t) => t.expression).join('; ')}`);
  return lines.join('\n') + '\n';
}

export const command: Command = {
  name: 'validate',
  summary: 'Check a plan without running it',
  usage: 'Usage: loadtest validate <plan.yaml>\n\nExits 0 when the plan is valid, 2 with a located message when it is not.\n',
  async run(argv, io) {
    const { positionals } = parseCommandArgs('validate', argv, {});
    if (positionals.length !== 1) throw new UsageError(`validate takes exactly one plan file (got ${positionals.length})`);
    const plan = loadPlanFile(resolve(io.cwd, positionals[0]), { env: io.env });
    io.stdout.write(describePlan(plan));
    return 0;
  },
};

/** `loadtest validate plan.yaml` — checks a plan without sending a request. */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../../errors.js';
import { loadPlanFile } from '../../plan/load.js';
import type { Executor, Plan, StepNode, ThinkTime } from '../../plan/types.js';

const secs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
const num = (n: number): string => String(+n.toFixed(3));

/** `5 → 200`: start and each distinct target in order. */
function trajectory(start: number, targets: number[]): string {
  const points = [start];
  for (const t of targets) if (t !== points[points.length - 1]) points.push(t);
  return points.map(num).join(' → ');
}

function describeExecutor(e: Executor): string {
  switch (e.type) {
    case 'vus':
      return e.stages.every((s) => s.target === e.startVus) ? `${e.startVus} VUs` : `VUs ${trajectory(e.startVus, e.stages.map((s) => s.target))}`;
    case 'iterations':
      return `${e.iterations} iteration(s) ${e.perVu ? 'per VU' : 'shared'} by ${e.vus} VUs (max ${secs(e.maxDurationMs)})`;
    case 'rate':
      return `arrivals ${trajectory(e.startRatePerSec, e.stages.map((s) => s.target))}/s on ${e.preAllocatedVus}..${e.maxVus} VUs`;
  }
}

function describeThink(t: ThinkTime): string {
  switch (t.type) {
    case 'fixed':
      return secs(t.ms);
    case 'uniform':
      return `uniform ${secs(t.minMs)}..${secs(t.maxMs)}`;
    case 'normal':
      return `normal(${secs(t.meanMs)}, ${secs(t.stddevMs)})`;
    case 'exponential':
      return `exponential(mean ${secs(t.meanMs)})`;
  }
}

function stepList(nodes: StepNode[]): string {
  return nodes.map((n) => (n.kind === 'group' ? `${n.name}×${n.repeat}[${stepList(n.steps)}]` : n.name)).join(', ');
}

function countSteps(nodes: StepNode[]): number {
  return nodes.reduce((a, n) => a + (n.kind === 'group' ? countSteps(n.steps) : 1), 0);
}

/** A short description of a resolved plan: one line per scenario, then thresholds. */
export function describePlan(plan: Plan): string {
  const lines = [`plan '${plan.name}' is valid (${plan.file}, hash ${plan.hash.slice(0, 12)}, seed ${plan.seed}${plan.target ? `, target ${plan.target}` : ''})`];
  for (const s of plan.scenarios) {
    const extras = [
      s.startTimeMs ? `starts at ${secs(s.startTimeMs)}` : '',
      s.thinkTime ? `think ${describeThink(s.thinkTime)}` : '',
      s.weight !== undefined ? `weight ${s.weight}` : '',
      s.data ? `data ${s.data}` : '',
    ].filter(Boolean);
    lines.push(`  scenario '${s.name}': ${describeExecutor(s.executor)} for ${secs(s.durationMs)}${extras.length ? ` (${extras.join(', ')})` : ''}; ${countSteps(s.steps)} step(s): ${stepList(s.steps)}`);
    if (s.capacity) lines.push(`    capacity search: ${s.capacity.ratesPerSec.length} steps of ${secs(s.capacity.stepDurationMs)}; stops at the first step that misses one of [${s.capacity.criteria.map((t) => t.expression).join('; ')}] or saturates the generator`);
  }
  if (plan.setup.length || plan.teardown.length) lines.push(`  setup: ${countSteps(plan.setup)} step(s), teardown: ${countSteps(plan.teardown)} step(s)`);
  const data = Object.values(plan.data);
  if (data.length) lines.push(`  data: ${data.map((d) => `${d.name} (${d.rows.length} rows, ${d.order})`).join(', ')}`);
  lines.push(`  thresholds: ${plan.thresholds.length ? plan.thresholds.map((t) => t.expression + (t.abortOnFail ? ' (abort on fail)' : '')).join('; ') : 'none'}`);
  return lines.join('\n') + '\n';
}

export const command: Command = {
  name: 'validate',
  summary: 'Check a plan without running it',
  usage: 'Usage: loadtest validate <plan.yaml>\n\nLoads, validates and resolves the plan (data files included) without sending a request.\nExits 0 and prints a summary when the plan is valid; exits 2 with a file:line:col message when it is not.\nOnly environment variables named in the plan\'s env: list are read.\n',
  async run(argv, io) {
    const { positionals } = parseCommandArgs('validate', argv, {});
    if (positionals.length !== 1) throw new UsageError(`validate takes exactly one plan file (got ${positionals.length})`);
    const plan = loadPlanFile(resolve(io.cwd, positionals[0]), { env: io.env });
    io.stdout.write(describePlan(plan));
    return 0;
  },
};

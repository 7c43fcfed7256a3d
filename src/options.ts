/**
 * The one options schema (CONVENTIONS.md rule 2): every run option is declared once
 * here, with its type, default and description, and from this table come the CLI
 * flags of `loadtest run` (node:util parseArgs config), the `action.yml` inputs
 * (test/options-drift.test.ts fails when action.yml drifts), and the zod validation
 * of both. Plan-file keys are the plan schema's; options override them at run time.
 */
import * as z from 'zod';
import { UsageError } from './errors.js';
import { formatLimit, LIMITS, VU_MEMORY_BYTES } from './plan/limits.js';
import { parseDurationMs } from './plan/units.js';

/** Where an option is offered. */
export interface OptionSpec {
  /** kebab-case name: the CLI flag (`--name`) and the action input (`name`). */
  name: string;
  kind: 'string' | 'boolean' | 'integer' | 'number' | 'duration';
  description: string;
  /** Default as the user would type it (strings, also for action.yml). */
  default?: string;
  choices?: readonly string[];
  short?: string;
  /** Largest value (integers; ms for durations), with the reason given in the message. */
  max?: { value: number; why: string };
  cli: boolean;
  action: boolean;
}

// Hard bounds only: the plan's own limits (limits.ts) are applied to --vus and
// --duration again once the plan is loaded (plan/overrides.ts).
const DURATION_MAX = { value: LIMITS.max_duration.ceiling, why: 'the ceiling of limits.max_duration' };
/** GitHub Actions runs at most 256 jobs per matrix; locally, more worker processes than that would fork-bomb a machine. */
const WORKERS_MAX = { value: 256, why: "GitHub's limit of jobs per matrix" };

/** Every option of `loadtest run` and of the Action. */
export const OPTIONS: readonly OptionSpec[] = [
  { name: 'mode', kind: 'string', description: 'What this step does: run the whole plan here, coordinate workers, be a worker, or rebuild a report from worker results', default: 'run', choices: ['run', 'coordinator', 'worker', 'report'], cli: false, action: true },
  { name: 'plan', kind: 'string', description: 'Path to the YAML plan', cli: false, action: true },
  { name: 'out', kind: 'string', description: 'Write the result JSON to this path', short: 'o', cli: true, action: false },
  { name: 'report', kind: 'string', description: 'Write the self-contained HTML report to this path', cli: true, action: false },
  { name: 'summary', kind: 'string', description: 'Write the Markdown summary to this path', cli: true, action: false },
  { name: 'junit', kind: 'string', description: 'Write JUnit XML of the thresholds to this path', cli: true, action: false },
  { name: 'target', kind: 'string', description: "Override the plan's target base URL", cli: true, action: true },
  { name: 'vus', kind: 'integer', description: 'Run every VU-based scenario at this constant VU count', max: { value: LIMITS.max_vus.ceiling, why: `each VU holds ~${VU_MEMORY_BYTES / 1024} KB (measured); the ceiling of limits.max_vus` }, cli: true, action: true },
  { name: 'duration', kind: 'duration', description: "Override every scenario's duration (e.g. 30s)", max: DURATION_MAX, cli: true, action: true },
  { name: 'workers', kind: 'integer', description: 'Number of worker processes (CLI, on this machine) or matrix worker jobs (Action)', default: '1', max: WORKERS_MAX, cli: true, action: true },
  { name: 'min-workers', kind: 'integer', description: 'Start with this many workers if not all arrive within `wait`', max: WORKERS_MAX, cli: true, action: true },
  { name: 'wait', kind: 'duration', description: 'How long the coordinator waits for workers to register (an Action worker: how long it waits for a coordinator to answer)', default: '60s', max: DURATION_MAX, cli: true, action: true },
  { name: 'relay', kind: 'string', description: 'How workers reach the coordinator', default: 'artifacts', choices: ['artifacts', 'http'], cli: false, action: true },
  { name: 'relay-url', kind: 'string', description: 'HTTP relay URL (relay: http)', cli: false, action: true },
  { name: 'token', kind: 'string', description: 'HTTP relay bearer token (relay: http)', cli: false, action: true },
  { name: 'allow-env', kind: 'string', description: "Env names the plan may read, comma-separated (default: the plan's env: list; runner credentials never)", cli: true, action: false },
  { name: 'env-allow', kind: 'string', description: 'Env names the plan may read, comma-separated (default none: the plan may come from a fork; runner credentials never)', cli: false, action: true },
  { name: 'allow-path', kind: 'string', description: "Folders outside the plan's folder that its data files may come from (comma or newline separated)", cli: false, action: true },
  { name: 'fail-on-thresholds', kind: 'boolean', description: 'Fail the step when a threshold fails', default: 'true', cli: false, action: true },
  { name: 'report-name', kind: 'string', description: 'Name of the uploaded report artifact', default: 'loadtest-report', cli: false, action: true },
  { name: 'github-token', kind: 'string', description: 'Token for PR comments and baseline lookup', default: '${{ github.token }}', cli: false, action: true },
  { name: 'baseline', kind: 'string', description: "Compare with a baseline result: 'auto' (last successful run on the base branch) or a path", cli: true, action: true },
  { name: 'fail-on-regression', kind: 'boolean', description: 'Fail when the comparison finds a regression', default: 'false', cli: true, action: true },
  { name: 'trend-runs', kind: 'integer', description: "With baseline: auto, also show the trend over this many earlier successful base-branch runs (0 = none)", default: '10', max: { value: 50, why: 'each run is one artifact download before the PR comment' }, cli: false, action: true },
  { name: 'dashboard', kind: 'boolean', description: 'Serve the live dashboard during the run', default: 'false', cli: true, action: false },
  { name: 'dashboard-port', kind: 'integer', description: 'Port of the live dashboard (0 = any free port)', default: '0', max: { value: 65535, why: 'the highest TCP port' }, cli: true, action: false },
  { name: 'quiet', kind: 'boolean', description: 'No live progress, only the final table', short: 'q', default: 'false', cli: true, action: false },
];

function zodOf(spec: OptionSpec): z.ZodType {
  const name = spec.name;
  const max = spec.max;
  switch (spec.kind) {
    case 'boolean':
      return z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE'])]).transform((v) => v === true || String(v).toLowerCase() === 'true');
    case 'integer':
      return z.coerce
        .number()
        .int(`--${name} must be a whole number`)
        .nonnegative(`--${name} must not be negative`)
        .max(max?.value ?? Number.MAX_SAFE_INTEGER, `--${name} must be at most ${formatLimit('count', max?.value ?? Number.MAX_SAFE_INTEGER)}${max ? ` (${max.why})` : ''}`);
    case 'number':
      return z.coerce.number();
    case 'duration':
      return z.string().transform((v, ctx) => {
        const ms = parseDurationMs(v);
        if (ms === undefined || ms <= 0) {
          ctx.addIssue({ code: 'custom', message: `--${name} must be a duration like 30s, 1m30s or 500ms (got '${v}')` });
          return z.NEVER;
        }
        if (max && ms > max.value) {
          ctx.addIssue({ code: 'custom', message: `--${name} must be at most ${formatLimit('duration', max.value)} (${max.why})` });
          return z.NEVER;
        }
        return ms;
      });
    default:
      return spec.choices ? z.enum(spec.choices as [string, ...string[]], { message: `--${name} must be one of ${spec.choices.join(', ')}` }) : z.string();
  }
}

/** Validated option values, keyed by camelCase name. */
export type OptionValues = Record<string, string | number | boolean | undefined>;

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Validates raw option strings (from argv or action inputs) against the table.
 * Empty strings count as absent (the runner passes unset inputs as ''). Throws a
 * UsageError naming the option, the value and what is allowed.
 */
export function validateOptions(raw: Record<string, string | boolean | undefined>, where: 'cli' | 'action'): OptionValues {
  const out: OptionValues = {};
  for (const spec of OPTIONS) {
    if (!spec[where]) continue;
    let v = raw[spec.name];
    if (v === undefined || v === '') v = spec.default;
    if (v === undefined) continue;
    const r = zodOf(spec).safeParse(v);
    if (!r.success) {
      const label = where === 'cli' ? `--${spec.name}` : `input '${spec.name}'`;
      const msg = r.error.issues[0]?.message ?? 'invalid';
      throw new UsageError(`${label}: ${msg.replace(`--${spec.name} `, '')} (got '${v}')`);
    }
    out[camel(spec.name)] = r.data as string | number | boolean;
  }
  return out;
}

/** node:util parseArgs `options` for the CLI flags of the table. */
export function cliParseConfig(extra: Record<string, { type: 'string' | 'boolean'; short?: string }> = {}) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { ...extra };
  for (const spec of OPTIONS) {
    if (!spec.cli) continue;
    options[spec.name] = { type: spec.kind === 'boolean' ? 'boolean' : 'string', ...(spec.short ? { short: spec.short } : {}) };
  }
  return options;
}

/** The `--help` lines of the CLI flags. */
export function cliHelp(): string {
  return OPTIONS.filter((o) => o.cli)
    .map((o) => `  ${(o.short ? `-${o.short}, ` : '    ') + `--${o.name}${o.kind === 'boolean' ? '' : ' <' + o.kind + '>'}`}`.padEnd(34) + o.description + (o.default && o.kind !== 'boolean' ? ` (default ${o.default})` : ''))
    .join('\n');
}

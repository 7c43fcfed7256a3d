/** `loadtest run plan.yaml` — runs a plan here (or over local worker processes). */
import { resolve } from 'node:path';
import type { Command, CliIO } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { cliHelp, cliParseConfig, validateOptions, type OptionValues } from '../../options.js';
import { UsageError } from '../../errors.js';
import { loadPlanFile } from '../../plan/load.js';
import { parseEnvNames, type TrustOptions } from '../../plan/trust.js';
import { applyOverrides } from '../../plan/overrides.js';
import { runPlan } from '../../runner.js';
import type { Result } from '../../report/result-schema.js';
import { Progress, finalTable } from '../progress.js';
import { checkOutputs, writeOutputs } from '../outputs.js';
import type { Dashboard } from '../../report/dashboard.js';
import type { Snapshot } from '../../metrics/types.js';
import type { Comparison } from '../../report/compare.js';

const usage = `Usage: loadtest run <plan.yaml> [options]

Runs the plan and prints live progress and a final table. Exit codes: 0 passed,
99 thresholds failed, 2 invalid plan or usage, 105 aborted by signal, 1 internal error.

With --controller URL (or LOADTEST_CONTROLLER) the plan runs on that controller's
agents ('loadtest serve'); --no-stream then prints the run id and exits 0.

Options:
${cliHelp()}
  --controller <url>              Submit to this controller (env LOADTEST_CONTROLLER)
  --token <token>                 The controller's token (env LOADTEST_TOKEN)
  --no-stream                     With --controller: print the run id and exit
`;

/** `--allow-env`, when given, as load options (without it the plan's own list holds, runner credentials excepted). */
export function cliTrust(opts: OptionValues): TrustOptions {
  return opts.allowEnv === undefined ? {} : { allowEnv: parseEnvNames(opts.allowEnv as string, '--allow-env') };
}

/** Runs `plan` per the options and writes the requested outputs. */
export async function runCommand(planPath: string, opts: OptionValues, io: CliIO): Promise<{ result: Result; comparison?: Comparison }> {
  const trust = cliTrust(opts);
  const loaded = loadPlanFile(resolve(io.cwd, planPath), { env: io.env, ...trust });
  const plan = applyOverrides(loaded, { vus: opts.vus as number | undefined, durationMs: opts.duration as number | undefined, target: opts.target as string | undefined });
  checkOutputs(opts, io.cwd);
  const workers = (opts.workers as number) ?? 1;
  const progress = opts.quiet ? undefined : new Progress(io.stdout, Date.now());
  let dashboard: Dashboard | undefined;
  if (opts.dashboard) {
    const { startDashboard } = await import('../../report/dashboard.js');
    dashboard = await startDashboard({ port: opts.dashboardPort as number, plan });
    io.stderr.write(`dashboard: ${dashboard.url}\n`);
  }
  // Progress and the dashboard see the same snapshots: this process's, or the merge of the workers'.
  const onSnapshot = (snap: Snapshot, vus: number) => {
    progress?.update(snap, vus);
    dashboard?.publish(snap);
  };
  let result: Result;
  try {
    if (workers > 1) {
      const { runDistributedLocal } = await import('../../cluster/local-cluster.js');
      result = await runDistributedLocal(resolve(io.cwd, planPath), {
        workers,
        signal: io.signal,
        overrides: { vus: opts.vus as number | undefined, durationMs: opts.duration as number | undefined, target: opts.target as string | undefined },
        log: (line: string) => io.stderr.write(`${line}\n`),
        onSnapshot,
        trust,
      });
    } else result = await runPlan(plan, { signal: io.signal, onSnapshot, onRehearsalSnapshot: (snap) => progress?.rehearse(snap) });
  } finally {
    await dashboard?.close();
  }
  progress?.finish();
  // --baseline: the comparison goes into the Markdown/HTML outputs and the final lines.
  let comparison: Comparison | undefined;
  if (opts.baseline) {
    const { readResultFile } = await import('../../report/load-result.js');
    const { compareResults } = await import('../../report/compare.js');
    const { comparisonCounts, comparisonHeadline } = await import('../../report/compare-text.js');
    comparison = compareResults(readResultFile(resolve(io.cwd, opts.baseline as string)), result);
    const regressed = comparison.rows.filter((r) => r.verdict === 'regressed');
    io.stdout.write(`\nCompared with ${opts.baseline}: ${comparisonCounts(comparison)}${regressed.length ? ` (${regressed.map((r) => `${r.scope} ${r.metric}`).join(', ')})` : ''}\n${comparisonHeadline(comparison)}\n`);
  }
  await writeOutputs(result, opts, io.cwd, comparison);
  return { result, comparison };
}

export const command: Command = {
  name: 'run',
  summary: 'Run a load test plan',
  usage,
  async run(argv, io) {
    const parsed = parseCommandArgs('run', argv, cliParseConfig({ controller: { type: 'string' }, token: { type: 'string' }, 'no-stream': { type: 'boolean' } }));
    const { controller, token, 'no-stream': noStream, ...values } = parsed.values;
    const { positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`run takes exactly one plan file (got ${positionals.length ? positionals.map((p) => `'${p}'`).join(' ') : 'none'}); see 'loadtest run --help'`);
    const opts = validateOptions(values as Record<string, string | boolean>, 'cli');
    if (controller || io.env.LOADTEST_CONTROLLER) {
      const { controllerRef } = await import('../../service/client.js');
      const { runRemote } = await import('./run-remote.js');
      return runRemote(positionals[0], opts, controllerRef({ controller, token }, io.env, 'run --controller'), noStream === true, io);
    }
    if (noStream) throw new UsageError('--no-stream needs --controller (or LOADTEST_CONTROLLER)');
    const { result, comparison } = await runCommand(positionals[0], opts, io);
    io.stdout.write(finalTable(result));
    // --fail-on-regression turns a passing run with regressions into exit 99.
    if (result.run.exit_code === 0 && opts.failOnRegression && comparison && comparison.summary.regressed > 0) return 99;
    return result.run.exit_code;
  },
};


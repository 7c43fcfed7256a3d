/**
 * The Action: `run()` reads the inputs (from the one options schema), dispatches on
 * `mode`, and is, with the CLI's main, the only place errors become a failed step.
 * Every mode that produces a result writes the job summary, the outputs, uploads the
 * result artifact, and (on pull requests) upserts the comparison comment.
 */
import * as core from '@actions/core';
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-file.js';
import { join, resolve } from 'node:path';
import { OPTIONS, validateOptions, type OptionValues } from '../options.js';
import { isLtError, PlanError, UsageError } from '../errors.js';
import { loadPlanFile } from '../plan/load.js';
import { applyOverrides } from '../plan/overrides.js';
import { parseEnvNames, parsePaths, type TrustOptions } from '../plan/trust.js';
import type { Plan } from '../plan/types.js';
import { runPlan } from '../runner.js';
import type { Result } from '../report/result-schema.js';
import { mdText, render } from '../report/render.js';
import { publishResult } from './publish.js';

/** Reads every action input of the options table. */
export function readInputs(): OptionValues {
  const raw: Record<string, string> = {};
  for (const o of OPTIONS) if (o.action) raw[o.name] = core.getInput(o.name);
  return validateOptions(raw, 'action');
}

const SECRET_HEADER = /authorization|cookie|token|secret|api[-_]?key|password|passwd|session/i;

/** Masks secrets from inputs, env values the plan reads, and sensitive header values. */
export function maskSecrets(opts: OptionValues, plan?: Plan): void {
  for (const k of ['githubToken', 'token'] as const) if (typeof opts[k] === 'string' && opts[k]) core.setSecret(opts[k] as string);
  if (!plan) return;
  // Encoded forms too (defence in depth: templates cannot print, see README "Trust model").
  for (const v of Object.values(plan.envValues)) for (const form of encodedForms(v)) core.setSecret(form);
  const headerSets = [plan.defaults.headers, ...plan.scenarios.flatMap((s) => collectHeaders(s.steps))];
  for (const headers of headerSets) {
    for (const [name, value] of Object.entries(headers)) {
      if (SECRET_HEADER.test(name) && !value.dynamic && value.raw) core.setSecret(value.raw);
    }
  }
}

/** A value and the encodings a template or a report could give it (base64, JSON string, URL). */
export function encodedForms(value: string): string[] {
  if (!value) return [];
  const forms = [value, Buffer.from(value, 'utf8').toString('base64'), JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];
  return [...new Set(forms)];
}

function collectHeaders(nodes: Plan['scenarios'][number]['steps']): Record<string, { raw: string; dynamic: boolean }>[] {
  return nodes.flatMap((n) => (n.kind === 'group' ? collectHeaders(n.steps) : [n.headers]));
}

/** Where this job keeps its files. */
export function workDir(): string {
  const dir = join(process.env.RUNNER_TEMP ?? resolve('.loadtest'), 'loadtest');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * What the plan may read here (README "Trust model"): the plan in the checkout may be a
 * fork's, so only the workflow's `env-allow` names (default none) and data files in the
 * plan's folder or an `allow-path` folder.
 */
export function inputTrust(opts: OptionValues): TrustOptions {
  return {
    allowEnv: parseEnvNames(opts.envAllow as string | undefined, "input 'env-allow'"),
    allowEnvFrom: "the workflow's input 'env-allow'",
    allowPaths: parsePaths(opts.allowPath as string | undefined, process.env.GITHUB_WORKSPACE ?? process.cwd()),
    allowPathsFrom: "input 'allow-path'",
  };
}

/** Loads the plan named by the inputs, with overrides applied. */
export function loadInputPlan(opts: OptionValues): Plan {
  if (!opts.plan) throw new UsageError("input 'plan' is required: the path of the YAML plan");
  const path = resolve(process.env.GITHUB_WORKSPACE ?? '.', opts.plan as string);
  const plan = loadPlanFile(path, { env: process.env, ...inputTrust(opts) });
  return applyOverrides(plan, { vus: opts.vus as number | undefined, durationMs: opts.duration as number | undefined, target: opts.target as string | undefined }, (n) => `input '${n}'`);
}

/** Writes result.json and report.html into the work dir; returns their paths. */
export function writeResultFiles(result: Result, report: Parameters<typeof render>[2] = {}): { resultPath: string; reportPath: string; dir: string } {
  const dir = workDir();
  const resultPath = join(dir, 'result.json');
  const reportPath = join(dir, 'report.html');
  writeFileAtomic(resultPath, JSON.stringify(result, null, 2) + '\n');
  writeFileAtomic(reportPath, render(result, 'html', report));
  return { resultPath, reportPath, dir };
}

/** Runs `fn` with a signal that a cancelled job (SIGINT/SIGTERM) aborts. */
export async function whileCancellable<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('the job was cancelled'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function modeRun(opts: OptionValues): Promise<Result> {
  const plan = loadInputPlan(opts);
  maskSecrets(opts, plan);
  return whileCancellable((signal) =>
    runPlan(plan, {
      signal,
      runId: process.env.GITHUB_RUN_ID,
      git: gitInfo(),
      onSnapshot: (snap) => {
        const c = snap.total.counters;
        if (snap.seq % 10 === 9) core.info(`t=${snap.seq + 1}s requests=${c.requests} errors=${c.errors} (last interval)`);
      },
    }),
  );
}

/** Commit, ref and run link of this workflow run. */
export function gitInfo(): Result['run']['git'] {
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repo = process.env.GITHUB_REPOSITORY;
  const runId = process.env.GITHUB_RUN_ID;
  return {
    sha: process.env.GITHUB_SHA,
    ref: process.env.GITHUB_REF,
    run_url: repo && runId ? `${server}/${repo}/actions/runs/${runId}` : undefined,
  };
}

/**
 * A step that fails before it has a result to publish still says so where a workflow
 * looks (issue 15 point 8): outputs `passed=false`, `status=aborted`, and a job summary
 * with the reason. `result` stays unset: the example's report job keys on it.
 */
async function failureReport(message: string): Promise<void> {
  core.setOutput('passed', 'false');
  core.setOutput('status', 'aborted');
  try {
    await core.summary.addRaw(`## ❌ Load test failed\n\n${mdText(message)}\n`, true).write();
  } catch (err) {
    // Outside a runner (no GITHUB_STEP_SUMMARY) the failed step and its annotation remain.
    core.debug(`job summary not written: ${(err as Error).message}`);
  }
}

/** Turns an error into an annotation and a failed step; returns the message. */
function fail(err: unknown): string {
  let message: string;
  if (err instanceof PlanError && err.location) {
    core.error(err.message, { title: 'Invalid load test plan', file: err.location.file, startLine: err.location.line, startColumn: err.location.col });
    message = `invalid plan: ${err.message}`;
  } else if (isLtError(err)) message = err.message;
  else {
    message = `internal error: ${(err as Error)?.message ?? String(err)}`;
    if ((err as Error)?.stack) core.debug((err as Error).stack!);
  }
  core.setFailed(message);
  return message;
}

/** Entry point of the Action. */
export async function run(): Promise<void> {
  let published = false;
  try {
    const opts = readInputs();
    maskSecrets(opts);
    const mode = opts.mode as string;
    let result: Result | undefined;
    if (mode === 'run') result = await modeRun(opts);
    else {
      const { runCoordinator, runWorker, rebuildReport } = await import('./distributed.js');
      if (mode === 'worker') {
        await runWorker(opts);
        return;
      }
      result = mode === 'coordinator' ? await runCoordinator(opts) : await rebuildReport(opts);
    }
    published = true; // from here on, publishResult sets the outputs itself
    await publishResult(result, opts);
  } catch (err) {
    const message = fail(err);
    if (!published) await failureReport(message);
  }
}

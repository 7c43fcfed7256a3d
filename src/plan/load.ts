/**
 * YAML text → validated, resolved Plan. Parses with positions (so every error names
 * file:line:col), validates with zod, resolves sugar, and hashes the result so workers
 * can refuse a different plan. This module is the plan layer's entry point.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isLtError, PlanError } from '../errors.js';
import { planHash } from './hash.js';
import { DEFAULT_LIMITS } from './limits.js';
import { Locator } from './locate.js';
import { checkRunLoad } from './profiles.js';
import { resolvePlan } from './resolve.js';
import type { Plan } from './types.js';
import { applyWeights } from './weights.js';
import { checkPlanSize, parsePlanYaml, planSizeLimit } from './yaml-source.js';
import type { TrustOptions } from './trust.js';

export { planHash } from './hash.js';

/** Options of loadPlan / loadPlanFile. */
export interface LoadOptions extends TrustOptions {
  /**
   * Environment the plan's `env:` allow-list reads from (default: none, so nothing leaks
   * by accident). LOADTEST_MAX_PLAN_SIZE in it raises the plan size limit.
   */
  env?: Record<string, string | undefined>;
  /** Directory data files are relative to (default: the plan file's directory). */
  baseDir?: string;
}

/** First line of a yaml parser message, without its own position suffix (we print ours). */
function yamlMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '');
}

/**
 * Parses and resolves plan text. `file` is used in messages and for the plan's name
 * when it has none. Throws PlanError whose message starts with `file:line:col:`.
 */
export function loadPlan(text: string, file: string, opts: LoadOptions = {}): Plan {
  const { doc, lines } = parsePlanYaml(text, file, planSizeLimit(opts.env));
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0] ?? lines.linePos(yamlError.pos[0]);
    throw new PlanError(`${file}:${pos.line}:${pos.col}: YAML syntax error: ${yamlMessage(yamlError.message)}`, { location: { file, line: pos.line, col: pos.col } });
  }
  const loc = new Locator(file, doc, lines);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // e.g. an alias bomb (maxAliasCount) or an alias to an undefined anchor.
    throw new PlanError(`${file}:1:1: YAML error: ${yamlMessage((err as Error).message)}`, { location: { file, line: 1, col: 1 }, cause: err });
  }
  const plan = applyWeights(resolvePlan(loc, raw, file, { ...opts, env: opts.env ?? {}, baseDir: opts.baseDir ?? dirname(resolve(file)) }));
  // VUs and rates summed over the run: after weights, which split one profile between scenarios.
  checkRunLoad(loc, plan.scenarios, plan.limits ?? DEFAULT_LIMITS);
  return { ...plan, hash: planHash(plan) };
}

/**
 * Reads and loads a plan file. Messages name the file relative to the working
 * directory when it is inside it. A missing or unreadable file is a PlanError too.
 */
export function loadPlanFile(path: string, opts: LoadOptions = {}): Plan {
  const abs = resolve(path);
  const rel = relative(process.cwd(), abs);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  let text: string;
  try {
    // The size is checked on the open file before reading it: a 5 GB "plan" is refused without reading it.
    const fd = openSync(abs, 'r');
    try {
      const st = fstatSync(fd);
      if (st.isFile()) checkPlanSize(shown, st.size, planSizeLimit(opts.env));
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (isLtError(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new PlanError(`${shown}: cannot read plan: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (err as Error).message)}`, { cause: err });
  }
  return loadPlan(text, shown, { baseDir: dirname(abs), ...opts });
}

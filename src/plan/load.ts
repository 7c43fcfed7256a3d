/**
 * YAML text → validated, resolved Plan. Parses with positions (so every error names
 * file:line:col), validates with zod, resolves sugar, and hashes the result so
 * workers can refuse a different plan.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { PlanError } from '../errors.js';
import { Locator } from './locate.js';
import { Resolver } from './resolve.js';
import type { Plan } from './types.js';

export interface LoadOptions {
  /** Environment for the plan's `env:` allow-list (default: none). */
  env?: Record<string, string | undefined>;
  /** Directory data files are relative to (default: the plan file's). */
  baseDir?: string;
}

/** sha256 of the plan's content (not where it came from, nor env values). */
export function planHash(plan: Omit<Plan, 'hash'>): string {
  const { file: _file, envValues: _env, ...content } = plan;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Parses and resolves plan text. Throws PlanError with a located message. */
export function loadPlan(text: string, file: string, opts: LoadOptions = {}): Plan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc = new Locator(file, doc, lines);
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0] ?? lines.linePos(yamlError.pos[0]);
    const msg = yamlError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new PlanError(`${file}:${pos.line}:${pos.col}: YAML syntax error: ${msg}`, { location: { file, line: pos.line, col: pos.col } });
  }
  const raw = doc.toJS({ maxAliasCount: 100 });
  const resolver = new Resolver(loc, { env: opts.env ?? {}, baseDir: opts.baseDir ?? dirname(resolve(file)) });
  const plan = resolver.plan(raw, file);
  return { ...plan, hash: planHash(plan) };
}

/** Reads and loads a plan file; a missing file is a usage-level PlanError. */
export function loadPlanFile(path: string, opts: LoadOptions = {}): Plan {
  let text: string;
  const shown = relative(process.cwd(), path) || path;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PlanError(`cannot read plan ${shown}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  return loadPlan(text, shown.startsWith('..') ? path : shown, { baseDir: dirname(path), ...opts });
}

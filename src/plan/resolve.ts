/**
 * Raw plan (parsed YAML) → resolved Plan, less its hash. The plan-level keys live here;
 * steps are read by steps.ts and profiles by profiles.ts. Every semantic error is a
 * located PlanError (locate.ts).
 */
import { basename, extname, resolve as resolvePath } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import * as S from './schema.js';
import { PlanError } from '../errors.js';
import { DEFAULT_LIMITS, limitMessage, parseLimit, withLimits, type LimitKey, type Limits } from './limits.js';
import { check, fail, show, type Locator, type Path } from './locate.js';
import { resolveProfile } from './profiles.js';
import { extractedNames, newStepScope, requestsPerIteration, StepReader, type StepScope } from './steps.js';
import { didYouMean, parseDurationMs, parseSizeBytes } from './units.js';
import { neverReadable, type TrustOptions } from './trust.js';
import { readPlanFile, type PlanFiles } from './plan-files.js';
import type { DataSource, Plan, Scenario, Threshold } from './types.js';
import { stepsWithTags, tagDimensions, taggedSteps, tagText, type TaggedStep } from './tag-index.js';
import type * as z from 'zod';
import { expressionOf, parseThresholdObject, parseThresholdString, thresholdSchemaFor, ThresholdSyntaxError, type RawThresholdObject } from '../thresholds/parse.js';

/** Defaults of keys a plan may leave out. */
export const PLAN_DEFAULTS = {
  timeoutMs: 30_000,
  /** Shorter than k6's 30 s: CI minutes are paid for, and 10 s covers normal requests. */
  gracefulStopMs: 10_000,
  maxBodyBytes: 1024 * 1024,
  /** Fixed so that two runs of the same plan draw the same random streams. */
  seed: 1,
  /**
   * Saturation limits (issue 10). At 10,000 arrivals/s against nginx on the 2-core
   * machine (`chrt -f 10 node dist/cli.mjs run`, 8 s constant_rate, 5 runs, seconds
   * 0–2 read), lag p99 was 1.4–6.1 ms in 14 of 15 intervals (one 12.2 ms), and
   * event-loop p99 1.0–8.7 ms in the steady seconds of one `nice -n -15` run; 10 ms /
   * 20 ms sit just above that and well below the latencies people gate on.
   */
  generator: { maxLagP99Ms: 10, maxEventLoopP99Ms: 20 },
} as const;

const ms = (d: string): number => parseDurationMs(d)!;

/** Where to find data files and which environment to capture. */
export interface ResolveOptions extends TrustOptions {
  env: Record<string, string | undefined>;
  baseDir: string;
}

function readData(loc: Locator, raw: S.RawPlan['data'], files: PlanFiles): Record<string, DataSource> {
  const out: Record<string, DataSource> = {};
  const limits = files.limits;
  for (const [name, d] of Object.entries(raw ?? {})) {
    const p: Path = ['data', name, 'file'];
    const file = resolvePath(files.baseDir, d.file);
    const text = readPlanFile(loc, p, d.file, files, 'max_data_size', 'data file').toString('utf8');
    let rows: Record<string, unknown>[];
    try {
      if (/\.json$/i.test(file)) {
        const v: unknown = JSON.parse(text);
        if (!Array.isArray(v) || v.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) throw new Error('a JSON data file must hold an array of objects');
        rows = v as Record<string, unknown>[];
      } else rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, to: limits.max_data_rows + 1 }) as Record<string, unknown>[]; // stops one row past the limit
    } catch (err) {
      return fail(loc, p, `cannot parse data file ${show(d.file)}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (rows.length > limits.max_data_rows) fail(loc, p, limitMessage('max_data_rows', limits, `data file ${show(d.file)} (more than ${limits.max_data_rows.toLocaleString('en-US')} rows)`));
    if (rows.length === 0) fail(loc, p, `data file ${show(d.file)} has no rows${/\.json$/i.test(file) ? '' : ' (a CSV needs a header row and at least one data row)'}`);
    out[name] = { name, file: d.file, order: d.order ?? 'sequential', rows };
  }
  return out;
}

/** Every column of a data source's rows (JSON rows may differ in their keys). */
function dataColumns(d: DataSource): Set<string> {
  const out = new Set<string>();
  for (const row of d.rows) for (const k of Object.keys(row)) out.add(k);
  return out;
}

function readThreshold(loc: Locator, raw: unknown, path: Path, scopes: Map<string, StepScope>, tagged: readonly TaggedStep[]): Threshold {
  let t: Threshold;
  const isString = typeof raw === 'string';
  try {
    if (isString) t = parseThresholdString(raw);
    else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) t = parseThresholdObject(check(loc, thresholdSchemaFor(raw) as z.ZodType<RawThresholdObject>, raw, path));
    else return fail(loc, path, `must be a string like "p95 < 500" or a map {metric, condition, value} (got ${show(raw)})`);
  } catch (err) {
    if (err instanceof ThresholdSyntaxError) {
      const obj = raw as object;
      const key = isString ? undefined : 'threshold' in obj ? 'threshold' : err.field;
      return fail(loc, key && key in obj ? [...path, key] : path, err.message);
    }
    throw err;
  }
  const names = [...scopes.keys()];
  if (t.scenario !== undefined && !scopes.has(t.scenario)) {
    const guess = didYouMean(t.scenario, names);
    fail(loc, isString ? path : 'threshold' in (raw as object) ? [...path, 'threshold'] : [...path, 'scenario'], `no scenario named ${show(t.scenario)}${guess ? ` (did you mean '${guess}'?)` : ''}; scenarios: ${names.join(', ')}`);
  }
  if (t.step !== undefined) {
    const steps = t.scenario !== undefined ? scopes.get(t.scenario)!.requests : new Set([...scopes.values()].flatMap((s) => [...s.requests]));
    if (!steps.has(t.step)) {
      const guess = didYouMean(t.step, steps);
      fail(loc, isString ? path : 'threshold' in (raw as object) ? [...path, 'threshold'] : [...path, 'step'], `no step named ${show(t.step)}${t.scenario !== undefined ? ` in scenario '${t.scenario}'` : ''}${guess ? ` (did you mean '${guess}'?)` : ''}; steps: ${[...steps].join(', ')}`);
    }
  }
  // A tag scope no step carries would always fail with "no data": say so before the run.
  if (t.tag && stepsWithTags(tagged, t.tag, t.scenario, t.step).length === 0) {
    const known = [...tagDimensions(tagged)].flatMap(([k, values]) => [...values.keys()].map((v) => `${k}=${v}`));
    fail(loc, isString ? path : 'threshold' in (raw as object) ? [...path, 'threshold'] : [...path, 'tag'], `no step${t.scenario !== undefined ? ` in scenario '${t.scenario}'` : ''}${t.step !== undefined ? ` named '${t.step}'` : ''} carries the tags {${tagText(t.tag)}}; ${known.length ? `tags in this plan: ${known.join(', ')}` : 'no step in this plan has tags'}`);
  }
  return t;
}

/**
 * A capacity criterion: a threshold in the plan's syntax, judged on each step of the
 * search's own scenario (a scope may name one of its steps, not another scenario).
 */
function readCriterion(loc: Locator, raw: unknown, path: Path, scenario: string, scopes: Map<string, StepScope>, tagged: readonly TaggedStep[]): Threshold {
  const t = readThreshold(loc, raw, path, scopes, tagged);
  const at = raw !== null && typeof raw === 'object' ? [...path, 'abort_on_fail' in raw ? 'abort_on_fail' : 'scenario' in raw ? 'scenario' : 'threshold'] : path;
  if (t.abortOnFail) fail(loc, at, 'abort_on_fail does not apply to a capacity criterion: the first step that fails one ends the search');
  if (t.scenario !== undefined && t.scenario !== scenario) fail(loc, at, `a capacity criterion judges the steps of its own scenario ('${scenario}'), not '${t.scenario}'; write it without the scenario, e.g. "${expressionOf({ ...t, scenario: undefined })}"`);
  if (t.step !== undefined && !scopes.get(scenario)!.requests.has(t.step)) fail(loc, at, `no step named '${t.step}' in scenario '${scenario}'; steps: ${[...scopes.get(scenario)!.requests].join(', ')}`);
  return { ...t, scenario };
}

/** Common misplacements inside a scenario: profile fields and step fields. */
function scenarioKeyHint(key: string): string | undefined {
  if (key === 'type' || Object.values(S.PROFILES).some((p) => key in p.shape)) return `'${key}' belongs under profile:, e.g. profile: { type: constant, vus: 10 }`;
  if (key in S.requestStep.shape) return `'${key}' belongs to a step under steps:`;
  return undefined;
}

function readTarget(loc: Locator, target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  let u: URL | undefined;
  try {
    u = new URL(target);
  } catch {
    /* reported below */
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) fail(loc, ['target'], `must be an absolute http(s) URL like http://127.0.0.1:8080 (got ${show(target)})`);
  return target;
}

/** The plan's `limits:` over the defaults; undefined when it has none. */
function readLimits(loc: Locator, raw: unknown): Limits | undefined {
  if (raw === undefined) return undefined;
  const r = check(loc, S.plan.shape.limits, raw, ['limits'])!;
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined) continue;
    const parsed = parseLimit(k as LimitKey, v);
    if (typeof parsed === 'string') fail(loc, ['limits', k], `${parsed} (got ${show(v)})`);
    out[k as LimitKey] = parsed;
  }
  return out;
}

/** Fails at the first item past `limit` of a list or map (counted before any item is validated). */
function checkCount(loc: Locator, key: LimitKey, limits: Readonly<Limits>, n: number, at: () => Path, what: string): void {
  if (n > limits[key]) fail(loc, at(), limitMessage(key, limits, what));
}

/** Steps and groups in a raw step list, nested groups included; stops counting past `stopAt`. */
function countRawSteps(list: unknown, stopAt: number, seen = 0): number {
  if (!Array.isArray(list)) return seen;
  for (const item of list) {
    if (seen > stopAt) return seen;
    seen++;
    if (item !== null && typeof item === 'object' && 'steps' in item) seen = countRawSteps((item as { steps: unknown }).steps, stopAt, seen);
  }
  return seen;
}

/** Resolves a parsed document into a Plan (without `hash`). */
export function resolvePlan(loc: Locator, raw: unknown, file: string, opts: ResolveOptions): Omit<Plan, 'hash'> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(loc, [], `a plan must be a YAML map with at least 'scenarios' (got ${show(raw)})`);
  const limits = readLimits(loc, (raw as { limits?: unknown }).limits);
  const plan = withLimits(limits ?? DEFAULT_LIMITS, () => resolveWithin(loc, raw, file, opts, limits ?? DEFAULT_LIMITS));
  if (limits) plan.limits = limits;
  return plan;
}

/** Counts checked before any step, scenario or threshold is validated (so a huge plan fails fast). */
function checkCounts(loc: Locator, r: S.RawPlan, limits: Readonly<Limits>): void {
  const names = Object.keys(r.scenarios);
  checkCount(loc, 'max_scenarios', limits, names.length, () => ['scenarios', names[limits.max_scenarios]], `the number of scenarios (${names.length.toLocaleString('en-US')})`);
  checkCount(loc, 'max_thresholds', limits, r.thresholds?.length ?? 0, () => ['thresholds', limits.max_thresholds], `the number of thresholds (${(r.thresholds?.length ?? 0).toLocaleString('en-US')})`);
  let steps = countRawSteps(r.setup, limits.max_steps) + countRawSteps(r.teardown, limits.max_steps);
  for (const name of names) {
    const sc = r.scenarios[name];
    steps = countRawSteps(sc !== null && typeof sc === 'object' ? (sc as { steps?: unknown }).steps : undefined, limits.max_steps, steps);
    checkCount(loc, 'max_steps', limits, steps, () => ['scenarios', name, 'steps'], 'the number of steps');
  }
  checkCount(loc, 'max_steps', limits, steps, () => ['scenarios'], 'the number of steps');
}

function resolveWithin(loc: Locator, raw: object, file: string, opts: ResolveOptions, limits: Readonly<Limits>): Omit<Plan, 'hash'> {
  const r = check(loc, S.plan, raw, [], (key) => (key in S.scenario.shape ? `'${key}' belongs to a scenario: scenarios: { <name>: { ${key}: … } }` : undefined));
  checkCounts(loc, r, limits);
  const target = readTarget(loc, r.target);
  const env = r.env ?? [];
  const envValues: Record<string, string> = {};
  env.forEach((n, i) => {
    const never = neverReadable(n);
    if (never) fail(loc, ['env', i], never);
    if (opts.allowEnv && !opts.allowEnv.includes(n)) {
      fail(loc, ['env', i], `the plan reads ${n}, which ${opts.allowEnvFrom ?? '--allow-env'} does not allow (${opts.allowEnv.length ? `allowed: ${opts.allowEnv.join(', ')}` : 'it allows none'}); whoever runs the plan decides what it may read`);
    }
  });
  for (const n of env) {
    const v = opts.env[n];
    if (v !== undefined) envValues[n] = v;
  }
  const files: PlanFiles = { baseDir: opts.baseDir, trust: opts, limits };
  const data = readData(loc, r.data, files);
  // Defaults first: steps read them (timeout, Content-Type already set). Their templates
  // run in every scenario, so they may read any variable or column some scenario has.
  const anyVars = extractedNames(r.setup);
  for (const sc of Object.values(r.scenarios)) extractedNames((sc as { steps?: unknown })?.steps, anyVars);
  const anyColumns = Object.keys(data).length ? new Set(Object.values(data).flatMap((d) => [...dataColumns(d)])) : undefined;
  const bootstrap = new StepReader(loc, target, { timeoutMs: PLAN_DEFAULTS.timeoutMs, headers: {} }, env, files).withNames({ vars: anyVars, dataColumns: anyColumns });
  const defaults: Plan['defaults'] = {
    timeoutMs: r.defaults?.timeout !== undefined ? ms(r.defaults.timeout) : PLAN_DEFAULTS.timeoutMs,
    headers: bootstrap.textMap(r.defaults?.headers, ['defaults', 'headers']),
  };
  if (defaults.timeoutMs <= 0) fail(loc, ['defaults', 'timeout'], `must be longer than 0s (got ${show(r.defaults?.timeout)})`);
  if (r.defaults?.think_time !== undefined) defaults.thinkTime = bootstrap.thinkTime(r.defaults.think_time, ['defaults', 'think_time']);
  const reader = new StepReader(loc, target, defaults, env, files);

  // In file order (setup usually comes before scenarios), so the first error is the first in the file.
  const setupVars = extractedNames(r.setup);
  const setup = reader.withNames({ vars: setupVars }).steps(r.setup ?? [], ['setup'], newStepScope());
  const scopes = new Map<string, StepScope>();
  const searches: { name: string; capacity: NonNullable<ReturnType<typeof resolveProfile>['capacity']> }[] = [];
  const scenarios: Scenario[] = Object.entries(r.scenarios).map(([name, rawScenario]) => {
    const path: Path = ['scenarios', name];
    const sc = check(loc, S.scenario, rawScenario, path, scenarioKeyHint);
    const { executor, durationMs, capacity } = resolveProfile(loc, sc.profile, sc.duration, path, limits);
    if (capacity) {
      if (searches.length) fail(loc, [...path, 'profile', 'type'], `only one scenario of a plan may be a capacity search ('${searches[0].name}' is one): the search stops the whole run`);
      if (sc.weight !== undefined) fail(loc, [...path, 'weight'], 'does not apply to a capacity search: its rate is its own, not shared with other scenarios');
      searches.push({ name, capacity });
    }
    const scope = newStepScope();
    const source = sc.data !== undefined ? data[sc.data] : undefined;
    reader.withNames({ vars: extractedNames(sc.steps, new Set(setupVars)), dataColumns: source ? dataColumns(source) : undefined });
    const steps = reader.steps(sc.steps, [...path, 'steps'], scope);
    const perIteration = requestsPerIteration(steps);
    if (perIteration > limits.max_iteration_steps) fail(loc, [...path, 'steps'], limitMessage('max_iteration_steps', limits, `one iteration makes ${perIteration.toLocaleString('en-US')} requests, which`));
    scopes.set(name, scope);
    if (sc.data !== undefined && !data[sc.data]) {
      const known = Object.keys(data);
      const guess = didYouMean(sc.data, known);
      fail(loc, [...path, 'data'], `no data source named ${show(sc.data)}${guess ? ` (did you mean '${guess}'?)` : ''}; ${known.length ? `data sources: ${known.join(', ')}` : "define it under the plan's data:"}`);
    }
    const thinkTime = sc.think_time !== undefined ? reader.thinkTime(sc.think_time, [...path, 'think_time']) : defaults.thinkTime;
    const out: Scenario = {
      name,
      startTimeMs: sc.start_time !== undefined ? ms(sc.start_time) : 0,
      durationMs,
      gracefulStopMs: sc.graceful_stop !== undefined ? ms(sc.graceful_stop) : PLAN_DEFAULTS.gracefulStopMs,
      ...(sc.weight !== undefined ? { weight: sc.weight } : {}),
      cookies: sc.cookies ?? 'per_vu',
      onCheckFailure: sc.on_check_failure ?? 'continue',
      executor,
      steps,
    };
    if (thinkTime) out.thinkTime = thinkTime;
    if (sc.data !== undefined) out.data = sc.data;
    if (sc.tags && Object.keys(sc.tags).length) out.tags = Object.fromEntries(Object.entries(sc.tags).map(([k, v]) => [k, String(v)]));
    return out;
  });

  const maxBodyBytes = r.http?.max_body !== undefined ? parseSizeBytes(r.http.max_body)! : PLAN_DEFAULTS.maxBodyBytes;
  if (maxBodyBytes <= 0) fail(loc, ['http', 'max_body'], `must be more than 0 bytes (got ${show(r.http?.max_body)})`);
  const tagged = taggedSteps({ scenarios });
  for (const { name, capacity } of searches) {
    const { rawCriteria, ...search } = capacity;
    const criteria = rawCriteria.map((raw, i) => readCriterion(loc, raw, ['scenarios', name, 'profile', 'criteria', i], name, scopes, tagged));
    scenarios.find((s) => s.name === name)!.capacity = { ...search, criteria };
  }
  const plan: Omit<Plan, 'hash'> = {
    name: r.name ?? basename(file, extname(file)),
    file,
    seed: r.seed ?? PLAN_DEFAULTS.seed,
    thinkTimeMultiplier: r.think_time_multiplier ?? 1,
    env,
    envValues,
    defaults,
    http: { connections: r.http?.connections ?? 'per_vu', poolSize: r.http?.pool_size ?? 0, maxBodyBytes, insecure: r.http?.insecure ?? false },
    warmup: r.warmup ?? true,
    ...(r.on_worker_loss ? { onWorkerLoss: r.on_worker_loss } : {}),
    ...(r.load_tolerance !== undefined ? { loadTolerance: r.load_tolerance } : {}),
    generator: {
      maxLagP99Ms: r.generator?.max_lag_p99 !== undefined ? ms(r.generator.max_lag_p99) : PLAN_DEFAULTS.generator.maxLagP99Ms,
      maxEventLoopP99Ms: r.generator?.max_event_loop_p99 !== undefined ? ms(r.generator.max_event_loop_p99) : PLAN_DEFAULTS.generator.maxEventLoopP99Ms,
      onSaturation: r.generator?.on_saturation ?? 'warn',
    },
    data,
    setup,
    teardown: reader.withNames({ vars: extractedNames(r.teardown, new Set(setupVars)) }).steps(r.teardown ?? [], ['teardown'], newStepScope()),
    scenarios,
    thresholds: (r.thresholds ?? []).map((t, i) => readThreshold(loc, t, ['thresholds', i], scopes, tagged)),
  };
  if (target !== undefined) plan.target = target;
  return plan;
}

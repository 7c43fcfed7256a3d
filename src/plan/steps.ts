/**
 * Steps of a scenario (and of setup/teardown): requests and `repeat` groups, with their
 * templates, URLs, think times, extractors and checks resolved and checked at the YAML
 * node each came from.
 */
import type * as z from 'zod';
import * as S from './schema.js';
import { limitMessage, type Limits } from './limits.js';
import { readBodyFile, type PlanFiles } from './plan-files.js';
import { check, fail, show, unknownKey, type Locator, type Path } from './locate.js';
import { isDynamic, jsonBodyText, templateProblem, type TemplateNames } from './templates.js';
import { didYouMean, parseDurationMs } from './units.js';
import { compileLinearRegex } from '../engine/journey/linear-regex.js';
import type { Checks, Extractor, HttpMethod, JsonCheck, Plan, Step, StepNode, TemplateText, ThinkTime } from './types.js';

const ms = (d: string): number => parseDurationMs(d)!;

/**
 * Named think-time profiles, from the "Realistic Action Profiles" table of
 * shared/seeds/design-document.txt: Navigation Normal(1.0s, 0.3s), Content Reading
 * Normal(15s, 8s), Form Filling Normal(6s, 2s), Search/Filter Normal(3s, 1s), Purchase
 * Decision Exponential(λ = 0.05/s), i.e. mean 1/λ = 20 s.
 */
export const NAMED_THINK_TIMES: Readonly<Record<(typeof S.THINK_PROFILES)[number], ThinkTime>> = {
  navigation: { type: 'normal', meanMs: 1000, stddevMs: 300 },
  reading: { type: 'normal', meanMs: 15000, stddevMs: 8000 },
  form: { type: 'normal', meanMs: 6000, stddevMs: 2000 },
  search: { type: 'normal', meanMs: 3000, stddevMs: 1000 },
  purchase: { type: 'exponential', meanMs: 20000 },
};

/** Requests one pass over `nodes` makes when every step runs, repeats expanded. */
export function requestsPerIteration(nodes: readonly StepNode[]): number {
  let n = 0;
  for (const s of nodes) n += s.kind === 'request' ? 1 : s.repeat * requestsPerIteration(s.steps);
  return n;
}

/** Names templates provide themselves; an extracted variable may not shadow them. */
const RESERVED_VARS = ['vu', 'iteration', 'env', 'data'];

/**
 * Every extractor name in raw (unvalidated) steps, groups included: the variables
 * templates of these steps may read (read before the steps, so a step may use a
 * variable a later step extracts on the previous iteration).
 */
export function extractedNames(raw: unknown, out = new Set<string>(RESERVED_VARS)): Set<string> {
  if (!Array.isArray(raw)) return out;
  for (const item of raw) {
    if (item === null || typeof item !== 'object') continue;
    const o = item as { extract?: unknown; steps?: unknown };
    if (o.extract !== null && typeof o.extract === 'object') for (const k of Object.keys(o.extract)) out.add(k);
    extractedNames(o.steps, out);
  }
  return out;
}

/** Per-scenario bookkeeping while steps are read. */
export interface StepScope {
  /** Every step and group name seen so far → the line it was defined on. */
  names: Map<string, number>;
  /** Request step names only (threshold scopes refer to these). */
  requests: Set<string>;
}

/** A fresh scope for one scenario (or for setup/teardown). */
export function newStepScope(): StepScope {
  return { names: new Map(), requests: new Set() };
}

/** Reads steps; see the module comment. */
export class StepReader {
  constructor(
    private readonly loc: Locator,
    private readonly target: string | undefined,
    private readonly defaults: Plan['defaults'],
    private readonly env: readonly string[],
    private readonly files: PlanFiles,
  ) {}

  private get limits(): Readonly<Limits> {
    return this.files.limits;
  }

  /** Fails at `path` when a think time's ms are over limits.max_duration (a bare string is not zod-checked). */
  private boundThink(t: ThinkTime, raw: unknown, path: Path): ThinkTime {
    const longest = t.type === 'fixed' ? t.ms : t.type === 'uniform' ? t.maxMs : t.type === 'normal' ? Math.max(t.meanMs, t.stddevMs) : t.meanMs;
    if (longest > this.limits.max_duration) fail(this.loc, path, `${limitMessage('max_duration', this.limits)} (got ${show(raw)})`);
    return t;
  }

  /** Names templates may read from here on (undefined: variables are not checked). */
  private names: TemplateNames | undefined;

  /** Sets the names the next steps' templates may read (per scenario). */
  withNames(names: TemplateNames | undefined): this {
    this.names = names;
    return this;
  }

  /** Any think-time form (THINK_TIME_HELP) → a distribution in ms. */
  thinkTime(raw: unknown, path: Path): ThinkTime {
    if (typeof raw === 'string') {
      if (raw in NAMED_THINK_TIMES) return NAMED_THINK_TIMES[raw as keyof typeof NAMED_THINK_TIMES];
      const d = parseDurationMs(raw);
      if (d !== undefined) return this.boundThink({ type: 'fixed', ms: d }, raw, path);
      const guess = /\d/.test(raw) ? undefined : didYouMean(raw, S.THINK_PROFILES);
      return fail(this.loc, path, `${guess ? `unknown think-time profile (did you mean '${guess}'?); ` : ''}must be ${S.THINK_TIME_HELP} (got ${show(raw)})`);
    }
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const keys = Object.keys(raw);
      const form = keys.find((k): k is keyof typeof S.thinkTimeForms => k in S.thinkTimeForms);
      if (!form) {
        const k = keys[0] ?? '';
        if (k) throw this.loc.error(path, unknownKey(k, Object.keys(S.thinkTimeForms)), k);
        return fail(this.loc, path, `must be ${S.THINK_TIME_HELP} (got {})`);
      }
      const v = check(this.loc, S.thinkTimeForms[form] as z.ZodType<Record<string, unknown>>, raw, path);
      if (form === 'uniform') {
        const [lo, hi] = (v.uniform as [string, string]).map(ms);
        if (hi < lo) fail(this.loc, [...path, 'uniform'], `the upper bound must not be below the lower (got ${show(v.uniform)})`);
        return { type: 'uniform', minMs: lo, maxMs: hi };
      }
      if (form === 'normal') {
        const n = v.normal as { mean: string; stddev: string };
        return { type: 'normal', meanMs: ms(n.mean), stddevMs: ms(n.stddev) };
      }
      const mean = ms((v.exponential as { mean: string }).mean);
      if (mean <= 0) fail(this.loc, [...path, 'exponential', 'mean'], 'must be longer than 0s (got 0)');
      return { type: 'exponential', meanMs: mean };
    }
    return fail(this.loc, path, `must be ${S.THINK_TIME_HELP} (got ${show(raw)}${typeof raw === 'number' ? '; a bare number has no unit' : ''})`);
  }

  /** Request text; `{{ }}` is syntax-checked here so a bad template never reaches a run. */
  template(text: string, path: Path): TemplateText {
    const problem = templateProblem(text, this.env, this.names);
    if (problem) fail(this.loc, path, `${problem} (in ${show(text)})`);
    return { raw: text, dynamic: isDynamic(text) };
  }

  /** Header/query maps: every value becomes template text. */
  textMap(raw: Record<string, string | number | boolean> | undefined, path: Path): Record<string, TemplateText> {
    const out: Record<string, TemplateText> = {};
    for (const [k, v] of Object.entries(raw ?? {})) out[k] = this.template(String(v), [...path, k]);
    return out;
  }

  /** A step URL: absolute http(s), or relative to the plan's target. */
  url(text: string, path: Path): TemplateText {
    const t = this.template(text, path);
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1];
    if (t.dynamic && text.trimStart().startsWith('{{')) return t; // the base itself comes from a template, e.g. {{env.BASE_URL}}/x
    if (!scheme && !this.target) fail(this.loc, path, `is relative but the plan has no target; set target: http://host:port or use an absolute http(s) URL (got ${show(text)})`);
    if (scheme && !/^https?$/i.test(scheme)) fail(this.loc, path, `must be an http or https URL (got ${show(text)}${/^\d+$/.test(text.slice(scheme.length + 1, scheme.length + 2)) ? '; add http:// in front' : ''})`);
    if (t.dynamic) return t;
    try {
      const u = new URL(text, this.target);
      if (!u.hostname) throw new Error('no host');
    } catch {
      fail(this.loc, path, `is not a valid URL (got ${show(text)})`);
    }
    return t;
  }

  extractors(raw: Record<string, unknown> | undefined, path: Path): Record<string, Extractor> {
    const out: Record<string, Extractor> = {};
    for (const [name, value] of Object.entries(raw ?? {})) {
      const p = [...path, name];
      if (RESERVED_VARS.includes(name)) fail(this.loc, p, `'${name}' is reserved for templates (${RESERVED_VARS.join(', ')}); pick another variable name`);
      const e = check(this.loc, S.extractor, value, p);
      const kinds = (['json', 'regex', 'header', 'cookie'] as const).filter((k) => e[k] !== undefined);
      if (kinds.length !== 1) fail(this.loc, p, `needs exactly one of json, regex, header, cookie (got ${kinds.length ? kinds.join(', ') : 'none'})`);
      if (e.group !== undefined && e.regex === undefined) fail(this.loc, [...p, 'group'], 'only applies to a regex extractor');
      if (e.json !== undefined) {
        if (!/^\$./.test(e.json.trim())) fail(this.loc, [...p, 'json'], `must be a JSONPath starting with $, e.g. $.auth.token (got ${show(e.json)})`);
        out[name] = { from: 'json', path: e.json.trim() };
      } else if (e.regex !== undefined) {
        const compiled = compileLinearRegex(e.regex);
        if (!compiled.ok) fail(this.loc, [...p, 'regex'], compiled.message);
        const groups = compiled.re.groupCount;
        if (e.regex === '') fail(this.loc, [...p, 'regex'], 'must not be empty');
        const group = e.group ?? (groups > 0 ? 1 : 0);
        if (group > groups) fail(this.loc, [...p, 'group'], `the pattern has ${groups} capture group(s) (got ${group})`);
        out[name] = { from: 'regex', pattern: e.regex, group };
      } else if (e.header !== undefined) out[name] = { from: 'header', name: e.header };
      else out[name] = { from: 'cookie', name: e.cookie! };
    }
    return out;
  }

  checks(raw: unknown, path: Path): Checks | undefined {
    if (raw === undefined) return undefined;
    const c = check(this.loc, S.checks, raw, path);
    const out: Checks = {};
    if (c.status !== undefined) out.status = Array.isArray(c.status) ? c.status : [c.status];
    if (c.body_contains !== undefined) out.bodyContains = c.body_contains;
    if (c.body_matches !== undefined) {
      const compiled = compileLinearRegex(c.body_matches);
      if (!compiled.ok) fail(this.loc, [...path, 'body_matches'], compiled.message);
      out.bodyMatches = c.body_matches;
    }
    if (c.json) {
      out.json = [];
      for (const [jp, cond] of Object.entries(c.json)) {
        if (!/^\$./.test(jp)) throw this.loc.error([...path, 'json'], `keys must be JSONPaths starting with $, e.g. $.items.length (got ${show(jp)})`, jp);
        if (cond !== null && typeof cond === 'object' && !Array.isArray(cond)) {
          const entries = Object.entries(cond);
          if (entries.length === 0) fail(this.loc, [...path, 'json', jp], `needs a comparison (${S.JSON_OPS.join(', ')})`);
          for (const [op, value] of entries) {
            if (!(S.JSON_OPS as readonly string[]).includes(op)) {
              const guess = didYouMean(op, S.JSON_OPS);
              throw this.loc.error([...path, 'json', jp], `unknown comparison${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${S.JSON_OPS.join(', ')}`, op);
            }
            if (['gt', 'gte', 'lt', 'lte'].includes(op) && typeof value !== 'number') fail(this.loc, [...path, 'json', jp, op], `must be a number (got ${show(value)})`);
            out.json.push({ path: jp, op: op as JsonCheck['op'], value });
          }
        } else out.json.push({ path: jp, op: 'eq', value: cond });
      }
    }
    if (c.header) out.header = c.header;
    if (c.max_duration !== undefined) {
      out.maxDurationMs = ms(c.max_duration);
      if (out.maxDurationMs <= 0) fail(this.loc, [...path, 'max_duration'], `must be longer than 0s (got ${show(c.max_duration)})`);
    }
    return out;
  }

  private claim(name: string, p: Path, scope: StepScope, what: 'step' | 'group'): void {
    const first = scope.names.get(name);
    if (first !== undefined) fail(this.loc, [...p, what === 'step' ? 'name' : 'group'], `${what} name ${show(name)} is already used on line ${first} of this scenario; step and group names must be unique`);
    scope.names.set(name, this.loc.position([...p, what === 'step' ? 'name' : 'group']).line);
  }

  /** A list of steps and groups. */
  steps(list: unknown[], path: Path, scope: StepScope): StepNode[] {
    return list.map((item, i) => this.node(item, [...path, i], scope));
  }

  private node(item: unknown, p: Path, scope: StepScope): StepNode {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return fail(this.loc, p, `must be a step (a map with name, method, url) or a group ({group, repeat, steps}) (got ${show(item)})`);
    if ('group' in item) {
      const g = check(this.loc, S.groupStep, item, p);
      this.claim(g.group, p, scope, 'group');
      const group: StepNode = { kind: 'group', name: g.group, repeat: g.repeat ?? 1, probability: g.probability ?? 1, steps: this.steps(g.steps, [...p, 'steps'], scope) };
      // Nested repeats multiply: 1000 × 1000 × 1000 would be an iteration that never ends.
      const n = requestsPerIteration([group]);
      if (n > this.limits.max_iteration_steps) fail(this.loc, [...p, 'repeat'], limitMessage('max_iteration_steps', this.limits, `this group makes ${n.toLocaleString('en-US')} requests per iteration, which`));
      return group;
    }
    const s = check(this.loc, S.requestStep, item, p, (key) => (key === 'repeat' || key === 'steps' ? `'${key}' belongs to a group: {group: name, repeat: 3, steps: [...]}` : undefined));
    this.claim(s.name, p, scope, 'step');
    scope.requests.add(s.name);
    const method = (s.method ?? 'GET').toUpperCase();
    if (!(S.METHODS as readonly string[]).includes(method)) {
      const guess = didYouMean(method, S.METHODS);
      fail(this.loc, [...p, 'method'], `must be one of ${S.METHODS.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''} (got ${show(s.method)})`);
    }
    if (s.body !== undefined && s.json !== undefined) fail(this.loc, [...p, 'json'], 'give either body or json, not both');
    if (s.body_file !== undefined && (s.body !== undefined || s.json !== undefined)) fail(this.loc, [...p, 'body_file'], `give one of body, body_file or json, not both body_file and ${s.body !== undefined ? 'body' : 'json'}`);
    const headerCount = new Set([...Object.keys(this.defaults.headers), ...Object.keys(s.headers ?? {})].map((k) => k.toLowerCase())).size;
    if (headerCount > this.limits.max_headers) fail(this.loc, [...p, 'headers'], limitMessage('max_headers', this.limits, `the number of headers (${headerCount}, defaults included)`));
    const headers = this.textMap(s.headers, [...p, 'headers']);
    let body: TemplateText | undefined;
    if (s.body !== undefined) {
      this.boundBody(s.body, [...p, 'body']);
      body = this.template(s.body, [...p, 'body']);
    }
    if (s.body_file !== undefined) body = readBodyFile(this.loc, [...p, 'body_file'], s.body_file, this.files);
    if (s.json !== undefined) {
      const text = jsonBodyText(s.json);
      this.boundBody(text, [...p, 'json']);
      this.checkJsonTemplates(s.json, [...p, 'json']);
      body = { raw: text, dynamic: isDynamic(text), json: true };
      const all = { ...this.defaults.headers, ...headers };
      if (!Object.keys(all).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = { raw: 'application/json', dynamic: false };
    }
    const timeoutMs = s.timeout !== undefined ? ms(s.timeout) : this.defaults.timeoutMs;
    if (timeoutMs <= 0) fail(this.loc, [...p, 'timeout'], `must be longer than 0s (got ${show(s.timeout)})`);
    const step: Step = {
      kind: 'request',
      name: s.name,
      method: method as HttpMethod,
      url: this.url(s.url, [...p, 'url']),
      query: this.textMap(s.query, [...p, 'query']),
      headers,
      body,
      timeoutMs,
      followRedirects: s.follow_redirects ?? true,
      thinkTime: s.think_time !== undefined ? this.thinkTime(s.think_time, [...p, 'think_time']) : undefined,
      probability: s.probability ?? 1,
      extract: this.extractors(s.extract, [...p, 'extract']),
      checks: this.checks(s.checks, [...p, 'checks']),
      tags: Object.fromEntries(Object.entries(s.tags ?? {}).map(([k, v]) => [k, String(v)])),
      line: this.loc.position(p).line,
    };
    if (step.body === undefined) delete step.body;
    if (step.thinkTime === undefined) delete step.thinkTime;
    if (step.checks === undefined) delete step.checks;
    return step;
  }

  /** Fails when an inline body is over limits.max_inline_body (checked before its templates are parsed). */
  private boundBody(text: string, path: Path): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.limits.max_inline_body) fail(this.loc, path, limitMessage('max_inline_body', this.limits, `this body (${bytes.toLocaleString('en-US')} bytes)`));
  }

  /** Template-checks every string inside a `json:` value at its own node. */
  private checkJsonTemplates(value: unknown, path: Path): void {
    if (typeof value === 'string') this.template(value, path);
    else if (Array.isArray(value)) value.forEach((v, i) => this.checkJsonTemplates(v, [...path, i]));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) this.checkJsonTemplates(v, [...path, k]);
  }
}

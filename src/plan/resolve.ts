/**
 * Raw (validated) plan → resolved Plan: profiles become executors with stages,
 * durations and sizes become numbers, templates are syntax-checked, data files are
 * loaded, thresholds are parsed and their scopes checked. Every semantic error is a
 * located PlanError.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, resolve as resolvePath } from 'node:path';
import Handlebars from 'handlebars';
import { parse as parseCsv } from 'csv-parse/sync';
import * as S from './schema.js';
import { check, fail, show, type Locator, type Path } from './locate.js';
import { didYouMean, parseDurationMs, parseSizeBytes } from './units.js';
import type { Checks, DataSource, Executor, Extractor, HttpMethod, JsonCheck, Plan, Scenario, Stage, Step, StepNode, TemplateText, Threshold, ThinkTime } from './types.js';
import { parseThresholdObject, parseThresholdString, ThresholdSyntaxError } from '../thresholds/parse.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_GRACEFUL_STOP_MS = 10_000;
const DEFAULT_MAX_DURATION_MS = 600_000;
const DEFAULT_MAX_BODY = 1024 * 1024;

/** Named think-time profiles (seeds/design-document.txt "Realistic Action Profiles"; purchase: λ = 0.05/s). */
const NAMED_THINK: Record<(typeof S.THINK_PROFILES)[number], ThinkTime> = {
  navigation: { type: 'normal', meanMs: 1000, stddevMs: 300 },
  reading: { type: 'normal', meanMs: 15000, stddevMs: 8000 },
  form: { type: 'normal', meanMs: 6000, stddevMs: 2000 },
  search: { type: 'normal', meanMs: 3000, stddevMs: 1000 },
  purchase: { type: 'exponential', meanMs: 20000 },
};

const ms = (d: string) => parseDurationMs(d)!;

export interface ResolveOptions {
  env: Record<string, string | undefined>;
  baseDir: string;
}

export class Resolver {
  constructor(
    private readonly loc: Locator,
    private readonly opts: ResolveOptions,
  ) {}

  thinkTime(raw: unknown, path: Path): ThinkTime {
    const v = check(this.loc, S.thinkTime, raw, path);
    if (typeof v === 'string') {
      if (v in NAMED_THINK) return NAMED_THINK[v as keyof typeof NAMED_THINK];
      const d = parseDurationMs(v);
      if (d === undefined) {
        const guess = didYouMean(v, S.THINK_PROFILES);
        fail(this.loc, path, `must be a duration (e.g. 2s) or a profile (${S.THINK_PROFILES.join(', ')})${guess ? `; did you mean '${guess}'?` : ''} (got ${show(v)})`);
      }
      return { type: 'fixed', ms: d };
    }
    if ('uniform' in v) {
      const [a, b] = v.uniform.map(ms);
      if (b < a) fail(this.loc, [...path, 'uniform'], `the upper bound must not be below the lower (got ${show(v.uniform)})`);
      return { type: 'uniform', minMs: a, maxMs: b };
    }
    if ('normal' in v) return { type: 'normal', meanMs: ms(v.normal.mean), stddevMs: ms(v.normal.stddev) };
    return { type: 'exponential', meanMs: ms(v.exponential.mean) };
  }

  template(text: string, path: Path): TemplateText {
    const dynamic = text.includes('{{');
    if (dynamic) {
      try {
        Handlebars.parse(text);
      } catch (err) {
        const first = String((err as Error).message).split('\n').filter((l) => l.trim() && !/^-*\^$/.test(l.trim())).slice(-1)[0] ?? 'syntax error';
        fail(this.loc, path, `template syntax error: ${first} (in ${show(text)})`);
      }
    }
    return { raw: text, dynamic };
  }

  headers(raw: Record<string, string | number | boolean> | undefined, path: Path): Record<string, TemplateText> {
    const out: Record<string, TemplateText> = {};
    for (const [k, v] of Object.entries(raw ?? {})) out[k] = this.template(String(v), [...path, k]);
    return out;
  }

  url(text: string, path: Path, target: string | undefined): TemplateText {
    const t = this.template(text, path);
    if (t.dynamic) return t;
    let u: URL;
    try {
      u = new URL(text, target);
    } catch {
      return fail(this.loc, path, target ? `is not a valid URL (got ${show(text)})` : `is relative but the plan has no target; set 'target' or use an absolute http(s) URL (got ${show(text)})`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') fail(this.loc, path, `must be an http or https URL (got ${show(text)})`);
    return t;
  }

  extractors(raw: Record<string, unknown> | undefined, path: Path): Record<string, Extractor> {
    const out: Record<string, Extractor> = {};
    for (const [name, value] of Object.entries(raw ?? {})) {
      const p = [...path, name];
      const e = check(this.loc, S.extractor, value, p);
      const kinds = (['json', 'regex', 'header', 'cookie'] as const).filter((k) => e[k] !== undefined);
      if (kinds.length !== 1) fail(this.loc, p, `needs exactly one of json, regex, header, cookie (got ${kinds.length ? kinds.join(', ') : 'none'})`);
      if (e.json !== undefined) {
        if (!e.json.startsWith('$')) fail(this.loc, [...p, 'json'], `must be a JSONPath starting with $ (got ${show(e.json)})`);
        out[name] = { from: 'json', path: e.json };
      } else if (e.regex !== undefined) {
        try {
          new RegExp(e.regex);
        } catch (err) {
          fail(this.loc, [...p, 'regex'], `is not a valid regular expression: ${(err as Error).message}`);
        }
        out[name] = { from: 'regex', pattern: e.regex, group: e.group ?? 1 };
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
      try {
        new RegExp(c.body_matches);
      } catch (err) {
        fail(this.loc, [...path, 'body_matches'], `is not a valid regular expression: ${(err as Error).message}`);
      }
      out.bodyMatches = c.body_matches;
    }
    if (c.json) {
      out.json = [];
      for (const [jp, cond] of Object.entries(c.json)) {
        if (!jp.startsWith('$')) fail(this.loc, [...path, 'json'], `keys must be JSONPaths starting with $ (got ${show(jp)})`);
        if (cond !== null && typeof cond === 'object') {
          for (const [op, value] of Object.entries(cond)) {
            if (!(S.JSON_OPS as readonly string[]).includes(op)) {
              const guess = didYouMean(op, S.JSON_OPS);
              fail(this.loc, [...path, 'json', jp], `unknown comparison '${op}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${S.JSON_OPS.join(', ')}`);
            }
            out.json.push({ path: jp, op: op as JsonCheck['op'], value });
          }
        } else out.json.push({ path: jp, op: 'eq', value: cond });
      }
    }
    if (c.header) out.header = c.header;
    if (c.max_duration) out.maxDurationMs = ms(c.max_duration);
    return out;
  }

  steps(list: unknown[], path: Path, target: string | undefined, defaults: Plan['defaults'], names: Set<string>): StepNode[] {
    return list.map((item, i) => {
      const p = [...path, i];
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return fail(this.loc, p, `must be a step (a map with name, method, url) (got ${show(item)})`);
      if ('group' in item) {
        const g = check(this.loc, S.groupStep, item, p);
        return { kind: 'group', name: g.group, repeat: g.repeat ?? 1, probability: g.probability ?? 1, steps: this.steps(g.steps, [...p, 'steps'], target, defaults, names) };
      }
      const s = check(this.loc, S.requestStep, item, p);
      if (names.has(s.name)) fail(this.loc, [...p, 'name'], `step name ${show(s.name)} is used twice in this scenario; names must be unique`);
      names.add(s.name);
      const method = (s.method ?? 'GET').toUpperCase();
      if (!(S.METHODS as readonly string[]).includes(method)) fail(this.loc, [...p, 'method'], `must be one of ${S.METHODS.join(', ')} (got ${show(s.method)})`);
      if (s.body !== undefined && s.json !== undefined) fail(this.loc, [...p, 'json'], 'give either body or json, not both');
      const headers = this.headers(s.headers, [...p, 'headers']);
      let body: TemplateText | undefined;
      if (s.body !== undefined) body = this.template(s.body, [...p, 'body']);
      if (s.json !== undefined) {
        body = this.template(JSON.stringify(s.json), [...p, 'json']);
        const all = { ...defaults.headers, ...headers };
        if (!Object.keys(all).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = { raw: 'application/json', dynamic: false };
      }
      const step: Step = {
        kind: 'request',
        name: s.name,
        method: method as HttpMethod,
        url: this.url(s.url, [...p, 'url'], target),
        query: this.headers(s.query, [...p, 'query']),
        headers,
        body,
        timeoutMs: s.timeout ? ms(s.timeout) : defaults.timeoutMs,
        followRedirects: s.follow_redirects ?? true,
        thinkTime: s.think_time !== undefined ? this.thinkTime(s.think_time, [...p, 'think_time']) : undefined,
        probability: s.probability ?? 1,
        extract: this.extractors(s.extract, [...p, 'extract']),
        checks: this.checks(s.checks, [...p, 'checks']),
        tags: Object.fromEntries(Object.entries(s.tags ?? {}).map(([k, v]) => [k, String(v)])),
        line: this.loc.position(p).line,
      };
      return step;
    });
  }

  executor(raw: Record<string, unknown>, sc: S.RawScenario, path: Path): { executor: Executor; durationMs: number } {
    const pp = [...path, 'profile'];
    const type = raw.type;
    const types = Object.keys(S.PROFILES);
    if (typeof type !== 'string' || !(type in S.PROFILES)) {
      const guess = typeof type === 'string' ? didYouMean(type, types) : undefined;
      return fail(this.loc, type === undefined ? pp : [...pp, 'type'], `${type === undefined ? 'needs a type' : 'unknown profile type'}${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${types.join(', ')}${type === undefined ? '' : ` (got ${show(type)})`}`);
    }
    const dur = sc.duration ? ms(sc.duration) : undefined;
    const needDuration = (): number => {
      if (dur === undefined) fail(this.loc, path, `needs a duration for a '${type}' profile (e.g. duration: 30s)`);
      if (dur === 0) fail(this.loc, [...path, 'duration'], 'must be longer than 0s');
      return dur;
    };
    const stagesOf = (list: { duration: string; target: number }[], scale = 1): Stage[] => list.map((s) => ({ durationMs: ms(s.duration), target: s.target * scale }));
    const sum = (st: Stage[]) => st.reduce((a, s) => a + s.durationMs, 0);
    const noDuration = (st: Stage[]) => {
      const total = sum(st);
      if (total === 0) fail(this.loc, [...pp, 'stages'], 'must add up to more than 0s');
      if (dur !== undefined && dur !== total) fail(this.loc, [...path, 'duration'], `is ${sc.duration} but the stages add up to ${total / 1000}s; remove duration or make them agree`);
      return total;
    };
    const rateVus = (p: { pre_allocated_vus?: number; max_vus?: number }) => {
      const pre = p.pre_allocated_vus ?? p.max_vus ?? 10;
      const max = p.max_vus ?? pre;
      if (pre > max) fail(this.loc, [...pp, 'pre_allocated_vus'], `(${pre}) must not exceed max_vus (${max})`);
      return { preAllocatedVus: pre, maxVus: max };
    };
    switch (type as S.ProfileType) {
      case 'constant': {
        const p = check(this.loc, S.PROFILES.constant, raw, pp);
        const d = needDuration();
        return { executor: { type: 'vus', startVus: p.vus, stages: [{ durationMs: d, target: p.vus }] }, durationMs: d };
      }
      case 'ramp_up':
      case 'ramp_down': {
        const p = check(this.loc, S.PROFILES[type as 'ramp_up'], raw, pp);
        const d = needDuration();
        if (type === 'ramp_up' && p.end_vus < p.start_vus) fail(this.loc, [...pp, 'end_vus'], `must not be below start_vus for ramp_up (${p.end_vus} < ${p.start_vus}); use ramp_down`);
        if (type === 'ramp_down' && p.end_vus > p.start_vus) fail(this.loc, [...pp, 'end_vus'], `must not be above start_vus for ramp_down (${p.end_vus} > ${p.start_vus}); use ramp_up`);
        return { executor: { type: 'vus', startVus: p.start_vus, stages: [{ durationMs: d, target: p.end_vus }] }, durationMs: d };
      }
      case 'step': {
        const p = check(this.loc, S.PROFILES.step, raw, pp);
        const d = needDuration();
        const sd = ms(p.step_duration);
        if (sd <= 0) fail(this.loc, [...pp, 'step_duration'], 'must be longer than 0s');
        if (sd > d) fail(this.loc, [...pp, 'step_duration'], `(${p.step_duration}) is longer than the scenario duration (${sc.duration}): no step would happen`);
        const stages: Stage[] = [];
        let vus = p.start_vus;
        for (let t = 0; t < d; t += sd) {
          if (t > 0) stages.push({ durationMs: 0, target: (vus += p.step_vus) });
          stages.push({ durationMs: Math.min(sd, d - t), target: vus });
        }
        return { executor: { type: 'vus', startVus: p.start_vus, stages }, durationMs: d };
      }
      case 'spike': {
        const p = check(this.loc, S.PROFILES.spike, raw, pp);
        const d = needDuration();
        const at = ms(p.spike_at);
        const sd = ms(p.spike_duration);
        if (sd <= 0) fail(this.loc, [...pp, 'spike_duration'], 'must be longer than 0s');
        if (at + sd > d) fail(this.loc, [...pp, 'spike_duration'], `the spike (at ${p.spike_at} for ${p.spike_duration}) ends after the scenario (${sc.duration})`);
        const stages: Stage[] = [
          { durationMs: at, target: p.base_vus },
          { durationMs: 0, target: p.spike_vus },
          { durationMs: sd, target: p.spike_vus },
          { durationMs: 0, target: p.base_vus },
          { durationMs: d - at - sd, target: p.base_vus },
        ].filter((s, i) => s.durationMs > 0 || i === 1 || i === 3);
        return { executor: { type: 'vus', startVus: p.base_vus, stages }, durationMs: d };
      }
      case 'stages': {
        const p = check(this.loc, S.PROFILES.stages, raw, pp);
        const stages = stagesOf(p.stages);
        return { executor: { type: 'vus', startVus: p.start_vus ?? 0, stages }, durationMs: noDuration(stages) };
      }
      case 'iterations': {
        const p = check(this.loc, S.PROFILES.iterations, raw, pp);
        if ((p.iterations === undefined) === (p.per_vu_iterations === undefined)) fail(this.loc, pp, 'needs exactly one of iterations (shared by all VUs) or per_vu_iterations');
        const max = p.max_duration ? ms(p.max_duration) : (dur ?? DEFAULT_MAX_DURATION_MS);
        if (max <= 0) fail(this.loc, [...pp, 'max_duration'], 'must be longer than 0s');
        return {
          executor: { type: 'iterations', vus: p.vus, iterations: (p.iterations ?? p.per_vu_iterations)!, perVu: p.per_vu_iterations !== undefined, maxDurationMs: max },
          durationMs: max,
        };
      }
      case 'constant_rate': {
        const p = check(this.loc, S.PROFILES.constant_rate, raw, pp);
        const d = needDuration();
        const unit = p.time_unit ? ms(p.time_unit) : 1000;
        if (unit <= 0) fail(this.loc, [...pp, 'time_unit'], 'must be longer than 0s');
        const r = p.rate / (unit / 1000);
        return { executor: { type: 'rate', startRatePerSec: r, stages: [{ durationMs: d, target: r }], ...rateVus(p) }, durationMs: d };
      }
      case 'ramping_rate': {
        const p = check(this.loc, S.PROFILES.ramping_rate, raw, pp);
        const unit = p.time_unit ? ms(p.time_unit) : 1000;
        if (unit <= 0) fail(this.loc, [...pp, 'time_unit'], 'must be longer than 0s');
        const stages = stagesOf(p.stages, 1000 / unit);
        return { executor: { type: 'rate', startRatePerSec: (p.start_rate ?? 0) * (1000 / unit), stages, ...rateVus(p) }, durationMs: noDuration(stages) };
      }
    }
  }

  data(raw: S.RawPlan['data']): Record<string, DataSource> {
    const out: Record<string, DataSource> = {};
    for (const [name, d] of Object.entries(raw ?? {})) {
      const p: Path = ['data', name, 'file'];
      const file = resolvePath(this.opts.baseDir, d.file);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        return fail(this.loc, p, `cannot read ${show(d.file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      let rows: Record<string, unknown>[];
      try {
        if (/\.json$/i.test(file)) {
          const v = JSON.parse(text);
          if (!Array.isArray(v) || v.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) throw new Error('a JSON data file must hold an array of objects');
          rows = v;
        } else rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, unknown>[];
      } catch (err) {
        return fail(this.loc, p, `cannot parse ${show(d.file)}: ${(err as Error).message}`);
      }
      if (rows.length === 0) fail(this.loc, p, `${show(d.file)} has no rows`);
      out[name] = { name, file: d.file, order: d.order ?? 'sequential', rows };
    }
    return out;
  }

  threshold(raw: unknown, path: Path, scenarios: Map<string, Set<string>>): Threshold {
    let t: Threshold;
    try {
      t = typeof raw === 'string' ? parseThresholdString(raw) : parseThresholdObject(check(this.loc, S.thresholdObject, raw, path));
    } catch (err) {
      if (err instanceof ThresholdSyntaxError) {
        const key = typeof raw === 'string' ? undefined : err.field === 'condition' ? 'condition' : err.field;
        return fail(this.loc, key ? [...path, key] : path, err.message);
      }
      throw err;
    }
    if (t.scenario !== undefined && !scenarios.has(t.scenario)) {
      const guess = didYouMean(t.scenario, scenarios.keys());
      fail(this.loc, typeof raw === 'string' ? path : [...path, 'scenario'], `no scenario named ${show(t.scenario)}${guess ? ` (did you mean '${guess}'?)` : ''}; scenarios: ${[...scenarios.keys()].join(', ')}`);
    }
    if (t.step !== undefined) {
      const steps = t.scenario ? scenarios.get(t.scenario)! : new Set([...scenarios.values()].flatMap((s) => [...s]));
      if (!steps.has(t.step)) {
        const guess = didYouMean(t.step, steps);
        fail(this.loc, typeof raw === 'string' ? path : [...path, 'step'], `no step named ${show(t.step)}${t.scenario ? ` in scenario '${t.scenario}'` : ''}${guess ? ` (did you mean '${guess}'?)` : ''}`);
      }
    }
    return t;
  }

  plan(raw: unknown, file: string): Omit<Plan, 'hash'> {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(this.loc, [], `a plan must be a YAML map with at least 'scenarios' (got ${show(raw)})`);
    const r = check(this.loc, S.plan, raw, []);
    let target: string | undefined;
    if (r.target !== undefined) {
      let u: URL | undefined;
      try {
        u = new URL(r.target);
      } catch {
        /* reported below */
      }
      if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) fail(this.loc, ['target'], `must be an absolute http(s) URL like http://127.0.0.1:8080 (got ${show(r.target)})`);
      target = r.target;
    }
    const defaults: Plan['defaults'] = {
      timeoutMs: r.defaults?.timeout ? ms(r.defaults.timeout) : DEFAULT_TIMEOUT_MS,
      headers: this.headers(r.defaults?.headers, ['defaults', 'headers']),
      thinkTime: r.defaults?.think_time !== undefined ? this.thinkTime(r.defaults.think_time, ['defaults', 'think_time']) : undefined,
    };
    const data = this.data(r.data);
    const envNames = r.env ?? [];
    const envValues: Record<string, string> = {};
    for (const n of envNames) {
      const v = this.opts.env[n];
      if (v !== undefined) envValues[n] = v;
    }
    const stepNames = new Map<string, Set<string>>();
    const scenarios: Scenario[] = Object.entries(r.scenarios).map(([name, sc]) => {
      const path: Path = ['scenarios', name];
      const { executor, durationMs } = this.executor(sc.profile, sc, path);
      const names = new Set<string>();
      const steps = this.steps(sc.steps, [...path, 'steps'], target, defaults, names);
      stepNames.set(name, names);
      if (sc.data !== undefined && !data[sc.data]) {
        const guess = didYouMean(sc.data, Object.keys(data));
        fail(this.loc, [...path, 'data'], `no data source named ${show(sc.data)}${guess ? ` (did you mean '${guess}'?)` : ''}; define it under the plan's data:`);
      }
      const thinkRaw = sc.think_time;
      return {
        name,
        startTimeMs: sc.start_time ? ms(sc.start_time) : 0,
        durationMs,
        gracefulStopMs: sc.graceful_stop ? ms(sc.graceful_stop) : DEFAULT_GRACEFUL_STOP_MS,
        weight: sc.weight ?? 1,
        thinkTime: thinkRaw !== undefined ? this.thinkTime(thinkRaw, [...path, 'think_time']) : defaults.thinkTime,
        cookies: sc.cookies ?? 'per_vu',
        onCheckFailure: sc.on_check_failure ?? 'continue',
        ...(sc.data !== undefined ? { data: sc.data } : {}),
        executor,
        steps,
      };
    });
    const maxBody = r.http?.max_body !== undefined ? parseSizeBytes(r.http.max_body)! : DEFAULT_MAX_BODY;
    return {
      name: r.name ?? basename(file, extname(file)),
      file,
      target,
      seed: r.seed ?? 1,
      thinkTimeMultiplier: r.think_time_multiplier ?? 1,
      env: envNames,
      envValues,
      defaults,
      http: { connections: r.http?.connections ?? 'per_vu', poolSize: r.http?.pool_size ?? 0, maxBodyBytes: maxBody, insecure: r.http?.insecure ?? false },
      data,
      setup: this.steps(r.setup ?? [], ['setup'], target, defaults, new Set()),
      teardown: this.steps(r.teardown ?? [], ['teardown'], target, defaults, new Set()),
      scenarios,
      thresholds: (r.thresholds ?? []).map((t, i) => this.threshold(t, ['thresholds', i], stepNames)),
    };
  }
}

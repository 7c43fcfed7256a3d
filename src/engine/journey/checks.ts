/**
 * Response checks, compiled once per step at plan load (regexes built, JSONPaths
 * parsed, header names lower-cased). Each failing check yields a message that names
 * the check, what was expected and what came back.
 *
 * Semantics:
 * - `status`: the status is one of the list.
 * - `body_contains` / `body_matches`: on the kept body (up to max_body); a failure on
 *   a cut body says so.
 * - `json`: compares the FIRST value the path matches. Every op but `exists` fails
 *   when the path matches nothing (a check on a field presumes the field).
 *   `eq`/`ne` compare JSON values deeply (key order ignored); `gt/gte/lt/lte` need
 *   numbers (numeric strings count); `contains` is array membership (deep) or
 *   substring; `exists` passes when something matched (`exists: false` inverts).
 * - `header`: name case-insensitive; the value must equal the expected text, or its
 *   media type (the part before `;`, case-insensitive) must — so
 *   `Content-Type: application/json` passes `application/json; charset=utf-8`.
 *   Repeated headers are joined with `, `.
 * - `max_duration`: the request's duration ≤ the limit.
 */
import type { Checks, JsonCheck } from '../../plan/types.js';
import { PlanError } from '../../errors.js';
import { cachedBody, compileJsonPath, type JsonCache, type JsonQuery } from './json-path.js';
import { compileLinearRegex } from './linear-regex.js';

/** The parts of a response checks read. Header names must be lower-case (as undici gives them). */
export interface CheckInput {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body?: string;
  /** True when `body` was cut at max_body (named in failure messages). */
  bodyTruncated?: boolean;
  durationMs: number;
  /** Shared with extractors so the body is parsed as JSON once (see ExtractInput). */
  jsonCache?: JsonCache;
}

/** One failed check. `check` is a stable short name (`status`, `json $.id`, `header content-type`…). */
export interface CheckFailure {
  check: string;
  message: string;
}

/** A step's checks, ready for the hot path. */
export interface CompiledChecks {
  /** True when a check reads the body (body_contains, body_matches, json). */
  needsBody: boolean;
  /** True when a check reads headers. */
  needsHeaders: boolean;
  /** How many checks run per response. */
  count: number;
  run(resp: CheckInput): { passed: number; failed: CheckFailure[] };
}

/** Shared empty list for the common all-passed case (callers must not push to it). */
const NO_FAILURES: CheckFailure[] = Object.freeze([]) as unknown as CheckFailure[];

/** Stands in for the cache when a step has no json checks (never read then). */
const NO_CACHE: JsonCache = Object.freeze({ parsed: undefined }) as JsonCache;

type One = { name: string; fn: (r: CheckInput, cache: JsonCache) => string | undefined };

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v.length > 80 ? v.slice(0, 77) + '...' : v}'`;
  const s = JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
};

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ka.length === Object.keys(bo).length && ka.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual((a as Record<string, unknown>)[k], bo[k]));
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);

function compileJsonCheck(c: JsonCheck, where: string): One['fn'] {
  let query: JsonQuery;
  try {
    query = compileJsonPath(c.path);
  } catch (err) {
    throw new PlanError(`${where}.json: ${(err as Error).message}`, { path: `${where}.json`, cause: err });
  }
  const exp = c.value;
  const { path, op } = c;
  const needNumber = op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte';
  const lim = num(exp);
  if (needNumber && Number.isNaN(lim)) throw new PlanError(`${where}.json.${path}.${op}: needs a number, got ${show(exp)}`, { path: `${where}.json` });
  return (r, cache) => {
    const parsed = cachedBody(r, cache);
    if (!parsed.ok) return `json ${path}: ${parsed.message}`;
    const found = query(parsed.value);
    if (op === 'exists') {
      const want = exp !== false;
      return found.length > 0 === want ? undefined : want ? `expected ${path} to exist, it matched nothing` : `expected ${path} not to exist, got ${show(found[0])}`;
    }
    if (found.length === 0) return `expected ${path} ${op} ${show(exp)}, but ${path} matched nothing`;
    const v = found[0];
    switch (op) {
      case 'eq':
        return jsonEqual(v, exp) ? undefined : `expected ${path} eq ${show(exp)}, got ${show(v)}`;
      case 'ne':
        return !jsonEqual(v, exp) ? undefined : `expected ${path} ne ${show(exp)}, got ${show(v)}`;
      case 'contains': {
        const ok = Array.isArray(v) ? v.some((x) => jsonEqual(x, exp)) : typeof v === 'string' && v.includes(String(exp));
        return ok ? undefined : `expected ${path} to contain ${show(exp)}, got ${show(v)}`;
      }
      default: {
        const n = num(v);
        if (Number.isNaN(n)) return `expected ${path} ${op} ${lim}, got ${show(v)} (not a number)`;
        const ok = op === 'gt' ? n > lim : op === 'gte' ? n >= lim : op === 'lt' ? n < lim : n <= lim;
        return ok ? undefined : `expected ${path} ${op} ${lim}, got ${n}`;
      }
    }
  };
}

/**
 * Compiles a step's checks. Throws PlanError naming `where` (e.g.
 * `scenarios.shop.steps.list.checks`) for a bad regex, JSONPath or comparison value.
 */
export function compileChecks(checks: Checks, where = 'checks'): CompiledChecks {
  const list: One[] = [];
  const cut = (r: CheckInput) => (r.bodyTruncated ? ' (body cut at max_body)' : '');
  if (checks.status) {
    const allowed = new Set(checks.status);
    const text = `[${checks.status.join(', ')}]`;
    list.push({ name: 'status', fn: (r) => (allowed.has(r.status) ? undefined : `status ${r.status || 'none'} not in ${text}`) });
  }
  if (checks.bodyContains !== undefined) {
    const s = checks.bodyContains;
    list.push({ name: 'body_contains', fn: (r) => (r.body !== undefined && r.body.includes(s) ? undefined : `body does not contain ${show(s)}${cut(r)}`) });
  }
  if (checks.bodyMatches !== undefined) {
    // Linear-time matching (linear-regex.ts): a backtracking pattern cannot stall the VU loop.
    const compiled = compileLinearRegex(checks.bodyMatches);
    if (!compiled.ok) throw new PlanError(`${where}.body_matches: ${compiled.message}`, { path: `${where}.body_matches` });
    const re = compiled.re;
    const src = checks.bodyMatches;
    list.push({ name: 'body_matches', fn: (r) => (re.exec(r.body ?? '') !== null ? undefined : `body does not match /${src}/${cut(r)}`) });
  }
  for (const c of checks.json ?? []) list.push({ name: `json ${c.path}`, fn: compileJsonCheck(c, where) });
  for (const [name, want] of Object.entries(checks.header ?? {})) {
    const h = name.toLowerCase();
    const wantLower = want.toLowerCase();
    list.push({
      name: `header ${h}`,
      fn: (r) => {
        const got = r.headers[h];
        if (got === undefined) return `header ${name}: expected ${show(want)}, the response has no ${name} header`;
        const v = Array.isArray(got) ? got.join(', ') : got;
        if (v === want) return undefined;
        const semi = v.indexOf(';');
        if (semi >= 0 && v.slice(0, semi).trim().toLowerCase() === wantLower) return undefined;
        return `header ${name}: expected ${show(want)}, got ${show(v)}`;
      },
    });
  }
  if (checks.maxDurationMs !== undefined) {
    const max = checks.maxDurationMs;
    list.push({ name: 'max_duration', fn: (r) => (r.durationMs <= max ? undefined : `took ${r.durationMs.toFixed(1)} ms > max_duration ${max} ms`) });
  }
  const needsBody = checks.bodyContains !== undefined || checks.bodyMatches !== undefined || (checks.json?.length ?? 0) > 0;
  const hasJson = (checks.json?.length ?? 0) > 0;
  const names = list.map((c) => c.name);
  const fns = list.map((c) => c.fn);
  return {
    needsBody,
    needsHeaders: Object.keys(checks.header ?? {}).length > 0,
    count: fns.length,
    run(resp) {
      // Only steps with json checks need a parse cache.
      const cache = hasJson ? (resp.jsonCache ?? { parsed: undefined }) : NO_CACHE;
      let passed = 0;
      let failed: CheckFailure[] | undefined;
      for (let i = 0; i < fns.length; i++) {
        const msg = fns[i](resp, cache);
        if (msg === undefined) passed++;
        else (failed ??= []).push({ check: names[i], message: msg });
      }
      return { passed, failed: failed ?? NO_FAILURES };
    },
  };
}

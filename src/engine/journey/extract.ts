/**
 * Extractors: variables taken from a response (JSONPath, regex group, header,
 * cookie), compiled once per step at plan load. A value that is not there is a
 * failure with a message naming the variable and the reason, never a crash; the VU
 * loop counts it like a failed check.
 *
 * Values are strings (they go back into request text): a JSON string is used as-is,
 * any other JSON value (number, object, null…) as its JSON text.
 */
import type { Extractor } from '../../plan/types.js';
import { PlanError } from '../../errors.js';
import { cachedBody, compileJsonPath, type JsonCache } from './json-path.js';
import { compileLinearRegex } from './linear-regex.js';

/** The parts of a response extractors read. Header names must be lower-case (as undici gives them). */
export interface ExtractInput {
  headers: Record<string, string | string[] | undefined>;
  body?: string;
  /** True when `body` was cut at max_body (named in failure messages). */
  bodyTruncated?: boolean;
  /** The VU's cookie for this response's URL, by name. */
  cookie: (name: string) => string | undefined;
  /**
   * Pass the same object to checks and extractors of one response and the body is
   * parsed as JSON once for both (whichever needs it first fills it).
   */
  jsonCache?: JsonCache;
}

/** One extractor that found nothing. */
export interface ExtractFailure {
  name: string;
  message: string;
}

/** What one response yielded. */
export interface ExtractResult {
  values: Record<string, string>;
  failures: ExtractFailure[];
}

/** A step's extractors, ready for the hot path. */
export interface CompiledExtractors {
  /** True when some extractor reads the body (json, regex): only then must the body be kept. */
  needsBody: boolean;
  /** True when some extractor reads a cookie (only then is `ExtractInput.cookie` called). */
  needsCookies: boolean;
  /** Variable names, in plan order. */
  names: string[];
  run(resp: ExtractInput): ExtractResult;
}

/** Returns the value, or a failure message. `cache` holds the body parsed as JSON, once. */
type One = (resp: ExtractInput, cache: JsonCache) => string | { message: string };

/** Shared empty list for the common all-found case (callers must not push to it). */
const NO_FAILURES: ExtractFailure[] = Object.freeze([]) as unknown as ExtractFailure[];

const preview = (s: string) => JSON.stringify(s.length > 60 ? s.slice(0, 60) + '…' : s);

function compileOne(name: string, e: Extractor, where: string): One {
  const label = `extract "${name}"`;
  switch (e.from) {
    case 'json': {
      let query;
      try {
        query = compileJsonPath(e.path);
      } catch (err) {
        throw new PlanError(`${where}.${name}.json: ${(err as Error).message}`, { path: `${where}.${name}.json`, cause: err });
      }
      return (r, cache) => {
        const parsed = cachedBody(r, cache);
        if (!parsed.ok) return { message: `${label}: ${parsed.message}` };
        const found = query(parsed.value);
        if (found.length === 0) return { message: `${label}: ${e.path} matched nothing` };
        const v = found[0];
        return typeof v === 'string' ? v : JSON.stringify(v);
      };
    }
    case 'regex': {
      // Linear-time matching (linear-regex.ts): a backtracking pattern cannot stall the VU loop.
      const compiled = compileLinearRegex(e.pattern);
      if (!compiled.ok) throw new PlanError(`${where}.${name}.regex: ${compiled.message}`, { path: `${where}.${name}.regex` });
      const re = compiled.re;
      const groups = re.groupCount;
      if (!Number.isInteger(e.group) || e.group < 0 || e.group > groups) {
        throw new PlanError(`${where}.${name}.group: ${e.group} is not a capture group of /${e.pattern}/ (it has ${groups})`, { path: `${where}.${name}.group` });
      }
      return (r) => {
        const body = r.body ?? '';
        const m = re.exec(body);
        if (!m) return { message: `${label}: /${e.pattern}/ did not match ${body ? `the body (starts ${preview(body)}${r.bodyTruncated ? ', cut at max_body' : ''})` : '(empty body)'}` };
        const v = m[e.group];
        if (v === undefined) return { message: `${label}: /${e.pattern}/ matched but group ${e.group} did not take part` };
        return v;
      };
    }
    case 'header': {
      const h = e.name.toLowerCase();
      return (r) => {
        const v = r.headers[h];
        if (v === undefined) return { message: `${label}: no ${e.name} header in the response` };
        return Array.isArray(v) ? v[0] : v;
      };
    }
    case 'cookie': {
      const c = e.name;
      return (r) => {
        const v = r.cookie(c);
        return v === undefined ? { message: `${label}: no cookie ${c} for this URL` } : v;
      };
    }
  }
}

/**
 * Compiles a step's extractors. Throws PlanError (naming `where`, e.g.
 * `scenarios.shop.steps.login.extract`) for a bad regex, group or JSONPath.
 */
export function compileExtractors(extract: Record<string, Extractor>, where = 'extract'): CompiledExtractors {
  const names = Object.keys(extract);
  const fns = names.map((n) => compileOne(n, extract[n], where));
  const needsBody = names.some((n) => extract[n].from === 'json' || extract[n].from === 'regex');
  const needsCookies = names.some((n) => extract[n].from === 'cookie');
  return {
    needsBody,
    needsCookies,
    names,
    run(resp) {
      // The body is parsed at most once per response, however many json extractors read it.
      const cache: JsonCache = resp.jsonCache ?? { parsed: undefined };
      const values: Record<string, string> = {};
      let failures: ExtractFailure[] = NO_FAILURES;
      for (let i = 0; i < fns.length; i++) {
        const r = fns[i](resp, cache);
        if (typeof r === 'string') values[names[i]] = r;
        else (failures === NO_FAILURES ? (failures = []) : failures).push({ name: names[i], message: r.message });
      }
      return { values, failures };
    },
  };
}

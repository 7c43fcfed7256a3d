/**
 * JSONPath for extractors and checks, compiled once per path.
 *
 * - Simple paths (`$`, `$.a.b`, `$.items[0].id`, `$['odd key']`) — almost every path
 *   in a load-test plan — are walked directly: ~20 ns instead of several µs through
 *   the general evaluator.
 * - Everything else (wildcards, `..`, filters, slices, unions) goes to jsonpath-plus.
 * - A trailing `.length` (`$.items.length`), which users write in checks and JSONPath
 *   does not define, gives the length of each matched array or string; an object with
 *   its own `length` key gives that key's value, as JSONPath would.
 */
import { JSONPath } from 'jsonpath-plus';

/** A compiled path: all values it matches in a parsed document (empty when none). */
export type JsonQuery = (json: unknown) => unknown[];

const own = Object.prototype.hasOwnProperty;

/** Splits a simple path into keys (string: property, number: array index), or undefined if not simple. */
function simpleKeys(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const keys: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^'\\]*)'\]|\["([^"\\]*)"\]/y;
  let i = 1;
  while (i < path.length) {
    re.lastIndex = i;
    const m = re.exec(path);
    if (!m) return undefined;
    if (m[1] !== undefined) keys.push(m[1]);
    else if (m[2] !== undefined) keys.push(Number(m[2]));
    else keys.push(m[3] ?? m[4]);
    i = re.lastIndex;
  }
  return keys;
}

function compileSimple(keys: (string | number)[]): JsonQuery {
  return (json) => {
    let cur: unknown = json;
    for (const k of keys) {
      if (cur === null || typeof cur !== 'object') return [];
      if (typeof k === 'number' ? !Array.isArray(cur) || k >= cur.length : !own.call(cur, k)) return [];
      cur = (cur as Record<string | number, unknown>)[k];
    }
    return [cur];
  };
}

function compileGeneral(path: string): JsonQuery {
  // Parse now so a bad path fails at plan load, not on the first response.
  const parts = JSONPath.toPathArray(path);
  if (!Array.isArray(parts) || parts.length === 0) throw new Error(`'${path}' is not a JSONPath expression`);
  return (json) => {
    if (json === null || typeof json !== 'object') return [];
    return JSONPath({ path, json: json as object, wrap: true, eval: 'safe' }) as unknown[];
  };
}

/**
 * Compiles a JSONPath (must start with `$`). Throws an Error whose message says what
 * is wrong; callers wrap it with the plan location.
 */
export function compileJsonPath(path: string): JsonQuery {
  if (typeof path !== 'string' || !path.startsWith('$')) throw new Error(`JSONPath '${path}' must start with '$'`);
  const m = /^(.+)\.length$/.exec(path);
  if (m && m[1]) {
    const parent = compileJsonPath(m[1]);
    return (json) => {
      const out: unknown[] = [];
      for (const v of parent(json)) {
        if (Array.isArray(v) || typeof v === 'string') out.push(v.length);
        else if (v !== null && typeof v === 'object' && own.call(v, 'length')) out.push((v as { length: unknown }).length);
      }
      return out;
    };
  }
  const keys = simpleKeys(path);
  return keys ? compileSimple(keys) : compileGeneral(path);
}

/** Values matched by `path` in `json` (compiles the path each call; prefer compileJsonPath). */
export function queryJson(json: unknown, path: string): unknown[] {
  return compileJsonPath(path)(json);
}

/** Result of parsing a response body as JSON. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };

/** A per-response memo of the parsed body, shared by checks and extractors. */
export interface JsonCache {
  parsed?: ParsedBody;
}

/** Parses a body as JSON, or says why it is not JSON (short, for check messages). */
export function parseBody(body: string | undefined, truncated = false): ParsedBody {
  if (body === undefined || body === '') return { ok: false, message: 'the response has no body' };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    const start = JSON.stringify(body.length > 40 ? body.slice(0, 40) + '…' : body);
    return { ok: false, message: `the response body is not JSON (${why}; starts ${start})${truncated ? ' — it was cut at max_body' : ''}` };
  }
}

/** The response body parsed as JSON, filling `cache` on first use (checks and extractors share it). */
export function cachedBody(resp: { body?: string; bodyTruncated?: boolean }, cache: JsonCache): ParsedBody {
  return (cache.parsed ??= parseBody(resp.body, resp.bodyTruncated));
}

/**
 * JSONPath through jsonpath-plus, plus the `.length` of arrays and strings that users
 * write in checks (`$.items.length`) and JSONPath itself does not define.
 */
import { JSONPath } from 'jsonpath-plus';

/** Values matched by `path` in `json` (empty when none). */
export function queryJson(json: unknown, path: string): unknown[] {
  const m = /^(.*)\.length$/.exec(path);
  if (m && m[1]) {
    return queryJson(json, m[1]).filter((v) => Array.isArray(v) || typeof v === 'string').map((v) => (v as unknown[] | string).length);
  }
  return JSONPath({ path, json: json as object, wrap: true }) as unknown[];
}

/** Parses a body as JSON, or returns an error message. */
export function parseBody(body: string | undefined): { ok: true; value: unknown } | { ok: false; message: string } {
  if (body === undefined || body === '') return { ok: false, message: 'the response has no body' };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, message: `the response body is not JSON (${(err as Error).message.split('\n')[0]})` };
  }
}

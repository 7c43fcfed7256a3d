/**
 * Response checks, compiled once per step. Each failing check yields a message that
 * names the check, what was expected and what came back.
 */
import type { Checks, JsonCheck } from '../../plan/types.js';
import { parseBody, queryJson } from './json-path.js';

export interface CheckInput {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body?: string;
  durationMs: number;
}

export interface CompiledChecks {
  needsBody: boolean;
  run(resp: CheckInput): { passed: number; failed: { check: string; message: string }[] };
}

type One = { name: string; fn: (r: CheckInput, json: () => ReturnType<typeof parseBody>) => string | undefined };

const show = (v: unknown) => (typeof v === 'string' ? `'${v.length > 80 ? v.slice(0, 77) + '...' : v}'` : JSON.stringify(v));

function jsonCompare(c: JsonCheck, found: unknown[]): string | undefined {
  const v = found[0];
  const exp = c.value;
  switch (c.op) {
    case 'exists':
      return found.length > 0 === (exp !== false) ? undefined : `expected ${c.path} ${exp === false ? 'not ' : ''}to exist`;
    case 'eq':
      return found.length && JSON.stringify(v) === JSON.stringify(exp) ? undefined : `expected ${c.path} == ${show(exp)}, got ${found.length ? show(v) : 'nothing'}`;
    case 'ne':
      return found.length && JSON.stringify(v) !== JSON.stringify(exp) ? undefined : `expected ${c.path} != ${show(exp)}, got ${found.length ? show(v) : 'nothing'}`;
    case 'contains': {
      const ok = Array.isArray(v) ? v.some((x) => JSON.stringify(x) === JSON.stringify(exp)) : typeof v === 'string' && v.includes(String(exp));
      return ok ? undefined : `expected ${c.path} to contain ${show(exp)}, got ${found.length ? show(v) : 'nothing'}`;
    }
    default: {
      const n = Number(v);
      const lim = Number(exp);
      if (!found.length || typeof v === 'object' || Number.isNaN(n)) return `expected ${c.path} ${c.op} ${show(exp)}, got ${found.length ? show(v) : 'nothing'}`;
      const ok = c.op === 'gt' ? n > lim : c.op === 'gte' ? n >= lim : c.op === 'lt' ? n < lim : n <= lim;
      return ok ? undefined : `expected ${c.path} ${c.op} ${lim}, got ${n}`;
    }
  }
}

/** Compiles a step's checks. */
export function compileChecks(checks: Checks): CompiledChecks {
  const list: One[] = [];
  if (checks.status) {
    const allowed = new Set(checks.status);
    list.push({ name: 'status', fn: (r) => (allowed.has(r.status) ? undefined : `status ${r.status || 'none'} not in [${checks.status!.join(', ')}]`) });
  }
  if (checks.bodyContains !== undefined) {
    const s = checks.bodyContains;
    list.push({ name: 'body_contains', fn: (r) => (r.body?.includes(s) ? undefined : `body does not contain ${show(s)}`) });
  }
  if (checks.bodyMatches !== undefined) {
    const re = new RegExp(checks.bodyMatches);
    list.push({ name: 'body_matches', fn: (r) => (re.test(r.body ?? '') ? undefined : `body does not match /${checks.bodyMatches}/`) });
  }
  for (const c of checks.json ?? []) {
    list.push({
      name: `json ${c.path}`,
      fn: (_r, json) => {
        const parsed = json();
        if (!parsed.ok) return `json ${c.path}: ${parsed.message}`;
        return jsonCompare(c, queryJson(parsed.value, c.path));
      },
    });
  }
  for (const [name, want] of Object.entries(checks.header ?? {})) {
    const h = name.toLowerCase();
    list.push({
      name: `header ${name}`,
      fn: (r) => {
        const got = r.headers[h];
        const v = Array.isArray(got) ? got.join(', ') : got;
        return v !== undefined && (v === want || v.split(';')[0].trim() === want) ? undefined : `header ${name}: expected ${show(want)}, got ${v === undefined ? 'none' : show(v)}`;
      },
    });
  }
  if (checks.maxDurationMs !== undefined) {
    const max = checks.maxDurationMs;
    list.push({ name: 'max_duration', fn: (r) => (r.durationMs <= max ? undefined : `took ${r.durationMs.toFixed(1)} ms > max_duration ${max} ms`) });
  }
  const needsBody = checks.bodyContains !== undefined || checks.bodyMatches !== undefined || (checks.json?.length ?? 0) > 0;
  return {
    needsBody,
    run(resp) {
      let parsed: ReturnType<typeof parseBody> | undefined;
      const json = () => (parsed ??= parseBody(resp.body));
      let passed = 0;
      const failed: { check: string; message: string }[] = [];
      for (const c of list) {
        const msg = c.fn(resp, json);
        if (msg === undefined) passed++;
        else failed.push({ check: c.name, message: msg });
      }
      return { passed, failed };
    },
  };
}

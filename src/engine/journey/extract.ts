/**
 * Extractors: variables from a response (JSONPath, regex group, header, cookie),
 * compiled once. A value that is not there is a failure with a message, never a crash.
 */
import type { Extractor } from '../../plan/types.js';
import { parseBody, queryJson } from './json-path.js';

/** The parts of a response extractors read (header names lower-case). */
export interface ExtractInput {
  headers: Record<string, string | string[] | undefined>;
  body?: string;
  cookie: (name: string) => string | undefined;
}

export interface CompiledExtractors {
  needsBody: boolean;
  run(resp: ExtractInput): { values: Record<string, string>; failed: { name: string; message: string }[] };
}

type One = (resp: ExtractInput, json: () => ReturnType<typeof parseBody>) => { value?: string; message?: string };

function compileOne(name: string, e: Extractor): One {
  switch (e.from) {
    case 'json':
      return (_r, json) => {
        const parsed = json();
        if (!parsed.ok) return { message: `extract "${name}": ${parsed.message}` };
        const found = queryJson(parsed.value, e.path);
        if (found.length === 0 || found[0] === undefined) return { message: `extract "${name}": ${e.path} matched nothing` };
        const v = found[0];
        return { value: typeof v === 'string' ? v : JSON.stringify(v) };
      };
    case 'regex': {
      const re = new RegExp(e.pattern);
      return (r) => {
        const m = re.exec(r.body ?? '');
        if (!m || m[e.group] === undefined) return { message: `extract "${name}": /${e.pattern}/ did not match${r.body ? '' : ' (empty body)'}` };
        return { value: m[e.group] };
      };
    }
    case 'header': {
      const h = e.name.toLowerCase();
      return (r) => {
        const v = r.headers[h];
        if (v === undefined) return { message: `extract "${name}": no ${e.name} header in the response` };
        return { value: Array.isArray(v) ? v[0] : v };
      };
    }
    case 'cookie':
      return (r) => {
        const v = r.cookie(e.name);
        return v === undefined ? { message: `extract "${name}": no cookie ${e.name}` } : { value: v };
      };
  }
}

/** Compiles a step's extractors. */
export function compileExtractors(extract: Record<string, Extractor>): CompiledExtractors {
  const list = Object.entries(extract).map(([name, e]) => [name, compileOne(name, e)] as const);
  const needsBody = Object.values(extract).some((e) => e.from === 'json' || e.from === 'regex');
  return {
    needsBody,
    run(resp) {
      let parsed: ReturnType<typeof parseBody> | undefined;
      const json = () => (parsed ??= parseBody(resp.body));
      const values: Record<string, string> = {};
      const failed: { name: string; message: string }[] = [];
      for (const [name, fn] of list) {
        const r = fn(resp, json);
        if (r.value !== undefined) values[name] = r.value;
        else failed.push({ name, message: r.message! });
      }
      return { values, failed };
    },
  };
}

/**
 * Errors that point at the YAML: every plan error names file:line:col of the node at
 * fault, the key path, the bad value and what is allowed. zod issues are turned into
 * such messages here, with "did you mean" for unknown keys.
 */
import { isMap, isPair, isScalar, LineCounter, type Document, type Node } from 'yaml';
import type * as z from 'zod';
import { PlanError } from '../errors.js';
import { didYouMean } from './units.js';

export type Path = (string | number)[];

/** The parsed document and how to find positions in it. */
export class Locator {
  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Line/col of the node at `path` (or of the key `key` inside it), falling back to the nearest parent. */
  position(path: Path, key?: string): { line: number; col: number } {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (!node) continue;
      let offset = node.range?.[0];
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
        if (pair && isScalar(pair.key)) offset = pair.key.range?.[0] ?? offset;
      }
      if (offset !== undefined) return this.lines.linePos(offset);
    }
    return { line: 1, col: 1 };
  }

  /** A PlanError at `path`: `file:line:col: a.b.c: message`. */
  error(path: Path, message: string, key?: string): PlanError {
    const pos = this.position(path, key);
    const dotted = formatPath(key !== undefined ? [...path, key] : path);
    return new PlanError(`${this.file}:${pos.line}:${pos.col}: ${dotted ? `${dotted}: ` : ''}${message}`, {
      location: { file: this.file, line: pos.line, col: pos.col },
      path: dotted,
    });
  }
}

/** `scenarios.browse.steps[0].url`; keys that are not plain names are bracketed and quoted. */
export function formatPath(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (!/^[A-Za-z_][\w-]*$/.test(p)) out += `[${JSON.stringify(p)}]`; // e.g. a JSONPath key: json["$.items.length"]
    else out += out ? `.${p}` : p;
  }
  return out;
}

/** A short rendering of a user's value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value.length > 60 ? value.slice(0, 57) + '...' : value}'`;
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) v = v == null ? undefined : (v as Record<string | number, unknown>)[p];
  return v;
}

/** The keys a strict object schema allows at `path` inside `schema` (for did-you-mean). */
function keysAt(schema: z.ZodType, path: Path): string[] {
  let s: unknown = schema;
  const unwrap = () => {
    for (;;) {
      const def = (s as { _zod?: { def?: { type?: string; innerType?: unknown; in?: unknown } } })._zod?.def;
      if (def && (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) s = def.innerType;
      else if (def && def.type === 'pipe' && def.in) s = def.in;
      else return def;
    }
  };
  for (const p of path) {
    const def = unwrap() as { type?: string; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown } | undefined;
    if (!def) return [];
    if (def.type === 'object') s = def.shape?.[String(p)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return [];
  }
  const def = unwrap() as { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** The message of a zod issue, in our words: what is allowed, then what was given. */
function describe(issue: z.core.$ZodIssue, value: unknown): string {
  const zodDefault = issue.message.startsWith('Invalid input') || issue.message.startsWith('Too ') || issue.message.startsWith('Invalid ');
  switch (issue.code) {
    case 'invalid_type': {
      const what = zodDefault ? `must be ${article(issue.expected)}` : issue.message;
      return value === undefined ? `is required (${what.replace(/^must be /, '')})` : `${what} (got ${show(value)})`;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const guess = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return `must be one of ${allowed.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''} (got ${show(value)})`;
    }
    default:
      return `${zodDefault ? issue.message.replace(/^Too small: expected array to have >=?(\d+) items?$/, 'must list at least $1 item(s)') : issue.message} (got ${show(value)})`;
  }
}

function article(t: string): string {
  if (t === 'array') return 'a list';
  if (t === 'object' || t === 'record') return 'a map';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/**
 * Validates `value` (found at `path` in the document) with `schema`; on failure throws
 * a located PlanError for the first issue. `hint` may explain an unknown key better
 * than edit distance can (e.g. "start_vus belongs to ramp_up").
 */
export function check<T>(loc: Locator, schema: z.ZodType<T>, value: unknown, path: Path, hint?: (key: string, at: Path) => string | undefined): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  // A misspelt key also shows up as a missing one; the unknown key is the better message.
  const issue = r.error.issues.find((i) => i.code === 'unrecognized_keys') ?? r.error.issues[0];
  const rel = issue.path as Path;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = keysAt(schema, rel);
    throw loc.error([...path, ...rel], unknownKey(key, known, hint?.(key, [...path, ...rel])), key);
  }
  return fail(loc, [...path, ...rel], describe(issue, valueAt(value, rel)));
}

/** `unknown key (did you mean 'x'?); allowed: a, b` — `extra` replaces the did-you-mean when given. */
export function unknownKey(key: string, known: string[], extra?: string): string {
  const guess = didYouMean(key, known);
  const note = extra ?? (guess ? `did you mean '${guess}'?` : undefined);
  return `unknown key${note ? ` (${note})` : ''}; allowed: ${known.join(', ')}`;
}

/** Throws a located PlanError (typed as returning anything, for expressions). */
export function fail(loc: Locator, path: Path, message: string): never {
  throw loc.error(path, message);
}

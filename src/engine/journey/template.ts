/**
 * `{{ }}` templates in request text (url, query, headers, body, json values),
 * compiled once at plan load with an isolated Handlebars instance: no HTML escaping
 * (these are requests, not pages), `strict: false` (a missing variable renders as ''),
 * and compiled eagerly so a syntax error surfaces at load, not on the first request.
 * Static text costs nothing: it compiles to a function returning the string.
 *
 * Context (see createTemplateContext):
 * - extracted variables (and setup's shared variables) at the top level: `{{ token }}`
 * - `vu.id`, `iteration` (unique across workers), `env.NAME` (allow-listed names only)
 * - the data row under `data.`: `{{ data.username }}`. Deliberately NOT also at the
 *   top level: a column named like an extracted variable would silently shadow it (or
 *   be shadowed), and `data.` says where a value comes from when reading a plan.
 * - the VU's random stream under the private key `__rng`, used by the random helpers
 *   so a plan `seed` reproduces their output.
 *
 * Helpers: `uuid` (v4 layout), `randomInt min max` (inclusive), `randomItem list` or
 * `randomItem a b c…`, `randomString [len=8]` (A–Z a–z 0–9), `now` (epoch ms),
 * `isoDate [epochMs]`, `base64 x` (UTF-8), `json x` (JSON text of a value). Without
 * `__rng` in the context the random helpers fall back to Math.random.
 */
import Handlebars from 'handlebars';
import type { TemplateText } from '../../plan/types.js';
import { PlanError } from '../../errors.js';
import type { Rng } from './random.js';

/** What templates see. `__rng` is the VU's stream (private; not for plan authors). */
export type TemplateContext = Record<string, unknown> & { __rng?: Rng };

/** A compiled request text. */
export type TextFn = (ctx: TemplateContext) => string;

/** Helper names registered by this module (kept in step with src/plan/templates.ts). */
export const HELPER_NAMES = ['uuid', 'randomInt', 'randomItem', 'randomString', 'now', 'isoDate', 'base64', 'json'] as const;

/**
 * Builds the context of one iteration. Extracted variables are added to the returned
 * object as they arrive (`Object.assign(ctx, values)`).
 */
export function createTemplateContext(opts: {
  vuId: number;
  iteration: number;
  env: Record<string, string>;
  rng: Rng;
  /** Variables visible from the start (setup's extracted variables). */
  vars?: Record<string, unknown>;
  data?: Record<string, unknown>;
}): TemplateContext {
  const ctx: TemplateContext = { ...opts.vars, vu: { id: opts.vuId }, iteration: opts.iteration, env: opts.env, __rng: opts.rng };
  if (opts.data) ctx.data = opts.data;
  return ctx;
}

type Opts = Handlebars.HelperOptions & { data?: { root?: TemplateContext } };
const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The VU's uniform draw, or Math.random outside a VU (e.g. a unit test). */
const draw = (o: Opts | undefined): number => {
  const r = o?.data?.root?.__rng;
  return r ? r.next() : Math.random();
};

/** Handlebars passes its options object last; it is recognisable by `.hash` and `.data`. */
const isOpts = (v: unknown): v is Opts => typeof v === 'object' && v !== null && 'hash' in v && 'name' in v;

function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('uuid', (o: Opts) => {
    let s = '';
    for (let i = 0; i < 16; i++) {
      let b = Math.floor(draw(o) * 256);
      if (i === 6) b = (b & 0x0f) | 0x40; // version 4
      if (i === 8) b = (b & 0x3f) | 0x80; // RFC 4122 variant
      s += HEX[b];
      if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
    }
    return s;
  });
  hb.registerHelper('randomInt', (min: unknown, max: unknown, o: Opts) => {
    if (isOpts(min) || isOpts(max)) throw new Error('randomInt needs two numbers: {{randomInt 1 100}}');
    const lo = Math.ceil(Number(min));
    const hi = Math.floor(Number(max));
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new Error(`randomInt ${String(min)} ${String(max)}: needs two numbers, min ≤ max`);
    return lo + Math.floor(draw(o) * (hi - lo + 1));
  });
  hb.registerHelper('randomItem', (...args: unknown[]) => {
    const o = args.pop() as Opts;
    const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    if (list.length === 0) return '';
    return list[Math.floor(draw(o) * list.length)];
  });
  hb.registerHelper('randomString', (...args: unknown[]) => {
    const o = args.pop() as Opts;
    const n = args.length ? Number(args[0]) : 8;
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error(`randomString ${String(args[0])}: length must be an integer 0..1000000`);
    let s = '';
    for (let i = 0; i < n; i++) s += ALPHANUM[Math.floor(draw(o) * 62)];
    return s;
  });
  hb.registerHelper('now', () => Date.now());
  hb.registerHelper('isoDate', (...args: unknown[]) => {
    args.pop();
    const d = args.length ? new Date(Number(args[0])) : new Date();
    if (Number.isNaN(d.getTime())) throw new Error(`isoDate ${String(args[0])}: not an epoch-ms number`);
    return d.toISOString();
  });
  hb.registerHelper('base64', (v: unknown, o?: Opts) => {
    if (isOpts(v) || o === undefined) throw new Error('base64 needs a value: {{base64 x}}');
    return Buffer.from(v === undefined || v === null ? '' : String(v), 'utf8').toString('base64');
  });
  hb.registerHelper('json', (v: unknown, o?: Opts) => {
    if (isOpts(v) || o === undefined) throw new Error('json needs a value: {{json x}}');
    return JSON.stringify(v === undefined ? null : v);
  });
}

/** The slice of Handlebars' JavaScriptCompiler we extend (it is untyped in @types). */
interface JsCompilerProto {
  appendToBuffer(source: unknown, location: unknown, explicit?: boolean): unknown;
  compiler: unknown;
}
type JsCompilerClass = (new () => object) & { prototype: JsCompilerProto; call(self: object): void };

/**
 * Handlebars with `noEscape` joins a template's outputs with `+`, so expressions that
 * yield numbers are ADDED: `{{randomInt 1 1}}{{randomInt 2 2}}` renders "3", not "12"
 * (with escaping on, escapeExpression would have made them strings first). This
 * compiler subclass — Handlebars' documented extension point — wraps every appended
 * piece in `"" + (…)`, so the join is always string concatenation.
 */
function useStringJoin(instance: typeof Handlebars): void {
  const Base = (instance as unknown as { JavaScriptCompiler: JsCompilerClass }).JavaScriptCompiler;
  // A plain constructor function: Handlebars' compiler is an ES5 "class" (function + prototype).
  const StringJoinCompiler = function (this: object) {
    Base.call(this);
  } as unknown as JsCompilerClass;
  StringJoinCompiler.prototype = Object.create(Base.prototype) as JsCompilerProto;
  const proto = StringJoinCompiler.prototype;
  proto.appendToBuffer = function (this: unknown, source: unknown, location: unknown, explicit?: boolean) {
    const parts = Array.isArray(source) ? source : [source];
    return Base.prototype.appendToBuffer.call(this, ['"" + (', ...parts, ')'], location, explicit);
  };
  // Block programs are compiled by `new this.compiler()`: keep them on the subclass too.
  proto.compiler = StringJoinCompiler;
  (instance as unknown as { JavaScriptCompiler: JsCompilerClass }).JavaScriptCompiler = StringJoinCompiler;
}

let instance: typeof Handlebars | undefined;
/** The isolated instance, created on first use (no side effects at import time). */
function hb(): typeof Handlebars {
  if (!instance) {
    instance = Handlebars.create();
    // Templates never print (src/plan/templates.ts): a plan that slipped past load still cannot log.
    instance.unregisterHelper('log');
    useStringJoin(instance);
    registerHelpers(instance);
  }
  return instance;
}

// `log` is not a known helper (unregistered above): a call is Handlebars' clear "Missing helper" error.
const COMPILE_OPTIONS: CompileOptions = { noEscape: true, strict: false, knownHelpers: { log: false } };
type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/** A Handlebars error in one line: its first line plus what token it got (the rest is a token dump). */
function shortError(err: unknown): string {
  const lines = String((err as Error)?.message ?? err).split('\n');
  const got = /got '([^']+)'/.exec(lines[lines.length - 1])?.[1];
  if (!got) return lines[0];
  return `${lines[0].replace(/:$/, '')}: unexpected ${got === 'EOF' ? 'end of template (a {{ or block left open?)' : `'${got.toLowerCase()}'`} in ${JSON.stringify(lines[1] ?? '')}`;
}

/** Compiles Handlebars source now; throws PlanError naming `where`. */
function compileNow(source: string, where: string): TextFn {
  const fn = hb().compile(source, COMPILE_OPTIONS);
  try {
    // Handlebars compiles lazily on first render; `_setup` forces it without rendering
    // (no helper runs), so a syntax error is a load-time error, not a failed request.
    (fn as unknown as { _setup(o: object): void })._setup({});
  } catch (err) {
    throw new PlanError(`${where}: template error: ${shortError(err)}`, { path: where, cause: err });
  }
  return fn as TextFn;
}

interface AstNode {
  type: string;
  value?: string;
  path?: AstNode;
  params?: unknown[];
  hash?: unknown;
  original?: string;
  data?: boolean;
  depth?: number;
  parts?: string[];
  body?: AstNode[];
}

/** A variable path Handlebars resolves by plain own-property lookup (`token`, `data.user`, `items.0`). */
const PLAIN_PATH = /^[A-Za-z_$][\w$-]*(?:\.(?:[A-Za-z_$][\w$-]*|\d+))*$/;
const own = Object.prototype.hasOwnProperty;

/**
 * Most request templates are text with `{{ variable }}` holes and no helpers. For
 * those, rendering is string concatenation plus own-property lookups, which is what
 * Handlebars does too but without its per-call setup (container, data frame): ~10×
 * faster (bench/journey.ts). Output is identical (test/engine/journey/template.test.ts
 * compares both); anything else — helpers, blocks, `this`, `@data`, `../` — and a
 * variable whose value is a function (Handlebars would call it) use Handlebars.
 */
function compileVariablesOnly(source: string, fallback: TextFn): TextFn | undefined {
  let ast: AstNode;
  try {
    ast = hb().parse(source) as unknown as AstNode;
  } catch {
    return undefined;
  }
  const helpers = hb().helpers;
  const parts: (string | string[])[] = [];
  for (const n of ast.body ?? []) {
    if (n.type === 'ContentStatement') parts.push(n.value ?? '');
    else if (n.type === 'MustacheStatement') {
      const p = n.path;
      if (!p || p.type !== 'PathExpression' || n.params?.length || n.hash || p.data || p.depth !== 0) return undefined;
      if (!p.original || !PLAIN_PATH.test(p.original) || !p.parts || p.parts.length === 0) return undefined;
      if (own.call(helpers, p.parts[0])) return undefined;
      parts.push(p.parts);
    } else if (n.type !== 'CommentStatement') return undefined;
  }
  const n = parts.length;
  return (ctx) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      const p = parts[i];
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      let v: unknown = ctx;
      for (let k = 0; k < p.length && v !== undefined && v !== null; k++) v = own.call(v, p[k]) ? (v as Record<string, unknown>)[p[k]] : undefined;
      if (typeof v === 'function') return fallback(ctx);
      if (v !== undefined && v !== null) out += v;
    }
    return out;
  };
}

/**
 * Compiles request text. Non-dynamic text returns a constant function (no templating
 * cost); variables-only text gets a concatenating fast path; the rest is Handlebars.
 * `where` names the plan field for errors (e.g. `scenarios.shop.steps.login.url`).
 */
export function compileText(t: TemplateText, where = 'template'): TextFn {
  if (!t.dynamic) {
    const raw = t.raw;
    return () => raw;
  }
  const full = compileNow(t.raw, where);
  return compileVariablesOnly(t.raw, full) ?? full;
}

/** Handlebars only, without the fast path (for tests that compare the two). @internal */
export function compileTextHandlebars(raw: string): TextFn {
  return compileNow(raw, 'template');
}

/** A piece of JSON body: literal JSON text, or a function producing JSON text. */
type Part = string | TextFn;

/** `"{{json x}}"` (or triple-stash): a whole string that injects a raw JSON value. */
const RAW_JSON = /^\{\{\{?~?\s*json\s[^{}]*\}\}\}?$/;

function stringPart(s: string, where: string): Part {
  if (!s.includes('{{')) return JSON.stringify(s);
  const fn = compileText({ raw: s, dynamic: true }, where);
  // A template in a JSON string: its output is JSON-escaped, so quotes and newlines in
  // a variable cannot break the document. `"{{json x}}"` alone injects x as JSON.
  if (RAW_JSON.test(s.trim())) return fn;
  return (ctx) => JSON.stringify(fn(ctx));
}

function jsonParts(value: unknown, where: string, out: Part[]): void {
  if (typeof value === 'string') out.push(stringPart(value, where));
  else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((v, i) => {
      if (i) out.push(',');
      jsonParts(v === undefined ? null : v, `${where}[${i}]`, out);
    });
    out.push(']');
  } else if (value !== null && typeof value === 'object') {
    out.push('{');
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(stringPart(k, `${where}.${k}`), ':');
      jsonParts(v, `${where}.${k}`, out);
    }
    out.push('}');
  } else out.push(JSON.stringify(value) ?? 'null');
}

/** Joins adjacent literal parts; one literal part becomes a constant function. */
function joinParts(parts: Part[]): TextFn {
  const merged: Part[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
    else merged.push(p);
  }
  if (merged.length === 1 && typeof merged[0] === 'string') {
    const text = merged[0];
    return () => text;
  }
  const n = merged.length;
  return (ctx) => {
    let s = '';
    for (let i = 0; i < n; i++) {
      const p = merged[i];
      s += typeof p === 'string' ? p : p(ctx);
    }
    return s;
  };
}

/**
 * Compiles a `json:` body value: templates inside string values (and keys) render
 * JSON-escaped into the string; a string that is exactly `{{json x}}` is replaced by
 * x's JSON (e.g. `items: "{{json cart}}"` sends an array). The result is always valid
 * JSON. Static structures serialise once.
 */
export function compileJson(value: unknown, where = 'json'): TextFn {
  const parts: Part[] = [];
  jsonParts(value, where, parts);
  return joinParts(parts);
}

/**
 * Like compileJson, for a `json:` value the plan loader has already serialised with
 * src/plan/templates.ts `jsonBodyText` (literal parts JSON-escaped, `{{ }}` spans
 * verbatim inside strings). Returns the same output as compileJson on the original
 * value.
 */
export function compileJsonText(text: string, where = 'json'): TextFn {
  const parts: Part[] = [];
  let i = 0;
  let lit = '';
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '"') {
      lit += ch;
      i++;
      continue;
    }
    // A string literal: find its end, stepping over escapes and {{ }} spans (which may hold quotes).
    let j = i + 1;
    let dynamic = false;
    let original = '';
    let seg = '';
    const flush = () => {
      original += JSON.parse(`"${seg}"`) as string;
      seg = '';
    };
    for (;;) {
      if (j >= text.length) throw new PlanError(`${where}: unterminated string in JSON body text`, { path: where });
      const c = text[j];
      if (c === '\\') {
        seg += text.slice(j, j + 2);
        j += 2;
      } else if (c === '{' && text[j + 1] === '{') {
        flush();
        const close = text.startsWith('{{{', j) ? '}}}' : '}}';
        const end = text.indexOf(close, j + 2);
        if (end < 0) throw new PlanError(`${where}: template error: '{{' without '}}'`, { path: where });
        original += text.slice(j, end + close.length);
        j = end + close.length;
        dynamic = true;
      } else if (c === '"') break;
      else {
        seg += c;
        j++;
      }
    }
    flush();
    if (dynamic) {
      parts.push(lit);
      lit = '';
      parts.push(stringPart(original, where));
    } else lit += text.slice(i, j + 1);
    i = j + 1;
  }
  parts.push(lit);
  return joinParts(parts);
}

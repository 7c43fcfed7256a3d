/**
 * Load-time checks of `{{ }}` request templates (issue 3: "a syntax error is a plan
 * error with a location"). The engine compiles the same text with Handlebars at run
 * start (src/engine/journey/template.ts); everything that would fail there — syntax, an
 * unknown helper, an `env.NAME` outside the allow-list — fails here first, at the YAML
 * node that holds the text.
 */
import Handlebars from 'handlebars';
import { didYouMean } from './units.js';

/**
 * Helpers a template may call: the engine's (issue 3) plus Handlebars' built-ins. Kept
 * in step with src/engine/journey/template.ts by test/plan/templates.test.ts.
 */
export const TEMPLATE_HELPERS = ['uuid', 'randomInt', 'randomItem', 'randomString', 'now', 'isoDate', 'base64', 'json'] as const;
/**
 * Handlebars' `log` is left out on purpose (issue 16): it is the one way a template could
 * print, and `{{log (base64 env.X)}}` would put a secret in CI logs in a form no mask
 * matches. Templates only build requests; the README's "Trust model" says why.
 */
const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'];
const ALL_HELPERS = new Set<string>([...TEMPLATE_HELPERS, ...BUILTIN_HELPERS]);

/** True when text holds a template expression (otherwise it is sent as-is). */
export function isDynamic(text: string): boolean {
  return text.includes('{{');
}

interface HbNode {
  type?: string;
  path?: HbNode;
  params?: HbNode[];
  hash?: { pairs?: { value: HbNode }[] };
  program?: { body?: HbNode[] };
  inverse?: { body?: HbNode[] };
  body?: HbNode[];
  parts?: string[];
  original?: string;
  data?: boolean;
}

/** Short form of a Handlebars parse error (its full text is a multi-line token dump). */
function parseProblem(err: unknown, text: string): string {
  const msg = String((err as Error)?.message ?? err);
  const lastOpen = text.lastIndexOf('{{');
  if (lastOpen >= 0 && !text.includes('}}', lastOpen)) return `a {{ is not closed (at character ${lastOpen + 1})`;
  const got = /got '([^']+)'/.exec(msg)?.[1];
  if (!got) return msg.split('\n')[0].replace(/ - \d+:\d+$/, '');
  const lineNo = Number(/on line (\d+)/.exec(msg)?.[1] ?? 1);
  const caret = msg.split('\n').find((l) => /^-*\^$/.test(l));
  const where = caret ? ` at ${lineNo > 1 ? `line ${lineNo}, ` : ''}character ${caret.length}` : '';
  if (got === 'EOF') return `unexpected end of template (a {{#block}} is not closed with {{/block}})`;
  if (got === 'INVALID') return `unexpected character inside {{ }}${where}`;
  if (got === 'CLOSE') return `incomplete expression before }}${where}`;
  return `unexpected '${got.toLowerCase()}' inside {{ }}${where}`;
}

/**
 * What a template may read besides `env.*`, all known at plan load (issue 16: a name
 * unknown here renders as '' at run time, so the request fails on every iteration).
 */
export interface TemplateNames {
  /** Top-level variables: extracted names (setup's and the scenario's) and the reserved ones. */
  vars: ReadonlySet<string>;
  /** Columns of the scenario's data rows; undefined when the scenario binds no data. */
  dataColumns?: ReadonlySet<string>;
}

/** Block helpers that change the context: paths inside them are relative to an item. */
const SCOPING_HELPERS = new Set(['each', 'with']);

const listed = (names: Iterable<string>): string => [...names].join(', ') || 'none';

/** What is wrong with a variable path (`token`, `data.user`), given the known names. */
function variableProblem(parts: string[], names: TemplateNames): string | undefined {
  const [head, field] = parts;
  if (head === 'data') {
    if (!names.dataColumns) return `template reads data.${field ?? ''} but this scenario has no data: source`;
    if (field !== undefined && !names.dataColumns.has(field)) {
      const guess = didYouMean(field, names.dataColumns);
      return `template reads data.${field} but the data rows have no column '${field}'${guess ? ` (did you mean '${guess}'?)` : ''}; columns: ${listed(names.dataColumns)}`;
    }
    return undefined;
  }
  if (names.vars.has(head) || ALL_HELPERS.has(head)) return undefined;
  const guess = didYouMean(head, names.vars);
  return `template reads '${head}', which no extractor, setup step or data source defines${guess ? ` (did you mean '${guess}'?)` : ''}; known variables: ${listed(names.vars)}`;
}

/**
 * Checks template text. Returns what is wrong (without location), or undefined when the
 * text is fine. `env` is the plan's allow-list; with `names`, variables are checked too.
 */
export function templateProblem(text: string, env: readonly string[], names?: TemplateNames): string | undefined {
  if (!isDynamic(text)) return undefined;
  let ast: HbNode;
  try {
    ast = Handlebars.parse(text) as unknown as HbNode;
  } catch (err) {
    return `template syntax error: ${parseProblem(err, text)}`;
  }
  let problem: string | undefined;
  /** Inside {{#each}} / {{#with}}: paths are relative to an item, not checkable here. */
  let scoped = 0;
  const visit = (n: HbNode | undefined): void => {
    if (!n || problem) return;
    if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') {
      problem = 'template uses a partial ({{> name}}), but plans have no partials; write the text out';
      return;
    }
    if (n.type === 'Decorator' || n.type === 'DecoratorBlock') {
      problem = 'template uses a decorator ({{* name}}), which plans do not support';
      return;
    }
    if (n.type === 'PathExpression' && !n.data && n.parts?.[0] === 'env') {
      const name = n.parts[1];
      if (name === undefined) problem = 'template reads env without a name; write env.NAME';
      else if (!env.includes(name)) {
        problem = `template reads env.${name} but ${name} is not in the plan's env: allow-list (${env.length ? `listed: ${env.join(', ')}` : "add env: [" + name + "] to the plan"})`;
      }
      return;
    }
    if (n.type === 'PathExpression') {
      const depth = (n as { depth?: number }).depth ?? 0;
      if (names && !scoped && !n.data && depth === 0 && n.parts?.length && !/^this\b/.test(n.original ?? '')) problem = variableProblem(n.parts, names);
      return;
    }
    const calls = (n.type === 'MustacheStatement' || n.type === 'SubExpression' || n.type === 'BlockStatement') && n.path?.type === 'PathExpression';
    if (calls && (n.params?.length || n.hash?.pairs?.length || n.type === 'BlockStatement')) {
      const name = n.path!.original ?? '';
      if (name === 'log') {
        problem = 'templates cannot print ({{log}} is not available): a template could write env values and secrets, in encoded forms no mask catches, to CI logs';
        return;
      }
      if (!ALL_HELPERS.has(name)) {
        const guess = didYouMean(name, ALL_HELPERS);
        problem = `unknown template helper '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; helpers: ${[...TEMPLATE_HELPERS, ...BUILTIN_HELPERS].join(', ')}`;
        return;
      }
    } else if (n.path) visit(n.path);
    for (const p of n.params ?? []) visit(p);
    for (const p of n.hash?.pairs ?? []) visit(p.value);
    for (const c of n.body ?? []) visit(c);
    const scopes = n.type === 'BlockStatement' && SCOPING_HELPERS.has(n.path?.original ?? '');
    if (scopes) scoped++;
    for (const c of n.program?.body ?? []) visit(c);
    if (scopes) scoped--;
    for (const c of n.inverse?.body ?? []) visit(c);
  };
  visit(ast);
  return problem;
}

const TEMPLATE_SPAN = /(\{\{[\s\S]*?\}\}\}?)/;

function jsonString(s: string): string {
  if (!isDynamic(s)) return JSON.stringify(s);
  // Escape only the literal parts: a template's own quotes (`{{randomItem "a" "b"}}`)
  // must reach Handlebars unescaped, and its output lands inside the JSON string.
  return `"${s
    .split(TEMPLATE_SPAN)
    .map((seg, i) => (i % 2 === 1 ? seg : JSON.stringify(seg).slice(1, -1)))
    .join('')}"`;
}

/**
 * Serialises a step's `json:` value once, at load. Equal to JSON.stringify except that
 * `{{ }}` spans inside strings are left verbatim for the engine's template pass.
 */
export function jsonBodyText(value: unknown): string {
  if (typeof value === 'string') return jsonString(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : jsonBodyText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${jsonString(k)}:${jsonBodyText(v)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Thresholds as users write them, in three forms:
 *
 * - the seed's object form: `{metric: p95, condition: "<", value: 500, scenario: x, step: y}`
 * - the short string form: `"p95 < 500"`, `"p(95)<500ms [browse]"`, `"error_rate < 1% [browse/list-users]"`
 * - a string with options: `{threshold: "p99 < 800 [browse]", abort_on_fail: true, delay_abort_eval: 10s}`
 *
 * Scope syntax (short form): a trailing `[scenario]`, `[scenario/step]`, or `[*\/step]`
 * (that step name in any scenario). No scope = the whole run. A tag scope
 * `{endpoint=users}` (or `{endpoint: users, tier: web}`; object form `tag: {endpoint: users}`)
 * narrows any of these to the steps carrying every listed tag (see plan/tag-index.ts).
 * Units (short form only): latency metrics take an optional `ms` or `s` suffix (value in
 * ms otherwise); ratio metrics (`error_rate`, `checks`) take an optional `%` suffix.
 * Metric aliases: `error_ratio` (the seed's name) → `error_rate`; `p(N)` → `pN`;
 * `p999`/`p(99.9)` → `p99.9`; `avg` → `mean`; `med`/`median` → `p50`.
 */
import * as z from 'zod';
import { PlanError } from '../errors.js';
import type { Threshold, ThresholdMetric, ThresholdOp } from '../plan/types.js';
import { didYouMean, durationProblem, parseDurationMs } from '../plan/units.js';
import { tagText } from '../plan/tag-index.js';

/** Canonical metric names (src/plan/types.ts ThresholdMetric). */
export const METRICS: readonly ThresholdMetric[] = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'min', 'max', 'mean', 'error_rate', 'rps', 'dropped_iterations', 'checks', 'requests'];
/** Other names users write for the same metrics. */
export const METRIC_ALIASES: Readonly<Record<string, ThresholdMetric>> = { error_ratio: 'error_rate', avg: 'mean', med: 'p50', median: 'p50', p999: 'p99.9' };
/** Comparison operators (`=` is read as `==`). */
export const OPS: readonly ThresholdOp[] = ['<', '<=', '>', '>=', '==', '!='];

const LATENCY = new Set<ThresholdMetric>(['p50', 'p90', 'p95', 'p99', 'p99.9', 'min', 'max', 'mean']);
const RATIO = new Set<ThresholdMetric>(['error_rate', 'checks']);

/** Which part of a threshold is wrong; the plan loader points at that key. */
export type ThresholdField = 'metric' | 'condition' | 'value' | 'threshold' | 'delay_abort_eval' | 'tag';

/** A threshold that could not be parsed. `field` names the offending part (object form). */
export class ThresholdSyntaxError extends Error {
  constructor(
    message: string,
    readonly field?: ThresholdField,
  ) {
    super(message);
    this.name = 'ThresholdSyntaxError';
  }
}

/** Canonical metric name, or a ThresholdSyntaxError naming the allowed ones. */
export function metricName(raw: string): ThresholdMetric {
  const m = raw.trim().toLowerCase().replace(/^p\(\s*(\d+(?:\.\d+)?)\s*\)$/, 'p$1');
  if ((METRICS as readonly string[]).includes(m)) return m as ThresholdMetric;
  if (METRIC_ALIASES[m]) return METRIC_ALIASES[m];
  const guess = didYouMean(m, [...METRICS, ...Object.keys(METRIC_ALIASES)]);
  throw new ThresholdSyntaxError(`unknown metric '${raw}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${METRICS.join(', ')} (alias: error_ratio)`, 'metric');
}

function opOf(raw: string): ThresholdOp {
  const op = raw.trim() === '=' ? '==' : raw.trim();
  if ((OPS as readonly string[]).includes(op)) return op as ThresholdOp;
  throw new ThresholdSyntaxError(`must be one of ${OPS.join(' ')} (got '${raw}')`, 'condition');
}

/** Rejects values that cannot be meant: negative latencies/counts, ratios outside 0..1. */
function checkValue(metric: ThresholdMetric, value: number, percent = false): number {
  if (!Number.isFinite(value)) throw new ThresholdSyntaxError(`value must be a finite number (got ${value})`, 'value');
  if (RATIO.has(metric) && (value < 0 || value > 1)) {
    const hint = !percent && value > 1 && value <= 100 ? `; for ${value}% write ${value / 100} or "${value}%"` : '';
    throw new ThresholdSyntaxError(`value for ${metric} is a ratio from 0 to 1 (got ${percent ? `${value * 100}%` : value}${hint})`, 'value');
  }
  if (value < 0) throw new ThresholdSyntaxError(`value for ${metric} must not be negative (got ${value})`, 'value');
  return value;
}

/** The canonical text of a threshold: `p95 < 500 [browse/list-users]`. */
export function expressionOf(t: Pick<Threshold, 'metric' | 'op' | 'value' | 'scenario' | 'step' | 'tag'>): string {
  const scope = t.scenario ? ` [${t.scenario}${t.step ? `/${t.step}` : ''}]` : t.step ? ` [*/${t.step}]` : '';
  return `${t.metric} ${t.op} ${t.value}${scope}${t.tag ? ` {${tagText(t.tag)}}` : ''}`;
}

/** A tag filter `{k=v, k2: v2}` anywhere after the value of a short-form threshold. */
const TAG_SCOPE = /\{([^{}]*)\}/;

/** Parses the inside of `{…}`: `k=v` or `k: v` pairs separated by commas. */
function parseTagScope(inner: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of inner.split(',')) {
    const m = /^\s*([^=:\s][^=:]*?)\s*[=:]\s*(\S(?:.*\S)?)\s*$/.exec(part);
    if (!m) throw new ThresholdSyntaxError(`tag scope '{${inner}}' in '${text}' must list tags like {endpoint=users} or {endpoint=users, tier=web}`, 'threshold');
    out[m[1]] = m[2];
  }
  return out;
}

const SHORT =
  /^\s*([A-Za-z_][\w.]*(?:\(\s*[\d.]+\s*\))?)\s*(<=|>=|==|!=|<|>|=)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ms|s|%)?\s*(?:\[\s*([^\]/]*?)\s*(?:\/\s*([^\]]*?)\s*)?\])?\s*$/i;

/** Parses the short string form (no options). Throws ThresholdSyntaxError. */
export function parseThresholdString(text: string): Threshold {
  const tm = TAG_SCOPE.exec(text);
  const tag = tm ? parseTagScope(tm[1], text) : undefined;
  const m = SHORT.exec(tm ? text.slice(0, tm.index) + ' ' + text.slice(tm.index + tm[0].length) : text);
  if (!m) throw new ThresholdSyntaxError(`'${text}' is not a threshold; write it like "p95 < 500", "error_rate < 0.01 [scenario]" or "p(99) < 800 [scenario/step]"`, 'threshold');
  const metric = metricName(m[1]);
  const op = opOf(m[2]);
  let value = Number(m[3]);
  const unit = m[4]?.toLowerCase();
  if (unit === 'ms' || unit === 's') {
    if (!LATENCY.has(metric)) throw new ThresholdSyntaxError(`'${unit}' only applies to latency metrics (${[...LATENCY].join(', ')}); ${metric} takes a plain number (in '${text}')`, 'threshold');
    if (unit === 's') value *= 1000;
  } else if (unit === '%') {
    if (!RATIO.has(metric)) throw new ThresholdSyntaxError(`'%' only applies to ratio metrics (${[...RATIO].join(', ')}) (in '${text}')`, 'threshold');
    value /= 100;
  }
  const t: Threshold = { expression: '', metric, op, value: checkValue(metric, value, unit === '%'), abortOnFail: false, delayAbortEvalMs: 0 };
  if (m[5] !== undefined) {
    if (m[5] === '' || (m[5] === '*' && !m[6])) throw new ThresholdSyntaxError(`empty scope in '${text}'; write [scenario], [scenario/step] or [*/step]`, 'threshold');
    if (m[5] !== '*') t.scenario = m[5];
  }
  if (m[6] !== undefined) {
    if (m[6] === '') throw new ThresholdSyntaxError(`empty step in the scope of '${text}'; write [scenario/step]`, 'threshold');
    t.step = m[6];
  }
  if (tag) t.tag = tag;
  t.expression = expressionOf(t);
  return t;
}

const durationText = z.string({ error: 'must be a duration like 10s' }).refine((v) => parseDurationMs(v) !== undefined, { error: (iss) => durationProblem(String(iss.input)) });
const options = {
  abort_on_fail: z.boolean({ error: 'must be true or false' }).optional(),
  delay_abort_eval: durationText.optional(),
};

/** The seed's object form. */
export const thresholdObjectSchema = z.strictObject({
  metric: z.string({ error: 'must be a metric name like p95 or error_rate' }),
  condition: z.string({ error: `must be one of ${OPS.join(' ')} (quote it in YAML: "<")` }),
  value: z.number({ error: 'must be a number' }),
  scenario: z.string({ error: 'must be a scenario name' }).min(1, 'must not be empty').optional(),
  step: z.string({ error: 'must be a step name' }).min(1, 'must not be empty').optional(),
  tag: z
    .record(z.string().min(1, 'tag names must not be empty'), z.union([z.string(), z.number(), z.boolean()]), { error: 'must be a map of tag names to values, e.g. {endpoint: users}' })
    .refine((m) => Object.keys(m).length > 0, 'must name at least one tag, e.g. {endpoint: users}')
    .optional(),
  ...options,
});

/** A short-form string with options. */
export const thresholdExpressionSchema = z.strictObject({
  threshold: z.string({ error: 'must be a threshold string like "p95 < 500"' }),
  ...options,
});

/** Raw object form after shape validation. */
export type RawThresholdObject = z.infer<typeof thresholdObjectSchema> | z.infer<typeof thresholdExpressionSchema>;

/** Parses an already shape-checked object (either object form). Throws ThresholdSyntaxError. */
export function parseThresholdObject(o: RawThresholdObject): Threshold {
  let t: Threshold;
  if ('threshold' in o) t = parseThresholdString(o.threshold);
  else {
    const metric = metricName(o.metric);
    t = { expression: '', metric, op: opOf(o.condition), value: checkValue(metric, o.value), abortOnFail: false, delayAbortEvalMs: 0 };
    if (o.scenario) t.scenario = o.scenario;
    if (o.step) t.step = o.step;
    if (o.tag) t.tag = Object.fromEntries(Object.entries(o.tag).map(([k, v]) => [k, String(v)]));
    t.expression = expressionOf(t);
  }
  t.abortOnFail = o.abort_on_fail ?? false;
  t.delayAbortEvalMs = o.delay_abort_eval ? parseDurationMs(o.delay_abort_eval)! : 0;
  return t;
}

/** Which object schema applies to a raw threshold map. */
export function thresholdSchemaFor(raw: object): typeof thresholdObjectSchema | typeof thresholdExpressionSchema {
  return 'threshold' in raw ? thresholdExpressionSchema : thresholdObjectSchema;
}

/**
 * Parses one threshold in any form, outside a plan file (flags, API callers).
 * `where` prefixes the message (e.g. `--threshold` or `thresholds[2]`). Scopes are not
 * checked against scenarios here; the plan loader does that with locations.
 */
export function parseThreshold(input: string | Record<string, unknown>, where = 'threshold'): Threshold {
  try {
    if (typeof input === 'string') return parseThresholdString(input);
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ThresholdSyntaxError(`must be a string like "p95 < 500" or a map {metric, condition, value}`);
    const schema = thresholdSchemaFor(input);
    const r = schema.safeParse(input);
    if (!r.success) {
      const issue = r.error.issues.find((i) => i.code === 'unrecognized_keys') ?? r.error.issues[0];
      if (issue.code === 'unrecognized_keys') {
        const known = Object.keys(schema.shape);
        const guess = didYouMean(issue.keys[0], known);
        throw new ThresholdSyntaxError(`unknown key '${issue.keys[0]}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${known.join(', ')}`);
      }
      const key = issue.path.map(String).join('.');
      const got = key ? (input as Record<string, unknown>)[key] : input;
      throw new ThresholdSyntaxError(`${key ? `${key}: ` : ''}${issue.message} (got ${JSON.stringify(got) ?? 'nothing'})`);
    }
    return parseThresholdObject(r.data);
  } catch (err) {
    if (err instanceof ThresholdSyntaxError) {
      const field = typeof input === 'object' && err.field && err.field !== 'threshold' && !err.message.startsWith(err.field) ? `${err.field}: ` : '';
      throw new PlanError(`${where}: ${field}${err.message}`, { path: where, cause: err });
    }
    throw err;
  }
}

/**
 * Thresholds as users write them: the object form of the seed plans
 * (`{metric: p95, condition: "<", value: 500, scenario: x}`) or a short string
 * (`"p95 < 500"`, `"p(95)<500 [browse]"`, `"error_rate < 0.01 [browse/list-users]"`).
 * The scope in brackets is `[scenario]` or `[scenario/step]`.
 */
import type { Threshold, ThresholdMetric, ThresholdOp } from '../plan/types.js';
import { didYouMean, parseDurationMs } from '../plan/units.js';

export const METRICS: readonly ThresholdMetric[] = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'min', 'max', 'mean', 'error_rate', 'rps', 'dropped_iterations', 'checks', 'requests'];
const ALIASES: Record<string, ThresholdMetric> = { error_ratio: 'error_rate', errors: 'error_rate', avg: 'mean', med: 'p50', median: 'p50', p999: 'p99.9' };
export const OPS: readonly ThresholdOp[] = ['<', '<=', '>', '>=', '==', '!='];

/** A threshold that could not be parsed: `field` says which part is wrong. */
export class ThresholdSyntaxError extends Error {
  constructor(
    message: string,
    readonly field?: 'metric' | 'condition' | 'value',
  ) {
    super(message);
  }
}

/** Canonical metric name, or a ThresholdSyntaxError naming the allowed ones. */
export function metricName(raw: string): ThresholdMetric {
  const m = raw.trim().toLowerCase().replace(/^p\((\d+(?:\.\d+)?)\)$/, 'p$1');
  if ((METRICS as readonly string[]).includes(m)) return m as ThresholdMetric;
  if (ALIASES[m]) return ALIASES[m];
  const guess = didYouMean(m, [...METRICS, ...Object.keys(ALIASES)]);
  throw new ThresholdSyntaxError(`unknown metric '${raw}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${METRICS.join(', ')}`, 'metric');
}

function opOf(raw: string): ThresholdOp {
  const op = raw.trim() === '=' ? '==' : raw.trim();
  if ((OPS as readonly string[]).includes(op)) return op as ThresholdOp;
  throw new ThresholdSyntaxError(`condition must be one of ${OPS.join(' ')} (got '${raw}')`, 'condition');
}

/** The canonical text of a threshold. */
export function expressionOf(t: Pick<Threshold, 'metric' | 'op' | 'value' | 'scenario' | 'step'>): string {
  const scope = t.scenario ? ` [${t.scenario}${t.step ? `/${t.step}` : ''}]` : t.step ? ` [*/${t.step}]` : '';
  return `${t.metric} ${t.op} ${t.value}${scope}`;
}

const SHORT = /^\s*([A-Za-z_][\w.]*(?:\(\s*[\d.]+\s*\))?)\s*(<=|>=|==|!=|<|>|=)\s*(-?\d+(?:\.\d+)?)\s*(?:\[\s*([^\]/]+?)\s*(?:\/\s*([^\]]+?)\s*)?\])?\s*$/;

/** Parses the short string form. */
export function parseThresholdString(text: string): Threshold {
  const m = SHORT.exec(text);
  if (!m) throw new ThresholdSyntaxError(`'${text}' is not a threshold; write it like "p95 < 500", "error_rate < 0.01 [scenario]" or "p99 < 800 [scenario/step]"`);
  const metric = metricName(m[1]);
  const op = opOf(m[2]);
  const t: Threshold = { expression: '', metric, op, value: Number(m[3]), abortOnFail: false, delayAbortEvalMs: 0 };
  if (m[4] && m[4] !== '*') t.scenario = m[4];
  if (m[5]) t.step = m[5];
  t.expression = expressionOf(t);
  return t;
}

/** Parses the object form (already shape-checked by the plan schema). */
export function parseThresholdObject(o: { metric: string; condition: string; value: number; scenario?: string; step?: string; abort_on_fail?: boolean; delay_abort_eval?: string }): Threshold {
  const t: Threshold = {
    expression: '',
    metric: metricName(o.metric),
    op: opOf(o.condition),
    value: o.value,
    abortOnFail: o.abort_on_fail ?? false,
    delayAbortEvalMs: o.delay_abort_eval ? (parseDurationMs(o.delay_abort_eval) ?? 0) : 0,
  };
  if (o.scenario) t.scenario = o.scenario;
  if (o.step) t.step = o.step;
  t.expression = expressionOf(t);
  return t;
}

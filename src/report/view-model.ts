/**
 * One view model for every rendered output (HTML, Markdown summary, JUnit, PR
 * comment): numbers formatted once, rows flattened once. Templates only lay out.
 */
import { ExitCode } from '../errors.js';
import { saturationMessage } from './generator-summary.js';
import { partialMessage } from './planned-load.js';
import type { Result, Stats } from './result-schema.js';
import type { Comparison } from './compare.js';
import { capacityView, type CapacityView } from './capacity-view.js';

const f = (v: number, digits = 2) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits)) : '–');
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** A table row of one scope. */
export interface ScopeRow {
  scope: string;
  scenario: string;
  step?: string;
  isStep: boolean;
  requests: number;
  rps: string;
  errors: number;
  errorRate: string;
  p50: string;
  p90: string;
  p95: string;
  p99: string;
  max: string;
  checks: string;
}

function row(scenario: string, step: string | undefined, s: Stats): ScopeRow {
  const l = s.latency_ms;
  const checks = s.checks.passes + s.checks.fails;
  return {
    scope: step ? `${scenario} / ${step}` : scenario,
    scenario,
    step,
    isStep: Boolean(step),
    requests: s.requests,
    rps: f(s.rps, 1),
    errors: s.errors,
    errorRate: pct(s.error_rate),
    p50: f(l.p50),
    p90: f(l.p90),
    p95: f(l.p95),
    p99: f(l.p99),
    max: f(l.max),
    checks: checks ? pct(s.checks.rate) : '–',
  };
}

export interface ViewModel {
  title: string;
  planName: string;
  status: string;
  passed: boolean;
  verdict: string;
  verdictIcon: string;
  startedAt: string;
  durationS: string;
  summary: ScopeRow;
  rows: ScopeRow[];
  /** One row per tag value (`scope` is `key=value`, `scenario` the key, `step` the value), from `summary.tags`. */
  tagRows: ScopeRow[];
  thresholds: { icon: string; passed: boolean; expression: string; actual: string; limit: string }[];
  thresholdsFailed: number;
  status_codes: { code: string; count: number }[];
  error_classes: { name: string; count: number }[];
  samples: { scope: string; errorClass: string; message: string; count: number }[];
  workers: { id: string; share: string; requests: number; errors: number; skew: string; offset: string; status: string }[];
  events: { t: string; type: string; message: string; worker?: string }[];
  lag?: string;
  /** Banner text when the generator was saturated (its delay is in the figures). */
  saturation?: string;
  /** Set when a lost worker left part of the plan undelivered (also with `on_worker_loss: continue`). */
  partial?: string;
  comparison?: Comparison;
  /** A capacity search's answer and its steps. */
  capacity?: CapacityView;
  runUrl?: string;
  sha?: string;
}

/** What a view shows beside the result. */
export interface ViewOptions {
  comparison?: Comparison;
  title?: string;
  /** The step fails on a regression (`fail-on-regression`): the headline says so (issue 15). */
  failOnRegression?: boolean;
}

/** Builds the view model of a result (and an optional comparison). */
export function viewModel(result: Result, opts: ViewOptions = {}): ViewModel {
  const rows: ScopeRow[] = [];
  for (const [name, sc] of Object.entries(result.scenarios)) {
    rows.push(row(name, undefined, sc));
    for (const [step, st] of Object.entries(sc.steps)) rows.push(row(name, step, st));
  }
  const failed = result.thresholds.filter((t) => !t.passed).length;
  const status = result.run.status;
  const verdict =
    status === 'passed'
      ? `Passed: ${result.thresholds.length ? `all ${result.thresholds.length} thresholds met` : 'no thresholds set'}`
      : status === 'partial'
        ? `Partial: ${(result.load!.missing_ratio * 100).toFixed(1)} % of the planned load was not delivered (a worker was lost)`
      : result.run.exit_code === ExitCode.generatorSaturated
        ? 'Failed: the load generator was saturated (generator.on_saturation: fail)'
        : status === 'failed'
        ? `Failed: ${failed} of ${result.thresholds.length} thresholds not met`
        : status === 'aborted'
          ? `Aborted: ${result.run.abort_reason ?? 'stopped early'} (partial result)`
          : 'Error';
  const regressed = opts.failOnRegression ? (opts.comparison?.summary.regressed ?? 0) : 0;
  const passed = status === 'passed' && regressed === 0;
  return {
    title: opts.title ?? `Load test: ${result.plan.name}`,
    planName: result.plan.name,
    status,
    passed,
    verdict: status === 'passed' && regressed ? `Failed: ${regressed} regression(s) against the baseline (fail-on-regression)` : verdict,
    verdictIcon: passed ? '✅' : status === 'failed' || status === 'partial' || regressed ? '❌' : '⚠️',
    startedAt: result.run.started_at,
    durationS: (result.run.duration_ms / 1000).toFixed(1),
    summary: row('all', undefined, result.summary),
    rows,
    tagRows: Object.entries(result.summary.tags ?? {}).flatMap(([key, values]) => Object.entries(values).map(([value, s]) => ({ ...row(key, value, s), scope: `${key}=${value}` }))),
    thresholds: result.thresholds.map((t) => ({
      icon: t.passed ? '✓' : '✗',
      passed: t.passed,
      expression: t.expression,
      actual: t.actual === null ? 'no data' : f(t.actual, 4),
      limit: `${t.op} ${t.limit}`,
    })),
    thresholdsFailed: failed,
    status_codes: Object.entries(result.summary.status).map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count),
    error_classes: Object.entries(result.summary.errors_by_class).map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
    samples: result.error_samples.map((s) => ({ scope: `${s.scenario} / ${s.step}`, errorClass: s.error_class, message: s.message, count: s.count })),
    workers: result.workers.map((w) => ({
      id: w.id,
      share: pct(w.share),
      requests: w.requests,
      errors: w.errors,
      skew: w.start_skew_ms === null ? '–' : `${w.start_skew_ms.toFixed(1)} ms`,
      offset: w.clock_offset_ms === null ? '–' : `${w.clock_offset_ms.toFixed(1)} ms`,
      status: w.status,
    })),
    events: result.events.map((e) => ({ t: `${e.t.toFixed(1)}s`, type: e.type, message: e.message, ...(e.worker ? { worker: e.worker } : {}) })),
    saturation: saturationMessage(result.generator),
    ...(partialMessage(result.load) ? { partial: partialMessage(result.load) } : {}),
    lag: result.generator_lag_ms ? `p50 ${f(result.generator_lag_ms.p50)} ms, p99 ${f(result.generator_lag_ms.p99)} ms, max ${f(result.generator_lag_ms.max)} ms` : undefined,
    comparison: opts.comparison,
    ...(result.capacity ? { capacity: capacityView(result.capacity) } : {}),
    // Only http(s) links: a result file is input, and javascript: URLs run on click.
    runUrl: /^https?:\/\//i.test(result.run.git?.run_url ?? '') ? result.run.git!.run_url : undefined,
    sha: result.run.git?.sha?.slice(0, 7),
  };
}

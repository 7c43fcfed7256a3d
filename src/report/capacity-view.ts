/**
 * A capacity search's answer as people read it: one headline line (CLI, job summary,
 * PR comment, the Action's `capacity` output) and one row per step (CLI table, HTML
 * and Markdown tables), formatted once here; templates only lay out.
 */
import type { CapacityResult, CapacityStep } from './result-schema.js';

const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const rate = (r: number) => `${+r.toFixed(r >= 100 ? 0 : 2)}/s`;

/** Words for a stop reason. */
export const STOP_REASONS: Readonly<Record<CapacityResult['stop_reason'], string>> = {
  criterion_failed: 'a step failed a criterion',
  generator_saturated: 'the load generator was the limit, not the target',
  max_reached: 'every step up to max_rate held',
  aborted: 'the run ended before the search did',
};

/** One step as a table row. */
export interface CapacityRow {
  icon: string;
  rate: string;
  achieved: string;
  p50: string;
  p95: string;
  p99: string;
  errorRate: string;
  dropped: number;
  /** Why it did not hold ('' when it did). */
  note: string;
}

function rowOf(s: CapacityStep): CapacityRow {
  const failed = s.failed.map((x) => `${x.expression} (actual ${x.actual ?? 'no data'})`).join(', ');
  const generator = s.generator_saturated ? `generator saturated${s.generator ? ` (lag p99 ${f(s.generator.lag_p99_ms)} ms)` : ''}${s.dropped_iterations ? `, ${s.dropped_iterations} dropped` : ''}` : '';
  return {
    icon: s.held ? '✓' : '✗',
    rate: rate(s.rate),
    achieved: `${s.achieved_rate.toFixed(1)}/s`,
    p50: f(s.latency_ms.p50),
    p95: f(s.latency_ms.p95),
    p99: f(s.latency_ms.p99),
    errorRate: `${(s.error_rate * 100).toFixed(2)}%`,
    dropped: s.dropped_iterations,
    note: [generator, failed].filter(Boolean).join('; '),
  };
}

/** The view of a capacity block. */
export interface CapacityView {
  /** One line: the sustainable rate with its figures, what ended the search. */
  headline: string;
  reason: string;
  criteria: string;
  rows: CapacityRow[];
  message: string;
}

/** The headline line of a capacity search. */
export function capacityHeadline(c: CapacityResult): string {
  const s = c.sustainable;
  const held = s
    ? `${rate(s.rate)} sustainable (p50 ${f(s.latency_ms.p50)} ms, p95 ${f(s.latency_ms.p95)} ms, p99 ${f(s.latency_ms.p99)} ms, error rate ${(s.error_rate * 100).toFixed(2)}%, achieved ${s.achieved_rate.toFixed(1)}/s)`
    : 'no step held';
  const end = c.failing ? `; ${c.failing.generator_saturated ? `stopped at ${rate(c.failing.rate)}: the load generator was the limit, not the target` : `${rate(c.failing.rate)} failed ${c.failing.failed.map((x) => `${x.expression} (actual ${x.actual ?? 'no data'})`).join(', ')}`}` : '';
  return `${held}${end} — stop: ${c.stop_reason}`;
}

/** Builds the view of a capacity block. */
export function capacityView(c: CapacityResult): CapacityView {
  return { headline: capacityHeadline(c), reason: STOP_REASONS[c.stop_reason], criteria: c.criteria.join(', '), rows: c.steps.map(rowOf), message: c.message };
}

/** The CLI's capacity table. */
export function capacityLines(c: CapacityResult): string[] {
  const v = capacityView(c);
  const head = ['', 'RATE', 'ACHIEVED', 'P50', 'P95', 'P99', 'ERRORS', 'DROPPED', ''];
  const rows = [head, ...v.rows.map((r) => [r.icon, r.rate, r.achieved, r.p50, r.p95, r.p99, r.errorRate, String(r.dropped), r.note])];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
  return [`CAPACITY SEARCH (scenario ${c.scenario}; each step must meet: ${v.criteria})`, ...lines.map((l) => `  ${l}`), `  → ${v.headline}`, `  ${v.message}`];
}

/** The Action's `capacity` output: the answer and its figures, without the per-step rows. */
export function capacityOutput(c: CapacityResult): Record<string, unknown> {
  const figures = (s: CapacityStep | null) => s && { rate: s.rate, achieved_rate: s.achieved_rate, p50: s.latency_ms.p50, p95: s.latency_ms.p95, p99: s.latency_ms.p99, error_rate: s.error_rate };
  return {
    sustainable_rate: c.sustainable_rate,
    stop_reason: c.stop_reason,
    sustainable: figures(c.sustainable),
    failing: c.failing && { ...figures(c.failing), failed: c.failing.failed, generator_saturated: c.failing.generator_saturated },
    steps: c.steps.length,
    message: c.message,
  };
}

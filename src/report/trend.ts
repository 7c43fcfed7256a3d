/**
 * The trend across earlier runs (issue 14): the headline figures of each run, oldest
 * first, as a text sparkline per metric (block characters render in a GitHub comment
 * and in a terminal), a table for the HTML report's trend chart, and JSON. It is
 * context only: regression verdicts stay those of the head-vs-base comparison, whose
 * statistics use interval-level samples, not these whole-run figures.
 */
import type { Result } from './result-schema.js';
import { mdText } from './render.js';

/** The headline figures of one run. */
export interface TrendRun {
  /** Short name: commit, else run id, else file. */
  label: string;
  started_at: string;
  requests: number;
  rps: number;
  error_rate: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Runs oldest → newest, the head (this run) apart, and what could not be used. */
export interface Trend {
  runs: TrendRun[];
  head?: TrendRun;
  /** One line per run left out (expired artifact, unreadable result…). */
  skipped: string[];
  /** What the runs are, when not earlier base-branch runs (the controller: earlier runs of one scenario). */
  note?: string;
}

/** The metrics a trend row is shown for, in order. */
export const TREND_METRICS = ['rps', 'error_rate', 'p50', 'p95', 'p99'] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

/** What every trend display says: the trend is context, not a verdict. */
export const TREND_NOTE = 'Context only: whole-run figures of earlier base-branch runs; the verdicts above come from the head-vs-base comparison alone.';

/** The headline figures of a result; `label` defaults to its commit. */
export function trendRun(result: Result, label?: string): TrendRun {
  const s = result.summary;
  return {
    label: label ?? result.run.git?.sha?.slice(0, 7) ?? result.run.started_at,
    started_at: result.run.started_at,
    requests: s.requests,
    rps: s.rps,
    error_rate: s.error_rate,
    p50: s.latency_ms.p50,
    p95: s.latency_ms.p95,
    p99: s.latency_ms.p99,
  };
}

/** A trend from runs in any order (sorted oldest first by start time). */
export function buildTrend(runs: TrendRun[], opts: { head?: TrendRun; skipped?: string[]; note?: string } = {}): Trend {
  const sorted = [...runs].sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
  return { runs: sorted, ...(opts.head ? { head: opts.head } : {}), skipped: opts.skipped ?? [], ...(opts.note ? { note: opts.note } : {}) };
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * One character per value on the min..max scale of `scale` (default: the values
 * themselves; a flat series sits mid-height); values beyond it are clamped to the
 * lowest or highest bar, and a value that is not finite is `·`.
 */
export function sparkline(values: number[], scale: number[] = values): string {
  const finite = scale.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return values
    .map((v) => {
      if (!Number.isFinite(v)) return '·';
      if (hi === lo) return v > hi ? BARS[BARS.length - 1] : v < lo ? BARS[0] : BARS[3];
      return BARS[Math.max(0, Math.min(BARS.length - 1, Math.floor(((v - lo) / (hi - lo)) * BARS.length)))];
    })
    .join('');
}

const fmt = (m: TrendMetric, v: number) => (m === 'error_rate' ? `${(v * 100).toFixed(2)}%` : m === 'rps' ? v.toFixed(1) : `${v >= 100 ? v.toFixed(0) : v.toFixed(2)} ms`);

/**
 * One display row per metric: the sparkline of the base runs on their own min..max
 * (so a drift across them always shows, however far this run is from them), this
 * run after `│` on that scale (clamped: its figure is in `head`), and the range.
 */
export interface TrendRow {
  metric: TrendMetric;
  spark: string;
  oldest: string;
  newest: string;
  min: string;
  max: string;
  head?: string;
}

/** The rows of a trend (none when it has no runs). */
export function trendRows(trend: Trend): TrendRow[] {
  if (!trend.runs.length) return [];
  return TREND_METRICS.map((m) => {
    const values = trend.runs.map((r) => r[m]);
    const line = sparkline(values);
    return {
      metric: m,
      spark: trend.head ? `${line}│${sparkline([trend.head[m]], values)}` : line,
      oldest: fmt(m, values[0]),
      newest: fmt(m, values[values.length - 1]),
      min: fmt(m, Math.min(...values)),
      max: fmt(m, Math.max(...values)),
      ...(trend.head ? { head: fmt(m, trend.head[m]) } : {}),
    };
  });
}

/** The trend as PR-comment Markdown (a short table in <details>-free form), '' when there is nothing to show. */
export function trendMarkdown(trend: Trend | undefined): string {
  if (!trend || (!trend.runs.length && !trend.skipped.length)) return '';
  const out: string[] = [`**Trend over the last ${trend.runs.length} base-branch run${trend.runs.length === 1 ? '' : 's'}** (oldest → newest${trend.head ? ', then this run after │' : ''})`, ''];
  const rows = trendRows(trend);
  if (rows.length) {
    out.push(`| Metric | Trend | Oldest | Newest | Range |${trend.head ? ' This run |' : ''}`, `|---|---|---:|---:|---:|${trend.head ? '---:|' : ''}`);
    for (const r of rows) out.push(`| ${r.metric} | \`${r.spark}\` | ${r.oldest} | ${r.newest} | ${r.min} … ${r.max} |${r.head ? ` ${r.head} |` : ''}`);
    out.push('');
  }
  if (trend.skipped.length) out.push(`Left out: ${trend.skipped.map(mdText).join('; ')}.`, '');
  out.push(`_${trend.note ?? TREND_NOTE}_`);
  return out.join('\n');
}

/** The trend as terminal text (what `loadtest trend` prints). */
export function trendText(trend: Trend): string {
  const lines = [`Trend over ${trend.runs.length} run(s), oldest → newest: ${trend.runs.map((r) => r.label).join(', ')}`, ''];
  for (const r of trendRows(trend)) lines.push(`${r.metric.padEnd(10)} ${r.spark}  ${r.oldest} → ${r.newest}  (range ${r.min} … ${r.max})`);
  if (trend.skipped.length) lines.push('', `Left out: ${trend.skipped.join('; ')}`);
  lines.push('', trend.note ?? TREND_NOTE, '');
  return lines.join('\n');
}

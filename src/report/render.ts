/**
 * Renders a Result through the Handlebars templates in templates/: the
 * self-contained HTML report (inline CSS, JS and data; charts drawn as SVG by a
 * small inline script, no library, no network), the Markdown job summary, JUnit XML,
 * the PR comment, and the JSON itself. Every string from the plan, the target or a
 * response goes through Handlebars escaping; the embedded JSON escapes `<`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { decodeHistogram } from '../metrics/histogram.js';
import { LtError } from '../errors.js';
import type { Result, TimePoint } from './result-schema.js';
import { RESULT_SCHEMA_VERSION } from './result-schema.js';
import type { Comparison } from './compare.js';
import { compareCells, comparisonCounts, comparisonHeadline, comparisonIcon } from './compare-text.js';
import { viewModel, type ViewModel, type ViewOptions } from './view-model.js';
import { chartAssets } from './chart-assets.js';
import { trendMarkdown, trendRows, TREND_NOTE, type Trend } from './trend.js';

export type Format = 'html' | 'md' | 'junit' | 'json';

/** Only http(s) links: a result file is input, and javascript: URLs run on click. */
function safeUrl(u: string | undefined): string | undefined {
  return u && /^https?:\/\//i.test(u) ? u : undefined;
}

/** GitHub's limits: job summaries 1 MiB, comments 65,536 characters (with a margin). */
export const SUMMARY_LIMIT = 1024 * 1024 - 1024;
export const COMMENT_LIMIT = 65_536 - 512;

/**
 * templates/ next to the code, in both layouts: src/report/render.ts under tsx
 * (../../templates) and the esbuild bundles dist/cli.mjs, dist/index.js (../templates).
 * The nearer candidate is tried first so a bundle never picks up an unrelated
 * templates/ two levels up.
 */
export function templatesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const tried: string[] = [];
  for (const rel of ['../templates', '../../templates']) {
    const p = join(here, rel);
    if (existsSync(join(p, 'report.html.hbs'))) return p;
    tried.push(p);
  }
  throw new LtError('LT_ERR_IO', `report templates not found (looked in ${tried.join(', ')}); the templates/ folder ships beside dist/`);
}

const hb = Handlebars.create();
/**
 * Markdown-safe text for tables and lines: HTML escaped (GitHub decodes entities, so
 * `<` shows as `<`), Markdown punctuation backslash-escaped so names cannot become
 * links, images or emphasis, pipes as `&#124;` so they cannot split a table cell,
 * newlines folded, and `@` followed by a word joiner so an error message cannot
 * mention (notify) anyone.
 */
export function mdText(v: unknown): string {
  return hb
    .escapeExpression(String(v ?? ''))
    .replace(/[\\`*_[\]~]/g, (c) => `\\${c}`)
    .replace(/\|/g, '&#124;')
    .replace(/@/g, '@\u2060')
    .replace(/\r?\n|\r/g, ' ');
}
/**
 * Inline code that keeps `<` readable: raw `<code>` (entities decode there, unlike in
 * backticks). Its content is still Markdown inline content, so it is escaped the same way.
 */
export function mdCode(v: unknown): string {
  return `<code>${mdText(v)}</code>`;
}
hb.registerHelper('md', (v: unknown) => new hb.SafeString(mdText(v)));
/** A link destination: characters that would end or break a Markdown link are %-encoded. */
hb.registerHelper('url', (v: unknown) => new hb.SafeString(String(v ?? '').replace(/[\s()<>"'`\\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`)));
hb.registerHelper('code', (v: unknown) => new hb.SafeString(mdCode(v)));

const cache = new Map<string, HandlebarsTemplateDelegate>();
function template(name: string): HandlebarsTemplateDelegate {
  let t = cache.get(name);
  if (!t) cache.set(name, (t = hb.compile(readFileSync(join(templatesDir(), name), 'utf8'), { strict: false })));
  return t;
}

export { comparisonHeadline, formatInterval } from './compare-text.js';

/** Latency histogram buckets (log-spaced) and the percentile ladder, from the encoded HDR. */
function distribution(encoded: string | undefined): { buckets: { label: string; share: number }[]; ladder: { p: string; ms: string }[] } {
  if (!encoded) return { buckets: [], ladder: [] };
  const h = decodeHistogram(encoded);
  try {
    const total = h.totalCount;
    if (!total) return { buckets: [], ladder: [] };
    const ladder = [50, 75, 90, 95, 99, 99.9, 99.99, 100].map((p) => ({ p: `p${p}`, ms: (h.getValueAtPercentile(p) / 1000).toFixed(3) }));
    const minUs = Math.max(1, h.minNonZeroValue);
    const maxUs = Math.max(minUs + 1, h.maxValue);
    const n = 30;
    const logMin = Math.log(minUs);
    const span = Math.log(maxUs) - logMin || 1;
    const counts = new Array<number>(n).fill(0);
    // Walk the HDR buckets (JsHistogram exposes them) into 30 log-spaced bins.
    const js = h as unknown as { countsArrayLength: number; getCountAtIndex(i: number): number; valueFromIndex(i: number): number };
    for (let i = 0; i < js.countsArrayLength; i++) {
      const c = js.getCountAtIndex(i);
      if (!c) continue;
      const v = Math.max(minUs, js.valueFromIndex(i));
      counts[Math.min(n - 1, Math.floor(((Math.log(v) - logMin) / span) * n))] += c;
    }
    const buckets = counts.map((c, i) => {
      const hi = Math.exp(logMin + (span * (i + 1)) / n);
      return { label: `${(hi / 1000).toFixed(hi < 10_000 ? 2 : 0)}ms`, share: c / total };
    });
    return { buckets, ladder };
  } finally {
    h.destroy();
  }
}

/** The data the HTML page's script draws (also what the live dashboard streams). */
export function chartData(result: Result, trend?: Trend) {
  const classes = [...new Set(result.timeseries.flatMap((p: TimePoint) => Object.keys(p.errors_by_class)))];
  const vm = viewModel(result);
  return {
    timeseries: result.timeseries,
    errorClasses: classes,
    buckets: distribution(result.summary.histogram).buckets,
    events: result.events.filter((e) => e.type !== 'start' && e.type !== 'stop').map((e) => ({ t: e.t, type: e.type, message: e.message })),
    ...(result.capacity?.steps.length ? { capacity: capacityChart(result.capacity) } : {}),
    ...(trend?.runs.length ? { trend: { runs: trend.head ? [...trend.runs, { ...trend.head, label: `this run (${trend.head.label})` }] : trend.runs } } : {}),
    fields: { requests: vm.summary.requests, rps: vm.summary.rps, error_rate: vm.summary.errorRate, p50: vm.summary.p50, p95: vm.summary.p95, p99: vm.summary.p99, duration: vm.durationS, verdict: vm.verdict },
  };
}

/** The latency-vs-rate chart's data: one point per judged step. */
function capacityChart(c: NonNullable<Result['capacity']>) {
  return {
    rates: c.steps.map((s) => s.rate),
    p50: c.steps.map((s) => s.latency_ms.p50),
    p95: c.steps.map((s) => s.latency_ms.p95),
    p99: c.steps.map((s) => s.latency_ms.p99),
    achieved: c.steps.map((s) => s.achieved_rate),
    held: c.steps.map((s) => s.held),
    sustainable: c.sustainable_rate,
  };
}

/** JSON for a `<script type="application/json">`: `<` and line separators escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The comparison's rows: every one in `allRows`; in `flagged` (the visible table) the flagged and the not compared. */
function withComparison(vm: ViewModel) {
  const rows = vm.comparison ? vm.comparison.rows.map(compareCells) : [];
  return { flagged: rows.filter((r) => r.verdict !== '~'), allRows: rows, comparisonCounts: vm.comparison ? comparisonCounts(vm.comparison) : '' };
}

/** Renders the HTML report; `live` adds the dashboard's event stream hook. */
export function renderHtml(result: Result, opts: ViewOptions & { live?: string; trend?: Trend } = {}): string {
  const vm = viewModel(result, opts);
  const { ladder } = distribution(result.summary.histogram);
  const live = opts.live ? `window.__ltLive = ${scriptJson(opts.live)};\n` : '';
  return template('report.html.hbs')({
    ...vm,
    ...withComparison(vm),
    comparisonHeadline: vm.comparison ? comparisonHeadline(vm.comparison) : '',
    summary: { ...vm.summary, checks: result.summary.checks.passes + result.summary.checks.fails ? `${(result.summary.checks.rate * 100).toFixed(2)}%` : '–' },
    ladder,
    live: Boolean(opts.live),
    schemaVersion: RESULT_SCHEMA_VERSION,
    dataJson: scriptJson(chartData(result, opts.trend)),
    trend: opts.trend && (opts.trend.runs.length || opts.trend.skipped.length) ? { rows: trendRows(opts.trend), runs: opts.trend.runs.length, skipped: opts.trend.skipped, note: opts.trend.note ?? TREND_NOTE } : undefined,
    chartCss: chartAssets().css.replace(/<\/style/gi, '<\\/style'),
    // uPlot and the report script share one <script> (the page has exactly two: data and code).
    script: live + [chartAssets().js, readFileSync(join(templatesDir(), 'report.js'), 'utf8')].join('\n;\n').replace(/<\/script/gi, '<\\/script'),
  });
}

/** Renders the Markdown job summary (kept under GitHub's 1 MiB). */
export function renderMarkdown(result: Result, opts: ViewOptions = {}): string {
  const vm = viewModel(result, opts);
  const cmp = withComparison(vm);
  const notableEvents = vm.events.filter((e) => e.type !== 'start' && e.type !== 'stop');
  const comparisonHeadlineText = vm.comparison ? comparisonHeadline(vm.comparison) : '';
  let out = template('summary.md.hbs')({ ...vm, ...cmp, notableEvents, comparisonHeadline: comparisonHeadlineText });
  // GitHub's limit is in bytes.
  if (Buffer.byteLength(out) > SUMMARY_LIMIT) {
    const rows = vm.rows.filter((r) => !r.isStep);
    out = template('summary.md.hbs')({ ...vm, ...cmp, comparisonHeadline: comparisonHeadlineText, rows, notableEvents: notableEvents.slice(0, 50), truncated: `Truncated to stay under GitHub's 1 MiB summary limit: per-step rows and later events are in the HTML report.` });
    if (Buffer.byteLength(out) > SUMMARY_LIMIT) out = Buffer.from(out).subarray(0, SUMMARY_LIMIT - 100).toString('utf8').replace(/\uFFFD$/, '') + '\n\n_(truncated to stay under 1 MiB)_\n';
  }
  return out;
}

/** Renders JUnit XML: one test case per threshold. */
export function renderJunit(result: Result): string {
  const vm = viewModel(result);
  return template('junit.xml.hbs')({ ...vm, timestamp: result.run.started_at.replace(/\.\d+Z$/, '').replace(/Z$/, '') });
}

/** Options of the PR comment. */
export interface PrCommentOptions {
  /** The step fails on a regression: the first line says ❌. */
  failOnRegression?: boolean;
  /** Hidden marker the comment is found by (`commentMarker()` in src/action/pr-comment.ts); omitted for plain Markdown. */
  marker?: string;
  comparison?: Comparison;
  runUrl?: string;
  artifactUrl?: string;
  baselineNote?: string;
  /** Earlier base-branch runs, shown as context under the comparison. */
  trend?: Trend;
}

/**
 * Renders the PR comment: marker, one-line verdict, counts, flagged rows, all rows and
 * the method in <details>, links. Always under 65,536 characters: rows are halved
 * until it fits, with a note saying so.
 */
export function renderPrComment(result: Result, opts: PrCommentOptions = {}): string {
  const vm = viewModel(result, { comparison: opts.comparison, failOnRegression: opts.failOnRegression });
  const cmp = withComparison(vm);
  const headline = opts.comparison ? comparisonHeadline(opts.comparison) : vm.verdict;
  const icon = !vm.passed ? vm.verdictIcon : opts.comparison ? comparisonIcon(opts.comparison) : vm.verdictIcon;
  const ctx = { ...vm, ...cmp, marker: opts.marker, headline, headIcon: icon, runUrl: safeUrl(opts.runUrl) ?? vm.runUrl, artifactUrl: safeUrl(opts.artifactUrl), baselineNote: opts.baselineNote, trendBlock: trendMarkdown(opts.trend), thresholdsPassed: vm.thresholds.filter((t) => t.passed).length };
  let out = template('pr-comment.md.hbs')(ctx);
  let keep = cmp.allRows.length;
  while (out.length >= COMMENT_LIMIT && keep > 0) {
    keep = Math.floor(keep / 2);
    out = template('pr-comment.md.hbs')({ ...ctx, allRows: cmp.allRows.slice(0, keep), flagged: cmp.flagged.slice(0, Math.max(keep, 1)), truncated: `Showing ${keep} of ${cmp.allRows.length} rows to stay under GitHub's comment limit; all rows are in the HTML report.` });
  }
  // Last resort (enormous names): cut, and say so.
  if (out.length >= COMMENT_LIMIT) out = out.slice(0, COMMENT_LIMIT - 200) + '\n\n_(truncated to stay under GitHub\'s comment limit; see the HTML report)_\n';
  return out;
}

/** Renders a result in one of the file formats. */
export function render(result: Result, format: Format, opts: ViewOptions & { trend?: Trend } = {}): string {
  switch (format) {
    case 'html':
      return renderHtml(result, opts);
    case 'md':
      return renderMarkdown(result, opts);
    case 'junit':
      return renderJunit(result);
    case 'json':
      return JSON.stringify(result, null, 2) + '\n';
  }
}

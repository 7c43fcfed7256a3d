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
import type { Comparison, CompareRow } from './compare.js';
import { viewModel, type ViewModel } from './view-model.js';

export type Format = 'html' | 'md' | 'junit' | 'json';

/** GitHub's limits: job summaries 1 MiB, comments 65,536 characters. */
export const SUMMARY_LIMIT = 1024 * 1024 - 1024;
export const COMMENT_LIMIT = 65_536 - 512;

function templatesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../../templates', '../templates', './templates']) {
    const p = join(here, rel);
    if (existsSync(join(p, 'report.html.hbs'))) return p;
  }
  throw new LtError('LT_ERR_IO', `templates/ not found near ${here}`);
}

const hb = Handlebars.create();
/** Markdown-safe text: escapes HTML (via the caller's {{ }}) and table pipes and backticks. */
hb.registerHelper('md', (v: unknown) => new hb.SafeString(hb.escapeExpression(String(v ?? '')).replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\r?\n/g, ' ')));

const cache = new Map<string, HandlebarsTemplateDelegate>();
function template(name: string): HandlebarsTemplateDelegate {
  let t = cache.get(name);
  if (!t) cache.set(name, (t = hb.compile(readFileSync(join(templatesDir(), name), 'utf8'), { strict: false })));
  return t;
}

const num = (v: number, metric: string) => (metric === 'error_rate' ? `${(v * 100).toFixed(2)}%` : v >= 100 ? v.toFixed(0) : v.toFixed(2));

function compareRows(rows: CompareRow[]) {
  return rows.map((r) => ({
    scope: r.scope,
    metric: r.metric,
    base: num(r.base, r.metric),
    head: num(r.head, r.metric),
    delta: r.deltaPct === null ? '–' : `${r.deltaPct >= 0 ? '+' : ''}${(r.deltaPct * 100).toFixed(1)}%`,
    interval: r.interval ? `${r.interval[0].toFixed(3)}–${r.interval[1].toFixed(3)}` : (r.note ?? '–'),
    verdict: r.verdict,
    verdictIcon: r.verdict === 'regressed' ? '🔺' : r.verdict === 'improved' ? '🟢' : '',
  }));
}

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
export function chartData(result: Result) {
  const classes = [...new Set(result.timeseries.flatMap((p: TimePoint) => Object.keys(p.errors_by_class)))];
  const vm = viewModel(result);
  return {
    timeseries: result.timeseries,
    errorClasses: classes,
    buckets: distribution(result.summary.histogram).buckets,
    fields: { requests: vm.summary.requests, rps: vm.summary.rps, error_rate: vm.summary.errorRate, p50: vm.summary.p50, p95: vm.summary.p95, p99: vm.summary.p99, duration: vm.durationS, verdict: vm.verdict },
  };
}

/** JSON for a `<script type="application/json">`: `<` and line separators escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function withComparison(vm: ViewModel) {
  const rows = vm.comparison ? compareRows(vm.comparison.rows) : [];
  return { flagged: rows.filter((r) => r.verdict !== '~'), allRows: rows };
}

/** Renders the HTML report; `live` adds the dashboard's event stream hook. */
export function renderHtml(result: Result, opts: { comparison?: Comparison; title?: string; live?: string } = {}): string {
  const vm = viewModel(result, opts);
  const { ladder } = distribution(result.summary.histogram);
  const live = opts.live ? `window.__ltLive = ${scriptJson(opts.live)};\n` : '';
  return template('report.html.hbs')({
    ...vm,
    ...withComparison(vm),
    summary: { ...vm.summary, checks: result.summary.checks.passes + result.summary.checks.fails ? `${(result.summary.checks.rate * 100).toFixed(2)}%` : '–' },
    ladder,
    live: Boolean(opts.live),
    schemaVersion: RESULT_SCHEMA_VERSION,
    dataJson: scriptJson(chartData(result)),
    script: live + readFileSync(join(templatesDir(), 'report.js'), 'utf8').replace(/<\/script/gi, '<\\/script'),
  });
}

/** Renders the Markdown job summary (kept under GitHub's 1 MiB). */
export function renderMarkdown(result: Result, opts: { comparison?: Comparison; title?: string } = {}): string {
  const vm = viewModel(result, opts);
  const cmp = withComparison(vm);
  const notableEvents = vm.events.filter((e) => e.type !== 'start' && e.type !== 'stop');
  let out = template('summary.md.hbs')({ ...vm, ...cmp, notableEvents });
  if (out.length > SUMMARY_LIMIT) {
    const rows = vm.rows.filter((r) => !r.isStep);
    out = template('summary.md.hbs')({ ...vm, ...cmp, rows, notableEvents: notableEvents.slice(0, 50), truncated: `Truncated to stay under GitHub's 1 MiB summary limit: per-step rows and later events are in the HTML report.` });
    if (out.length > SUMMARY_LIMIT) out = out.slice(0, SUMMARY_LIMIT) + '\n\n_(truncated)_\n';
  }
  return out;
}

/** Renders JUnit XML: one test case per threshold. */
export function renderJunit(result: Result): string {
  const vm = viewModel(result);
  return template('junit.xml.hbs')({ ...vm, timestamp: result.run.started_at.replace(/\.\d+Z$/, '').replace(/Z$/, '') });
}

/** Renders the PR comment (one per workflow/job, found by `marker`), under 65,536 characters. */
export function renderPrComment(result: Result, opts: { marker: string; comparison?: Comparison; runUrl?: string; artifactUrl?: string; baselineNote?: string }): string {
  const vm = viewModel(result, { comparison: opts.comparison });
  const cmp = withComparison(vm);
  const headline = opts.comparison
    ? opts.comparison.summary.regressed
      ? `${opts.comparison.summary.regressed} regression(s) found`
      : opts.comparison.summary.improved
        ? `no regressions, ${opts.comparison.summary.improved} improvement(s)`
        : 'no clear change'
    : vm.verdict;
  const ctx = { ...vm, ...cmp, marker: opts.marker, headline, runUrl: opts.runUrl ?? vm.runUrl, artifactUrl: opts.artifactUrl, baselineNote: opts.baselineNote, thresholdsPassed: vm.thresholds.filter((t) => t.passed).length };
  let out = template('pr-comment.md.hbs')(ctx);
  let keep = cmp.allRows.length;
  while (out.length > COMMENT_LIMIT && keep > 0) {
    keep = Math.floor(keep / 2);
    out = template('pr-comment.md.hbs')({ ...ctx, allRows: cmp.allRows.slice(0, keep), flagged: cmp.flagged.slice(0, Math.max(keep, 1)), truncated: `Showing ${keep} of ${cmp.allRows.length} rows to stay under GitHub's comment limit; all rows are in the HTML report.` });
  }
  return out;
}

/** Renders a result in one of the file formats. */
export function render(result: Result, format: Format, opts: { comparison?: Comparison; title?: string } = {}): string {
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

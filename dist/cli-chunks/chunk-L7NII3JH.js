import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  require_lib
} from "./chunk-KBULCXRD.js";
import {
  decodeHistogram
} from "./chunk-IJ6DNMWR.js";
import {
  RESULT_SCHEMA_VERSION
} from "./chunk-L2HGLDIH.js";
import {
  LtError
} from "./chunk-QE7CO3VA.js";
import {
  __toESM
} from "./chunk-45V4WZAN.js";

// src/report/render.ts
var import_handlebars = __toESM(require_lib(), 1);
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// src/report/view-model.ts
var f = (v, digits = 2) => Number.isFinite(v) ? Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits) : "\u2013";
var pct = (v) => `${(v * 100).toFixed(2)}%`;
function row(scenario, step, s) {
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
    checks: checks ? pct(s.checks.rate) : "\u2013"
  };
}
function viewModel(result, opts = {}) {
  const rows = [];
  for (const [name, sc] of Object.entries(result.scenarios)) {
    rows.push(row(name, void 0, sc));
    for (const [step, st] of Object.entries(sc.steps)) rows.push(row(name, step, st));
  }
  const failed = result.thresholds.filter((t) => !t.passed).length;
  const status = result.run.status;
  const verdict = status === "passed" ? `Passed: ${result.thresholds.length ? `all ${result.thresholds.length} thresholds met` : "no thresholds set"}` : status === "failed" ? `Failed: ${failed} of ${result.thresholds.length} thresholds not met` : status === "aborted" ? `Aborted: ${result.run.abort_reason ?? "stopped early"} (partial result)` : "Error";
  return {
    title: opts.title ?? `Load test: ${result.plan.name}`,
    planName: result.plan.name,
    status,
    passed: status === "passed",
    verdict,
    verdictIcon: status === "passed" ? "\u2705" : status === "failed" ? "\u274C" : "\u26A0\uFE0F",
    startedAt: result.run.started_at,
    durationS: (result.run.duration_ms / 1e3).toFixed(1),
    summary: row("all", void 0, result.summary),
    rows,
    thresholds: result.thresholds.map((t) => ({
      icon: t.passed ? "\u2713" : "\u2717",
      passed: t.passed,
      expression: t.expression,
      actual: t.actual === null ? "no data" : f(t.actual, 4),
      limit: `${t.op} ${t.limit}`
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
      skew: w.start_skew_ms === null ? "\u2013" : `${w.start_skew_ms.toFixed(1)} ms`,
      offset: w.clock_offset_ms === null ? "\u2013" : `${w.clock_offset_ms.toFixed(1)} ms`,
      status: w.status
    })),
    events: result.events.map((e) => ({ t: `${e.t.toFixed(1)}s`, type: e.type, message: e.message, ...e.worker ? { worker: e.worker } : {} })),
    lag: result.generator_lag_ms ? `p50 ${f(result.generator_lag_ms.p50)} ms, p99 ${f(result.generator_lag_ms.p99)} ms, max ${f(result.generator_lag_ms.max)} ms` : void 0,
    comparison: opts.comparison,
    // Only http(s) links: a result file is input, and javascript: URLs run on click.
    runUrl: /^https?:\/\//i.test(result.run.git?.run_url ?? "") ? result.run.git.run_url : void 0,
    sha: result.run.git?.sha?.slice(0, 7)
  };
}

// src/report/render.ts
function safeUrl(u) {
  return u && /^https?:\/\//i.test(u) ? u : void 0;
}
var SUMMARY_LIMIT = 1024 * 1024 - 1024;
var COMMENT_LIMIT = 65536 - 512;
function templatesDir() {
  const here = dirname(fileURLToPath(import.meta.url));
  const tried = [];
  for (const rel of ["../templates", "../../templates"]) {
    const p = join(here, rel);
    if (existsSync(join(p, "report.html.hbs"))) return p;
    tried.push(p);
  }
  throw new LtError("LT_ERR_IO", `report templates not found (looked in ${tried.join(", ")}); the templates/ folder ships beside dist/`);
}
var hb = import_handlebars.default.create();
function mdText(v) {
  return hb.escapeExpression(String(v ?? "")).replace(/[\\`*_[\]~]/g, (c) => `\\${c}`).replace(/\|/g, "&#124;").replace(/@/g, "@\u2060").replace(/\r?\n|\r/g, " ");
}
function mdCode(v) {
  return `<code>${mdText(v)}</code>`;
}
hb.registerHelper("md", (v) => new hb.SafeString(mdText(v)));
hb.registerHelper("url", (v) => new hb.SafeString(String(v ?? "").replace(/[\s()<>"'`\\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}`)));
hb.registerHelper("code", (v) => new hb.SafeString(mdCode(v)));
var cache = /* @__PURE__ */ new Map();
function template(name) {
  let t = cache.get(name);
  if (!t) cache.set(name, t = hb.compile(readFileSync(join(templatesDir(), name), "utf8"), { strict: false }));
  return t;
}
var num = (v, metric) => metric === "error_rate" ? `${(v * 100).toFixed(2)}%` : v >= 100 ? v.toFixed(0) : v.toFixed(2);
var signed = (v, digits) => `${v >= 0 ? "+" : "\u2212"}${Math.abs(v).toFixed(digits)}`;
function formatInterval(r) {
  if (!r.interval) return r.note ?? "\u2013";
  const [lo, hi] = r.interval;
  return r.intervalKind === "difference" ? `${signed(lo * 100, 2)} \u2026 ${signed(hi * 100, 2)} pts` : `${signed((lo - 1) * 100, 1)}% \u2026 ${signed((hi - 1) * 100, 1)}%`;
}
function compareRows(rows) {
  return rows.map((r) => ({
    scope: r.scope,
    metric: r.metric,
    base: num(r.base, r.metric),
    head: num(r.head, r.metric),
    delta: r.deltaPct === null ? "\u2013" : `${signed(r.deltaPct * 100, 1)}%`,
    interval: formatInterval(r),
    verdict: r.verdict,
    verdictIcon: r.verdict === "regressed" ? "\u274C" : r.verdict === "improved" ? "\u26A1" : "",
    note: r.interval ? r.note : void 0
  }));
}
function distribution(encoded) {
  if (!encoded) return { buckets: [], ladder: [] };
  const h = decodeHistogram(encoded);
  try {
    const total = h.totalCount;
    if (!total) return { buckets: [], ladder: [] };
    const ladder = [50, 75, 90, 95, 99, 99.9, 99.99, 100].map((p) => ({ p: `p${p}`, ms: (h.getValueAtPercentile(p) / 1e3).toFixed(3) }));
    const minUs = Math.max(1, h.minNonZeroValue);
    const maxUs = Math.max(minUs + 1, h.maxValue);
    const n = 30;
    const logMin = Math.log(minUs);
    const span = Math.log(maxUs) - logMin || 1;
    const counts = new Array(n).fill(0);
    const js = h;
    for (let i = 0; i < js.countsArrayLength; i++) {
      const c = js.getCountAtIndex(i);
      if (!c) continue;
      const v = Math.max(minUs, js.valueFromIndex(i));
      counts[Math.min(n - 1, Math.floor((Math.log(v) - logMin) / span * n))] += c;
    }
    const buckets = counts.map((c, i) => {
      const hi = Math.exp(logMin + span * (i + 1) / n);
      return { label: `${(hi / 1e3).toFixed(hi < 1e4 ? 2 : 0)}ms`, share: c / total };
    });
    return { buckets, ladder };
  } finally {
    h.destroy();
  }
}
function chartData(result) {
  const classes = [...new Set(result.timeseries.flatMap((p) => Object.keys(p.errors_by_class)))];
  const vm = viewModel(result);
  return {
    timeseries: result.timeseries,
    errorClasses: classes,
    buckets: distribution(result.summary.histogram).buckets,
    events: result.events.filter((e) => e.type !== "start" && e.type !== "stop").map((e) => ({ t: e.t, type: e.type })),
    fields: { requests: vm.summary.requests, rps: vm.summary.rps, error_rate: vm.summary.errorRate, p50: vm.summary.p50, p95: vm.summary.p95, p99: vm.summary.p99, duration: vm.durationS, verdict: vm.verdict }
  };
}
function scriptJson(value) {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
function withComparison(vm) {
  const rows = vm.comparison ? compareRows(vm.comparison.rows) : [];
  return { flagged: rows.filter((r) => r.verdict !== "~"), allRows: rows };
}
function renderHtml(result, opts = {}) {
  const vm = viewModel(result, opts);
  const { ladder } = distribution(result.summary.histogram);
  const live = opts.live ? `window.__ltLive = ${scriptJson(opts.live)};
` : "";
  return template("report.html.hbs")({
    ...vm,
    ...withComparison(vm),
    comparisonHeadline: vm.comparison ? comparisonHeadline(vm.comparison) : "",
    summary: { ...vm.summary, checks: result.summary.checks.passes + result.summary.checks.fails ? `${(result.summary.checks.rate * 100).toFixed(2)}%` : "\u2013" },
    ladder,
    live: Boolean(opts.live),
    schemaVersion: RESULT_SCHEMA_VERSION,
    dataJson: scriptJson(chartData(result)),
    script: live + readFileSync(join(templatesDir(), "report.js"), "utf8").replace(/<\/script/gi, "<\\/script")
  });
}
function renderMarkdown(result, opts = {}) {
  const vm = viewModel(result, opts);
  const cmp = withComparison(vm);
  const notableEvents = vm.events.filter((e) => e.type !== "start" && e.type !== "stop");
  const comparisonHeadlineText = vm.comparison ? comparisonHeadline(vm.comparison) : "";
  let out = template("summary.md.hbs")({ ...vm, ...cmp, notableEvents, comparisonHeadline: comparisonHeadlineText });
  if (Buffer.byteLength(out) > SUMMARY_LIMIT) {
    const rows = vm.rows.filter((r) => !r.isStep);
    out = template("summary.md.hbs")({ ...vm, ...cmp, comparisonHeadline: comparisonHeadlineText, rows, notableEvents: notableEvents.slice(0, 50), truncated: `Truncated to stay under GitHub's 1 MiB summary limit: per-step rows and later events are in the HTML report.` });
    if (Buffer.byteLength(out) > SUMMARY_LIMIT) out = Buffer.from(out).subarray(0, SUMMARY_LIMIT - 100).toString("utf8").replace(/\uFFFD$/, "") + "\n\n_(truncated to stay under 1 MiB)_\n";
  }
  return out;
}
function renderJunit(result) {
  const vm = viewModel(result);
  return template("junit.xml.hbs")({ ...vm, timestamp: result.run.started_at.replace(/\.\d+Z$/, "").replace(/Z$/, "") });
}
function comparisonHeadline(c) {
  const { regressed, improved } = c.summary;
  if (regressed) {
    const worst = [...c.rows].filter((r) => r.verdict === "regressed").sort((a, b) => Math.abs(b.deltaPct ?? 0) - Math.abs(a.deltaPct ?? 0))[0];
    const delta = worst.deltaPct === null ? `${num(worst.base, worst.metric)} \u2192 ${num(worst.head, worst.metric)}` : `${signed(worst.deltaPct * 100, 1)}%`;
    return `${regressed} regression${regressed > 1 ? "s" : ""}, largest ${worst.metric} ${delta} on ${worst.scope} (interval ${formatInterval(worst)})`;
  }
  return improved ? `no regressions, ${improved} improvement${improved > 1 ? "s" : ""}` : "no clear change against the baseline";
}
function renderPrComment(result, opts = {}) {
  const vm = viewModel(result, { comparison: opts.comparison });
  const cmp = withComparison(vm);
  const headline = opts.comparison ? comparisonHeadline(opts.comparison) : vm.verdict;
  const icon = opts.comparison ? opts.comparison.summary.regressed ? "\u274C" : opts.comparison.summary.improved ? "\u26A1" : "\u2705" : vm.verdictIcon;
  const ctx = { ...vm, ...cmp, marker: opts.marker, headline, headIcon: icon, runUrl: safeUrl(opts.runUrl) ?? vm.runUrl, artifactUrl: safeUrl(opts.artifactUrl), baselineNote: opts.baselineNote, thresholdsPassed: vm.thresholds.filter((t) => t.passed).length };
  let out = template("pr-comment.md.hbs")(ctx);
  let keep = cmp.allRows.length;
  while (out.length >= COMMENT_LIMIT && keep > 0) {
    keep = Math.floor(keep / 2);
    out = template("pr-comment.md.hbs")({ ...ctx, allRows: cmp.allRows.slice(0, keep), flagged: cmp.flagged.slice(0, Math.max(keep, 1)), truncated: `Showing ${keep} of ${cmp.allRows.length} rows to stay under GitHub's comment limit; all rows are in the HTML report.` });
  }
  if (out.length >= COMMENT_LIMIT) out = out.slice(0, COMMENT_LIMIT - 200) + "\n\n_(truncated to stay under GitHub's comment limit; see the HTML report)_\n";
  return out;
}
function render(result, format, opts = {}) {
  switch (format) {
    case "html":
      return renderHtml(result, opts);
    case "md":
      return renderMarkdown(result, opts);
    case "junit":
      return renderJunit(result);
    case "json":
      return JSON.stringify(result, null, 2) + "\n";
  }
}

export {
  SUMMARY_LIMIT,
  COMMENT_LIMIT,
  templatesDir,
  mdText,
  mdCode,
  formatInterval,
  chartData,
  scriptJson,
  renderHtml,
  renderMarkdown,
  renderJunit,
  comparisonHeadline,
  renderPrComment,
  render
};

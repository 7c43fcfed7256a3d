import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  createRng
} from "./chunk-NZWGBMD6.js";

// src/report/compare-stats.ts
function resamplePooled(num, den, rng) {
  const n = num.length;
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rng.next() * n);
    a += num[k];
    b += den[k];
  }
  return b > 0 ? a / b : 0;
}
function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
function quantiles(sorted, confidence) {
  const tail = (1 - confidence) / 2;
  const lo = sorted[Math.floor(tail * sorted.length)];
  const hi = sorted[Math.min(sorted.length - 1, Math.ceil((1 - tail) * sorted.length) - 1)];
  return [lo, hi];
}
var TRIM = 0.1;
function resampleTrimmedMean(sorted, counts, rng, k) {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(rng.next() * n)]++;
  let seen = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    if (!c) continue;
    const from = Math.max(seen, k);
    const to = Math.min(seen + c, n - k);
    if (to > from) sum += (to - from) * sorted[i];
    seen += c;
  }
  return sum / (n - 2 * k);
}
function trimmedGeoMean(xs) {
  const logs = xs.map(Math.log).sort((a, b) => a - b);
  const k = Math.floor(TRIM * logs.length);
  const kept = logs.slice(k, logs.length - k);
  return Math.exp(kept.reduce((a, v) => a + v, 0) / kept.length);
}
function bootstrapRatio(base, head, opts) {
  if (!base.length || !head.length || base.some((v) => !(v > 0)) || head.some((v) => !(v > 0))) return null;
  const rng = createRng(`compare:ratio:${opts.seed}`);
  const b = base.map(Math.log).sort((x, y) => x - y);
  const h = head.map(Math.log).sort((x, y) => x - y);
  const cb = new Uint32Array(b.length);
  const ch = new Uint32Array(h.length);
  const kb = Math.floor(TRIM * b.length);
  const kh = Math.floor(TRIM * h.length);
  const all = new Float64Array(opts.resamples);
  for (let i = 0; i < opts.resamples; i++) all[i] = Math.exp(resampleTrimmedMean(h, ch, rng, kh) - resampleTrimmedMean(b, cb, rng, kb));
  return quantiles(all.sort(), opts.confidence);
}
function bootstrapRateDifference(base, head, opts) {
  if (!base.num.length || !head.num.length) return null;
  const rng = createRng(`compare:diff:${opts.seed}`);
  const diffs = new Float64Array(opts.resamples);
  for (let i = 0; i < opts.resamples; i++) diffs[i] = resamplePooled(head.num, head.den, rng) - resamplePooled(base.num, base.den, rng);
  return quantiles(diffs.sort(), opts.confidence);
}

// src/report/compare.ts
var METRICS = ["p50", "p95", "p99", "rps", "error_rate"];
var MIN_INTERVALS = 5;
var P99_MIN_REQUESTS = 100;
function usable(series) {
  const trimmed = series.length > 3 ? series.slice(1, -1) : series;
  return trimmed.filter((p) => p.requests > 0);
}
function pointOf(s, metric) {
  if (metric === "rps") return s.rps;
  if (metric === "error_rate") return s.error_rate;
  return s.latency_ms[metric];
}
var isLatency = (m) => m === "p50" || m === "p95" || m === "p99";
function compareMetric(scope, metric, base, head, o, seed) {
  const b = pointOf(base, metric);
  const h = pointOf(head, metric);
  const baseIv = usable(base.timeseries);
  const headIv = usable(head.timeseries);
  const kind = metric === "error_rate" ? "difference" : "ratio";
  const row = { scope, metric, base: b, head: h, deltaPct: b !== 0 ? (h - b) / b : null, interval: null, intervalKind: kind, verdict: "~" };
  if (baseIv.length < MIN_INTERVALS || headIv.length < MIN_INTERVALS) {
    row.note = `too few intervals (${baseIv.length} vs ${headIv.length}; need ${MIN_INTERVALS})`;
    return row;
  }
  const boot = { resamples: o.resamples, confidence: 1 - o.alpha / METRICS.length, seed };
  let worse = false;
  let better = false;
  if (metric === "error_rate") {
    const side = (ps) => ({ num: ps.map((p) => p.errors), den: ps.map((p) => p.requests) });
    const bs = side(baseIv);
    const hs = side(headIv);
    const iv = row.interval = bootstrapRateDifference(bs, hs, boot);
    if (iv) {
      const baseRate = bs.num.reduce((a, v) => a + v, 0) / Math.max(1, bs.den.reduce((a, v) => a + v, 0));
      const floor = Math.max(o.minAbsoluteErrorRate, o.minRelative * baseRate);
      worse = iv[0] > floor;
      better = iv[1] < -floor;
    }
  } else {
    const key = metric;
    const bv = baseIv.map((p) => p[key]);
    const hv = headIv.map((p) => p[key]);
    const iv = row.interval = bootstrapRatio(bv, hv, boot);
    if (!iv) {
      row.note = "no ratio: some intervals have a value of 0";
      return row;
    }
    const [lo, hi] = iv;
    const up = lo > 1 + o.minRelative;
    const down = hi < 1 / (1 + o.minRelative);
    if (isLatency(metric)) {
      const centreMs = trimmedGeoMean(bv);
      worse = up && (lo - 1) * centreMs >= o.minAbsoluteMs;
      better = down && (1 - hi) * centreMs >= o.minAbsoluteMs;
      const perInterval = median(headIv.map((p) => p.requests));
      if (metric === "p99" && perInterval < P99_MIN_REQUESTS) row.note = `low confidence: ~${Math.round(perInterval)} requests per interval`;
    } else {
      worse = down;
      better = up;
    }
  }
  row.verdict = worse ? "regressed" : better ? "improved" : "~";
  return row;
}
function compareScope(scope, base, head, o, seed) {
  return METRICS.map((m) => compareMetric(scope, m, base, head, o, `${seed}:${scope}:${m}`));
}
function settings(opts) {
  const alpha = opts.alpha ?? (opts.confidence !== void 0 ? 1 - opts.confidence : 0.05);
  return {
    minRelative: opts.minRelative ?? 0.05,
    minAbsoluteMs: opts.minAbsoluteMs ?? 2,
    minAbsoluteErrorRate: opts.minAbsoluteErrorRate ?? 1e-3,
    alpha,
    resamples: opts.resamples ?? 2e3,
    seed: opts.seed ?? 1
  };
}
function compareResults(base, head, opts = {}) {
  const o = settings(opts);
  const rows = [];
  rows.push(...compareScope("overall", { ...base.summary, timeseries: base.timeseries }, { ...head.summary, timeseries: head.timeseries }, o, o.seed));
  for (const [name, hs] of Object.entries(head.scenarios)) {
    const bsc = base.scenarios[name];
    if (!bsc) continue;
    rows.push(...compareScope(name, bsc, hs, o, o.seed));
    for (const [step, st] of Object.entries(hs.steps)) {
      const bst = bsc.steps[step];
      if (bst) rows.push(...compareScope(`${name} / ${step}`, bst, st, o, o.seed));
    }
  }
  const regressed = rows.filter((r) => r.verdict === "regressed").length;
  const improved = rows.filter((r) => r.verdict === "improved").length;
  const pct = (v) => `${+(v * 100).toFixed(2)}%`;
  return {
    rows,
    summary: { regressed, improved, unchanged: rows.length - regressed - improved },
    method: `Samples are intervals of the time series (first and last interval and empty intervals dropped), not single requests. Latency and rps: percentile-bootstrap interval of the ratio head/base of the 10%-trimmed geometric means of interval values; error rate: of the difference of pooled rates, head \u2212 base (${o.resamples} seeded resamples; ${pct(1 - o.alpha)} confidence per scope, Bonferroni-corrected over ${METRICS.length} metrics). A row is flagged only when the whole interval lies beyond the practical floor: \xB1${pct(o.minRelative)}, and for latency at least ${o.minAbsoluteMs} ms, for the error rate at least ${pct(o.minAbsoluteErrorRate)} points; otherwise ~ (no clear change). Scopes present on one side only are not compared.`,
    ...opts.baseLabel ? { baseLabel: opts.baseLabel } : {}
  };
}

export {
  MIN_INTERVALS,
  compareResults
};

import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  MAX_ERROR_SAMPLES
} from "./chunk-3ERMLBNY.js";
import {
  encodeHistogram,
  latencyStats,
  latencyStatsOf
} from "./chunk-IJ6DNMWR.js";
import {
  HdrCounts,
  decodeSparse
} from "./chunk-ACBGIYP4.js";
import {
  RESULT_SCHEMA_VERSION
} from "./chunk-L2HGLDIH.js";
import {
  ExitCode
} from "./chunk-QE7CO3VA.js";

// src/metrics/merge.ts
function emptyCounters() {
  return { requests: 0, errors: 0, errorsByClass: {}, status: {}, bytesIn: 0, bytesOut: 0, iterations: 0, droppedIterations: 0, checksPassed: 0, checksFailed: 0 };
}
function addCounters(a, b) {
  a.requests += b.requests;
  a.errors += b.errors;
  a.bytesIn += b.bytesIn;
  a.bytesOut += b.bytesOut;
  a.iterations += b.iterations;
  a.droppedIterations += b.droppedIterations;
  a.checksPassed += b.checksPassed;
  a.checksFailed += b.checksFailed;
  for (const [k, v] of Object.entries(b.errorsByClass)) a.errorsByClass[k] = (a.errorsByClass[k] ?? 0) + v;
  for (const [k, v] of Object.entries(b.status)) a.status[k] = (a.status[k] ?? 0) + v;
  return a;
}
function decodeSet(m) {
  const hist = {};
  for (const name in m.hist) {
    const enc = m.hist[name];
    if (enc) hist[name] = decodeSparse(enc);
  }
  return { counters: m.counters, hist };
}
function decodeTree(total, scenarios, samples) {
  const out = { total: decodeSet(total), scenarios: /* @__PURE__ */ new Map(), samples: samples ?? [] };
  for (const [name, sc] of Object.entries(scenarios)) {
    const steps = /* @__PURE__ */ new Map();
    for (const [step, m] of Object.entries(sc.steps)) steps.set(step, decodeSet(m));
    out.scenarios.set(name, { total: decodeSet(sc.total), steps });
  }
  return out;
}
var SetAcc = class {
  counters = emptyCounters();
  hist = {};
  add(m) {
    addCounters(this.counters, m.counters);
    for (const name in m.hist) (this.hist[name] ??= new HdrCounts()).addSparse(m.hist[name]);
  }
  /** Adds another accumulated set (dense bucket-wise addition). */
  addSet(o) {
    addCounters(this.counters, o.counters);
    for (const name in o.hist) (this.hist[name] ??= new HdrCounts()).add(o.hist[name]);
  }
  wire(compress) {
    const hist = {};
    for (const name in this.hist) {
      const h = this.hist[name];
      if (h.totalCount > 0) hist[name] = h.encode(compress);
    }
    return { counters: structuredClone(this.counters), hist };
  }
};
var TreeAcc = class {
  total = new SetAcc();
  scenarios = /* @__PURE__ */ new Map();
  samples = /* @__PURE__ */ new Map();
  add(t) {
    this.total.add(t.total);
    for (const [name, sc] of t.scenarios) {
      let acc = this.scenarios.get(name);
      if (!acc) this.scenarios.set(name, acc = { total: new SetAcc(), steps: /* @__PURE__ */ new Map() });
      acc.total.add(sc.total);
      for (const [step, m] of sc.steps) {
        let s = acc.steps.get(step);
        if (!s) acc.steps.set(step, s = new SetAcc());
        s.add(m);
      }
    }
    this.addSamples(t.samples);
  }
  /** Adds another accumulated tree. */
  addAcc(o) {
    this.total.addSet(o.total);
    for (const [name, sc] of o.scenarios) {
      let acc = this.scenarios.get(name);
      if (!acc) this.scenarios.set(name, acc = { total: new SetAcc(), steps: /* @__PURE__ */ new Map() });
      acc.total.addSet(sc.total);
      for (const [step, m] of sc.steps) {
        let x = acc.steps.get(step);
        if (!x) acc.steps.set(step, x = new SetAcc());
        x.addSet(m);
      }
    }
    this.addSamples([...o.samples.values()].flat());
  }
  addSamples(samples) {
    for (const s of samples) {
      const id = `${s.scenario}\0${s.step}\0${s.errorClass}`;
      let list = this.samples.get(id);
      if (!list) this.samples.set(id, list = []);
      const found = list.find((x) => x.message === s.message);
      if (found) found.count += s.count;
      else if (list.length < MAX_ERROR_SAMPLES) list.push({ ...s });
    }
  }
  /** Encoded: `compress` false for snapshots, true for run metrics (see HdrCounts.encode). */
  wire(compress) {
    const scenarios = {};
    for (const [name, acc] of this.scenarios) {
      const steps = {};
      for (const [step, s] of acc.steps) steps[step] = s.wire(compress);
      scenarios[name] = { total: acc.total.wire(compress), steps };
    }
    return { total: this.total.wire(compress), scenarios, errorSamples: [...this.samples.values()].flat().map((s) => ({ ...s })) };
  }
  set(scenario, step) {
    if (!scenario) return this.total;
    const sc = this.scenarios.get(scenario);
    return step ? sc?.steps.get(step) : sc?.total;
  }
};
function mergeSnapshots(list) {
  if (list.length === 0) throw new RangeError("mergeSnapshots needs at least one snapshot");
  const acc = new TreeAcc();
  let activeVus = 0;
  for (const s of list) {
    if (s.seq !== list[0].seq) throw new RangeError(`mergeSnapshots: snapshots of different intervals (seq ${s.seq} and ${list[0].seq})`);
    acc.add(decodeTree(s.total, s.scenarios, s.errorSamples));
    activeVus += s.activeVus;
  }
  return snapshotOf(list[0], activeVus, acc);
}
function snapshotOf(first, activeVus, acc) {
  const w = acc.wire(false);
  return { v: 1, seq: first.seq, startMs: first.startMs, intervalMs: first.intervalMs, activeVus, total: w.total, scenarios: w.scenarios, ...w.errorSamples.length ? { errorSamples: w.errorSamples } : {} };
}
function mergeRunMetrics(list) {
  const acc = new TreeAcc();
  for (const m of list) acc.add(decodeTree(m.total, m.scenarios, m.errorSamples));
  return { v: 1, ...acc.wire(true) };
}
var OPEN_WINDOW = 3;
var MetricsAccumulator = class {
  open = /* @__PURE__ */ new Map();
  closed = /* @__PURE__ */ new Map();
  closedTotals = new TreeAcc();
  maxSeq = -1;
  version = 0;
  live;
  histCache = /* @__PURE__ */ new Map();
  destroyed = false;
  /** Adds one snapshot (late ones land in their own interval). */
  add(snapshot) {
    if (this.destroyed) throw new RangeError("MetricsAccumulator used after destroy()");
    const tree = decodeTree(snapshot.total, snapshot.scenarios, snapshot.errorSamples);
    this.version++;
    const seq = snapshot.seq;
    const closed = this.closed.get(seq);
    if (closed) {
      this.closedTotals.add(tree);
      closed.snapshot = mergeSnapshots([closed.snapshot, snapshot]);
      closed.count++;
      return;
    }
    let o = this.open.get(seq);
    if (!o) this.open.set(seq, o = { first: snapshot, activeVus: 0, count: 0, acc: new TreeAcc() });
    o.acc.add(tree);
    o.activeVus += snapshot.activeVus;
    o.count++;
    if (seq > this.maxSeq) {
      this.maxSeq = seq;
      for (const [s, iv] of this.open) {
        if (s <= seq - OPEN_WINDOW) {
          this.closedTotals.addAcc(iv.acc);
          this.closed.set(s, { snapshot: snapshotOf(iv.first, iv.activeVus, iv.acc), count: iv.count });
          this.open.delete(s);
        }
      }
    }
  }
  /** Closed totals plus open intervals, cached until the next add. */
  sum() {
    if (this.live?.version === this.version) return this.live.acc;
    const acc = new TreeAcc();
    acc.addAcc(this.closedTotals);
    for (const seq of [...this.open.keys()].sort((a, b) => a - b)) acc.addAcc(this.open.get(seq).acc);
    this.live = { version: this.version, acc };
    return acc;
  }
  /** Run so far, merged over every snapshot added. */
  total() {
    return { v: 1, ...this.sum().wire(true) };
  }
  /** Names of the scenarios seen so far. */
  scenarioNames() {
    return [...this.sum().scenarios.keys()];
  }
  /** Counters so far of a scope (global when no scenario); do not modify. */
  counters(scenario, step) {
    return this.sum().set(scenario, step)?.counters;
  }
  /** The run-so-far histogram of a scope as HdrCounts; do not modify. */
  counts(name, scenario, step) {
    return this.sum().set(scenario, step)?.hist[name];
  }
  /**
   * The run-so-far histogram of a scope as a hdr-histogram-js histogram (built on
   * demand and cached until the next add); undefined when there is none.
   */
  histogram(name, scenario, step) {
    const c = this.counts(name, scenario, step);
    if (!c) return void 0;
    const id = `${name}\0${scenario ?? ""}\0${step ?? ""}`;
    const hit = this.histCache.get(id);
    if (hit && hit.version === this.version) return hit.h;
    const h = c.toHistogram();
    this.histCache.set(id, { version: this.version, h });
    return h;
  }
  /** The merged snapshot of one interval so far (undefined when nothing arrived for it). */
  interval(seq) {
    const o = this.open.get(seq);
    if (o) return snapshotOf(o.first, o.activeVus, o.acc);
    return this.closed.get(seq)?.snapshot;
  }
  /** Merged snapshots, one per seq, in order. */
  intervals() {
    const seqs = [.../* @__PURE__ */ new Set([...this.open.keys(), ...this.closed.keys()])].sort((a, b) => a - b);
    return seqs.map((s) => this.interval(s));
  }
  /** How many snapshots were added for `seq`. */
  countAt(seq) {
    return this.open.get(seq)?.count ?? this.closed.get(seq)?.count ?? 0;
  }
  /** Releases everything. Idempotent; the accumulator is unusable afterwards. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.open.clear();
    this.closed.clear();
    this.histCache.clear();
    this.live = void 0;
  }
};

// src/thresholds/evaluate.ts
function withAnyScenarioSteps(view) {
  const sums = /* @__PURE__ */ new Map();
  const sum = (step) => {
    let hit = sums.get(step);
    if (hit) return hit;
    const counters = emptyCounters();
    let latency;
    let found = false;
    for (const sc of view.scenarioNames()) {
      const c = view.counters(sc, step);
      if (!c) continue;
      found = true;
      addCounters(counters, c);
      const h = view.latency(sc, step);
      if (h) {
        latency ??= new HdrCounts();
        latency.add(h instanceof HdrCounts ? h : HdrCounts.decode(encodeHistogram(h)));
      }
    }
    hit = found ? { counters, latency } : { counters: void 0 };
    sums.set(step, hit);
    return hit;
  };
  return {
    scenarioNames: () => view.scenarioNames(),
    counters: (scenario, step) => !scenario && step ? sum(step).counters : view.counters(scenario, step),
    latency: (scenario, step) => !scenario && step ? sum(step).latency : view.latency(scenario, step)
  };
}
function viewOfRunMetrics(m) {
  const cache = /* @__PURE__ */ new Map();
  const set = (scenario, step) => scenario ? step ? m.scenarios[scenario]?.steps[step] : m.scenarios[scenario]?.total : m.total;
  return {
    scenarioNames: () => Object.keys(m.scenarios),
    counters: (scenario, step) => set(scenario, step)?.counters,
    latency(scenario, step) {
      const id = `${scenario ?? ""}\0${step ?? ""}`;
      if (!cache.has(id)) {
        const enc = set(scenario, step)?.hist.latency;
        cache.set(id, enc ? HdrCounts.decode(enc) : void 0);
      }
      return cache.get(id);
    },
    destroy() {
      cache.clear();
    }
  };
}
function viewOfAccumulator(acc) {
  return {
    scenarioNames: () => acc.scenarioNames(),
    counters: (scenario, step) => acc.counters(scenario, step),
    latency: (scenario, step) => acc.counts("latency", scenario, step)
  };
}
var LATENCY_FIGURE = { p50: "p50", p90: "p90", p95: "p95", p99: "p99", "p99.9": "p99_9", min: "min", max: "max", mean: "mean" };
function metricValue(t, view, durationSec) {
  const c = view.counters(t.scenario, t.step);
  if (!c) return null;
  switch (t.metric) {
    case "error_rate":
      return c.requests ? c.errors / c.requests : null;
    case "rps":
      return durationSec > 0 ? c.requests / durationSec : null;
    case "requests":
      return c.requests;
    case "dropped_iterations":
      return c.droppedIterations;
    case "checks": {
      const n = c.checksPassed + c.checksFailed;
      return n ? c.checksPassed / n : null;
    }
    default: {
      const figure = LATENCY_FIGURE[t.metric];
      if (!figure) throw new RangeError(`threshold metric '${t.metric}' has no evaluator`);
      const h = view.latency(t.scenario, t.step);
      if (!h || h.totalCount === 0) return null;
      return latencyStats(h)[figure];
    }
  }
}
function compare(actual, op, limit) {
  switch (op) {
    case "<":
      return actual < limit;
    case "<=":
      return actual <= limit;
    case ">":
      return actual > limit;
    case ">=":
      return actual >= limit;
    case "==":
      return actual === limit;
    case "!=":
      return actual !== limit;
  }
}
function toResult(t, actual) {
  return {
    expression: t.expression,
    metric: t.metric,
    op: t.op,
    limit: t.value,
    ...t.scenario ? { scenario: t.scenario } : {},
    ...t.step ? { step: t.step } : {},
    actual,
    passed: actual !== null && compare(actual, t.op, t.value),
    abort_on_fail: t.abortOnFail
  };
}
function evaluateThresholds(thresholds, metrics, durationSec) {
  const owned = "v" in metrics ? viewOfRunMetrics(metrics) : void 0;
  const view = withAnyScenarioSteps(owned ?? metrics);
  try {
    return thresholds.map((t) => toResult(t, metricValue(t, view, durationSec)));
  } finally {
    owned?.destroy();
  }
}
function evaluateLive(thresholds, metrics, durationSec, elapsedMs) {
  const live = thresholds.filter((t) => t.abortOnFail && elapsedMs >= t.delayAbortEvalMs);
  if (live.length === 0) return [];
  return evaluateThresholds(live, metrics, durationSec).filter((r) => r.actual !== null && !r.passed);
}

// src/report/build-result.ts
function statsOf(m, durationSec) {
  const c = m?.counters;
  const requests = c?.requests ?? 0;
  const errors = c?.errors ?? 0;
  const checks = (c?.checksPassed ?? 0) + (c?.checksFailed ?? 0);
  return {
    requests,
    errors,
    error_rate: requests ? errors / requests : 0,
    rps: durationSec > 0 ? requests / durationSec : 0,
    iterations: c?.iterations ?? 0,
    dropped_iterations: c?.droppedIterations ?? 0,
    bytes_in: c?.bytesIn ?? 0,
    bytes_out: c?.bytesOut ?? 0,
    checks: { passes: c?.checksPassed ?? 0, fails: c?.checksFailed ?? 0, rate: checks ? c.checksPassed / checks : 1 },
    status: { ...c?.status ?? {} },
    errors_by_class: { ...c?.errorsByClass ?? {} },
    latency_ms: latencyStatsOf(m?.hist.latency),
    service_ms: latencyStatsOf(m?.hist.service),
    ...m?.hist.ttfb ? { ttfb_ms: latencyStatsOf(m.hist.ttfb) } : {}
  };
}
function timePoint(m, snap, startAtMs, activeVus, endedAtMs = Infinity) {
  const spanMs = Math.max(1, Math.min(snap.intervalMs, endedAtMs - snap.startMs));
  const c = m?.counters;
  const l = latencyStatsOf(m?.hist.latency);
  return {
    t: Math.round((snap.startMs - startAtMs) / 10) / 100,
    requests: c?.requests ?? 0,
    rps: (c?.requests ?? 0) / (spanMs / 1e3),
    errors: c?.errors ?? 0,
    errors_by_class: { ...c?.errorsByClass ?? {} },
    active_vus: activeVus,
    dropped_iterations: c?.droppedIterations ?? 0,
    iterations: c?.iterations ?? 0,
    checks_failed: c?.checksFailed ?? 0,
    p50: l.p50,
    p90: l.p90,
    p95: l.p95,
    p99: l.p99,
    max: l.max,
    mean: l.mean
  };
}
function verdict(thresholdsFailed, aborted) {
  if (aborted?.bySignal) return { status: "aborted", exit_code: ExitCode.aborted };
  if (thresholdsFailed) return { status: "failed", exit_code: ExitCode.thresholdsFailed };
  if (aborted) return { status: "aborted", exit_code: ExitCode.aborted };
  return { status: "passed", exit_code: ExitCode.passed };
}
function buildResult(input) {
  const { plan, metrics, intervals, startAtMs, endedAtMs } = input;
  const durationMs = Math.max(0, endedAtMs - startAtMs);
  const durationSec = durationMs / 1e3;
  const thresholds = evaluateThresholds(plan.thresholds, metrics, durationSec);
  const v = verdict(thresholds.some((t) => !t.passed), input.aborted);
  const scenarios = {};
  for (const [name, sc] of Object.entries(metrics.scenarios)) {
    const steps = {};
    for (const [step, m] of Object.entries(sc.steps)) {
      steps[step] = {
        ...statsOf(m, durationSec),
        timeseries: intervals.map((s) => timePoint(s.scenarios[name]?.steps[step], s, startAtMs, 0, endedAtMs)),
        ...m.hist.latency ? { histogram: m.hist.latency } : {}
      };
    }
    scenarios[name] = {
      ...statsOf(sc.total, durationSec),
      timeseries: intervals.map((s) => timePoint(s.scenarios[name]?.total, s, startAtMs, 0, endedAtMs)),
      ...sc.total.hist.latency ? { histogram: sc.total.hist.latency } : {},
      steps
    };
  }
  const lag = metrics.total.hist.lag;
  return {
    schema: "loadtest-result",
    version: RESULT_SCHEMA_VERSION,
    tool: { name: "loadtest-action", version: input.toolVersion ?? "0.1.0" },
    plan: { name: plan.name, file: plan.file, hash: plan.hash },
    run: {
      id: input.runId ?? `${startAtMs.toString(36)}`,
      started_at: new Date(startAtMs).toISOString(),
      ended_at: new Date(endedAtMs).toISOString(),
      duration_ms: durationMs,
      status: v.status,
      exit_code: v.exit_code,
      ...input.aborted ? { abort_reason: input.aborted.reason } : {},
      start_skew_ms: input.startSkewMs ?? null,
      ...input.git ? { git: input.git } : {}
    },
    summary: { ...statsOf(metrics.total, durationSec), ...metrics.total.hist.latency ? { histogram: metrics.total.hist.latency } : {} },
    scenarios,
    thresholds,
    timeseries: intervals.map((s) => timePoint(s.total, s, startAtMs, s.activeVus, endedAtMs)),
    workers: input.workers ?? [],
    events: input.events.map((e) => ({
      t: Math.round((e.atMs - startAtMs) / 10) / 100,
      at: new Date(e.atMs).toISOString(),
      type: e.type,
      message: e.message,
      ...e.workerId ? { worker: e.workerId } : {},
      ...e.data ? { data: e.data } : {}
    })),
    error_samples: metrics.errorSamples.map((s) => ({ scenario: s.scenario, step: s.step, error_class: s.errorClass, message: s.message, count: s.count })),
    ...lag ? { generator_lag_ms: latencyStatsOf(lag) } : {}
  };
}

export {
  mergeSnapshots,
  mergeRunMetrics,
  MetricsAccumulator,
  viewOfAccumulator,
  evaluateLive,
  timePoint,
  buildResult
};

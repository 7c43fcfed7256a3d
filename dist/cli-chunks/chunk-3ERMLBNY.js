import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  HdrCounts
} from "./chunk-ACBGIYP4.js";

// src/metrics/recorder.ts
var MAX_ERROR_SAMPLES = 5;
var MAX_ERROR_MESSAGE = 500;
var Tally = class {
  requests = 0;
  errors = 0;
  bytesIn = 0;
  bytesOut = 0;
  iterations = 0;
  droppedIterations = 0;
  checksPassed = 0;
  checksFailed = 0;
  byClass = /* @__PURE__ */ new Map();
  status = /* @__PURE__ */ new Map();
  addTally(o) {
    this.requests += o.requests;
    this.errors += o.errors;
    this.bytesIn += o.bytesIn;
    this.bytesOut += o.bytesOut;
    this.iterations += o.iterations;
    this.droppedIterations += o.droppedIterations;
    this.checksPassed += o.checksPassed;
    this.checksFailed += o.checksFailed;
    for (const [k, v] of o.byClass) this.byClass.set(k, (this.byClass.get(k) ?? 0) + v);
    for (const [k, v] of o.status) this.status.set(k, (this.status.get(k) ?? 0) + v);
  }
  reset() {
    this.requests = this.errors = this.bytesIn = this.bytesOut = 0;
    this.iterations = this.droppedIterations = this.checksPassed = this.checksFailed = 0;
    this.byClass.clear();
    this.status.clear();
  }
  wire() {
    const errorsByClass = {};
    for (const [k, v] of this.byClass) errorsByClass[k] = v;
    const status = {};
    for (const [k, v] of this.status) status[String(k)] = v;
    return {
      requests: this.requests,
      errors: this.errors,
      errorsByClass,
      status,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      iterations: this.iterations,
      droppedIterations: this.droppedIterations,
      checksPassed: this.checksPassed,
      checksFailed: this.checksFailed
    };
  }
};
var KeyState = class {
  interval = new Tally();
  run = new Tally();
  /** This interval's own recordings (steps: request times; scenarios: iteration, lag). */
  ih = {};
  rh = {};
  hist(name) {
    return this.ih[name] ??= new HdrCounts();
  }
};
function addAll(into, from) {
  for (const name in from) {
    const h = from[name];
    if (h.totalCount > 0) (into[name] ??= new HdrCounts()).add(h);
  }
}
function encodeAll(h, compress) {
  const out = {};
  for (const name in h) {
    const hist = h[name];
    if (hist.totalCount > 0) out[name] = hist.encode(compress);
  }
  return out;
}
function resetAll(h) {
  for (const name in h) h[name].reset();
}
var SampleBook = class {
  byKey = /* @__PURE__ */ new Map();
  add(id, scenario, step, errorClass, message, count = 1) {
    let list = this.byKey.get(id);
    if (!list) this.byKey.set(id, list = []);
    const found = list.find((x) => x.message === message);
    if (found) found.count += count;
    else if (list.length < MAX_ERROR_SAMPLES) list.push({ scenario, step, errorClass, message, count });
  }
  list() {
    return [...this.byKey.values()].flat().map((s) => ({ ...s }));
  }
  clear() {
    this.byKey.clear();
  }
};
var Recorder = class {
  intervalMs;
  startAtMs;
  scenarios = /* @__PURE__ */ new Map();
  global = new KeyState();
  runSamples = new SampleBook();
  intervalSamples = new SampleBook();
  seq = 0;
  destroyed = false;
  constructor(opts) {
    if (!(opts.intervalMs > 0)) throw new RangeError(`recorder intervalMs must be > 0 (got ${opts.intervalMs})`);
    this.intervalMs = opts.intervalMs;
    this.startAtMs = opts.startAtMs;
    for (const s of opts.scenarios) {
      const steps = /* @__PURE__ */ new Map();
      for (const step of s.steps) {
        if (steps.has(step)) continue;
        const state = new KeyState();
        steps.set(step, { scenario: s.name, step, state, latency: state.hist("latency"), service: state.hist("service"), ttfb: state.hist("ttfb"), sampleId: `${s.name}\0${step}\0` });
      }
      this.scenarios.set(s.name, { handle: { name: s.name, state: new KeyState() }, steps });
    }
  }
  /** Handle of a step; throws for a name the layout does not have. */
  stepKey(scenario, step) {
    const h = this.scenarios.get(scenario)?.steps.get(step);
    if (!h) throw new RangeError(`recorder has no step '${scenario}/${step}'`);
    return h;
  }
  /** Handle of a scenario; throws for a name the layout does not have. */
  scenarioKey(scenario) {
    const sc = this.scenarios.get(scenario);
    if (!sc) throw new RangeError(`recorder has no scenario '${scenario}'`);
    return sc.handle;
  }
  /**
   * Records one request (hot path). Requests that got no response at all (status 0
   * with an error class: refused, reset, timed out, client-side failure) are counted
   * but kept out of the time histograms, where their near-zero or cut-off times
   * would bend the percentiles of real responses.
   */
  request(key, s) {
    const h = key;
    const t = h.state.interval;
    t.requests++;
    t.bytesIn += s.bytesIn;
    t.bytesOut += s.bytesOut;
    if (s.status) t.status.set(s.status, (t.status.get(s.status) ?? 0) + 1);
    if (s.errorClass) {
      t.errors++;
      t.byClass.set(s.errorClass, (t.byClass.get(s.errorClass) ?? 0) + 1);
      this.sample(h, s.errorClass, s.message ?? (s.status ? `HTTP ${s.status}` : s.errorClass));
      if (!s.status) return;
    }
    h.latency.record(s.latencyUs);
    h.service.record(s.serviceUs);
    h.ttfb.record(s.ttfbUs);
  }
  sample(h, errorClass, message) {
    const id = h.sampleId + errorClass;
    const m = message.length > MAX_ERROR_MESSAGE ? message.slice(0, MAX_ERROR_MESSAGE) : message;
    this.runSamples.add(id, h.scenario, h.step, errorClass, m);
    this.intervalSamples.add(id, h.scenario, h.step, errorClass, m);
  }
  /** Check outcomes of a step. */
  checks(key, passed, failed) {
    const t = key.state.interval;
    t.checksPassed += passed;
    t.checksFailed += failed;
  }
  /** A completed iteration and its duration. */
  iteration(key, durationUs) {
    const st = key.state;
    st.interval.iterations++;
    st.hist("iteration").record(durationUs);
  }
  /** Open model: actual − intended start of an arrival (negative counts as 0). */
  lag(key, lagUs) {
    key.state.hist("lag").record(lagUs);
  }
  /** Arrivals that found no free VU. */
  dropped(key, n = 1) {
    key.state.interval.droppedIterations += n;
  }
  /**
   * Rolls the current interval up (steps → scenario → global), folds it into the run
   * totals and clears it. With `encode`, returns what the interval held.
   */
  fold(encode) {
    const gi = new Tally();
    const gh = {};
    const scenarios = {};
    for (const [name, sc] of this.scenarios) {
      const own = sc.handle.state;
      const si = new Tally();
      si.addTally(own.interval);
      const sh = {};
      addAll(sh, own.ih);
      const steps = {};
      for (const [stepName, st] of sc.steps) {
        const k = st.state;
        si.addTally(k.interval);
        addAll(sh, k.ih);
        if (encode) steps[stepName] = { counters: k.interval.wire(), hist: encodeAll(k.ih, false) };
        k.run.addTally(k.interval);
        addAll(k.rh, k.ih);
        resetAll(k.ih);
        k.interval.reset();
      }
      if (encode) scenarios[name] = { total: { counters: si.wire(), hist: encodeAll(sh, false) }, steps };
      gi.addTally(si);
      addAll(gh, sh);
      own.run.addTally(si);
      addAll(own.rh, sh);
      resetAll(own.ih);
      own.interval.reset();
    }
    this.global.run.addTally(gi);
    addAll(this.global.rh, gh);
    return { total: { counters: gi.wire(), hist: encode ? encodeAll(gh, false) : {} }, scenarios };
  }
  /** Closes the current interval and returns its snapshot (seq 0, 1, 2, …). */
  cut(activeVus) {
    this.assertLive();
    const body = this.fold(true);
    const samples = this.intervalSamples.list();
    this.intervalSamples.clear();
    const seq = this.seq++;
    return { v: 1, seq, startMs: this.startAtMs + seq * this.intervalMs, intervalMs: this.intervalMs, activeVus, ...body, ...samples.length ? { errorSamples: samples } : {} };
  }
  /**
   * The whole run so far. The open interval is folded in first: what it held counts
   * in the totals but will not appear in a later snapshot, so cut() before final()
   * when the interval series must be complete (the engine does).
   */
  final() {
    this.assertLive();
    this.fold(false);
    this.intervalSamples.clear();
    const scenarios = {};
    for (const [name, sc] of this.scenarios) {
      const steps = {};
      for (const [stepName, st] of sc.steps) steps[stepName] = { counters: st.state.run.wire(), hist: encodeAll(st.state.rh, true) };
      scenarios[name] = { total: { counters: sc.handle.state.run.wire(), hist: encodeAll(sc.handle.state.rh, true) }, steps };
    }
    return { v: 1, total: { counters: this.global.run.wire(), hist: encodeAll(this.global.rh, true) }, scenarios, errorSamples: this.runSamples.list() };
  }
  assertLive() {
    if (this.destroyed) throw new RangeError("recorder used after destroy()");
  }
  /** Releases the histograms' storage. Idempotent; the recorder is unusable afterwards. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.scenarios.clear();
    this.runSamples.clear();
    this.intervalSamples.clear();
  }
};

export {
  MAX_ERROR_SAMPLES,
  Recorder
};

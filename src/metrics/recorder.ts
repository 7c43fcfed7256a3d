/**
 * The per-process recorder. The hot path (`request()`) records each value once, into
 * the step's interval histograms, and bumps plain counters. At each interval cut the
 * step histograms are added up into scenario and global ones (HDR addition is exact,
 * so the global histogram equals one holding every value) and folded into the run
 * totals. Interval snapshots carry `latency` per key (plus `iteration`/`lag` per
 * scenario and `service` globally) to keep live merging cheap; the whole-run metrics
 * carry every histogram at every key.
 */
import { encodeHistogram, newHistogram, type Histogram } from './histogram.js';
import type { Counters, ErrorClass, ErrorSample, HistogramName, MetricSetWire, RunMetrics, ScenarioMetricsWire, Snapshot } from './types.js';

/** One measured request. Times in integer µs; status 0 when there was no response. */
export interface RequestSample {
  latencyUs: number;
  serviceUs: number;
  ttfbUs: number;
  status: number;
  errorClass?: ErrorClass;
  bytesIn: number;
  bytesOut: number;
  message?: string;
}

/** Mutable counters with cheap keyed maps for the hot path. */
class Tally {
  requests = 0;
  errors = 0;
  bytesIn = 0;
  bytesOut = 0;
  iterations = 0;
  droppedIterations = 0;
  checksPassed = 0;
  checksFailed = 0;
  readonly byClass = new Map<ErrorClass, number>();
  readonly status = new Map<number, number>();

  addTally(o: Tally): void {
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

  reset(): void {
    this.requests = this.errors = this.bytesIn = this.bytesOut = 0;
    this.iterations = this.droppedIterations = this.checksPassed = this.checksFailed = 0;
    this.byClass.clear();
    this.status.clear();
  }

  wire(): Counters {
    const errorsByClass: Counters['errorsByClass'] = {};
    for (const [k, v] of this.byClass) errorsByClass[k] = v;
    const status: Record<string, number> = {};
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
      checksFailed: this.checksFailed,
    };
  }
}

type Hists = Partial<Record<HistogramName, Histogram>>;

/** Interval and run state of one key. */
class KeyState {
  readonly interval = new Tally();
  readonly run = new Tally();
  readonly ih: Hists = {};
  readonly rh: Hists = {};

  hist(name: HistogramName): Histogram {
    return (this.ih[name] ??= newHistogram());
  }

  destroy(): void {
    for (const h of [...Object.values(this.ih), ...Object.values(this.rh)]) h?.destroy();
  }
}

/** Opaque handle of a step, resolved once (the hot path uses it). */
export interface StepKey {
  readonly state: KeyState;
  readonly scenario: string;
  readonly step: string;
}

/** Opaque handle of a scenario. */
export interface ScenarioKey {
  readonly state: KeyState;
  readonly name: string;
}

const MAX_SAMPLES_PER_KEY = 5;

function addInto(into: Hists, name: HistogramName, h: Histogram | undefined): void {
  if (!h || h.totalCount === 0) return;
  (into[name] ??= newHistogram()).add(h);
}

function encodeAll(h: Hists, only?: readonly HistogramName[]): MetricSetWire['hist'] {
  const out: MetricSetWire['hist'] = {};
  for (const [name, hist] of Object.entries(h) as [HistogramName, Histogram][]) {
    if (hist.totalCount > 0 && (!only || only.includes(name))) out[name] = encodeHistogram(hist);
  }
  return out;
}

const STEP_INTERVAL: readonly HistogramName[] = ['latency'];
const SCENARIO_INTERVAL: readonly HistogramName[] = ['latency', 'iteration', 'lag'];
const GLOBAL_INTERVAL: readonly HistogramName[] = ['latency', 'service', 'iteration', 'lag'];

/** Records one process's measurements; see the module comment. */
export class Recorder {
  private readonly intervalMs: number;
  private readonly startAtMs: number;
  private readonly scenarios = new Map<string, { state: KeyState; steps: Map<string, KeyState> }>();
  private readonly global = new KeyState();
  private readonly samples = new Map<string, ErrorSample[]>();
  private seq = 0;
  private destroyed = false;

  constructor(opts: { scenarios: { name: string; steps: string[] }[]; intervalMs: number; startAtMs: number }) {
    this.intervalMs = opts.intervalMs;
    this.startAtMs = opts.startAtMs;
    for (const s of opts.scenarios) {
      const steps = new Map<string, KeyState>();
      for (const step of s.steps) steps.set(step, new KeyState());
      this.scenarios.set(s.name, { state: new KeyState(), steps });
    }
  }

  /** Handle of a step; throws for a name the layout does not have. */
  stepKey(scenario: string, step: string): StepKey {
    const st = this.scenarios.get(scenario)?.steps.get(step);
    if (!st) throw new RangeError(`recorder has no step '${scenario}/${step}'`);
    return { state: st, scenario, step };
  }

  /** Handle of a scenario. */
  scenarioKey(scenario: string): ScenarioKey {
    const sc = this.scenarios.get(scenario);
    if (!sc) throw new RangeError(`recorder has no scenario '${scenario}'`);
    return { state: sc.state, name: scenario };
  }

  /** Records one request (hot path). */
  request(key: StepKey, s: RequestSample): void {
    const st = key.state;
    const t = st.interval;
    t.requests++;
    t.bytesIn += s.bytesIn;
    t.bytesOut += s.bytesOut;
    if (s.status) t.status.set(s.status, (t.status.get(s.status) ?? 0) + 1);
    if (s.errorClass) {
      t.errors++;
      t.byClass.set(s.errorClass, (t.byClass.get(s.errorClass) ?? 0) + 1);
      if (s.message) this.sample(key, s.errorClass, s.message);
    }
    // Requests that got no response at all have no latency worth a percentile.
    if (s.status || !s.errorClass) {
      (st.ih.latency ??= newHistogram()).recordValue(s.latencyUs);
      (st.ih.service ??= newHistogram()).recordValue(s.serviceUs);
      (st.ih.ttfb ??= newHistogram()).recordValue(s.ttfbUs);
    }
  }

  private sample(key: StepKey, errorClass: ErrorClass, message: string): void {
    const id = `${key.scenario}\u0000${key.step}\u0000${errorClass}`;
    let list = this.samples.get(id);
    if (!list) this.samples.set(id, (list = []));
    const found = list.find((x) => x.message === message);
    if (found) found.count++;
    else if (list.length < MAX_SAMPLES_PER_KEY) list.push({ scenario: key.scenario, step: key.step, errorClass, message: message.slice(0, 500), count: 1 });
  }

  /** Check outcomes of a step. */
  checks(key: StepKey, passed: number, failed: number): void {
    key.state.interval.checksPassed += passed;
    key.state.interval.checksFailed += failed;
  }

  /** A completed iteration and its duration. */
  iteration(key: ScenarioKey, durationUs: number): void {
    key.state.interval.iterations++;
    key.state.hist('iteration').recordValue(Math.max(1, durationUs));
  }

  /** Open model: actual − intended start of an arrival. */
  lag(key: ScenarioKey, lagUs: number): void {
    key.state.hist('lag').recordValue(Math.max(0, lagUs));
  }

  /** Arrivals that found no free VU. */
  dropped(key: ScenarioKey, n = 1): void {
    key.state.interval.droppedIterations += n;
  }

  /**
   * Rolls the current interval up (steps → scenario → global), folds it into the
   * run totals, resets it, and returns what the interval held, encoded with `only`.
   */
  private fold(encode: boolean): Omit<Snapshot, 'v' | 'seq' | 'startMs' | 'intervalMs' | 'activeVus'> {
    const g = this.global;
    const gi = new Tally();
    const gh: Hists = {};
    const scenarios: Record<string, ScenarioMetricsWire> = {};
    for (const [name, sc] of this.scenarios) {
      const si = new Tally();
      si.addTally(sc.state.interval);
      const sh: Hists = {};
      const steps: Record<string, MetricSetWire> = {};
      for (const [stepName, st] of sc.steps) {
        si.addTally(st.interval);
        for (const [hn, h] of Object.entries(st.ih) as [HistogramName, Histogram][]) addInto(sh, hn, h);
        if (encode) steps[stepName] = { counters: st.interval.wire(), hist: encodeAll(st.ih, STEP_INTERVAL) };
        st.run.addTally(st.interval);
        for (const [hn, h] of Object.entries(st.ih) as [HistogramName, Histogram][]) {
          addInto(st.rh, hn, h);
          h.reset();
        }
        st.interval.reset();
      }
      for (const [hn, h] of Object.entries(sc.state.ih) as [HistogramName, Histogram][]) addInto(sh, hn, h);
      if (encode) scenarios[name] = { total: { counters: si.wire(), hist: encodeAll(sh, SCENARIO_INTERVAL) }, steps };
      gi.addTally(si);
      for (const [hn, h] of Object.entries(sh) as [HistogramName, Histogram][]) {
        addInto(gh, hn, h);
        addInto(sc.state.rh, hn, h);
        h.destroy();
      }
      sc.state.run.addTally(si);
      for (const h of Object.values(sc.state.ih)) h?.reset();
      sc.state.interval.reset();
    }
    const total: MetricSetWire = { counters: gi.wire(), hist: encode ? encodeAll(gh, GLOBAL_INTERVAL) : {} };
    g.run.addTally(gi);
    for (const [hn, h] of Object.entries(gh) as [HistogramName, Histogram][]) {
      addInto(g.rh, hn, h);
      h.destroy();
    }
    return { total, scenarios };
  }

  /** Closes the current interval and returns its snapshot (seq 0, 1, 2, …). */
  cut(activeVus: number): Snapshot {
    const body = this.fold(true);
    const seq = this.seq++;
    return { v: 1, seq, startMs: this.startAtMs + seq * this.intervalMs, intervalMs: this.intervalMs, activeVus, ...body };
  }

  /** The whole run so far (the open interval is folded in first). */
  final(): RunMetrics {
    this.fold(false);
    const scenarios: Record<string, ScenarioMetricsWire> = {};
    for (const [name, sc] of this.scenarios) {
      const steps: Record<string, MetricSetWire> = {};
      for (const [stepName, st] of sc.steps) steps[stepName] = { counters: st.run.wire(), hist: encodeAll(st.rh) };
      scenarios[name] = { total: { counters: sc.state.run.wire(), hist: encodeAll(sc.state.rh) }, steps };
    }
    return {
      v: 1,
      total: { counters: this.global.run.wire(), hist: encodeAll(this.global.rh) },
      scenarios,
      errorSamples: [...this.samples.values()].flat(),
    };
  }

  /** Releases every histogram. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.global.destroy();
    for (const sc of this.scenarios.values()) {
      sc.state.destroy();
      for (const st of sc.steps.values()) st.destroy();
    }
  }
}

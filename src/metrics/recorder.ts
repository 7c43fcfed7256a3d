/**
 * The per-process recorder. The hot path (`request()`) records each value once, into
 * the step's interval histograms (`HdrCounts`: a few ns a value), and bumps plain
 * counters. At each interval cut the interval is encoded into the snapshot, folded
 * into the run totals and cleared; scenario and global histograms are sums of the
 * step ones (bucket-wise addition is exact, so the global histogram equals one holding
 * every value), built only where they are encoded. Measured with `node --import tsx
 * bench/recorder.ts` (2 scenarios × 3 steps, 1 % errors, a cut every 20,000 calls) on
 * the shared 2-core machine: request() 120–165 ns a call at load average ~3, 320–580 ns
 * at ~10 (the library's JS histograms: 1,000–2,400 ns); a full cut() 4–5 ms at load ~3.
 *
 * Full snapshots carry every histogram of every key (latency, service, ttfb per step,
 * scenario and globally; iteration and lag per scenario and globally); compact ones
 * (workers) only the recorded ones, from which the rest is rebuilt exactly. Either
 * way a worker that dies mid-run leaves only its snapshots behind, and the
 * coordinator rebuilds its totals from them exactly, step-level service times included.
 */
import { HdrCounts, addHists, addRollup, encodeHists } from './hdr-counts.js';
import type { Counters, ErrorClass, ErrorSample, GeneratorHealth, HistogramName, MetricSetWire, RunMetrics, ScenarioMetricsWire, Snapshot } from './types.js';

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

/** At most this many distinct error messages are kept per (scenario, step, class). */
export const MAX_ERROR_SAMPLES = 5;
/** Error messages are cut to this many characters. */
export const MAX_ERROR_MESSAGE = 500;

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

type Hists = Partial<Record<HistogramName, HdrCounts>>;

/** Interval and run state of one key (a step, a scenario, or the whole run). */
class KeyState {
  readonly interval = new Tally();
  readonly run = new Tally();
  /** This interval's own recordings (steps: request times; scenarios: iteration, lag; the global key: scratch sums while a full snapshot is encoded). */
  readonly ih: Hists = {};
  readonly rh: Hists = {};

  hist(name: HistogramName): HdrCounts {
    return (this.ih[name] ??= new HdrCounts());
  }
}

/** Opaque handle of a step, resolved once (the hot path uses it). */
export interface StepKey {
  readonly scenario: string;
  readonly step: string;
}

/** Opaque handle of a scenario. */
export interface ScenarioKey {
  readonly name: string;
}

/** Internal shape behind the opaque handles. */
interface StepHandle extends StepKey {
  readonly state: KeyState;
  readonly latency: HdrCounts;
  readonly service: HdrCounts;
  readonly ttfb: HdrCounts;
  /** Prefix of error-sample ids. */
  readonly sampleId: string;
}
interface ScenarioHandle extends ScenarioKey {
  readonly state: KeyState;
  /** Scratch: the interval's scenario sums while a full snapshot is encoded. */
  readonly sum: Hists;
}

function resetAll(h: Hists): void {
  for (const name in h) h[name as HistogramName]!.reset();
}

/** First few distinct messages per (scenario, step, class), with counts. */
class SampleBook {
  private readonly byKey = new Map<string, ErrorSample[]>();

  add(id: string, scenario: string, step: string, errorClass: ErrorClass, message: string, count = 1): void {
    let list = this.byKey.get(id);
    if (!list) this.byKey.set(id, (list = []));
    const found = list.find((x) => x.message === message);
    if (found) found.count += count;
    else if (list.length < MAX_ERROR_SAMPLES) list.push({ scenario, step, errorClass, message, count });
  }

  list(): ErrorSample[] {
    return [...this.byKey.values()].flat().map((s) => ({ ...s }));
  }

  clear(): void {
    this.byKey.clear();
  }
}

/** Records one process's measurements; see the module comment. */
export class Recorder {
  private readonly intervalMs: number;
  private startAtMs: number;
  private readonly scenarios = new Map<string, { handle: ScenarioHandle; steps: Map<string, StepHandle> }>();
  private readonly global = new KeyState();
  private readonly runSamples = new SampleBook();
  private readonly intervalSamples = new SampleBook();
  private seq = 0;
  private destroyed = false;

  constructor(opts: { scenarios: { name: string; steps: string[] }[]; intervalMs: number; startAtMs: number }) {
    if (!(opts.intervalMs > 0)) throw new RangeError(`recorder intervalMs must be > 0 (got ${opts.intervalMs})`);
    this.intervalMs = opts.intervalMs;
    this.startAtMs = opts.startAtMs;
    for (const s of opts.scenarios) {
      const steps = new Map<string, StepHandle>();
      for (const step of s.steps) {
        if (steps.has(step)) continue;
        const state = new KeyState();
        steps.set(step, { scenario: s.name, step, state, latency: state.hist('latency'), service: state.hist('service'), ttfb: state.hist('ttfb'), sampleId: `${s.name}\u0000${step}\u0000` });
      }
      this.scenarios.set(s.name, { handle: { name: s.name, state: new KeyState(), sum: {} }, steps });
    }
  }

  /** Moves the run's start instant (before the first cut: the engine's warm-up ends it). */
  restartAt(startAtMs: number): void {
    if (this.seq !== 0) throw new RangeError('recorder.restartAt() after the first cut');
    this.startAtMs = startAtMs;
  }

  /** Handle of a step; throws for a name the layout does not have. */
  stepKey(scenario: string, step: string): StepKey {
    const h = this.scenarios.get(scenario)?.steps.get(step);
    if (!h) throw new RangeError(`recorder has no step '${scenario}/${step}'`);
    return h;
  }

  /** Handle of a scenario; throws for a name the layout does not have. */
  scenarioKey(scenario: string): ScenarioKey {
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
  request(key: StepKey, s: RequestSample): void {
    const h = key as StepHandle;
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

  private sample(h: StepHandle, errorClass: ErrorClass, message: string): void {
    const id = h.sampleId + errorClass;
    const m = message.length > MAX_ERROR_MESSAGE ? message.slice(0, MAX_ERROR_MESSAGE) : message;
    this.runSamples.add(id, h.scenario, h.step, errorClass, m);
    this.intervalSamples.add(id, h.scenario, h.step, errorClass, m);
  }

  /** Check outcomes of a step. */
  checks(key: StepKey, passed: number, failed: number): void {
    const t = (key as StepHandle).state.interval;
    t.checksPassed += passed;
    t.checksFailed += failed;
  }

  /** A completed iteration and its duration. */
  iteration(key: ScenarioKey, durationUs: number): void {
    const st = (key as ScenarioHandle).state;
    st.interval.iterations++;
    st.hist('iteration').record(durationUs);
  }

  /** Open model: actual − intended start of an arrival (negative counts as 0). */
  lag(key: ScenarioKey, lagUs: number): void {
    (key as ScenarioHandle).state.hist('lag').record(lagUs);
  }

  /**
   * Generator lag p99 of the open interval over every scenario, µs (0 without
   * arrivals). Read just before cut(), for the interval's generator health.
   */
  intervalLagP99Us(): number {
    let sum: HdrCounts | undefined;
    let only: HdrCounts | undefined;
    for (const sc of this.scenarios.values()) {
      const h = sc.handle.state.ih.lag;
      if (h === undefined || h.totalCount === 0) continue;
      if (only === undefined) only = h;
      else {
        if (sum === undefined) (sum = this.lagScratch).add(only);
        sum.add(h);
      }
    }
    const p99 = (sum ?? only)?.valueAtPercentile(99) ?? 0;
    this.lagScratch.reset();
    return p99;
  }

  /** Scratch for intervalLagP99Us() when several scenarios have arrivals. */
  private readonly lagScratch = new HdrCounts();

  /** Arrivals that found no free VU. */
  dropped(key: ScenarioKey, n = 1): void {
    (key as ScenarioHandle).state.interval.droppedIterations += n;
  }

  /**
   * Folds the current interval into the run totals and clears it; with `encode`,
   * returns what the interval held. Totals keep each histogram where it is recorded
   * (steps; scenarios' iteration and lag); sums are built only to encode them: for a
   * full snapshot, in scratch histograms that are reused (no allocation per cut).
   */
  private fold(encode: boolean, compact = false): Pick<Snapshot, 'total' | 'scenarios'> {
    const gi = new Tally();
    const full = encode && !compact;
    const gh = this.global.ih;
    const scenarios: Record<string, ScenarioMetricsWire> = {};
    for (const [name, sc] of this.scenarios) {
      const own = sc.handle.state;
      const si = new Tally();
      si.addTally(own.interval);
      const sh = sc.handle.sum;
      if (full) addHists(sh, own.ih);
      const steps: Record<string, MetricSetWire> = {};
      for (const [stepName, st] of sc.steps) {
        const k = st.state;
        si.addTally(k.interval);
        if (full) addHists(sh, k.ih);
        if (encode) steps[stepName] = { counters: k.interval.wire(), hist: encodeHists(k.ih, false) };
        k.run.addTally(k.interval);
        addHists(k.rh, k.ih);
        resetAll(k.ih);
        k.interval.reset();
      }
      if (encode) scenarios[name] = { total: { counters: si.wire(), hist: encodeHists(full ? sh : own.ih, false) }, steps };
      if (full) {
        addHists(gh, sh);
        resetAll(sh);
      }
      gi.addTally(si);
      own.run.addTally(si);
      addHists(own.rh, own.ih);
      resetAll(own.ih);
      own.interval.reset();
    }
    this.global.run.addTally(gi);
    const total = { counters: gi.wire(), hist: full ? encodeHists(gh, false) : {} };
    resetAll(gh);
    return { total, scenarios };
  }

  /**
   * Closes the current interval and returns its snapshot (seq 0, 1, 2, …). A
   * `compact` snapshot carries each histogram once, where it is recorded: request
   * times per step, iteration and lag per scenario; the scenario and global request
   * histograms (and the global iteration and lag) are sums of those, which the merge
   * (merge.ts) rebuilds exactly. Cluster workers send compact snapshots: about half
   * the bytes and half the decoding for the coordinator.
   */
  cut(activeVus: number, compact = false, generator?: GeneratorHealth): Snapshot {
    this.assertLive();
    const body = this.fold(true, compact);
    const samples = this.intervalSamples.list();
    this.intervalSamples.clear();
    const seq = this.seq++;
    return {
      v: 1,
      seq,
      startMs: this.startAtMs + seq * this.intervalMs,
      intervalMs: this.intervalMs,
      activeVus,
      ...body,
      ...(samples.length ? { errorSamples: samples } : {}),
      ...(generator ? { generator } : {}),
    };
  }

  /**
   * The whole run so far. The open interval is folded in first: what it held counts
   * in the totals but will not appear in a later snapshot, so cut() before final()
   * when the interval series must be complete (the engine does).
   */
  final(): RunMetrics {
    this.assertLive();
    this.fold(false);
    this.intervalSamples.clear();
    const scenarios: Record<string, ScenarioMetricsWire> = {};
    const sums: Hists[] = [];
    for (const [name, sc] of this.scenarios) {
      const steps: Record<string, MetricSetWire> = {};
      for (const [stepName, st] of sc.steps) steps[stepName] = { counters: st.state.run.wire(), hist: encodeHists(st.state.rh, true) };
      const sh = addRollup({}, sc.handle.state.rh, [...sc.steps.values()].map((st) => st.state.rh));
      scenarios[name] = { total: { counters: sc.handle.state.run.wire(), hist: encodeHists(sh, true) }, steps };
      sums.push(sh);
    }
    return { v: 1, total: { counters: this.global.run.wire(), hist: encodeHists(addRollup({}, {}, sums), true) }, scenarios, errorSamples: this.runSamples.list() };
  }

  private assertLive(): void {
    if (this.destroyed) throw new RangeError('recorder used after destroy()');
  }

  /** Releases the histograms' storage. Idempotent; the recorder is unusable afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.scenarios.clear();
    this.runSamples.clear();
    this.intervalSamples.clear();
  }
}

/**
 * Merging by addition: counters add, histograms add bucket-wise (exact), so the
 * merge of N workers' measurements equals what one process recording everything
 * would have recorded. Late snapshots go into their own interval (by seq), never
 * dropped (Artillery drops them: its issue #3750).
 *
 * Cost, for a coordinator: each histogram is decoded once, straight into the dense
 * counts of its interval (no intermediate arrays); only the histograms a level records
 * are decoded (scenario and global sums are rebuilt once per interval, not once per
 * worker); histogram storage is pooled (hdr-counts.ts). Measured with `npm run bench
 * -- merge` (bench/coordinator.ts: 256 simulated workers over the HTTP relay, 2,000
 * req/s each, 2 scenarios × 3 steps, latencies spread over 0.2–500 ms): see the
 * README's Performance table. Before this design (every histogram of every key
 * decoded into arrays, the interval merged and then merged again into the totals),
 * `node --import tsx bench/merge.ts` at commit 9fec024 (that bench is gone) gave
 * ~281 ms CPU per interval for the merge functions alone.
 */
import { HdrCounts, type Histogram } from './histogram.js';
import { addHists, addRollup, encodeHists, releaseHists, takeCounts, type HistSet } from './hdr-counts.js';
import { MAX_ERROR_SAMPLES } from './recorder.js';
import type { Counters, ErrorSample, GeneratorHealth, HistogramName, MetricSetWire, RunMetrics, ScenarioMetricsWire, Snapshot } from './types.js';

/** Zero counters. */
export function emptyCounters(): Counters {
  return { requests: 0, errors: 0, errorsByClass: {}, status: {}, bytesIn: 0, bytesOut: 0, iterations: 0, droppedIterations: 0, checksPassed: 0, checksFailed: 0 };
}

/** Adds `b` into `a` (mutates and returns `a`). */
export function addCounters(a: Counters, b: Counters): Counters {
  a.requests += b.requests;
  a.errors += b.errors;
  a.bytesIn += b.bytesIn;
  a.bytesOut += b.bytesOut;
  a.iterations += b.iterations;
  a.droppedIterations += b.droppedIterations;
  a.checksPassed += b.checksPassed;
  a.checksFailed += b.checksFailed;
  for (const k in b.errorsByClass) {
    const c = k as keyof Counters['errorsByClass'];
    a.errorsByClass[c] = (a.errorsByClass[c] ?? 0) + b.errorsByClass[c]!;
  }
  for (const k in b.status) a.status[k] = (a.status[k] ?? 0) + b.status[k];
  return a;
}

type Hists = HistSet<HistogramName>;

/**
 * A level's histogram of some kind is the bucket-wise sum of its children's when the
 * children carry that kind: the recorder records request times per step and iteration
 * and lag per scenario, and a scenario's request times and every global histogram are
 * sums of those. Such derived copies in an input are not decoded (compact snapshots do
 * not even carry them); outputs rebuild them as own + Σ children. A histogram whose
 * kind no child carries is the level's own and is kept.
 */
function kindsOf(sets: Iterable<MetricSetWire>, into = new Set<string>()): Set<string> {
  for (const m of sets) for (const name in m.hist) if (m.hist[name as HistogramName]) into.add(name);
  return into;
}

/** Counters and histograms of one scope (step, scenario or global). */
export interface MetricSet {
  counters: Counters;
  hist: Hists;
}

/** A metric set being accumulated: counters as given, histograms of the level's own kinds. */
class SetAcc implements MetricSet {
  readonly counters = emptyCounters();
  readonly hist: Hists = {};

  /** Adds a wire set: counters, and the encoded histograms except the `derived` kinds. */
  addWire(m: MetricSetWire, derived?: Set<string>): void {
    addCounters(this.counters, m.counters);
    for (const name in m.hist) {
      const enc = m.hist[name as HistogramName];
      if (enc && !derived?.has(name)) (this.hist[name as HistogramName] ??= takeCounts()).addEncoded(enc);
    }
  }

  /** Adds another accumulated set (dense bucket-wise addition). */
  addSet(o: SetAcc): void {
    addCounters(this.counters, o.counters);
    addHists(this.hist, o.hist);
  }
}

function wireOf(m: MetricSet, compress: boolean, kinds?: ReadonlySet<HistogramName>): MetricSetWire {
  let hist = m.hist;
  if (kinds) {
    hist = {};
    for (const name in m.hist) if (kinds.has(name as HistogramName)) hist[name as HistogramName] = m.hist[name as HistogramName];
  }
  return { counters: structuredClone(m.counters), hist: encodeHists(hist, compress) };
}

/** Accumulates a total/scenarios/steps tree and error samples (≤ 5 distinct per key). */
class TreeAcc {
  readonly total = new SetAcc();
  readonly scenarios = new Map<string, { total: SetAcc; steps: Map<string, SetAcc> }>();
  private readonly samples = new Map<string, ErrorSample[]>();
  /** Scenario and global histograms rebuilt from the own ones; dropped on every add. */
  private rolled?: { total: Hists; scenarios: Map<string, Hists> };

  private scenario(name: string): { total: SetAcc; steps: Map<string, SetAcc> } {
    let acc = this.scenarios.get(name);
    if (!acc) this.scenarios.set(name, (acc = { total: new SetAcc(), steps: new Map() }));
    return acc;
  }

  private step(sc: { steps: Map<string, SetAcc> }, name: string): SetAcc {
    let s = sc.steps.get(name);
    if (!s) sc.steps.set(name, (s = new SetAcc()));
    return s;
  }

  /** Drops the rolled-up sums (their histograms go back to the pool). */
  private unroll(): void {
    if (!this.rolled) return;
    releaseHists(this.rolled.total);
    for (const h of this.rolled.scenarios.values()) releaseHists(h);
    this.rolled = undefined;
  }

  /** Gives every histogram back to the pool; the tree is empty afterwards and must not be used. */
  release(): void {
    this.unroll();
    releaseHists(this.total.hist);
    for (const sc of this.scenarios.values()) {
      releaseHists(sc.total.hist);
      for (const st of sc.steps.values()) releaseHists(st.hist);
    }
    this.scenarios.clear();
  }

  /** Adds a tree in wire form (full or compact), decoding each recorded histogram once. */
  add(total: MetricSetWire, scenarios: Record<string, ScenarioMetricsWire>, samples: ErrorSample[] | undefined): void {
    this.unroll();
    const below = new Set<string>();
    for (const name in scenarios) {
      const sc = scenarios[name];
      const acc = this.scenario(name);
      const fromSteps = kindsOf(Object.values(sc.steps));
      acc.total.addWire(sc.total, fromSteps);
      for (const step in sc.steps) this.step(acc, step).addWire(sc.steps[step]);
      for (const k of kindsOf([sc.total], fromSteps)) below.add(k);
    }
    this.total.addWire(total, below);
    if (samples) this.addSamples(samples);
  }

  /** Adds another accumulated tree. */
  addAcc(o: TreeAcc): void {
    this.unroll();
    this.total.addSet(o.total);
    for (const [name, sc] of o.scenarios) {
      const acc = this.scenario(name);
      acc.total.addSet(sc.total);
      for (const [step, m] of sc.steps) this.step(acc, step).addSet(m);
    }
    this.addSamples([...o.samples.values()].flat());
  }

  private addSamples(samples: ErrorSample[]): void {
    for (const s of samples) {
      const id = `${s.scenario}\u0000${s.step}\u0000${s.errorClass}`;
      let list = this.samples.get(id);
      if (!list) this.samples.set(id, (list = []));
      const found = list.find((x) => x.message === s.message);
      if (found) found.count += s.count;
      else if (list.length < MAX_ERROR_SAMPLES) list.push({ ...s });
    }
  }

  /** Scenario histograms = own + Σ steps; global = Σ scenarios (exact, bucket-wise). */
  private rollup(): { total: Hists; scenarios: Map<string, Hists> } {
    if (this.rolled) return this.rolled;
    const scenarios = new Map<string, Hists>();
    for (const [name, sc] of this.scenarios) scenarios.set(name, addRollup({}, sc.total.hist, [...sc.steps.values()].map((st) => st.hist)));
    return (this.rolled = { total: addRollup({}, this.total.hist, scenarios.values()), scenarios });
  }

  /**
   * Encoded: `compress` false for snapshots, true for run metrics (see HdrCounts.encode).
   * `compact` leaves out the rolled-up sums (as a worker's compact snapshot does);
   * `kinds` keeps only those histograms.
   */
  wire(compress: boolean, opts: { compact?: boolean; kinds?: ReadonlySet<HistogramName> } = {}): { total: MetricSetWire; scenarios: Record<string, ScenarioMetricsWire>; errorSamples: ErrorSample[] } {
    const scenarios: Record<string, ScenarioMetricsWire> = {};
    const { compact, kinds } = opts;
    for (const [name, sc] of this.scenarios) {
      const steps: Record<string, MetricSetWire> = {};
      for (const [step, s] of sc.steps) steps[step] = wireOf(s, compress, kinds);
      scenarios[name] = { total: wireOf(compact ? sc.total : this.set(name)!, compress, kinds), steps };
    }
    return { total: wireOf(compact ? this.total : this.set()!, compress, kinds), scenarios, errorSamples: [...this.samples.values()].flat().map((s) => ({ ...s })) };
  }

  /** One scope, scenario and global histograms rolled up; do not modify. */
  set(scenario?: string, step?: string): MetricSet | undefined {
    if (!scenario) return { counters: this.total.counters, hist: this.rollup().total };
    const sc = this.scenarios.get(scenario);
    if (!sc) return undefined;
    if (step) return sc.steps.get(step);
    return { counters: sc.total.counters, hist: this.rollup().scenarios.get(scenario)! };
  }
}

/**
 * Generator health of one interval over several processes: the worst figures (a
 * saturated worker bends the merged latencies however healthy the others were),
 * saturated when any was, and which workers were.
 */
export function mergeGeneratorHealth(a: GeneratorHealth | undefined, b: GeneratorHealth | undefined): GeneratorHealth | undefined {
  if (a === undefined) return b && { ...b, ...(b.saturatedWorkers ? { saturatedWorkers: [...b.saturatedWorkers] } : {}) };
  if (b === undefined) return a;
  const workers = [...new Set([...(a.saturatedWorkers ?? []), ...(b.saturatedWorkers ?? [])])];
  return {
    eventLoopP99Us: Math.max(a.eventLoopP99Us, b.eventLoopP99Us),
    eventLoopMaxUs: Math.max(a.eventLoopMaxUs, b.eventLoopMaxUs),
    cpuPct: Math.max(a.cpuPct, b.cpuPct),
    lagP99Us: Math.max(a.lagP99Us, b.lagP99Us),
    saturated: a.saturated || b.saturated,
    ...(workers.length ? { saturatedWorkers: workers } : {}),
  };
}

/** Merges snapshots of the same interval (same seq) from several processes. */
export function mergeSnapshots(list: Snapshot[]): Snapshot {
  if (list.length === 0) throw new RangeError('mergeSnapshots needs at least one snapshot');
  const acc = new TreeAcc();
  let activeVus = 0;
  let generator: GeneratorHealth | undefined;
  for (const s of list) {
    if (s.seq !== list[0].seq) throw new RangeError(`mergeSnapshots: snapshots of different intervals (seq ${s.seq} and ${list[0].seq})`);
    acc.add(s.total, s.scenarios, s.errorSamples);
    activeVus += s.activeVus;
    generator = mergeGeneratorHealth(generator, s.generator);
  }
  const out = snapshotOf(list[0], activeVus, acc, generator);
  acc.release();
  return out;
}

function snapshotOf(first: Pick<Snapshot, 'seq' | 'startMs' | 'intervalMs'>, activeVus: number, acc: TreeAcc, generator: GeneratorHealth | undefined, compress = false, opts?: { compact?: boolean; kinds?: ReadonlySet<HistogramName> }): Snapshot {
  const w = acc.wire(compress, opts);
  return {
    v: 1,
    seq: first.seq,
    startMs: first.startMs,
    intervalMs: first.intervalMs,
    activeVus,
    total: w.total,
    scenarios: w.scenarios,
    ...(w.errorSamples.length ? { errorSamples: w.errorSamples } : {}),
    ...(generator ? { generator } : {}),
  };
}

/** Merges whole-run metrics of several processes (an empty list gives empty metrics). */
export function mergeRunMetrics(list: RunMetrics[]): RunMetrics {
  const acc = new TreeAcc();
  for (const m of list) acc.add(m.total, m.scenarios, m.errorSamples);
  const out: RunMetrics = { v: 1, ...acc.wire(true) };
  acc.release();
  return out;
}

/** Decoded seqs kept this far behind the newest one; older ones are encoded and released. */
const OPEN_WINDOW = 3;

interface OpenInterval {
  first: Pick<Snapshot, 'seq' | 'startMs' | 'intervalMs'>;
  activeVus: number;
  generator: GeneratorHealth | undefined;
  count: number;
  acc: TreeAcc;
}

/** Options of an accumulator. */
export interface AccumulatorOptions {
  /**
   * Histograms kept per closed interval (default: all). A coordinator keeps only
   * `latency` — what a Result's time series shows — so a long run's intervals cost
   * ~1/5 the memory; run totals always keep every histogram.
   */
  intervalHistograms?: readonly HistogramName[];
}

/**
 * The coordinator's (and the live runner's) running merge. `add()` takes snapshots
 * from any worker in any order, decodes each histogram once and adds it into its
 * interval. The newest few intervals stay decoded; when one falls out of that window
 * it is added (once, densely) into the closed-run totals, encoded (compact and
 * compressed) and its decoded state released, so each worker histogram is decoded
 * once, and memory grows only by one small encoded interval a second. Run-so-far
 * figures are the closed totals plus the open intervals, summed on demand and cached
 * until the next add. A snapshot arriving for an already closed interval (a worker
 * that was cut off and delivers late) is merged into that interval and the totals,
 * never dropped.
 */
export class MetricsAccumulator {
  private readonly open = new Map<number, OpenInterval>();
  /** Closed intervals, compact and compressed (see `keep`). */
  private readonly closed = new Map<number, { snapshot: Snapshot; count: number }>();
  private readonly keep: { compact: true; kinds?: ReadonlySet<HistogramName> };
  private readonly closedTotals = new TreeAcc();
  private maxSeq = -1;
  private version = 0;
  private live?: { version: number; acc: TreeAcc };
  private readonly histCache = new Map<string, { version: number; h: Histogram }>();
  private destroyed = false;

  constructor(opts: AccumulatorOptions = {}) {
    this.keep = { compact: true, ...(opts.intervalHistograms ? { kinds: new Set(opts.intervalHistograms) } : {}) };
  }

  /** Adds one snapshot, full or compact (late ones land in their own interval). */
  add(snapshot: Snapshot): void {
    if (this.destroyed) throw new RangeError('MetricsAccumulator used after destroy()');
    this.version++;
    const seq = snapshot.seq;
    const closed = this.closed.get(seq);
    if (closed) {
      this.closedTotals.add(snapshot.total, snapshot.scenarios, snapshot.errorSamples);
      const acc = new TreeAcc();
      acc.add(closed.snapshot.total, closed.snapshot.scenarios, closed.snapshot.errorSamples);
      acc.add(snapshot.total, snapshot.scenarios, snapshot.errorSamples);
      closed.snapshot = snapshotOf(closed.snapshot, closed.snapshot.activeVus + snapshot.activeVus, acc, mergeGeneratorHealth(closed.snapshot.generator, snapshot.generator), true, this.keep);
      acc.release();
      closed.count++;
      return;
    }
    let o = this.open.get(seq);
    if (!o) this.open.set(seq, (o = { first: snapshot, activeVus: 0, generator: undefined, count: 0, acc: new TreeAcc() }));
    o.acc.add(snapshot.total, snapshot.scenarios, snapshot.errorSamples);
    o.activeVus += snapshot.activeVus;
    o.generator = mergeGeneratorHealth(o.generator, snapshot.generator);
    o.count++;
    if (seq > this.maxSeq) {
      this.maxSeq = seq;
      for (const [s, iv] of this.open) {
        if (s <= seq - OPEN_WINDOW) {
          this.closedTotals.addAcc(iv.acc);
          this.closed.set(s, { snapshot: snapshotOf(iv.first, iv.activeVus, iv.acc, iv.generator, true, this.keep), count: iv.count });
          this.open.delete(s);
          iv.acc.release();
        }
      }
    }
  }

  /** Closed totals plus open intervals, cached until the next add. */
  private sum(): TreeAcc {
    if (this.live?.version === this.version) return this.live.acc;
    this.live?.acc.release();
    const acc = new TreeAcc();
    acc.addAcc(this.closedTotals);
    for (const seq of [...this.open.keys()].sort((a, b) => a - b)) acc.addAcc(this.open.get(seq)!.acc);
    this.live = { version: this.version, acc };
    return acc;
  }

  /** Run so far, merged over every snapshot added. */
  total(): RunMetrics {
    return { v: 1, ...this.sum().wire(true) };
  }

  /** Names of the scenarios seen so far. */
  scenarioNames(): string[] {
    return [...this.sum().scenarios.keys()];
  }

  /** Counters so far of a scope (global when no scenario); do not modify; valid until the next add. */
  counters(scenario?: string, step?: string): Counters | undefined {
    return this.sum().set(scenario, step)?.counters;
  }

  /** The run-so-far histogram of a scope as HdrCounts (scenario and global ones rolled up from steps); do not modify; valid until the next add (its storage is reused). */
  counts(name: HistogramName, scenario?: string, step?: string): HdrCounts | undefined {
    return this.sum().set(scenario, step)?.hist[name];
  }

  /**
   * The run-so-far histogram of a scope as a hdr-histogram-js histogram (built on
   * demand and cached until the next add); undefined when there is none.
   */
  histogram(name: HistogramName, scenario?: string, step?: string): Histogram | undefined {
    const c = this.counts(name, scenario, step);
    if (!c) return undefined;
    const id = `${name}\u0000${scenario ?? ''}\u0000${step ?? ''}`;
    const hit = this.histCache.get(id);
    if (hit && hit.version === this.version) return hit.h;
    const h = c.toHistogram();
    this.histCache.set(id, { version: this.version, h });
    return h;
  }

  /** The merged snapshot of one interval so far (undefined when nothing arrived for it). */
  interval(seq: number): Snapshot | undefined {
    const o = this.open.get(seq);
    if (o) return snapshotOf(o.first, o.activeVus, o.acc, o.generator);
    const c = this.closed.get(seq);
    return c && mergeSnapshots([c.snapshot]); // expanded: sums rebuilt, uncompressed
  }

  /** Merged snapshots, one per seq, in order. */
  intervals(): Snapshot[] {
    const seqs = [...new Set([...this.open.keys(), ...this.closed.keys()])].sort((a, b) => a - b);
    return seqs.map((s) => this.interval(s)!);
  }

  /** How many snapshots were added for `seq`. */
  countAt(seq: number): number {
    return this.open.get(seq)?.count ?? this.closed.get(seq)?.count ?? 0;
  }

  /** Releases everything. Idempotent; the accumulator is unusable afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const o of this.open.values()) o.acc.release();
    this.live?.acc.release();
    this.closedTotals.release();
    this.open.clear();
    this.closed.clear();
    this.histCache.clear();
    this.live = undefined;
  }
}

/**
 * Adds whole-run metric sets of several keys into one (counters add, every histogram
 * bucket-wise: exact). Tag figures are the sum of their steps' sets this way.
 */
export function mergeMetricSets(list: MetricSetWire[]): MetricSetWire {
  const acc = new SetAcc();
  for (const m of list) acc.addWire(m);
  const out = wireOf(acc, true);
  releaseHists(acc.hist);
  return out;
}

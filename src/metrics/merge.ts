/**
 * Merging by addition: counters add, histograms add bucket-wise (exact), so the
 * merge of N workers' measurements equals what one process recording everything
 * would have recorded. Late snapshots go into their own interval (by seq), never
 * dropped (Artillery drops them: its issue #3750).
 */
import { addEncoded, encodeHistogram, newHistogram, type Histogram } from './histogram.js';
import type { Counters, ErrorSample, HistogramName, MetricSetWire, RunMetrics, ScenarioMetricsWire, Snapshot } from './types.js';

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
  for (const [k, v] of Object.entries(b.errorsByClass) as [keyof Counters['errorsByClass'], number][]) a.errorsByClass[k] = (a.errorsByClass[k] ?? 0) + v;
  for (const [k, v] of Object.entries(b.status)) a.status[k] = (a.status[k] ?? 0) + v;
  return a;
}

/** A metric set being accumulated: counters plus decoded histograms. */
class SetAcc {
  readonly counters = emptyCounters();
  readonly hist: Partial<Record<HistogramName, Histogram>> = {};

  add(m: MetricSetWire): void {
    addCounters(this.counters, m.counters);
    for (const [name, enc] of Object.entries(m.hist) as [HistogramName, string][]) {
      if (enc) addEncoded((this.hist[name] ??= newHistogram()), enc);
    }
  }

  wire(): MetricSetWire {
    const hist: MetricSetWire['hist'] = {};
    for (const [name, h] of Object.entries(this.hist) as [HistogramName, Histogram][]) if (h.totalCount > 0) hist[name] = encodeHistogram(h);
    return { counters: structuredClone(this.counters), hist };
  }

  destroy(): void {
    for (const h of Object.values(this.hist)) h?.destroy();
  }
}

/** Accumulates whole-run style metrics (a total, scenarios, steps). */
class TreeAcc {
  readonly total = new SetAcc();
  readonly scenarios = new Map<string, { total: SetAcc; steps: Map<string, SetAcc> }>();
  readonly samples = new Map<string, ErrorSample>();

  add(total: MetricSetWire, scenarios: Record<string, ScenarioMetricsWire>, samples?: ErrorSample[]): void {
    this.total.add(total);
    for (const [name, sc] of Object.entries(scenarios)) {
      let acc = this.scenarios.get(name);
      if (!acc) this.scenarios.set(name, (acc = { total: new SetAcc(), steps: new Map() }));
      acc.total.add(sc.total);
      for (const [step, m] of Object.entries(sc.steps)) {
        let s = acc.steps.get(step);
        if (!s) acc.steps.set(step, (s = new SetAcc()));
        s.add(m);
      }
    }
    for (const s of samples ?? []) {
      const id = `${s.scenario}\u0000${s.step}\u0000${s.errorClass}\u0000${s.message}`;
      const found = this.samples.get(id);
      if (found) found.count += s.count;
      else this.samples.set(id, { ...s });
    }
  }

  wire(): { total: MetricSetWire; scenarios: Record<string, ScenarioMetricsWire>; errorSamples: ErrorSample[] } {
    const scenarios: Record<string, ScenarioMetricsWire> = {};
    for (const [name, acc] of this.scenarios) {
      const steps: Record<string, MetricSetWire> = {};
      for (const [step, s] of acc.steps) steps[step] = s.wire();
      scenarios[name] = { total: acc.total.wire(), steps };
    }
    return { total: this.total.wire(), scenarios, errorSamples: [...this.samples.values()] };
  }

  destroy(): void {
    this.total.destroy();
    for (const acc of this.scenarios.values()) {
      acc.total.destroy();
      for (const s of acc.steps.values()) s.destroy();
    }
  }
}

/** Merges snapshots of the same interval (same seq) from several processes. */
export function mergeSnapshots(list: Snapshot[]): Snapshot {
  if (list.length === 0) throw new RangeError('mergeSnapshots needs at least one snapshot');
  const acc = new TreeAcc();
  let activeVus = 0;
  for (const s of list) {
    if (s.seq !== list[0].seq) throw new RangeError(`mergeSnapshots: seq ${s.seq} ≠ ${list[0].seq}`);
    acc.add(s.total, s.scenarios, s.errorSamples);
    activeVus += s.activeVus;
  }
  const w = acc.wire();
  acc.destroy();
  const first = list[0];
  return { v: 1, seq: first.seq, startMs: first.startMs, intervalMs: first.intervalMs, activeVus, total: w.total, scenarios: w.scenarios, ...(w.errorSamples.length ? { errorSamples: w.errorSamples } : {}) };
}

/** Merges whole-run metrics of several processes. */
export function mergeRunMetrics(list: RunMetrics[]): RunMetrics {
  const acc = new TreeAcc();
  for (const m of list) acc.add(m.total, m.scenarios, m.errorSamples);
  const w = acc.wire();
  acc.destroy();
  return { v: 1, ...w };
}

/**
 * The coordinator's (and the live runner's) running merge: `add()` takes snapshots
 * from any worker in any order; `total()` is the run so far; `intervals()` the merged
 * interval series. Interval snapshots are kept encoded and merged per seq on demand;
 * run totals are kept decoded and updated on every add (so live thresholds are cheap).
 */
export class MetricsAccumulator {
  private readonly bySeq = new Map<number, Snapshot[]>();
  private readonly totals = new TreeAcc();
  private destroyed = false;

  /** Adds one snapshot (late ones land in their own interval). */
  add(snapshot: Snapshot): void {
    let list = this.bySeq.get(snapshot.seq);
    if (!list) this.bySeq.set(snapshot.seq, (list = []));
    list.push(snapshot);
    this.totals.add(snapshot.total, snapshot.scenarios, snapshot.errorSamples);
  }

  /** Run so far, merged over every snapshot added. */
  total(): RunMetrics {
    return { v: 1, ...this.totals.wire() };
  }

  /** Counters so far of a scope (global when no scenario), without encoding histograms. */
  counters(scenario?: string, step?: string): Counters | undefined {
    if (!scenario) return this.totals.total.counters;
    const sc = this.totals.scenarios.get(scenario);
    return step ? sc?.steps.get(step)?.counters : sc?.total.counters;
  }

  /** A decoded run-so-far histogram of a key (undefined when none); do not destroy it. */
  histogram(name: HistogramName, scenario?: string, step?: string): Histogram | undefined {
    if (!scenario) return this.totals.total.hist[name];
    const sc = this.totals.scenarios.get(scenario);
    if (!step) return sc?.total.hist[name];
    return sc?.steps.get(step)?.hist[name];
  }

  /** Merged snapshots, one per seq, in order. */
  intervals(): Snapshot[] {
    return [...this.bySeq.keys()].sort((a, b) => a - b).map((seq) => mergeSnapshots(this.bySeq.get(seq)!));
  }

  /** How many snapshots were added for `seq`. */
  countAt(seq: number): number {
    return this.bySeq.get(seq)?.length ?? 0;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.totals.destroy();
    this.bySeq.clear();
  }
}

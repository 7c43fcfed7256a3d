/**
 * The coordinator: gathers workers, measures nothing itself but trusts each worker's
 * NTP-style offset estimate against its clock, assigns capacity-weighted shards and
 * one start instant, merges live snapshots, evaluates abort_on_fail thresholds live,
 * redistributes a lost worker's shard, and builds the Result.
 *
 * Every snapshot is decoded once, into its interval (MetricsAccumulator), when it
 * arrives; nothing per worker is kept beyond the seqs it delivered (with a digest of
 * each, snapshot-admission.ts) and its counters.
 * The run totals are the sum of every snapshot received: a worker cuts its last
 * partial interval before its final result and delivers in order, so for a worker
 * that finished this equals its own result exactly (checked; a mismatch is noted),
 * and for a lost worker it is what it delivered before it was lost.
 *
 * All message handling is synchronous (the transport awaits nothing of ours), so the
 * state below never changes under an await.
 */
import { LtError } from '../errors.js';
import type { RunEvent } from '../engine/types.js';
import type { Histogram } from '../metrics/histogram.js';
import { MetricsAccumulator } from '../metrics/merge.js';
import type { Counters, RunMetrics, Snapshot } from '../metrics/types.js';
import type { PlanOverrides } from '../plan/overrides.js';
import type { Plan } from '../plan/types.js';
import { buildResult } from '../report/build-result.js';
import { capacitySearchDone, CapacityWatcher } from '../report/capacity.js';
import type { Result } from '../report/result-schema.js';
import { evaluateLive, viewOfAccumulator } from '../thresholds/evaluate.js';
import { taggedSteps } from '../plan/tag-index.js';
import { initialWeights, planPeakVus, redistribute, sharesOf } from './assignment.js';
import { maxRequests } from './snapshot-bounds.js';
import { BurstEvents, snapshotDigest } from './snapshot-admission.js';
import { preciseNowMs } from './clock.js';
import { createClusterMetrics, type RunState } from './cluster-metrics.js';
import type { Command, MessageOf, WorkerMessage } from './protocol.js';
import type { CoordinatorTransport, Verdict } from './transport.js';
import { countSnapshot, deliveredCounters, lostShares, newWorkerState, percentileAbs, startSkewMs, workerRow, type WorkerState } from './worker-table.js';

/** Options of a coordinator run. */
export interface CoordinatorOptions {
  /** The plan as loaded, overrides applied (thresholds, durations, peak VUs come from it). */
  plan: Plan;
  /** The plan file's text and name, shipped to workers in `assign`. */
  planSource: { text: string; file: string };
  overrides?: PlanOverrides;
  transport: CoordinatorTransport;
  /** Workers to wait for. */
  workers: number;
  /** Start with this many if not all arrive within `waitMs` (default: `workers`). */
  minWorkers?: number;
  /** Default 60 s. */
  waitMs?: number;
  /**
   * How the caller names the `minWorkers` and `waitMs` settings in messages (default the
   * CLI's flags, `--min-workers` / `--wait`; the Action passes its inputs).
   */
  settingNames?: { minWorkers: string; wait: string };
  /** Start instant this far after assignment (default and minimum 2000 ms). */
  startDelayMs?: number;
  intervalMs?: number;
  /** Extra time after the plan's expected end before missing results are given up (default 30 s). */
  resultGraceMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Each merged interval, as soon as every running worker delivered it (or it is 1 s overdue). */
  onProgress?: (snapshot: Snapshot, activeVus: number) => void;
  /** Called once the transport accepts workers (print the relay URL here). */
  onListening?: () => void;
  /** Exposition for the relay's /metrics (wired by the caller; see cluster-metrics.ts). */
  onMetrics?: (expose: () => Promise<{ contentType: string; body: string }>) => void;
  /**
   * Receives a handle to report a worker gone before its heartbeats time out (a
   * local cluster sees its child process exit: no reason to wait 3 s).
   */
  onControl?: (control: CoordinatorControl) => void;
  runId?: string;
  nowMs?: () => number;
}

/** Out-of-band signals into a running coordinator. */
export interface CoordinatorControl {
  /** The worker is known to be gone (e.g. its process exited); ignored once it has sent its result. */
  workerGone(workerId: string, reason: string): void;
}

/** Per-worker detail beside the Result (tests and the CLI's final lines). */
export interface WorkerDetail {
  id: string;
  status: WorkerState['status'];
  snapshotsReceived: number;
  /** Snapshots the worker said it produced (from its result). */
  snapshotsProduced?: number;
  lateSnapshots: number;
  /** Counters summed over the received snapshots, and the worker's own final result. */
  fromSnapshots: Counters;
  fromResult?: RunMetrics;
  startSkewMs: number | null;
  clockOffsetMs?: number;
}

/** What a coordinator run produced. */
export interface CoordinatorOutcome {
  result: Result;
  workers: WorkerDetail[];
}

const TICK_MS = 200;

/** CPU µs (user + system) of this process since `from`. */
function cpuUs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

/** Runs the coordinator side of a distributed run to the end. */
export async function runCoordinator(opts: CoordinatorOptions): Promise<CoordinatorOutcome> {
  return new Coordinator(opts).run();
}

class Coordinator {
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly workers = new Map<string, WorkerState>();
  private participants: WorkerState[] = [];
  // Closed intervals keep latency only: what the Result's time series shows (memory of long runs).
  private readonly acc = new MetricsAccumulator({ intervalHistograms: ['latency'] });
  private readonly capacity: CapacityWatcher | undefined;
  /**
   * CPU µs spent merging: snapshots into intervals, merged intervals out, live
   * thresholds (/metrics, benches). CPU, not wall time, so that a busy machine does not
   * inflate it; process.cpuUsage() costs ~10 µs a call here, ~1 % of a snapshot's merge.
   */
  private mergeCpuUs = 0;
  private readonly events: RunEvent[] = [];
  private state: RunState = 'registering';
  private baseWeights: number[] = [];
  private weights: number[] = [];
  private startAtMs = 0;
  private nextEmitSeq = 0;
  private aborted?: { reason: string; bySignal: boolean; planError?: boolean };
  private deadlineMs = Infinity;
  private wake: () => void = () => undefined;
  private readonly minWorkers: number;
  private readonly intervalMs: number;
  private readonly bursts: BurstEvents;

  constructor(private readonly opts: CoordinatorOptions) {
    this.now = opts.nowMs ?? preciseNowMs;
    this.log = opts.log ?? (() => undefined);
    this.minWorkers = opts.minWorkers ?? opts.workers;
    this.intervalMs = opts.intervalMs ?? 1000;
    this.bursts = new BurstEvents((type, message, workerId, data) => this.event(type, message, workerId, data), this.now);
    this.capacity = CapacityWatcher.of(opts.plan);
    if (!(opts.workers >= 1) || !(this.minWorkers >= 1) || this.minWorkers > opts.workers) {
      throw new LtError('LT_ERR_USAGE', `need 1 ≤ min-workers (${this.minWorkers}) ≤ workers (${opts.workers})`);
    }
  }

  private event(type: RunEvent['type'], message: string, workerId?: string, data?: Record<string, unknown>): RunEvent {
    const e: RunEvent = { atMs: this.now(), type, message, ...(workerId ? { workerId } : {}), ...(data ? { data } : {}) };
    this.events.push(e);
    this.log(`coordinator: ${message}`);
    return e;
  }

  private send(w: WorkerState, cmd: Command): void {
    this.opts.transport.send(w.id, cmd);
  }

  // ── messages ──────────────────────────────────────────────────────────────

  private onMessage(msg: WorkerMessage, receivedAgoMs = 0): Verdict {
    const t1 = this.now() - receivedAgoMs;
    if (msg.type === 'register') return this.onRegister(msg, t1);
    const w = this.workers.get(msg.workerId);
    if (!w) return { refuse: `unknown worker '${msg.workerId}': register first` };
    w.lastSeenMs = t1;
    if (w.status === 'lost' && msg.type !== 'result') this.rejoin(w);
    switch (msg.type) {
      case 'probe':
        this.send(w, { v: 1, type: 'clock', t0: msg.t0, t1, t2: this.now() });
        break;
      case 'ready':
        w.offsetMs = msg.clockOffsetMs;
        w.rttMs = msg.rttMs;
        if (w.status === 'registered') w.status = 'ready';
        this.wake();
        break;
      case 'started':
        w.actualStartMs ??= msg.actualStartMs;
        break;
      case 'heartbeat':
        w.activeVus = msg.activeVus;
        break;
      case 'snapshot':
        return this.unassigned(w, 'snapshot', msg.seq) ?? this.onSnapshot(w, msg);
      case 'result':
        if (!w.result) {
          const stray = this.unassigned(w, 'result');
          if (stray) return stray;
          const forged = this.beyondShare(w, msg.metrics.total.counters.requests, 'result');
          if (forged) return forged;
          w.result = msg;
          if (w.status === 'lost') w.notes.push('final result arrived after the worker was declared lost');
          w.status = 'finished';
          // A worker whose plan cannot work (a step that never builds) stops the whole run: exit 2.
          if (msg.aborted?.planError) this.abort(`worker ${w.id}: ${msg.aborted.reason}`, false, true);
          if (msg.snapshots > w.seqs.size) w.notes.push(`${msg.snapshots - w.seqs.size} of ${msg.snapshots} snapshots never arrived; the run totals lack them (requests: ${w.snapshotCounters.requests} received of ${msg.metrics.total.counters.requests})`);
          else if (msg.metrics.total.counters.requests !== w.snapshotCounters.requests) w.notes.push(`its snapshots count ${w.snapshotCounters.requests} requests, its result ${msg.metrics.total.counters.requests}; the run totals count the snapshots`);
          this.wake();
        }
        break;
      case 'failed':
        if (w.status !== 'failed') {
          w.notes.push(`failed: ${msg.message}`);
          this.markGone(w, 'failed', `worker ${w.id} failed: ${msg.message}`);
        }
        break;
    }
  }

  private onRegister(msg: MessageOf<'register'>, t1: number): Verdict {
    const known = this.workers.get(msg.workerId);
    if (known && known.instance === msg.instance) {
      // A retried registration: answer the probe again.
      this.send(known, { v: 1, type: 'clock', t0: msg.clockProbe.t0, t1, t2: this.now() });
      return;
    }
    if (known) return { refuse: `worker id '${msg.workerId}' is already registered by another process; give each worker a unique --id` };
    if (msg.planHash && msg.planHash !== this.opts.plan.hash) {
      return { refuse: `plan hash ${msg.planHash.slice(0, 12)}… differs from the coordinator's ${this.opts.plan.hash.slice(0, 12)}… (a different plan file or version)` };
    }
    if (this.state !== 'registering') return { refuse: 'the run has already started' };
    if (this.workers.size >= this.opts.workers) return { refuse: `the coordinator already has the ${this.opts.workers} workers it asked for` };
    // Shares follow declared capacity: no worker may claim more than the whole plan can use.
    const peak = planPeakVus(this.opts.plan);
    if (peak > 0 && msg.capacity.maxVus > peak) msg = { ...msg, capacity: { ...msg.capacity, maxVus: peak } };
    const w = newWorkerState(msg, t1);
    this.workers.set(w.id, w);
    this.send(w, { v: 1, type: 'clock', t0: msg.clockProbe.t0, t1, t2: this.now() });
    this.log(`coordinator: worker ${w.id} registered (${msg.capacity.cores} cores, max ${msg.capacity.maxVus} VUs) — ${this.workers.size}/${this.opts.workers}`);
    return;
  }

  /**
   * A refusal (and a `snapshot_refused` event) when `requests` in all is more than this
   * worker's share can have made by now (snapshot-bounds.ts): forged numbers never count.
   */
  private beyondShare(w: WorkerState, requests: number, what: 'snapshot' | 'result'): Verdict {
    const share = w.index === undefined ? 0 : Math.min(1, 2 * Math.max(w.initialShare ?? 0, sharesOf(this.weights)[w.index] ?? 0));
    const bound = maxRequests(this.opts.plan, share, this.now() - this.startAtMs + 2 * this.intervalMs);
    if (requests <= bound) return;
    const message = `worker ${w.id}: ${what} refused: it claims ${requests.toLocaleString('en-US')} requests, more than its share can have made by now (at most ${bound.toLocaleString('en-US')})`;
    this.event('snapshot_refused', message, w.id, { what, requests, bound });
    w.notes.push(`${what} refused (claimed ${requests} requests, bound ${bound})`);
    return { refuse: message };
  }

  /**
   * A refusal (and a `snapshot_refused` event) for numbers from a worker that registered
   * but was never assigned a shard: it measured nothing of this run, so nothing it
   * claims may count, however small (the share bound alone lets ~1,000 requests in).
   */
  private unassigned(w: WorkerState, what: 'snapshot' | 'result', seq?: number): { refuse: string } | undefined {
    if (w.index !== undefined) return undefined;
    const message = `worker ${w.id}: ${what}${seq === undefined ? '' : ` seq ${seq}`} refused: this worker was never assigned a shard of the run`;
    this.event('snapshot_refused', message, w.id, { what, ...(seq === undefined ? {} : { seq }), reason: 'unassigned' });
    return { refuse: message };
  }

  private onSnapshot(w: WorkerState, msg: MessageOf<'snapshot'>): Verdict {
    const snap = msg.snapshot;
    const digest = snapshotDigest(snap);
    const seen = w.seqs.get(msg.seq);
    if (seen !== undefined) {
      // Never merged twice. The same content again is the outbox retrying a batch whose
      // answer was lost: accepted (the worker goes on), logged. Other content is refused.
      if (seen !== digest) {
        const message = `worker ${w.id}: snapshot seq ${msg.seq} refused: a different snapshot with this seq was already merged`;
        this.event('snapshot_refused', message, w.id, { what: 'snapshot', seq: msg.seq, reason: 'duplicate seq, other content' });
        return { refuse: message };
      }
      this.log(`coordinator: worker ${w.id}: snapshot seq ${msg.seq} delivered again (a retried delivery); not merged twice`);
      this.bursts.note('duplicate_snapshot', w.id, msg.seq, (n) => `worker ${w.id} delivered ${n} snapshot(s) again (retried deliveries, seq ${msg.seq} last); none merged twice`);
      return;
    }
    const forged = this.beyondShare(w, w.snapshotCounters.requests + snap.total.counters.requests, 'snapshot');
    if (forged) return forged;
    countSnapshot(w, msg.seq, digest, snap);
    w.activeVus = snap.activeVus;
    // Into its interval, even one already emitted (a worker that was cut off): never dropped.
    const c0 = process.cpuUsage();
    this.acc.add(snap);
    this.mergeCpuUs += cpuUs(c0);
    if (snap.seq < this.nextEmitSeq) {
      // Late (the worker was cut off): kept in its own interval, counted, and noted once per burst.
      w.late++;
      this.bursts.note('late_snapshot', w.id, snap.seq, (n) => `worker ${w.id} delivered ${n} late snapshot(s); each merged into its own interval`);
    }
  }

  // ── loss and redistribution ───────────────────────────────────────────────

  private markGone(w: WorkerState, status: 'lost' | 'failed', message: string): void {
    if (w.status === 'finished' || w.status === 'lost' || w.status === 'failed') return;
    const wasRunning = w.status === 'running';
    w.status = status;
    w.lostAtMs = this.now();
    const share = w.index === undefined ? 0 : sharesOf(this.weights)[w.index];
    this.event('worker_lost', message, w.id, { shareBefore: share, silentMs: this.now() - w.lastSeenMs });
    w.notes.push(status === 'lost' ? `lost at +${((this.now() - this.startAtMs) / 1000).toFixed(1)} s` : 'failed');
    w.lostShare = share;
    w.redistributed = wasRunning && this.rebalance(`worker ${w.id} ${status}`);
    this.wake();
  }

  private rejoin(w: WorkerState): void {
    w.status = 'running';
    w.notes.push(`back after ${((this.now() - (w.lostAtMs ?? this.now())) / 1000).toFixed(1)} s`);
    this.event('worker_joined', `worker ${w.id} is back after ${((this.now() - (w.lostAtMs ?? this.now())) / 1000).toFixed(1)} s; rebalancing`, w.id);
    this.rebalance(`worker ${w.id} rejoined`);
  }

  /** True when the survivors took over the whole plan. */
  private rebalance(reason: string): boolean {
    if (this.state !== 'starting' && this.state !== 'running') return false;
    const alive = this.participants.map((p) => p.status === 'running');
    if (!alive.some(Boolean)) return false;
    const peak = planPeakVus(this.opts.plan);
    const r = redistribute(this.weights, this.baseWeights, alive, this.participants.map((p) => p.capacity.maxVus), peak);
    this.weights = r.weights;
    for (const p of this.participants) {
      if (p.status === 'running') this.send(p, { v: 1, type: 'reshard', shard: { index: p.index!, weights: r.weights }, reason });
    }
    const fmt = (s: number[]) => Object.fromEntries(this.participants.map((p, i) => [p.id, Math.round(s[i] * 1000) / 1000]));
    const load = (s: number[]) => s.reduce((a, x, i) => a + (this.participants[i].status === 'running' || this.participants[i].status === 'finished' ? x : 0), 0);
    this.event('redistributed', `${reason}: shares redistributed over ${alive.filter(Boolean).length} worker(s)`, undefined, {
      sharesBefore: fmt(r.before),
      sharesAfter: fmt(r.after),
      loadBefore: Math.round(load(r.before) * 1000) / 1000,
      loadAfter: Math.round(r.coveredShare * 1000) / 1000,
    });
    if (r.coveredShare < 0.995) {
      this.event('reduced_load', `survivors cannot take the whole plan within their declared max VUs: continuing at ${(r.coveredShare * 100).toFixed(1)} % of the planned load`, undefined, { loadAfter: r.coveredShare });
    }
    return r.coveredShare >= 0.995;
  }

  // ── progress, live thresholds, timing ─────────────────────────────────────

  private tick(): void {
    const now = this.now();
    if (this.state === 'starting' || this.state === 'running') {
      if (this.state === 'starting' && now >= this.startAtMs) this.state = 'running';
      for (const w of this.participants) {
        if (w.status === 'running' && now - w.lastSeenMs > this.opts.transport.caps.lostAfterMs) {
          this.markGone(w, 'lost', `worker ${w.id} silent for ${((now - w.lastSeenMs) / 1000).toFixed(1)} s: lost`);
        }
      }
      this.emitProgress(now);
    }
    if (now >= this.deadlineMs) this.wake();
  }

  private emitProgress(now: number): void {
    for (;;) {
      const seq = this.nextEmitSeq;
      const endMs = this.startAtMs + (seq + 1) * this.intervalMs;
      const expected = this.participants.filter((w) => w.status === 'running' || (w.status === 'finished' && (w.result?.snapshots ?? 0) > seq));
      const have = this.acc.countAt(seq);
      const complete = expected.length > 0 && expected.every((w) => w.seqs.has(seq));
      // Wait as long as a healthy worker's snapshot can take (a batching relay: a period),
      // so that only a worker that really fell behind delivers late (issue 15 point 9).
      if (!complete && now < endMs + (this.opts.transport.caps.deliveryLagMs ?? this.intervalMs)) return;
      if (have === 0 && expected.length === 0) return;
      this.nextEmitSeq++;
      const c0 = process.cpuUsage();
      const merged = have ? this.acc.interval(seq) : undefined;
      if (!merged) continue;
      const vus = this.participants.reduce((a, w) => a + (w.status === 'running' ? w.activeVus : 0), 0);
      this.checkThresholds(endMs);
      this.checkCapacity(merged);
      this.mergeCpuUs += cpuUs(c0);
      this.opts.onProgress?.(merged, vus);
    }
  }

  private checkThresholds(atMs: number): void {
    if (this.aborted) return;
    const elapsedMs = atMs - this.startAtMs;
    const failing = evaluateLive(this.opts.plan.thresholds, viewOfAccumulator(this.acc), Math.max(elapsedMs, 1) / 1000, elapsedMs, taggedSteps(this.opts.plan));
    if (failing.length === 0) return;
    const names = failing.map((f) => `${f.expression} (actual ${f.actual})`).join(', ');
    this.event('threshold_failed', `abort_on_fail threshold crossed: ${names}`);
    this.abort(`threshold crossed: ${names}`, false);
  }

  /** Set once a capacity search has its answer (the run then ends as a finished one). */
  private ended = false;

  /** Feeds a merged interval to the capacity search; its last step ends the run. */
  private checkCapacity(merged: Snapshot): void {
    const step = this.capacity?.add(merged);
    if (!step || this.aborted || this.ended) return;
    this.ended = true;
    this.stopWorkers(capacitySearchDone(step), 'info', 'run ended early on every worker');
  }

  private abort(reason: string, bySignal: boolean, planError = false): void {
    if (this.aborted) return;
    this.aborted = { reason, bySignal, ...(planError ? { planError } : {}) };
    this.stopWorkers(reason, 'abort', 'abort sent to every worker');
  }

  /** Tells every worker to stop (the protocol's abort command) and bounds the wait for their results. */
  private stopWorkers(reason: string, type: 'abort' | 'info', what: string): void {
    this.opts.transport.broadcast({ v: 1, type: 'abort', reason });
    this.event(type, `${what}: ${reason}`);
    const graceMs = Math.max(0, ...this.opts.plan.scenarios.map((s) => s.gracefulStopMs));
    this.deadlineMs = Math.min(this.deadlineMs, this.now() + graceMs + 10_000);
    this.wake();
  }

  // ── the run ───────────────────────────────────────────────────────────────

  private waitUntil(cond: () => boolean, untilMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (cond() || this.now() >= untilMs || signal?.aborted) {
          clearInterval(timer);
          this.wake = () => undefined;
          resolve();
        }
      };
      const timer = setInterval(() => {
        this.tick();
        check();
      }, TICK_MS);
      this.wake = check;
      check();
    });
  }

  async run(): Promise<CoordinatorOutcome> {
    const { transport, plan, signal } = this.opts;
    const metrics = createClusterMetrics({
      counters: () => this.acc.counters(),
      latency: (): Histogram | undefined => this.acc.histogram('latency'),
      workers: () => [...this.workers.values()].map((w) => ({ id: w.id, activeVus: w.activeVus, connected: w.status !== 'lost' && w.status !== 'failed' && w.status !== 'finished' })),
      state: () => this.state,
      mergeCpuSeconds: () => this.mergeCpuUs / 1e6,
    });
    this.opts.onMetrics?.(metrics.expose);
    this.opts.onControl?.({
      workerGone: (id, reason) => {
        const w = this.workers.get(id);
        if (w && w.status === 'running') this.markGone(w, 'lost', `worker ${id} is gone: ${reason}`);
        else if (w && (w.status === 'registered' || w.status === 'ready')) this.markGone(w, 'failed', `worker ${id} is gone before the start: ${reason}`);
      },
    });
    const onSignal = () => {
      if (this.state === 'registering') this.wake();
      else this.abort(`aborted: ${signal?.reason instanceof Error ? signal.reason.message : 'signal'}`, true);
    };
    signal?.addEventListener('abort', onSignal, { once: true });
    try {
      await transport.start((m, ago) => this.onMessage(m, ago));
      this.opts.onListening?.();
      const waitMs = this.opts.waitMs ?? 60_000;
      const ready = () => [...this.workers.values()].filter((w) => w.status === 'ready');
      await this.waitUntil(() => ready().length >= this.opts.workers, this.now() + waitMs, signal);
      if (signal?.aborted) throw new LtError('LT_ERR_CLUSTER', 'stopped while waiting for workers', { exitCode: 105 });
      this.participants = ready();
      if (this.participants.length < this.minWorkers) {
        this.state = 'failed';
        transport.broadcast({ v: 1, type: 'abort', reason: 'not enough workers' });
        const others = [...this.workers.values()].filter((w) => w.status !== 'ready').map((w) => w.id);
        const names = this.opts.settingNames ?? { minWorkers: '--min-workers', wait: '--wait' };
        throw new LtError(
          'LT_ERR_CLUSTER',
          `only ${this.participants.length} of ${this.opts.workers} workers ready after ${(waitMs / 1000).toFixed(0)} s (need at least ${this.minWorkers}; see ${names.minWorkers} / ${names.wait})` +
            (this.participants.length ? `; ready: ${this.participants.map((w) => w.id).join(', ')}` : '') +
            (others.length ? `; registered but not ready: ${others.join(', ')}` : ''),
        );
      }
      this.assign();
      const endMs = this.startAtMs + Math.max(0, ...plan.scenarios.map((s) => s.startTimeMs + s.durationMs + s.gracefulStopMs));
      this.deadlineMs = endMs + (this.opts.resultGraceMs ?? 30_000);
      const settled = () => this.participants.every((w) => w.status === 'finished' || w.status === 'lost' || w.status === 'failed');
      await this.waitUntil(settled, Infinity);
      this.state = 'finishing';
      for (const w of this.participants) {
        if (w.status === 'running') this.markGone(w, 'lost', `worker ${w.id} sent no result by the deadline: counted from its snapshots`);
      }
      this.emitProgress(Infinity);
      const outcome = this.finish();
      this.state = 'done';
      transport.broadcast({ v: 1, type: 'done' });
      return outcome;
    } finally {
      signal?.removeEventListener('abort', onSignal);
      this.acc.destroy();
    }
  }

  private assign(): void {
    const { plan, planSource, overrides, transport } = this.opts;
    this.baseWeights = initialWeights(this.participants.map((w) => w.capacity.maxVus));
    this.weights = [...this.baseWeights];
    const shares = sharesOf(this.weights);
    this.startAtMs = this.now() + Math.max(2000, this.opts.startDelayMs ?? 2000);
    const runId = this.opts.runId ?? `${this.startAtMs.toString(36)}-${plan.hash.slice(0, 8)}`;
    this.participants.forEach((w, index) => {
      w.index = index;
      w.initialShare = shares[index];
      w.status = 'running';
      // Silence counts from the start instant: the assignment itself is still travelling
      // before it (seconds through the artifacts relay), and the start delay covers that.
      w.lastSeenMs = this.startAtMs;
      this.send(w, { v: 1, type: 'assign', runId, shard: { index, weights: this.weights }, planHash: plan.hash, plan: planSource, ...(overrides ? { overrides } : {}), startAtMs: this.startAtMs, intervalMs: this.intervalMs, ...(transport.caps.live ? {} : { heartbeatMs: transport.caps.heartbeatMs }) });
    });
    for (const w of this.workers.values()) if (w.index === undefined) transport.send(w.id, { v: 1, type: 'abort', reason: 'the run started without this worker' });
    this.state = 'starting';
    this.events.push({ atMs: this.now(), type: 'info', message: `${this.participants.length} worker(s) assigned; start at ${new Date(this.startAtMs).toISOString()}`, data: { shares: Object.fromEntries(this.participants.map((w) => [w.id, w.initialShare])) } });
    this.log(`coordinator: ${this.participants.length} worker(s) assigned; starting in ${((this.startAtMs - this.now()) / 1000).toFixed(1)} s`);
  }

  private finish(): CoordinatorOutcome {
    const details: WorkerDetail[] = [];
    const rows = [];
    let endedAtMs = this.startAtMs;
    for (const w of this.participants) {
      if (w.result) endedAtMs = Math.max(endedAtMs, w.result.endedAtMs);
      else if (w.lastSnapshotEndMs) endedAtMs = Math.max(endedAtMs, w.lastSnapshotEndMs);
      rows.push(workerRow(w, this.startAtMs, deliveredCounters(w, w.result?.metrics.total.counters)));
      details.push({
        id: w.id,
        status: w.status,
        snapshotsReceived: w.seqs.size,
        snapshotsProduced: w.result?.snapshots,
        lateSnapshots: w.late,
        fromSnapshots: structuredClone(w.snapshotCounters),
        fromResult: w.result?.metrics,
        startSkewMs: startSkewMs(w, this.startAtMs),
        clockOffsetMs: w.offsetMs,
      });
    }
    // No worker finished: whatever the thresholds say, nothing was measured to the end (issue 16:
    // a stuck, lost worker must never read as PASSED with 0 requests).
    const aborted = this.aborted ?? (this.participants.every((w) => !w.result) ? { reason: `no worker finished its shard (${this.participants.map((w) => `${w.id}: ${w.status}`).join(', ')})`, bySignal: false } : undefined);
    const skews = this.participants.map((w) => startSkewMs(w, this.startAtMs)).filter((s): s is number => s !== null);
    const workerEvents = this.participants.flatMap((w) => w.result?.events ?? []);
    const metrics: RunMetrics = this.acc.total();
    const result = buildResult({
      plan: this.opts.plan,
      metrics,
      intervals: this.acc.intervals(),
      startAtMs: this.startAtMs,
      endedAtMs,
      events: [...this.events, ...workerEvents].sort((a, b) => a.atMs - b.atMs),
      workers: rows,
      aborted,
      runId: this.opts.runId,
      startSkewMs: percentileAbs(skews, 100),
      lost: lostShares(this.participants, this.startAtMs),
    });
    return { result, workers: details };
  }
}

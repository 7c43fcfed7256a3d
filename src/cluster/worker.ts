/**
 * A cluster worker: registers with the coordinator, measures its clock offset,
 * waits for its assignment, runs its shard from the common start instant, streams a
 * snapshot per interval and a heartbeat per second, follows `reshard` and `abort`,
 * and finally sends its whole-run result.
 *
 * Clock: the engine runs on `localNow + offsetMs` (coordinator time, see
 * protocol.ts), so `assign.startAtMs` is used as-is and every timestamp the worker
 * reports is directly comparable with the coordinator's and other workers'.
 *
 * Relay loss never stops the run: messages go through the Outbox, which buffers and
 * delivers them in order when the relay is back.
 */
import { dirname, resolve } from 'node:path';
import { availableParallelism, hostname, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import { LtError } from '../errors.js';
import { startRun } from '../engine/run.js';
import type { EngineResult, RunHandle, Shard } from '../engine/types.js';
import { loadPlan } from '../plan/load.js';
import { applyOverrides } from '../plan/overrides.js';
import { estimateOffset, preciseNowMs, type ClockEstimate, type ClockProbe } from './clock.js';
import { setLongTimeout } from '../engine/long-timer.js';
import { Outbox } from './outbox.js';
import type { Capacity, Command, CommandOf } from './protocol.js';
import type { WorkerTransport } from './transport.js';

/** Options of a worker. */
export interface WorkerOptions {
  transport: WorkerTransport;
  /** Default `<hostname>-<pid>`. */
  workerId?: string;
  /** Defaults: this machine's cores and memory; maxVus 1000 per core. */
  capacity?: Partial<Capacity>;
  /** Hash of a plan given to this worker locally; the coordinator refuses a different one. */
  planHash?: string;
  /** This machine's clock, epoch ms (tests skew it). Default Date.now. */
  nowMs?: () => number;
  /** Clock probes at registration (default 8; the min-RTT one is kept). */
  probes?: number;
  /** Environment for the plan's `env:` allow-list. */
  env?: Record<string, string | undefined>;
  /**
   * Env names this worker lets the coordinator's plan read (default none): the plan
   * comes from whoever answers at the relay URL, so this worker decides (README "Trust model").
   */
  allowEnv?: readonly string[];
  /** Where allowEnv came from, for messages (default "this worker's --allow-env"). */
  allowEnvFrom?: string;
  /** Folders beside the plan's own that its data files may be read from (default none). */
  allowPaths?: readonly string[];
  /** Where allowPaths came from, for messages (default "this worker's --allow-path"). */
  allowPathsFrom?: string;
  /** Directory the plan's data files are relative to (default: cwd). */
  baseDir?: string;
  /**
   * A checkout the coordinator's plan path is relative to (the Action's workspace):
   * data files are then found next to the plan, as the coordinator found them.
   */
  workspaceDir?: string;
  /** Give up waiting for an assignment after this long (default 10 min). */
  assignTimeoutMs?: number;
  /** Stops the run early (the result is still sent). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Outbox give-up bound (default 120 s). */
  giveUpMs?: number;
}

/** What a worker did. */
export interface WorkerOutcome {
  workerId: string;
  clock: ClockEstimate;
  engine: EngineResult;
  /** Most messages buffered at once while the relay was away. */
  maxBuffered: number;
}

/** The coordinator stopped (or the run ended) before this worker got an assignment: it has nothing to run. */
export class CoordinatorEndedError extends LtError {
  constructor(readonly reason: string) {
    super('LT_ERR_CLUSTER', `the coordinator ended the run before this worker could take part: ${reason}`);
    this.name = 'CoordinatorEndedError';
  }
}

/** Default capacity of this machine. */
export function defaultCapacity(): Capacity {
  const cores = availableParallelism();
  return { cores, memoryMb: Math.round(totalmem() / 2 ** 20), maxVus: cores * 1000 };
}

/** A mailbox of commands the worker waits on by type. */
class Commands {
  private readonly buffered: Command[] = [];
  private readonly waiters: { accept: (c: Command) => boolean; resolve: (c: Command) => void }[] = [];
  listener?: (c: Command) => boolean;

  deliver(cmd: Command): void {
    if (this.listener?.(cmd)) return;
    const w = this.waiters.findIndex((x) => x.accept(cmd));
    if (w >= 0) this.waiters.splice(w, 1)[0].resolve(cmd);
    else this.buffered.push(cmd);
  }

  next(accept: (c: Command) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<Command | undefined> {
    const i = this.buffered.findIndex(accept);
    if (i >= 0) return Promise.resolve(this.buffered.splice(i, 1)[0]);
    return new Promise((resolve) => {
      const entry = {
        accept,
        resolve: (c: Command | undefined) => {
          timer.clear();
          signal?.removeEventListener('abort', onAbort);
          const k = this.waiters.indexOf(entry as never);
          if (k >= 0) this.waiters.splice(k, 1);
          resolve(c);
        },
      };
      const onAbort = () => entry.resolve(undefined);
      const timer = setLongTimeout(() => entry.resolve(undefined), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(entry as { accept: (c: Command) => boolean; resolve: (c: Command) => void });
    });
  }
}

/** Runs one worker to the end of the run. Throws LtError on refusal or relay failure. */
export async function runWorker(opts: WorkerOptions): Promise<WorkerOutcome> {
  const workerId = opts.workerId ?? `${hostname().replace(/[^A-Za-z0-9._:@-]/g, '-')}-${process.pid}`;
  const local = opts.nowMs ?? preciseNowMs;
  const log = opts.log ?? (() => undefined);
  const { transport } = opts;
  const capacity: Capacity = { ...defaultCapacity(), ...opts.capacity };
  const commands = new Commands();
  let fatal: LtError | undefined;
  const fatalCtl = new AbortController();
  const outbox = new Outbox(transport, {
    giveUpMs: opts.giveUpMs,
    log,
    onFatal: (err) => {
      fatal = err;
      fatalCtl.abort(err);
    },
  });
  const stop = AbortSignal.any([fatalCtl.signal, ...(opts.signal ? [opts.signal] : [])]);
  const check = () => {
    if (fatal) throw fatal;
  };
  let handle: RunHandle | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let lastSeq: number | undefined;
  try {
    transport.connect(
      workerId,
      (cmd) => {
        if (cmd.type === 'refused') {
          fatal ??= new LtError('LT_ERR_CLUSTER', `coordinator refused this worker: ${cmd.reason}`);
          fatalCtl.abort(fatal);
          return;
        }
        commands.deliver(cmd);
      },
      (err) => {
        fatal ??= err;
        fatalCtl.abort(fatal);
      },
    );

    // ── registration and clock probes ──
    const probes: ClockProbe[] = [];
    const probeOnce = async (first: boolean): Promise<void> => {
      const t0 = local();
      if (first) outbox.push({ v: 1, type: 'register', workerId, capacity, planHash: opts.planHash, clockProbe: { t0 }, instance: randomBytes(8).toString('hex') });
      else outbox.push({ v: 1, type: 'probe', workerId, t0 });
      // While registering, an `abort` or `done` means the coordinator has already stopped
      // (the artifacts relay's end marker): no reason to wait for a clock reply.
      const reply = await commands.next((c) => (c.type === 'clock' && c.t0 === t0) || (first && (c.type === 'abort' || c.type === 'done')), first ? (opts.assignTimeoutMs ?? 600_000) : 5000, stop);
      const t3 = local();
      check();
      if (reply?.type === 'abort' || reply?.type === 'done') throw new CoordinatorEndedError(reply.type === 'abort' ? reply.reason : 'the run is over');
      if (reply?.type === 'clock') probes.push({ t0, t1: reply.t1, t2: reply.t2, t3 });
    };
    await probeOnce(true);
    if (probes.length === 0) {
      check();
      throw new LtError('LT_ERR_CLUSTER', opts.signal?.aborted ? 'stopped before the coordinator answered' : 'the coordinator never answered the registration');
    }
    // Spaced probes: the first ones meet a process still warming up (JIT, module
    // loading); the min-RTT filter then picks a quiet one.
    for (let i = 1; i < (opts.probes ?? 8); i++) {
      await new Promise((r) => setTimeout(r, 25));
      await probeOnce(false);
    }
    const clock = estimateOffset(probes);
    const nowMs = () => local() + clock.offsetMs;
    outbox.push({ v: 1, type: 'ready', workerId, clockOffsetMs: clock.offsetMs, rttMs: clock.rttMs });
    log(`worker ${workerId}: registered; clock offset ${clock.offsetMs.toFixed(1)} ms (±${(clock.rttMs / 2).toFixed(1)} ms)`);

    // A delivery since the last tick (snapshots come every second) is itself a sign of life:
    // the coordinator then hears from us at least every 2 heartbeat periods, within its
    // lost-after bound (3 s live, 30 s artifacts), with half the requests.
    let deliveriesAtTick = -1;
    const beat = () => {
      if (outbox.deliveries === deliveriesAtTick) outbox.pushVolatile({ v: 1, type: 'heartbeat', workerId, seq: lastSeq, activeVus: handle?.activeVus() ?? 0 });
      deliveriesAtTick = outbox.deliveries;
    };
    let beatMs = transport.caps.heartbeatMs;
    heartbeat = setInterval(beat, beatMs);

    // ── assignment ──
    const first = await commands.next((c) => c.type === 'assign' || c.type === 'abort' || c.type === 'done', opts.assignTimeoutMs ?? 600_000, stop);
    check();
    if (!first) throw new LtError('LT_ERR_CLUSTER', opts.signal?.aborted ? 'stopped before an assignment arrived' : 'no assignment from the coordinator in time');
    if (first.type !== 'assign') throw new CoordinatorEndedError(first.type === 'abort' ? first.reason : 'the run is over');
    const assign = first as CommandOf<'assign'>;
    if (assign.heartbeatMs && assign.heartbeatMs !== beatMs) {
      // A batching relay adopted the run's period with the assignment: beat at it from now.
      beatMs = assign.heartbeatMs;
      clearInterval(heartbeat);
      heartbeat = setInterval(beat, beatMs);
    }
    let plan;
    try {
      // The coordinator checks this too, but a worker must not rely on the other end to refuse.
      if (opts.planHash && assign.planHash !== opts.planHash) {
        throw new LtError('LT_ERR_CLUSTER', `the coordinator assigned plan ${assign.plan.file} with hash ${assign.planHash.slice(0, 12)}…, but this worker's --plan has hash ${opts.planHash.slice(0, 12)}…: refusing to run a plan other than the one given`);
      }
      const loaded = loadPlan(assign.plan.text, assign.plan.file, {
        env: opts.env ?? {},
        baseDir: opts.workspaceDir ? dirname(resolve(opts.workspaceDir, assign.plan.file)) : (opts.baseDir ?? process.cwd()),
        allowEnv: opts.allowEnv ?? [],
        allowEnvFrom: opts.allowEnvFrom ?? "this worker's --allow-env",
        allowPaths: opts.allowPaths ?? [],
        allowPathsFrom: opts.allowPathsFrom ?? "this worker's --allow-path",
      });
      if (loaded.hash !== assign.planHash) {
        throw new LtError('LT_ERR_CLUSTER', `plan ${assign.plan.file} loads here with hash ${loaded.hash.slice(0, 12)}…, the coordinator's is ${assign.planHash.slice(0, 12)}… (different data files or tool version?)`);
      }
      plan = applyOverrides(loaded, assign.overrides ?? {});
    } catch (err) {
      const e = err instanceof LtError ? err : new LtError('LT_ERR_CLUSTER', (err as Error).message, { cause: err });
      outbox.push({ v: 1, type: 'failed', workerId, code: e.code, message: e.message });
      await outbox.flush().catch(() => undefined);
      throw e;
    }

    // ── the run ──
    let startedSent = false;
    const sendStarted = (actualStartMs: number) => {
      if (startedSent) return;
      startedSent = true;
      outbox.push({ v: 1, type: 'started', workerId, actualStartMs });
    };
    let shard: Shard = assign.shard;
    handle = startRun(plan, {
      shard,
      startAtMs: assign.startAtMs,
      intervalMs: assign.intervalMs,
      nowMs,
      signal: opts.signal,
      onStart: sendStarted,
      compactSnapshots: true,
      onSnapshot: (snapshot) => {
        lastSeq = snapshot.seq;
        // Merged at the coordinator, a saturated interval must still say whose it was.
        if (snapshot.generator?.saturated) snapshot.generator.saturatedWorkers = [workerId];
        outbox.push({ v: 1, type: 'snapshot', workerId, seq: snapshot.seq, snapshot });
      },
    });
    const h = handle;
    commands.listener = (cmd) => {
      if (cmd.type === 'reshard') {
        shard = cmd.shard;
        h.setShard(cmd.shard);
        log(`worker ${workerId}: new share of the plan (weights [${cmd.shard.weights.join(',')}])${cmd.reason ? `: ${cmd.reason}` : ''}`);
        return true;
      }
      if (cmd.type === 'abort') {
        h.abort(cmd.reason);
        return true;
      }
      return false;
    };
    fatalCtl.signal.addEventListener('abort', () => h.abort(`relay failure: ${fatal?.message}`), { once: true });
    const engine = await h.done;
    sendStarted(engine.startedAtMs); // engines without onStart: report at the end
    outbox.push({
      v: 1,
      type: 'result',
      workerId,
      metrics: engine.metrics,
      events: engine.events.map((e) => ({ ...e, workerId })),
      startedAtMs: engine.startedAtMs,
      endedAtMs: engine.endedAtMs,
      snapshots: engine.intervals.length,
      ...(engine.aborted ? { aborted: engine.aborted } : {}),
    });
    await outbox.flush();
    clearInterval(heartbeat);
    // The coordinator confirms with `done`; do not hang if it is already gone.
    await commands.next((c) => c.type === 'done', 10_000, fatalCtl.signal);
    return { workerId, clock, engine, maxBuffered: outbox.maxBuffered };
  } finally {
    clearInterval(heartbeat);
    outbox.close();
    await transport.close();
  }
}

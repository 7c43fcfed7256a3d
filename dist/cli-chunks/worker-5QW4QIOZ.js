import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  startRun
} from "./chunk-A3A3S3JN.js";
import "./chunk-3TBED6VK.js";
import "./chunk-NZWGBMD6.js";
import {
  loadPlan
} from "./chunk-ZVCZBYNT.js";
import "./chunk-Z3TEJVCP.js";
import {
  applyOverrides
} from "./chunk-EFYEXXOE.js";
import "./chunk-KBULCXRD.js";
import {
  estimateOffset,
  preciseNowMs
} from "./chunk-LS33CLA3.js";
import "./chunk-DZFUAFA3.js";
import "./chunk-3ERMLBNY.js";
import "./chunk-ACBGIYP4.js";
import {
  RelayUnavailableError
} from "./chunk-VOZ25BS7.js";
import "./chunk-NDBRKXYU.js";
import {
  LtError
} from "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";

// src/cluster/worker.ts
import { dirname, resolve } from "node:path";
import { availableParallelism, hostname, totalmem } from "node:os";
import { randomBytes } from "node:crypto";

// src/cluster/outbox.ts
var Outbox = class {
  constructor(transport, opts = {}) {
    this.transport = transport;
    this.opts = opts;
  }
  transport;
  opts;
  queue = [];
  pumping = false;
  fatal;
  closed = false;
  waiters = [];
  retryTimer;
  retryWake;
  /** Most messages that waited at once (for reports and tests). */
  maxBuffered = 0;
  /** Failed delivery attempts so far. */
  failures = 0;
  /** Messages waiting for delivery. */
  get buffered() {
    return this.queue.length;
  }
  /** Queues a message for in-order delivery. */
  push(msg) {
    if (this.fatal || this.closed) return;
    this.queue.push(msg);
    this.maxBuffered = Math.max(this.maxBuffered, this.queue.length);
    void this.pump();
  }
  /**
   * Sends a liveness message only when nothing is waiting: a backlog being delivered
   * is itself a sign of life, and a stale heartbeat must not queue up behind it.
   */
  pushVolatile(msg) {
    if (this.queue.length === 0) this.push(msg);
  }
  /** Resolves when everything queued so far is delivered; rejects on a fatal error. */
  flush() {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.queue.length === 0 && !this.pumping) return Promise.resolve();
    return new Promise((resolve2, reject) => this.waiters.push({ resolve: resolve2, reject }));
  }
  /** Stops retrying; pending flushes reject. Idempotent. */
  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryWake?.();
    this.settle(new LtError("LT_ERR_RELAY", `outbox closed with ${this.queue.length} message(s) undelivered`));
  }
  settle(err) {
    for (const w of this.waiters.splice(0)) err ? w.reject(err) : w.resolve();
  }
  fail(err) {
    if (this.fatal) return;
    this.fatal = err;
    this.settle(err);
    this.opts.onFatal?.(err);
  }
  async pump() {
    if (this.pumping) return;
    this.pumping = true;
    const maxBatch = this.opts.maxBatch ?? 32;
    let backoffMs = this.opts.minBackoffMs ?? 100;
    let failingSince;
    try {
      while (this.queue.length > 0 && !this.closed && !this.fatal) {
        const resultAt = this.queue.findIndex((m) => m.type === "result");
        const n = resultAt === 0 ? 1 : Math.min(maxBatch, resultAt > 0 ? resultAt : maxBatch);
        const batch = this.queue.slice(0, n);
        try {
          await this.transport.send(batch);
          this.queue.splice(0, batch.length);
          failingSince = void 0;
          backoffMs = this.opts.minBackoffMs ?? 100;
        } catch (err) {
          if (!(err instanceof RelayUnavailableError)) {
            this.fail(err instanceof LtError ? err : new LtError("LT_ERR_RELAY", err.message, { cause: err }));
            break;
          }
          this.failures++;
          failingSince ??= Date.now();
          const giveUpMs = this.opts.giveUpMs ?? 12e4;
          if (Date.now() - failingSince >= giveUpMs) {
            this.fail(new LtError("LT_ERR_RELAY", `relay unreachable for ${Math.round(giveUpMs / 1e3)} s; ${this.queue.length} message(s) undelivered (${err.message})`, { cause: err }));
            break;
          }
          if (this.failures === 1 || this.failures % 10 === 0) this.opts.log?.(`worker: ${err.message}; ${this.queue.length} message(s) buffered, retrying`);
          await new Promise((resolve2) => {
            this.retryWake = resolve2;
            this.retryTimer = setTimeout(resolve2, backoffMs);
          });
          backoffMs = Math.min(backoffMs * 2, this.opts.maxBackoffMs ?? 2e3);
        }
      }
    } finally {
      this.pumping = false;
    }
    if (this.queue.length === 0 && !this.fatal) this.settle();
  }
};

// src/cluster/worker.ts
function defaultCapacity() {
  const cores = availableParallelism();
  return { cores, memoryMb: Math.round(totalmem() / 2 ** 20), maxVus: cores * 1e3 };
}
var Commands = class {
  buffered = [];
  waiters = [];
  listener;
  deliver(cmd) {
    if (this.listener?.(cmd)) return;
    const w = this.waiters.findIndex((x) => x.accept(cmd));
    if (w >= 0) this.waiters.splice(w, 1)[0].resolve(cmd);
    else this.buffered.push(cmd);
  }
  next(accept, timeoutMs, signal) {
    const i = this.buffered.findIndex(accept);
    if (i >= 0) return Promise.resolve(this.buffered.splice(i, 1)[0]);
    return new Promise((resolve2) => {
      const entry = {
        accept,
        resolve: (c) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          const k = this.waiters.indexOf(entry);
          if (k >= 0) this.waiters.splice(k, 1);
          resolve2(c);
        }
      };
      const onAbort = () => entry.resolve(void 0);
      const timer = setTimeout(() => entry.resolve(void 0), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(entry);
    });
  }
};
async function runWorker(opts) {
  const workerId = opts.workerId ?? `${hostname().replace(/[^A-Za-z0-9._:@-]/g, "-")}-${process.pid}`;
  const local = opts.nowMs ?? preciseNowMs;
  const log = opts.log ?? (() => void 0);
  const { transport } = opts;
  const capacity = { ...defaultCapacity(), ...opts.capacity };
  const commands = new Commands();
  let fatal;
  const fatalCtl = new AbortController();
  const outbox = new Outbox(transport, {
    giveUpMs: opts.giveUpMs,
    log,
    onFatal: (err) => {
      fatal = err;
      fatalCtl.abort(err);
    }
  });
  const stop = AbortSignal.any([fatalCtl.signal, ...opts.signal ? [opts.signal] : []]);
  const check = () => {
    if (fatal) throw fatal;
  };
  let handle;
  let heartbeat;
  let lastSeq;
  try {
    transport.connect(workerId, (cmd) => {
      if (cmd.type === "refused") {
        fatal ??= new LtError("LT_ERR_CLUSTER", `coordinator refused this worker: ${cmd.reason}`);
        fatalCtl.abort(fatal);
        return;
      }
      commands.deliver(cmd);
    });
    const probes = [];
    const probeOnce = async (first2) => {
      const t0 = local();
      if (first2) outbox.push({ v: 1, type: "register", workerId, capacity, planHash: opts.planHash, clockProbe: { t0 }, instance: randomBytes(8).toString("hex") });
      else outbox.push({ v: 1, type: "probe", workerId, t0 });
      const reply = await commands.next((c) => c.type === "clock" && c.t0 === t0, first2 ? opts.assignTimeoutMs ?? 6e5 : 5e3, stop);
      const t3 = local();
      check();
      if (reply?.type === "clock") probes.push({ t0, t1: reply.t1, t2: reply.t2, t3 });
    };
    await probeOnce(true);
    if (probes.length === 0) {
      check();
      throw new LtError("LT_ERR_CLUSTER", opts.signal?.aborted ? "stopped before the coordinator answered" : "the coordinator never answered the registration");
    }
    for (let i = 1; i < (opts.probes ?? 8); i++) {
      await new Promise((r) => setTimeout(r, 25));
      await probeOnce(false);
    }
    const clock = estimateOffset(probes);
    const nowMs = () => local() + clock.offsetMs;
    outbox.push({ v: 1, type: "ready", workerId, clockOffsetMs: clock.offsetMs, rttMs: clock.rttMs });
    log(`worker ${workerId}: registered; clock offset ${clock.offsetMs.toFixed(1)} ms (\xB1${(clock.rttMs / 2).toFixed(1)} ms)`);
    heartbeat = setInterval(() => {
      outbox.pushVolatile({ v: 1, type: "heartbeat", workerId, seq: lastSeq, activeVus: handle?.activeVus() ?? 0 });
    }, transport.caps.heartbeatMs);
    const first = await commands.next((c) => c.type === "assign" || c.type === "abort" || c.type === "done", opts.assignTimeoutMs ?? 6e5, stop);
    check();
    if (!first) throw new LtError("LT_ERR_CLUSTER", opts.signal?.aborted ? "stopped before an assignment arrived" : "no assignment from the coordinator in time");
    if (first.type !== "assign") throw new LtError("LT_ERR_CLUSTER", `the coordinator ended the run before it started${first.type === "abort" ? `: ${first.reason}` : ""}`);
    const assign = first;
    let plan;
    try {
      const loaded = loadPlan(assign.plan.text, assign.plan.file, { env: opts.env ?? {}, baseDir: opts.workspaceDir ? dirname(resolve(opts.workspaceDir, assign.plan.file)) : opts.baseDir ?? process.cwd() });
      if (loaded.hash !== assign.planHash) {
        throw new LtError("LT_ERR_CLUSTER", `plan ${assign.plan.file} loads here with hash ${loaded.hash.slice(0, 12)}\u2026, the coordinator's is ${assign.planHash.slice(0, 12)}\u2026 (different data files or tool version?)`);
      }
      plan = applyOverrides(loaded, assign.overrides ?? {});
    } catch (err) {
      const e = err instanceof LtError ? err : new LtError("LT_ERR_CLUSTER", err.message, { cause: err });
      outbox.push({ v: 1, type: "failed", workerId, code: e.code, message: e.message });
      await outbox.flush().catch(() => void 0);
      throw e;
    }
    let startedSent = false;
    const sendStarted = (actualStartMs) => {
      if (startedSent) return;
      startedSent = true;
      outbox.push({ v: 1, type: "started", workerId, actualStartMs });
    };
    let shard = assign.shard;
    handle = startRun(plan, {
      shard,
      startAtMs: assign.startAtMs,
      intervalMs: assign.intervalMs,
      nowMs,
      signal: opts.signal,
      onStart: sendStarted,
      onSnapshot: (snapshot) => {
        lastSeq = snapshot.seq;
        outbox.push({ v: 1, type: "snapshot", workerId, seq: snapshot.seq, snapshot });
      }
    });
    const h = handle;
    commands.listener = (cmd) => {
      if (cmd.type === "reshard") {
        shard = cmd.shard;
        h.setShard(cmd.shard);
        log(`worker ${workerId}: new share of the plan (weights [${cmd.shard.weights.join(",")}])${cmd.reason ? `: ${cmd.reason}` : ""}`);
        return true;
      }
      if (cmd.type === "abort") {
        h.abort(cmd.reason);
        return true;
      }
      return false;
    };
    fatalCtl.signal.addEventListener("abort", () => h.abort(`relay failure: ${fatal?.message}`), { once: true });
    const engine = await h.done;
    sendStarted(engine.startedAtMs);
    outbox.push({
      v: 1,
      type: "result",
      workerId,
      metrics: engine.metrics,
      events: engine.events.map((e) => ({ ...e, workerId })),
      startedAtMs: engine.startedAtMs,
      endedAtMs: engine.endedAtMs,
      snapshots: engine.intervals.length,
      ...engine.aborted ? { aborted: engine.aborted } : {}
    });
    await outbox.flush();
    clearInterval(heartbeat);
    await commands.next((c) => c.type === "done", 1e4, fatalCtl.signal);
    return { workerId, clock, engine, maxBuffered: outbox.maxBuffered };
  } finally {
    clearInterval(heartbeat);
    outbox.close();
    await transport.close();
  }
}
export {
  defaultCapacity,
  runWorker
};

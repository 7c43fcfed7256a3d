/**
 * The engine: `startRun(plan, options) → RunHandle`. Waits for the start instant,
 * runs setup, every scenario's executor (each from its start_time), teardown, and
 * cuts an interval snapshot every `intervalMs` aligned to the start instant so that
 * snapshots of different processes line up by `seq`.
 */
import type { Client, Dispatcher } from 'undici';
import { Recorder } from '../metrics/recorder.js';
import type { Snapshot } from '../metrics/types.js';
import type { Plan, Scenario, StepNode } from '../plan/types.js';
import { createSleeper, monoMs, type Sleeper } from './clock.js';
import { setLongTimeout } from './long-timer.js';
import { compileNodes, recorderLayout, SETUP, TEARDOWN, type CompiledNode, type CompiledStep } from './compile.js';
import { createSharedDispatcher, VuClients } from './http.js';
import { ShardMap, WHOLE } from './shard.js';
import type { EngineResult, RunEvent, RunHandle, RunOptions, Shard } from './types.js';
import { VirtualUser, type ScenarioRuntime } from './vu.js';
import { createRng } from './journey/random.js';
import { compileThinkTime } from './journey/think-time.js';
import { createDataCursor } from './journey/data-cursor.js';
import type { Executor } from './executors/common.js';
import { ClosedVusExecutor } from './executors/closed-vus.js';
import { OpenRateExecutor } from './executors/open-rate.js';
import { IterationsExecutor } from './executors/iterations.js';
import { GeneratorMonitor } from './generator-health.js';
import { MAX_WARMUP_MS, REHEARSAL_CUT_MS, REHEARSAL_HELD_LAG_US, REHEARSAL_MAX_MS, REHEARSAL_MS, rehearsalSpec, rehearse, warmTargets, warmUp, type WarmTarget, type WarmupReport } from './warmup.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** A fixed start instant (a cluster's barrier) is not warmed into closer than this. */
const WARMUP_MARGIN_MS = 100;

function collectSteps(nodes: CompiledNode[], out: CompiledStep[] = []): CompiledStep[] {
  for (const n of nodes) {
    if (n.kind === 'group') collectSteps(n.steps, out);
    else out.push(n);
  }
  return out;
}

/** Runs the plan (or this process's shard of it) to the end. */
export function run(plan: Plan, options: RunOptions = {}): Promise<EngineResult> {
  return startRun(plan, options).done;
}

/** Starts a run and returns a handle to steer it. */
export function startRun(plan: Plan, options: RunOptions = {}): RunHandle {
  return new EngineRun(plan, options).handle();
}

class EngineRun {
  private readonly plan: Plan;
  private readonly opts: RunOptions;
  private readonly nowMs: () => number;
  /** Epoch ms of scenario time 0: the given barrier instant, or the end of the warm-up. */
  private startAtMs: number;
  private t0Mono: number;
  /** True when the caller fixed the start instant (cluster barrier). */
  private readonly fixedStart: boolean;
  private readonly monitor: GeneratorMonitor;
  private readonly intervalMs: number;
  private readonly recorder: Recorder;
  private readonly intervals: Snapshot[] = [];
  private readonly events: RunEvent[] = [];
  private readonly executors: Executor[] = [];
  /**
   * One sleeper per scenario runtime: a scenario's drain closes its own (ending its
   * VUs' think times); a shared one cut every other scenario's think times too.
   */
  private readonly sleepers: Sleeper[] = [];
  private readonly target: string | undefined;
  private map: ShardMap;
  private shard: Shard;
  private abortReason: string | undefined;
  private aborted = false;
  private readonly abortWaiters: (() => void)[] = [];
  private sharedDispatcher?: Dispatcher & { close(): Promise<void>; destroy(): Promise<void> };
  /** Per-VU connections (made lazily, one Client per VU and origin). */
  private readonly vuClients: VuClients;
  private intervalTimer?: NodeJS.Timeout;
  private seq = 0;
  private readonly notices = new Set<string>();
  private sharedVars: Record<string, unknown> = {};
  readonly done: Promise<EngineResult>;

  constructor(plan: Plan, opts: RunOptions) {
    this.plan = plan;
    this.opts = opts;
    this.nowMs = opts.nowMs ?? Date.now;
    const now = this.nowMs();
    this.fixedStart = opts.startAtMs !== undefined;
    this.startAtMs = opts.startAtMs ?? now;
    this.t0Mono = monoMs() + (this.startAtMs - now);
    this.monitor = new GeneratorMonitor(plan.generator);
    this.intervalMs = opts.intervalMs ?? 1000;
    this.shard = opts.shard ?? WHOLE;
    this.map = new ShardMap(this.shard);
    this.target = opts.target ?? plan.target;
    this.recorder = new Recorder({ scenarios: recorderLayout(plan), intervalMs: this.intervalMs, startAtMs: this.startAtMs });
    const dispatcherOptions = { connectTimeoutMs: CONNECT_TIMEOUT_MS, insecure: plan.http.insecure };
    if (plan.http.connections === 'shared') this.sharedDispatcher = createSharedDispatcher(dispatcherOptions);
    this.vuClients = new VuClients(dispatcherOptions);
    this.done = this.execute();
    if (opts.signal) {
      const onAbort = () => this.abort(`aborted: ${describeReason(opts.signal!.reason)}`, true);
      if (opts.signal.aborted) onAbort();
      else opts.signal.addEventListener('abort', onAbort, { once: true });
      this.done.finally(() => opts.signal!.removeEventListener('abort', onAbort)).catch(() => undefined);
    }
  }

  handle(): RunHandle {
    return {
      done: this.done,
      setShard: (shard) => this.setShard(shard),
      abort: (reason) => this.abort(reason, false),
      end: (reason) => this.end(reason),
      activeVus: () => this.activeVus(),
    };
  }

  private bySignal = false;
  private planError = false;

  /** Set when the run was ended early as complete (end()): it stops like an abort but is not one. */
  private endedEarly = false;

  /** Ends the run now as a finished one (a capacity search has its answer). */
  private end(reason: string): void {
    if (this.aborted) return;
    this.endedEarly = true;
    this.abort(reason, false);
  }

  private abort(reason: string, bySignal: boolean, planError = false): void {
    if (this.aborted) return;
    this.aborted = true;
    this.bySignal = bySignal;
    this.planError = planError;
    this.abortReason = reason;
    this.event(this.endedEarly ? 'info' : 'abort', this.endedEarly ? `run ended early: ${reason}` : reason);
    for (const e of this.executors) e.stop();
    for (const w of this.abortWaiters.splice(0)) w();
  }

  private setShard(shard: Shard): void {
    this.shard = shard;
    this.map = new ShardMap(shard);
    for (const e of this.executors) e.setShard(this.map);
    this.event('redistributed', `shard changed to index ${shard.index} of weights [${shard.weights.join(',')}]`, { shard });
  }

  private activeVus(): number {
    let n = 0;
    for (const e of this.executors) n += e.activeVus();
    return n;
  }

  private event(type: RunEvent['type'], message: string, data?: Record<string, unknown>): void {
    this.events.push({ atMs: this.nowMs(), type, message, data });
  }

  private notice(message: string): void {
    if (this.notices.has(message)) return;
    this.notices.add(message);
    this.event('info', message);
  }

  private newSleeper(): Sleeper {
    const s = createSleeper();
    this.sleepers.push(s);
    return s;
  }

  /** Sleeps until `monoTarget` or an abort. */
  private waitUntil(monoTarget: number): Promise<void> {
    const ms = monoTarget - monoMs();
    if (ms <= 0 || this.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        t.clear();
        resolve();
      };
      const t = setLongTimeout(done, ms);
      this.abortWaiters.push(done);
    });
  }

  private scheduleCut(): void {
    const due = this.t0Mono + (this.seq + 1) * this.intervalMs;
    this.intervalTimer = setTimeout(() => {
      this.cut();
      this.scheduleCut();
    }, Math.max(0, due - monoMs()));
  }

  private cut(): void {
    const snap = this.recorder.cut(this.activeVus(), this.opts.compactSnapshots, this.monitor.sample(this.recorder.intervalLagP99Us()));
    this.seq++;
    this.intervals.push(snap);
    this.opts.onSnapshot?.(snap);
  }

  /**
   * Opens the first VUs' connections and runs the hot path before time 0 (warmup.ts),
   * bounded by the fixed start instant or MAX_WARMUP_MS. Undefined when off or skipped.
   */
  private async warmup(compiled: CompiledNode[][]): Promise<WarmupReport | undefined> {
    if (!this.plan.warmup || this.aborted) return undefined;
    const t0 = monoMs();
    const deadlineMono = this.fixedStart ? this.t0Mono - WARMUP_MARGIN_MS : t0 + MAX_WARMUP_MS;
    const budgetMs = deadlineMono - t0;
    if (budgetMs < WARMUP_MARGIN_MS) return undefined;
    const targets = warmTargets(this.plan, compiled, this.map, budgetMs);
    if (targets.length === 0) return undefined;
    const report = await warmUp(targets, { clients: this.vuClients, shared: this.sharedDispatcher, deadlineMono });
    // A target that refused a connection gains nothing from a rehearsal.
    if (report.failed === 0) {
      report.rehearsed = await this.rehearse(targets, deadlineMono);
      report.requests += report.rehearsed;
    }
    report.durationMs = monoMs() - t0;
    return report;
  }

  /**
   * Rehearses each fast open-model target's scenario (warmup.ts rehearse) into a
   * recorder of its own that is then destroyed: the run's counts never see it. The
   * VUs borrow the warm connections and hand them back. Returns the requests sent.
   */
  private async rehearse(targets: WarmTarget[], deadlineMono: number): Promise<number> {
    let requests = 0;
    for (const t of targets) {
      const sc = this.plan.scenarios[t.scenario];
      const spec = rehearsalSpec(sc, this.map);
      if (!spec) continue;
      const recorder = new Recorder({ scenarios: [{ name: sc.name, steps: [t.step.name] }], intervalMs: this.intervalMs, startAtMs: this.startAtMs });
      const origins = new Map<Client, string>();
      const rt: ScenarioRuntime = {
        ...this.runtime({ ...sc, thinkTime: undefined, data: undefined }, [t.step], sc.name, `${sc.name}:warm-up`, recorder),
        newClient: (origin) => {
          const c = this.vuClients.create(origin);
          origins.set(c, origin);
          return c;
        },
        destroyClient: (c) => this.vuClients.keepWarm(c, origins.get(c)!),
      };
      // The snapshot path is rehearsed too: the first cut of a run took 35 ms cold at
      // 20,000/s (11 ms in the recorder, 23 ms in the live merge and thresholds) and
      // made second 1 the run's worst (p99 26–49 ms; later seconds 4 ms).
      const cutter = setInterval(() => this.opts.onRehearsalSnapshot?.(recorder.cut(0, this.opts.compactSnapshots)), REHEARSAL_CUT_MS);
      try {
        // Rounds until one ends holding its schedule (lag p99 of its last ≤ 100 ms within
        // REHEARSAL_HELD_LAG_US) or the warm-up's time is up: at 20,000/s one 300 ms
        // round ran cold at a third of the rate and the run's first 500 ms fell behind.
        const endMono = Math.min(deadlineMono, monoMs() + REHEARSAL_MAX_MS);
        for (;;) {
          await rehearse(rt, this.map, spec, endMono);
          const lagUs = recorder.intervalLagP99Us();
          this.opts.onRehearsalSnapshot?.(recorder.cut(0, this.opts.compactSnapshots));
          if (lagUs <= REHEARSAL_HELD_LAG_US || endMono - monoMs() < REHEARSAL_MS || this.aborted) break;
        }
        requests += recorder.final().total.counters.requests;
      } finally {
        clearInterval(cutter);
        rt.sleeper.close();
        recorder.destroy();
      }
    }
    return requests;
  }

  private runtime(scenario: Scenario, steps: CompiledNode[], layoutName: string, rngSeed: string, recorder = this.recorder): ScenarioRuntime {
    const stepKeys = new Map<CompiledStep, ReturnType<Recorder['stepKey']>>();
    for (const s of collectSteps(steps)) stepKeys.set(s, recorder.stepKey(layoutName, s.name));
    const source = scenario.data ? this.plan.data[scenario.data] : undefined;
    return {
      scenario,
      steps,
      recorder,
      scenarioKey: recorder.scenarioKey(layoutName),
      stepKeys,
      target: this.target,
      iterationThink: scenario.thinkTime ? compileThinkTime(scenario.thinkTime, this.plan.thinkTimeMultiplier) : undefined,
      maxBodyBytes: this.plan.http.maxBodyBytes,
      env: this.plan.envValues,
      sharedVars: this.sharedVars,
      data: source ? createDataCursor(source, { shard: this.map, rng: createRng(`${this.plan.seed}:data:${rngSeed}`) }) : undefined,
      sleeper: this.newSleeper(),
      sharedDispatcher: this.sharedDispatcher,
      newClient: (origin) => this.vuClients.create(origin),
      destroyClient: (c) => this.vuClients.destroy(c),
      stopping: () => this.aborted,
      notice: (m) => this.notice(m),
      fatal: (m) => this.abort(m, false, true),
    };
  }

  /** Runs setup or teardown steps once, in a VU of their own. Returns extracted variables. */
  private async runOnce(name: string, nodes: StepNode[]): Promise<Record<string, unknown>> {
    const pseudo: Scenario = {
      name,
      startTimeMs: 0,
      durationMs: 0,
      gracefulStopMs: 0,
      weight: 1,
      cookies: 'per_vu',
      onCheckFailure: 'stop_iteration',
      executor: { type: 'iterations', vus: 1, iterations: 1, perVu: true, maxDurationMs: 0 },
      steps: nodes,
    };
    const rt = this.runtime(pseudo, compileNodes(nodes, this.plan, this.target, name), name, name);
    const vu = new VirtualUser(0, rt, createRng(`${this.plan.seed}:${name}`));
    const vars = await vu.iterateCollect(0);
    await vu.close();
    return vars;
  }

  private async runScenario(scenario: Scenario): Promise<void> {
    await this.waitUntil(this.t0Mono + scenario.startTimeMs);
    if (this.aborted) return;
    const steps = compileNodes(scenario.steps, this.plan, this.target, scenario.name, scenario.cookies !== 'off');
    const rt = this.runtime(scenario, steps, scenario.name, scenario.name);
    const t0 = this.t0Mono + scenario.startTimeMs;
    const rng = createRng(`${this.plan.seed}:${scenario.name}`);
    const spec = scenario.executor;
    const exec: Executor =
      spec.type === 'vus'
        ? new ClosedVusExecutor(rt, this.map, t0, rng, spec)
        : spec.type === 'rate'
          ? new OpenRateExecutor(rt, this.map, t0, rng, spec)
          : new IterationsExecutor(rt, this.map, t0, rng, spec);
    this.executors.push(exec);
    if (this.aborted) exec.stop();
    await exec.run();
  }

  private async execute(): Promise<EngineResult> {
    // Compile everything before the first socket opens: bad URLs fail here.
    const compiled = this.plan.scenarios.map((s) => compileNodes(s.steps, this.plan, this.target, s.name));
    const warm = await this.warmup(compiled);
    if (!this.fixedStart) {
      // A run that picks its own start begins when its connections are warm.
      this.startAtMs = this.nowMs();
      this.t0Mono = monoMs();
      this.recorder.restartAt(this.startAtMs);
    }
    await this.waitUntil(this.t0Mono);
    this.monitor.reset();
    const startedAtMs = this.nowMs();
    this.opts.onStart?.(startedAtMs);
    this.scheduleCut();
    this.event('start', `run started (shard ${this.shard.index} of ${this.shard.weights.length})`, { startSkewMs: startedAtMs - this.startAtMs });
    if (warm) {
      this.event('info', `warm-up: ${warm.requests} request(s) on ${warm.connections} connection(s) (${warm.rehearsed} through the VU path) in ${Math.round(warm.durationMs)} ms before the start (not counted)${warm.failed ? `; ${warm.failed} connection(s) failed` : ''}`, { warmup: warm });
    }
    try {
      if (this.plan.setup.length && !this.aborted) Object.assign(this.sharedVars, await this.runOnce(SETUP, this.plan.setup));
      await Promise.all(this.plan.scenarios.map((s) => this.runScenario(s)));
      if (this.plan.teardown.length) await this.runOnce(TEARDOWN, this.plan.teardown);
    } finally {
      clearTimeout(this.intervalTimer);
      this.cut(); // the last, partial interval
      this.monitor.close();
      for (const s of this.sleepers) s.close();
      await Promise.allSettled([this.sharedDispatcher?.destroy(), this.vuClients.destroyAll()]);
    }
    const endedAtMs = this.nowMs();
    this.event('stop', this.aborted ? `run stopped early: ${this.abortReason}` : 'run finished');
    const aborted = this.aborted && !this.endedEarly;
    const metrics = this.recorder.final();
    this.recorder.destroy();
    return {
      startAtMs: this.startAtMs,
      startedAtMs,
      endedAtMs,
      metrics,
      intervals: this.intervals,
      events: this.events,
      aborted: aborted ? { reason: this.abortReason ?? 'aborted', bySignal: this.bySignal, ...(this.planError ? { planError: true } : {}) } : undefined,
    };
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'signal' : String(reason);
}

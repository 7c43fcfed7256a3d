/**
 * What every executor shares: creating VUs with reproducible random streams, the
 * stop protocol (stop starting work → wait `graceful_stop` → cut in-flight requests),
 * and the active-VU count.
 */
import { setLongTimeout, type LongTimer } from '../long-timer.js';
import type { ShardMap } from '../shard.js';
import { VirtualUser, type ScenarioRuntime } from '../vu.js';
import type { Rng } from '../journey/random.js';

/** An executor of one scenario in this process. */
export interface Executor {
  /** Runs the scenario to its end (including graceful stop). */
  run(): Promise<void>;
  /** Stop starting new iterations; in-flight ones get graceful_stop. Idempotent. */
  stop(): void;
  /** New share of the plan (redistribution). */
  setShard(map: ShardMap): void;
  activeVus(): number;
}

/** Shared state and helpers of an executor. */
export class ExecutorBase {
  readonly rt: ScenarioRuntime;
  protected map: ShardMap;
  /** Monotonic ms of this scenario's time 0. */
  protected readonly t0Ms: number;
  private readonly rng: Rng;
  protected readonly vus = new Set<VirtualUser>();
  protected readonly loops = new Set<Promise<void>>();
  protected stopped = false;
  private readonly stopWaiters: (() => void)[] = [];
  /** Local iteration counter → global iteration numbers unique across shards. */
  private localIterations = 0;

  constructor(rt: ScenarioRuntime, map: ShardMap, t0Ms: number, rng: Rng) {
    this.rt = rt;
    this.map = map;
    this.t0Ms = t0Ms;
    this.rng = rng;
  }

  /** A new VU with global id `id` (1-based in templates). */
  protected newVu(id: number): VirtualUser {
    const vu = new VirtualUser(id + 1, this.rt, this.rng.fork(`vu:${id}`));
    this.vus.add(vu);
    return vu;
  }

  /** A globally unique iteration number for the next iteration started here. */
  protected nextIterationNumber(): number {
    return this.map.nthOwned(this.localIterations++);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of [...this.stopWaiters]) w();
  }

  /** Resolves when stop() is called or after `ms`, whichever is first. */
  protected waitStopOr(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        t.clear();
        const i = this.stopWaiters.indexOf(done);
        if (i >= 0) this.stopWaiters.splice(i, 1);
        resolve();
      };
      const t = setLongTimeout(done, ms);
      this.stopWaiters.push(done);
    });
  }

  setShard(map: ShardMap): void {
    this.map = map;
  }

  activeVus(): number {
    return this.vus.size;
  }

  /** Tracks a VU loop so the stop protocol can wait for it. */
  protected track(p: Promise<void>): void {
    this.loops.add(p);
    p.finally(() => this.loops.delete(p));
  }

  /**
   * The end of a scenario: no new iterations; in-flight ones get graceful_stop,
   * then their requests are cut. Closes per-VU connections.
   */
  protected async drain(): Promise<void> {
    this.stop();
    for (const vu of this.vus) vu.stopRequested = true;
    this.rt.sleeper.close();
    if (this.loops.size) {
      let timer: LongTimer | undefined;
      const grace = new Promise<void>((r) => (timer = setLongTimeout(r, this.rt.scenario.gracefulStopMs)));
      await Promise.race([Promise.allSettled([...this.loops]), grace]);
      timer?.clear();
      if (this.loops.size) {
        for (const vu of this.vus) vu.interrupt();
        this.rt.sleeper.wakeAll();
        await Promise.allSettled([...this.loops]);
      }
    }
    await Promise.all([...this.vus].map((vu) => vu.close()));
    this.vus.clear();
  }
}

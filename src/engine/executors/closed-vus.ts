/**
 * Closed model, VU count over stages (constant, ramp_up, ramp_down, step, spike,
 * stages). Global VU ids 0…G−1 are active when the shape says G; this shard runs
 * the ids it owns (ShardMap), so shards add up to the plan's VU count exactly.
 * A VU removed by a ramp-down finishes its iteration first (k6's gracefulRampDown).
 */
import type { Executor as PlanExecutor } from '../../plan/types.js';
import { monoMs } from '../clock.js';
import { valueAt } from '../schedule.js';
import type { ShardMap } from '../shard.js';
import type { ScenarioRuntime, VirtualUser } from '../vu.js';
import type { Rng } from '../journey/random.js';
import { ExecutorBase, type Executor } from './common.js';
import { loopTurn, yieldToLoop } from '../loop-turn.js';

/** How often the VU target is re-evaluated. */
const TICK_MS = 50;

export class ClosedVusExecutor extends ExecutorBase implements Executor {
  private readonly running = new Map<number, VirtualUser>();
  private lastTarget = -1;
  private lastMap?: ShardMap;

  constructor(
    rt: ScenarioRuntime,
    map: ShardMap,
    t0Ms: number,
    rng: Rng,
    private readonly spec: Extract<PlanExecutor, { type: 'vus' }>,
  ) {
    super(rt, map, t0Ms, rng);
  }

  async run(): Promise<void> {
    const durationMs = this.rt.scenario.durationMs;
    while (!this.stopped) {
      const t = monoMs() - this.t0Ms;
      if (t >= durationMs) break;
      this.reconcile(Math.round(valueAt(this.spec.startVus, this.spec.stages, t)));
      await this.waitStopOr(Math.min(TICK_MS, durationMs - t));
    }
    await this.drain();
    this.running.clear();
  }

  override setShard(map: ShardMap): void {
    super.setShard(map);
    this.lastTarget = -1; // force a reconcile with the new ownership
  }

  override activeVus(): number {
    return this.running.size;
  }

  /** Makes the running set equal to the owned ids below the global target. */
  private reconcile(globalTarget: number): void {
    if (globalTarget === this.lastTarget && this.map === this.lastMap) return;
    this.lastTarget = globalTarget;
    this.lastMap = this.map;
    const n = this.map.ownedBefore(globalTarget);
    const desired = new Set<number>();
    for (let k = 0; k < n; k++) desired.add(this.map.nthOwned(k));
    for (const [id, vu] of this.running) {
      if (!desired.has(id)) {
        vu.stopRequested = true;
        this.running.delete(id);
      }
    }
    for (const id of desired) {
      if (!this.running.has(id)) this.spawn(id);
    }
  }

  private spawn(id: number): void {
    const vu = this.newVu(id);
    this.running.set(id, vu);
    this.track(this.loop(vu, id));
  }

  private async loop(vu: VirtualUser, id: number): Promise<void> {
    await vu.startDelay();
    let turn = loopTurn();
    try {
      while (!vu.stopRequested && !this.stopped) {
        const end = await vu.iterate(this.nextIterationNumber());
        // An iteration without I/O never leaves the microtask queue: give timers and signals a turn.
        if (loopTurn() === turn) await yieldToLoop();
        turn = loopTurn();
        if (end === 'no_data') {
          this.rt.notice(`scenario '${this.rt.scenario.name}': data '${this.rt.scenario.data}' has no rows left; VUs stop`);
          this.stop();
          break;
        }
        if (end === 'stopped') break;
        // No think time (the throughput case): no await of an already-resolved promise,
        // one microtask hop less per iteration.
        if (this.rt.iterationThink !== undefined) await vu.thinkAfterIteration();
      }
    } finally {
      if (this.running.get(id) === vu) this.running.delete(id);
      this.vus.delete(vu);
      await vu.close();
    }
  }
}

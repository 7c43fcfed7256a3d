/**
 * Closed model with a fixed amount of work: `vus` VUs share `iterations` in total
 * (shared iterations), or each runs `iterations` (per-VU). Global iteration numbers
 * and VU ids are dealt by the ShardMap, so shards add up to the plan exactly.
 * `max_duration` ends the scenario regardless.
 */
import type { Executor as PlanExecutor } from '../../plan/types.js';
import type { ShardMap } from '../shard.js';
import type { ScenarioRuntime, VirtualUser } from '../vu.js';
import type { Rng } from '../journey/random.js';
import { ExecutorBase, type Executor } from './common.js';
import { loopTurn, yieldToLoop } from '../loop-turn.js';

export class IterationsExecutor extends ExecutorBase implements Executor {
  private claimed = 0;
  private readonly sharedTotal: number;

  constructor(
    rt: ScenarioRuntime,
    map: ShardMap,
    t0Ms: number,
    rng: Rng,
    private readonly spec: Extract<PlanExecutor, { type: 'iterations' }>,
  ) {
    super(rt, map, t0Ms, rng);
    this.sharedTotal = spec.perVu ? 0 : map.ownedBefore(spec.iterations);
  }

  async run(): Promise<void> {
    const n = this.map.ownedBefore(this.spec.vus);
    for (let k = 0; k < n; k++) {
      const vu = this.newVu(this.map.nthOwned(k));
      this.track(this.loop(vu));
    }
    const all = Promise.allSettled([...this.loops]);
    await Promise.race([all, this.waitStopOr(this.spec.maxDurationMs)]);
    await this.drain();
  }

  /** Shard changes are not applied to fixed-work scenarios (their split is fixed at start). */
  override setShard(_map: ShardMap): void {}

  private async loop(vu: VirtualUser): Promise<void> {
    await vu.startDelay();
    let done = 0;
    let turn = loopTurn();
    while (!this.stopped && !vu.stopRequested) {
      let iteration: number;
      if (this.spec.perVu) {
        if (done >= this.spec.iterations) break;
        iteration = (vu.id - 1) * this.spec.iterations + done;
      } else {
        if (this.claimed >= this.sharedTotal) break;
        iteration = this.map.nthOwned(this.claimed++);
      }
      done++;
      const end = await vu.iterate(iteration);
      // An iteration without I/O never leaves the microtask queue: give timers and signals a turn.
      if (loopTurn() === turn) await yieldToLoop();
      turn = loopTurn();
      if (end === 'no_data') {
        this.rt.notice(`scenario '${this.rt.scenario.name}': data '${this.rt.scenario.data}' has no rows left; VUs stop`);
        this.stop();
        break;
      }
      if (end === 'stopped') break;
      await vu.thinkAfterIteration();
    }
  }
}

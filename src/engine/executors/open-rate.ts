/**
 * Open model (constant_rate, ramping_rate). Arrival i of the whole plan happens at
 * the instant the cumulative rate reaches i (ArrivalSchedule) — spread evenly, never
 * in per-second bursts. This shard takes the arrivals it owns (ShardMap). Each
 * arrival's intended start is kept: latency is measured from it (coordinated
 * omission corrected, as wrk2 does), generator lag (actual − intended start) is
 * recorded, and an arrival with no free VU is counted as dropped, never delayed.
 */
import type { Executor as PlanExecutor } from '../../plan/types.js';
import { monoMs } from '../clock.js';
import { ArrivalSchedule } from '../schedule.js';
import { localShare, type ShardMap } from '../shard.js';
import type { ScenarioRuntime, VirtualUser } from '../vu.js';
import type { Rng } from '../journey/random.js';
import { ExecutorBase, type Executor } from './common.js';
import { yieldToLoop } from '../loop-turn.js';

/**
 * Arrivals dispatched back to back before the loop yields to I/O. Not tuned by a
 * measurement yet: at ~12 µs per undici dispatch() (research/perf.md) plus the VU's
 * own work, 32 hold the loop well under the 1 ms timer granularity the schedule works
 * at anyway. The fairness test (test/engine/open-model-at-speed.test.ts) fails without it.
 */
export const DISPATCH_BATCH = 32;

export class OpenRateExecutor extends ExecutorBase implements Executor {
  private readonly schedule: ArrivalSchedule;
  private readonly idle: VirtualUser[] = [];
  private busy = 0;
  private allocated = 0;
  /** Next global arrival index to consider. */
  private cursor = 0;
  private warnedMaxVus = false;

  constructor(
    rt: ScenarioRuntime,
    map: ShardMap,
    t0Ms: number,
    rng: Rng,
    private readonly spec: Extract<PlanExecutor, { type: 'rate' }>,
  ) {
    super(rt, map, t0Ms, rng);
    this.schedule = new ArrivalSchedule(spec.startRatePerSec, spec.stages);
    for (let k = 0; k < this.localLimit(spec.preAllocatedVus); k++) this.idle.push(this.allocate());
  }

  /** This shard's part of a VU count (at least 1 when it owns anything). */
  private localLimit(globalCount: number): number {
    return localShare(this.map, globalCount);
  }

  private allocate(): VirtualUser {
    return this.newVu(this.map.nthOwned(this.allocated++));
  }

  override activeVus(): number {
    return this.allocated;
  }

  async run(): Promise<void> {
    const key = this.rt.scenarioKey;
    const rec = this.rt.recorder;
    let batch = 0;
    while (!this.stopped) {
      if (this.map.perRound === 0) {
        await this.waitStopOr(this.schedule.durationMs - (monoMs() - this.t0Ms));
        break;
      }
      const i = this.map.nthOwned(this.map.ownedBefore(this.cursor));
      const tMs = this.schedule.timeOf(i);
      if (tMs === Infinity) break;
      const dueMs = this.t0Ms + tMs;
      const now = monoMs();
      if (dueMs > now + 0.2) {
        batch = 0;
        await this.waitStopOr(dueMs - now);
        continue;
      }
      if (batch >= DISPATCH_BATCH) {
        // Behind schedule: let the event loop read responses (which free VUs) before
        // dispatching more; without this a late generator starves its own I/O and
        // falls further behind (issue 10: second 0 at 10,000/s had p50 313 ms).
        batch = 0;
        await yieldToLoop();
        if (this.stopped) break;
        continue;
      }
      batch++;
      this.cursor = i + 1;
      const vu = this.idle.pop() ?? (this.allocated < this.localLimit(this.spec.maxVus) ? this.allocate() : undefined);
      if (!vu) {
        rec.dropped(key, 1);
        if (!this.warnedMaxVus) {
          this.warnedMaxVus = true;
          this.rt.notice(`scenario '${this.rt.scenario.name}': all ${this.allocated} VUs busy (max_vus ${this.spec.maxVus}); arrivals are being dropped`);
        }
        continue;
      }
      rec.lag(key, Math.max(0, Math.round((now - dueMs) * 1000)));
      this.busy++;
      this.track(this.iterate(vu, i, dueMs));
    }
    await this.drain();
  }

  private async iterate(vu: VirtualUser, arrival: number, dueMs: number): Promise<void> {
    try {
      const end = await vu.iterate(arrival, dueMs);
      if (end === 'no_data') {
        this.rt.notice(`scenario '${this.rt.scenario.name}': data '${this.rt.scenario.data}' has no rows left; arrivals stop`);
        this.stop();
      }
    } finally {
      this.busy--;
      if (!this.stopped) this.idle.push(vu);
    }
  }

  override setShard(map: ShardMap): void {
    super.setShard(map);
    // Newly owned arrivals start from the current schedule position, not from 0.
    const tNow = monoMs() - this.t0Ms;
    let lo = this.cursor;
    let hi = this.schedule.total;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.schedule.timeOf(mid) < tNow) lo = mid + 1;
      else hi = mid;
    }
    this.cursor = lo;
    while (this.idle.length + this.busy < this.localLimit(this.spec.preAllocatedVus)) this.idle.push(this.allocate());
  }
}

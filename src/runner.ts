/**
 * Runs a plan in this process and turns the engine's output into a Result: live
 * threshold evaluation on every snapshot (abort_on_fail stops the run), then the
 * final evaluation and the versioned result. Used by `loadtest run` and the Action's
 * `mode: run`; the cluster coordinator does the same over merged snapshots.
 */
import { startRun } from './engine/run.js';
import type { RunEvent } from './engine/types.js';
import { MetricsAccumulator } from './metrics/merge.js';
import type { Snapshot } from './metrics/types.js';
import type { Plan } from './plan/types.js';
import { buildResult } from './report/build-result.js';
import type { Result } from './report/result-schema.js';
import { evaluateLive, viewOfAccumulator } from './thresholds/evaluate.js';
import { taggedSteps } from './plan/tag-index.js';
import { capacitySearchDone, CapacityWatcher } from './report/capacity.js';

export interface RunPlanOptions {
  signal?: AbortSignal;
  /** Every interval snapshot, after live threshold evaluation. */
  onSnapshot?: (snapshot: Snapshot, activeVus: number) => void;
  /** The warm-up rehearsal's snapshots (engine RunOptions.onRehearsalSnapshot): run the snapshot code, show nothing. */
  onRehearsalSnapshot?: (snapshot: Snapshot) => void;
  intervalMs?: number;
  runId?: string;
  git?: Result['run']['git'];
}

/** Runs `plan` here and resolves with its Result (partial when aborted). */
export async function runPlan(plan: Plan, opts: RunPlanOptions = {}): Promise<Result> {
  const live = new MetricsAccumulator();
  const tagged = taggedSteps(plan);
  const events: RunEvent[] = [];
  const failingAfter = (acc: MetricsAccumulator, snap: Snapshot) => {
    acc.add(snap);
    const elapsedMs = (snap.seq + 1) * snap.intervalMs;
    return evaluateLive(plan.thresholds, viewOfAccumulator(acc), Math.max(elapsedMs, 1) / 1000, elapsedMs, tagged);
  };
  // The warm-up's rehearsal snapshots go through the same merge and threshold code, into
  // an accumulator that is then dropped (the first live merge took 23 ms cold).
  let rehearsal: MetricsAccumulator | undefined;
  const capacity = CapacityWatcher.of(plan);
  // The engine picks the start instant itself (after its warm-up); snapshots carry it.
  const handle = startRun(plan, {
    signal: opts.signal,
    intervalMs: opts.intervalMs,
    onRehearsalSnapshot: (snap) => {
      failingAfter((rehearsal ??= new MetricsAccumulator()), snap);
      opts.onRehearsalSnapshot?.(snap);
    },
    onStart: () => {
      rehearsal?.destroy();
      rehearsal = undefined;
    },
    onSnapshot: (snap) => {
      const failing = failingAfter(live, snap);
      if (failing.length) {
        const names = failing.map((f) => `${f.expression} (actual ${f.actual ?? 'no data'})`).join(', ');
        events.push({ atMs: Date.now(), type: 'threshold_failed', message: `abort_on_fail threshold crossed: ${names}` });
        handle.abort(`threshold crossed: ${names}`);
      }
      const ended = capacity?.add(snap);
      if (ended) handle.end(capacitySearchDone(ended));
      opts.onSnapshot?.(snap, handle.activeVus());
    },
  });
  try {
    const out = await handle.done;
    return buildResult({
      plan,
      metrics: out.metrics,
      intervals: out.intervals,
      startAtMs: out.startAtMs,
      endedAtMs: out.endedAtMs,
      events: [...out.events, ...events].sort((a, b) => a.atMs - b.atMs),
      aborted: out.aborted,
      runId: opts.runId,
      git: opts.git,
    });
  } finally {
    live.destroy();
  }
}

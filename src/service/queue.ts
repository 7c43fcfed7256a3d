/**
 * The run queue: runs start in the order they were submitted, each as soon as enough
 * agents are free (a run that needs more agents than are free holds the ones behind
 * it, so a big run is not starved by small ones). A started run is the existing
 * coordinator with its own HTTP relay (port 0 on the controller's host, its own
 * token); the chosen agents join it as ordinary workers.
 */
import { LtError } from '../errors.js';
import type { Snapshot } from '../metrics/types.js';
import { loadPlan } from '../plan/load.js';
import { applyOverrides, type PlanOverrides } from '../plan/overrides.js';
import type { Plan } from '../plan/types.js';
import { createHttpRelayServer } from '../cluster/http-relay-server.js';
import { runCoordinator } from '../cluster/coordinator.js';
import { newToken } from '../cluster/token.js';
import type { Agents } from './agents.js';
import type { RunRecord, Store } from './store.js';

/** A run this controller is running now. */
export interface ActiveRun {
  id: string;
  abort: AbortController;
  /** Listeners of merged snapshots (SSE clients). */
  listeners: Set<(snapshot: Snapshot, activeVus: number) => void>;
  /** Ends every listener's stream. */
  ended: Set<() => void>;
  /** The coordinator's Prometheus exposition (its counters and latency). */
  expose?: () => Promise<{ contentType: string; body: string }>;
  done: Promise<void>;
}

/** Options of the queue. */
export interface RunQueueOptions {
  store: Store;
  agents: Agents;
  /** Host the runs' relays bind to (the controller's). */
  host: string;
  log: (line: string) => void;
  /** How long a started run waits for its agents to register (default 15 s). */
  joinWaitMs?: number;
}

/** The queue and the runs it started. */
export class RunQueue {
  readonly active = new Map<string, ActiveRun>();
  private closed = false;

  constructor(private readonly opts: RunQueueOptions) {}

  /** Starts whatever queued runs can start now. Call after any change. */
  pump(): void {
    if (this.closed) return;
    for (const run of this.opts.store.runs({ status: 'queued', oldestFirst: true })) {
      const free = this.opts.agents.free();
      if (free.length < run.workers) return; // first in, first out
      this.start(run, free.slice(0, run.workers).map((a) => a.id));
    }
  }

  private start(run: RunRecord, agentIds: string[]): void {
    const { store, agents, log } = this.opts;
    const abort = new AbortController();
    const active: ActiveRun = { id: run.id, abort, listeners: new Set(), ended: new Set(), done: Promise.resolve() };
    this.active.set(run.id, active);
    store.markRunning(run.id, agentIds);
    active.done = this.execute(run, agentIds, active)
      .catch((err: unknown) => {
        const e = err instanceof LtError ? err : new LtError('LT_ERR_INTERNAL', (err as Error).message, { cause: err });
        const aborted = abort.signal.aborted;
        log(`controller: run ${run.id} ${aborted ? 'aborted' : 'failed'}: ${e.message}`);
        store.finishRun(run.id, aborted ? 'aborted' : 'failed', { reason: e.message });
      })
      .finally(() => {
        this.active.delete(run.id);
        agents.release(run.id);
        for (const end of active.ended) end();
        this.pump();
      });
  }

  private async execute(run: RunRecord, agentIds: string[], active: ActiveRun): Promise<void> {
    const { store, agents, log } = this.opts;
    const overrides = run.overrides as PlanOverrides;
    const plan = planOf(run);
    const token = newToken();
    const relay = createHttpRelayServer({ host: this.opts.host, port: 0, token, log, metrics: async () => (active.expose ? active.expose() : { contentType: 'text/plain', body: '' }) });
    try {
      const { result } = await runCoordinator({
        plan,
        planSource: { text: run.planText, file: run.planFile },
        overrides,
        transport: relay,
        workers: run.workers,
        waitMs: this.opts.joinWaitMs ?? 15_000,
        signal: active.abort.signal,
        runId: run.id,
        log: (line) => log(`[${run.id}] ${line}`),
        onMetrics: (e) => (active.expose = e),
        onListening: () => agents.assign(agentIds, { runId: run.id, relayPort: Number(new URL(relay.url).port), token }),
        onProgress: (snapshot, vus) => {
          store.addSnapshot(run.id, snapshot, vus);
          for (const l of active.listeners) l(snapshot, vus);
        },
      });
      const aborted = active.abort.signal.aborted;
      store.finishRun(run.id, aborted ? 'aborted' : 'completed', { result, exitCode: result.run.exit_code, ...(aborted ? { reason: String((active.abort.signal.reason as Error)?.message ?? 'aborted') } : {}) });
    } finally {
      await relay.close();
    }
  }

  /** Aborts a running run (its agents stop; the partial result is kept). False when it is not running here. */
  abort(runId: string, reason: string): boolean {
    const a = this.active.get(runId);
    if (!a) return false;
    a.abort.abort(new Error(reason));
    return true;
  }

  /** Aborts every running run and waits for them to settle. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const a of this.active.values()) a.abort.abort(new Error('the controller is shutting down'));
    await Promise.all([...this.active.values()].map((a) => a.done));
  }
}

/** The plan a run runs: its stored text with its overrides. Plans from the API were validated when submitted; data files resolve against the controller's cwd. */
export function planOf(run: RunRecord): Plan {
  return applyOverrides(loadPlan(run.planText, run.planFile, { env: {}, baseDir: process.cwd() }), run.overrides as PlanOverrides);
}

/**
 * The coordinator's Prometheus exposition (`GET /metrics` on the relay). Its own
 * prom-client Registry, never the global one, so two coordinators in one process
 * (tests) do not collide. Values are read at scrape time from the live merge, so a
 * scrape costs nothing between scrapes.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Histogram } from '../metrics/histogram.js';
import type { Counters } from '../metrics/types.js';

/** Run states exposed as `loadtest_run_state{state}`. */
export const RUN_STATES = ['registering', 'starting', 'running', 'finishing', 'done', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** What the exposition reads from the coordinator. */
export interface ClusterView {
  counters(): Counters | undefined;
  latency(): Histogram | undefined;
  workers(): { id: string; activeVus: number; connected: boolean }[];
  state(): RunState;
  /** CPU seconds the coordinator spent merging so far. */
  mergeCpuSeconds(): number;
}

/** A registry exposing the cluster view. */
export function createClusterMetrics(view: ClusterView): { registry: Registry; expose(): Promise<{ contentType: string; body: string }> } {
  const registry = new Registry();
  new Counter({
    name: 'loadtest_coordinator_merge_cpu_seconds_total',
    help: 'CPU time the coordinator spent merging worker snapshots (decode, add, merged intervals, live thresholds)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(view.mergeCpuSeconds());
    },
  });
  new Counter({
    name: 'loadtest_requests_total',
    help: 'Completed requests, merged over all workers (run so far)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(view.counters()?.requests ?? 0);
    },
  });
  new Counter({
    name: 'loadtest_errors_total',
    help: 'Failed requests by error class, merged over all workers (run so far)',
    labelNames: ['class'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [cls, n] of Object.entries(view.counters()?.errorsByClass ?? {})) this.inc({ class: cls }, n ?? 0);
    },
  });
  new Gauge({
    name: 'loadtest_latency_ms',
    help: 'Request latency percentiles of the run so far (merged HDR histogram), ms',
    labelNames: ['quantile'],
    registers: [registry],
    collect() {
      this.reset();
      const h = view.latency();
      if (!h || h.totalCount === 0) return;
      for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) this.set({ quantile: String(q) }, h.getValueAtPercentile(q * 100) / 1000);
    },
  });
  new Gauge({
    name: 'loadtest_active_vus',
    help: 'Active VUs per worker (last heartbeat or snapshot)',
    labelNames: ['worker'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of view.workers()) this.set({ worker: w.id }, w.activeVus);
    },
  });
  new Gauge({
    name: 'loadtest_workers_connected',
    help: 'Workers currently heard from (not lost)',
    registers: [registry],
    collect() {
      this.set(view.workers().filter((w) => w.connected).length);
    },
  });
  new Gauge({
    name: 'loadtest_run_state',
    help: 'Run state: 1 for the current state, 0 for the others',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const now = view.state();
      for (const s of RUN_STATES) this.set({ state: s }, s === now ? 1 : 0);
    },
  });
  return {
    registry,
    async expose() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

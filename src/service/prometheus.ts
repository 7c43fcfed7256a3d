/**
 * The controller's Prometheus exposition: runs by status, agents connected, and the
 * merged request/error counters of the runs running now (from their coordinators).
 * Written by hand: a few gauges from the store, no registry to keep in step.
 */
import type { Agents } from './agents.js';
import type { RunQueue } from './queue.js';
import type { RunStatus, Store } from './store.js';

const STATUSES: RunStatus[] = ['queued', 'running', 'completed', 'failed', 'aborted'];

/** Text of `GET /metrics`. */
export function controllerMetrics(store: Store, agents: Agents, queue: RunQueue): string {
  const runs = store.runs({ limit: 1_000_000 });
  const lines = ['# HELP loadtest_controller_runs Runs by status.', '# TYPE loadtest_controller_runs gauge'];
  for (const s of STATUSES) lines.push(`loadtest_controller_runs{status="${s}"} ${runs.filter((r) => r.status === s).length}`);
  lines.push('# HELP loadtest_controller_agents_connected Agents heard from within 3 s.', '# TYPE loadtest_controller_agents_connected gauge', `loadtest_controller_agents_connected ${agents.connected().length}`);
  lines.push('# HELP loadtest_controller_run_requests_total Merged requests of running runs.', '# TYPE loadtest_controller_run_requests_total counter');
  const errs = ['# HELP loadtest_controller_run_errors_total Merged errors of running runs.', '# TYPE loadtest_controller_run_errors_total counter'];
  for (const id of queue.active.keys()) {
    let requests = 0;
    let errors = 0;
    for (const { snapshot } of store.snapshots(id)) {
      requests += snapshot.total.counters.requests;
      errors += snapshot.total.counters.errors;
    }
    lines.push(`loadtest_controller_run_requests_total{run="${id}"} ${requests}`);
    errs.push(`loadtest_controller_run_errors_total{run="${id}"} ${errors}`);
  }
  return [...lines, ...errs, ''].join('\n');
}

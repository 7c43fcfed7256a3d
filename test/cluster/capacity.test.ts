/**
 * Issue 14, capacity search over a cluster: the coordinator judges each step on the
 * merged intervals of 2 workers and ends the run on every worker at the first step that
 * does not hold — a finished run (passed), not an abort — with the same answer the
 * Result's block computes from the merged intervals.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoTarget } from '../../src/demo/target.js';
import { runCoordinator } from '../../src/cluster/coordinator.js';
import { runWorker } from '../../src/cluster/worker.js';
import { createLocalTransport } from '../../src/cluster/local-transport.js';
import { loadPlan } from '../../src/plan/load.js';
import { Result } from '../../src/report/result-schema.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

test('capacity search over 2 workers: the coordinator ends the run at the failing step, as a finished run', async () => {
  // A bucket of 30/s with no burst, shared by both workers' requests: 20/s holds, 40/s
  // queues ~10 requests a second (hundreds of ms by the step's end). The limits are far
  // above a loaded machine's stalls: this checks the cluster path, not the machine.
  const text = `
name: capacity-cluster
target: ${target.url}
generator: { max_lag_p99: 5s, max_event_loop_p99: 5s }
scenarios:
  search:
    profile: { type: capacity, start_rate: 20, step_rate: 20, step_duration: 1s, max_rate: 100, criteria: ["p95 < 100"] }
    graceful_stop: 1s
    steps:
      - { name: bucket, url: "/capacity?rate=30&burst=1" }
`;
  const plan = loadPlan(text, 'capacity.yaml', { env: {} });
  const lt = createLocalTransport();
  const coord = runCoordinator({ plan, planSource: { text, file: 'capacity.yaml' }, transport: lt.coordinator, workers: 2, waitMs: 10_000 });
  const workers = [0, 1].map((i) => runWorker({ transport: lt.worker(), workerId: `w${i}` }));
  const [outcome] = await Promise.all([coord, ...workers]);
  const r = outcome.result;
  const c = r.capacity!;
  assert.equal(c.stop_reason, 'criterion_failed', c.message);
  assert.equal(c.sustainable_rate, 20);
  assert.equal(c.failing!.rate, 40);
  assert.equal(r.run.status, 'passed');
  assert.equal(r.run.abort_reason, undefined);
  assert.ok(r.events.some((e) => /run ended early on every worker: capacity search done: 40\/s failed p95 < 100/.test(e.message)), 'the coordinator said why');
  // 5 steps planned (5 s); the search ended during the third.
  assert.ok(r.run.duration_ms < 4_000, `the run lasted ${r.run.duration_ms} ms`);
  assert.equal(r.workers.length, 2);
  assert.ok(Result.safeParse(JSON.parse(JSON.stringify(r))).success);
});

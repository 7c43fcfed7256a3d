/**
 * Issue 4 acceptance 2: kill -9 one of 3 worker processes half way through a
 * constant_rate run. The run completes; the loss is detected within 3 s and
 * recorded with load before/after; the survivors take over its share, so completed
 * iterations stay within ±10 % of the plan's; the exit code follows the thresholds.
 * (A local cluster learns of the death from the child's exit at once; the heartbeat
 * timeout path, which remote workers rely on, is exercised by acceptance-partition.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { startDemoTarget } from '../../src/demo/target.js';
import { runDistributedLocalDetailed } from '../../src/cluster/local-cluster.js';
import { planFile } from '../helpers.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

test('acceptance 2: a worker killed with SIGKILL mid-run is detected, its share redistributed, the run completes', async () => {
  const rate = 60;
  const durationS = 8;
  const path = planFile(`
name: kill
target: ${target.url}
scenarios:
  s:
    duration: ${durationS}s
    profile: { type: constant_rate, rate: ${rate}, pre_allocated_vus: 10, max_vus: 50 }
    steps:
      - { name: fast, method: GET, url: /fast }
thresholds:
  - "error_rate < 0.05"
`);
  const children: ChildProcess[] = [];
  let killedAtMs = 0;
  let killTimer: NodeJS.Timeout | undefined;
  const logs: string[] = [];
  const outcome = await runDistributedLocalDetailed(path, {
    workers: 3,
    onWorker: (i, c) => (children[i] = c),
    log: (line) => {
      logs.push(line);
      const m = /assigned; starting in ([\d.]+) s/.exec(line);
      if (m) {
        killTimer = setTimeout(() => {
          killedAtMs = Date.now();
          children[1].kill('SIGKILL');
        }, Number(m[1]) * 1000 + (durationS * 1000) / 2);
      }
    },
  });
  clearTimeout(killTimer);
  const r = outcome.result;
  assert.ok(killedAtMs > 0, 'the worker was killed');
  const lost = r.events.find((e) => e.type === 'worker_lost' && e.worker === 'w2');
  assert.ok(lost, `loss recorded: ${JSON.stringify(r.events.map((e) => e.type))}`);
  const detectedAfterMs = Date.parse(lost.at) - killedAtMs;
  assert.ok(detectedAfterMs >= 0 && detectedAfterMs <= 3200, `detected ${detectedAfterMs} ms after the kill`);
  const redistributed = r.events.find((e) => e.type === 'redistributed');
  assert.ok(redistributed?.data && 'loadBefore' in redistributed.data && 'loadAfter' in redistributed.data, 'load before/after recorded');
  assert.equal((redistributed!.data as { loadAfter: number }).loadAfter, 1, 'full load restored on the survivors');
  const w2 = r.workers.find((w) => w.id === 'w2')!;
  assert.equal(w2.status, 'lost');
  assert.ok(w2.requests > 0, 'snapshots received from the lost worker still count');
  const planned = rate * durationS;
  assert.ok(Math.abs(r.summary.iterations - planned) <= planned * 0.1, `iterations ${r.summary.iterations} within ±10 % of ${planned}`);
  assert.equal(r.summary.requests, outcome.workers.reduce((a, w) => a + (w.fromResult?.total.counters ?? w.fromSnapshots).requests, 0));
  assert.equal(r.run.exit_code, 0, 'thresholds passed, so exit 0 despite the loss');
  assert.ok(children.every((c) => c.exitCode !== null || c.signalCode !== null), 'no child left running');
});

/**
 * Issue 13 (relay hardening): a duplicate sequence number used to be dropped without a
 * word (coordinator.ts `if (w.seqs.has(msg.seq)) return`). Now a second delivery of a
 * seq is never merged and always logged with the worker id and the seq: the same
 * content again (the outbox retrying a batch whose answer was lost) is accepted and
 * noted in a `duplicate_snapshot` event; other content under a seq already merged is
 * refused (the sender sees it) with a `snapshot_refused` event.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCoordinator } from '../../src/cluster/coordinator.js';
import { createLocalTransport } from '../../src/cluster/local-transport.js';
import { RelayRefusedError } from '../../src/cluster/transport.js';
import type { MessageOf } from '../../src/cluster/protocol.js';
import { loadPlan } from '../../src/plan/load.js';
import { joinSimulated } from '../support/simulated-workers.js';
import { recordedSnapshots } from '../support/recorded-snapshots.js';

const text = `name: dup
target: http://127.0.0.1:9
scenarios:
  s:
    duration: 3s
    profile: { type: constant_rate, rate: 10, pre_allocated_vus: 2, max_vus: 4 }
    steps:
      - { name: fast, method: GET, url: /fast }
`;

test('a duplicate snapshot seq is never merged twice and is logged with the worker id and seq; other content under it is refused', async () => {
  const plan = loadPlan(text, 'dup.yaml', { env: {} });
  const lines: string[] = [];
  const lt = createLocalTransport();
  const coord = runCoordinator({ plan, planSource: { text, file: 'dup.yaml' }, transport: lt.coordinator, workers: 1, waitMs: 10_000, resultGraceMs: 5_000, log: (l) => lines.push(l) });
  const sim = { id: 'sim', t: lt.worker() };
  const startAtMs = await joinSimulated([sim], { cores: 1, memoryMb: 1024, maxVus: 4 });
  const { snaps, fin } = recordedSnapshots('s', 'fast', [10, 10, 10]);
  const snap = (seq: number, s = snaps[seq]): MessageOf<'snapshot'> => ({ v: 1, type: 'snapshot', workerId: 'sim', seq, snapshot: { ...s, startMs: startAtMs + seq * 1000 } });

  await sim.t.send([snap(0)]);
  await sim.t.send([snap(0)]); // a retried delivery: accepted, not merged again
  const other = structuredClone(snaps[1]);
  await assert.rejects(sim.t.send([snap(0, other)]), (e: unknown) => e instanceof RelayRefusedError && /worker sim: snapshot seq 0 refused: a different snapshot with this seq was already merged/.test(e.message));
  await sim.t.send([snap(1), snap(2), snap(1)]);
  await sim.t.send([{ v: 1, type: 'result', workerId: 'sim', metrics: fin, events: [], startedAtMs: startAtMs, endedAtMs: startAtMs + 3000, snapshots: 3 }]);
  const outcome = await coord;

  assert.equal(outcome.result.summary.requests, 30, 'each seq counted once');
  assert.equal(outcome.workers[0].snapshotsReceived, 3);
  assert.ok(lines.some((l) => l === 'coordinator: worker sim: snapshot seq 0 delivered again (a retried delivery); not merged twice'), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('worker sim: snapshot seq 1 delivered again')), lines.join('\n'));
  const dups = outcome.result.events.filter((e) => e.type === 'duplicate_snapshot');
  assert.equal(dups.length, 1, 'one event per burst');
  assert.equal(dups[0].worker, 'sim');
  assert.deepEqual(dups[0].data, { firstSeq: 0, lastSeq: 1, count: 2 });
  const refused = outcome.result.events.filter((e) => e.type === 'snapshot_refused');
  assert.equal(refused.length, 1);
  assert.deepEqual({ worker: refused[0].worker, seq: refused[0].data?.seq }, { worker: 'sim', seq: 0 });
  assert.ok(lines.some((l) => /worker sim: snapshot seq 0 refused/.test(l)), 'the refusal is logged');
});

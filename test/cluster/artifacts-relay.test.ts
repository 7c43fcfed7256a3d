/**
 * The artifacts relay's timing and lifecycle, in one process: the real coordinator,
 * workers and engine against a real local target, the artifacts transport over an
 * in-memory mailbox (the Action tests drive the same transport over the real
 * @actions/artifact client and the fake service). Issue 15: upload period and loss
 * timeout derived from the run's length; the first snapshot goes out at once; a healthy
 * run logs no late_snapshot events; the coordinator's end marker stops a late worker.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCoordinator } from '../../src/cluster/coordinator.js';
import { runWorker } from '../../src/cluster/worker.js';
import { createArtifactsCoordinator, createArtifactsWorker, END_MARKER, type Mailbox } from '../../src/cluster/artifacts-transport.js';
import { artifactPeriods, MIN_PERIOD_MS, UPLOAD_BUDGET } from '../../src/cluster/artifact-timing.js';
import { LtError } from '../../src/errors.js';
import { loadPlan } from '../../src/plan/load.js';
import { countingTarget } from '../helpers.js';

let target: Awaited<ReturnType<typeof countingTarget>>;
before(async () => {
  target = await countingTarget();
});
after(() => target.close());

/** Artifacts as a Map: names unique (like the service's 409), listing by prefix, values copied. */
function memoryMailbox(): Mailbox & { names(): string[] } {
  const store = new Map<string, { id: number; json: string }>();
  let nextId = 1;
  return {
    async put(name, value) {
      if (store.has(name)) throw new Error(`(409) an artifact named ${name} already exists`);
      const id = nextId++;
      store.set(name, { id, json: JSON.stringify(value) });
      return { id };
    },
    async list(prefix) {
      return [...store].filter(([n]) => n.startsWith(prefix)).map(([name, a]) => ({ id: a.id, name }));
    },
    async get<T>(name: string) {
      const a = store.get(name);
      return a ? (JSON.parse(a.json) as T) : undefined;
    },
    names: () => [...store.keys()],
  };
}

function plan(duration = '3s', rate = 40) {
  const text = `name: relay
target: ${target.url}
warmup: false
scenarios:
  s:
    duration: ${duration}
    profile: { type: constant_rate, rate: ${rate}, pre_allocated_vus: 5, max_vus: 20 }
    steps:
      - { name: hit, method: GET, url: /hit }
`;
  return { text, file: 'relay.yaml', plan: loadPlan(text, 'relay.yaml', { env: {} }) };
}

test('upload period and loss timeout follow the run length and keep a worker within the 500-artifacts-per-job limit', () => {
  const short = artifactPeriods({ runDurationMs: 60_000 });
  assert.equal(short.periodMs, MIN_PERIOD_MS);
  assert.equal(short.lostAfterMs, 3 * short.periodMs + short.pollMs + short.latencyMs, 'lost after 3 missed periods + polling + latency');
  assert.ok(short.lostAfterMs < 30_000, `a short run detects loss in ${short.lostAfterMs} ms (was 30 s)`);
  for (const minutes of [1, 10, 30, 60, 180, 360]) {
    const runMs = minutes * 60_000;
    const p = artifactPeriods({ runDurationMs: runMs });
    assert.ok(runMs / p.periodMs <= UPLOAD_BUDGET, `${minutes} min: ${Math.ceil(runMs / p.periodMs)} uploads ≤ ${UPLOAD_BUDGET}`);
    assert.ok(UPLOAD_BUDGET + 20 < 500, 'room for registration, clock, started and the result');
  }
  assert.equal(artifactPeriods({ runDurationMs: 1, periodMs: 1500, pollMs: 100, latencyMs: 200 }).lostAfterMs, 4800);
  assert.equal(artifactPeriods({ runDurationMs: 1, periodMs: 500 }).periodMs, 1000, 'never shorter than the snapshot interval');
  assert.equal(artifactPeriods({ runDurationMs: 1, lostAfterMs: 8000 }).lostAfterMs, 8000, 'an explicit loss timeout wins');
});

test('a healthy artifact-relay run logs no late_snapshot events (the coordinator waits a period for a batched interval)', async () => {
  const src = plan('4s', 40);
  const box = memoryMailbox();
  // A period longer than the 1 s interval: each upload carries snapshots a period old.
  const t = artifactPeriods({ runDurationMs: 4000, periodMs: 1500, pollMs: 100, latencyMs: 300 });
  const transport = createArtifactsCoordinator({ mailbox: box, pollMs: t.pollMs, flushMs: t.periodMs, lostAfterMs: t.lostAfterMs, latencyMs: t.latencyMs });
  const coord = runCoordinator({ plan: src.plan, planSource: src, transport, workers: 2, waitMs: 10_000, startDelayMs: 2000 });
  const workers = [0, 1].map((i) => runWorker({ transport: createArtifactsWorker({ mailbox: box, pollMs: t.pollMs }), workerId: `w${i}`, probes: 1 }));
  const [outcome] = await Promise.all([coord, ...workers]);
  await transport.close('run over');
  const late = outcome.result.events.filter((e) => e.type === 'late_snapshot');
  assert.deepEqual(late, [], JSON.stringify(late));
  assert.equal(outcome.result.workers.filter((w) => w.status === 'ok').length, 2);
  for (const d of outcome.workers) assert.equal(d.snapshotsReceived, d.snapshotsProduced);
  // The workers uploaded at the assigned period, not at the 10 s pre-assignment one.
  const uploads = box.names().filter((n) => n.startsWith('w.w0.')).length;
  assert.ok(uploads >= 4, `w0 uploaded ${uploads} artifacts over a 4 s run at a 1.5 s period`);
  assert.ok(box.names().includes(END_MARKER), 'the coordinator left its end marker');
});

test('a worker that starts after the coordinator ended sees its end marker and stops at once with a clear message', async () => {
  const src = plan('2s', 10);
  const box = memoryMailbox();
  const transport = createArtifactsCoordinator({ mailbox: box, pollMs: 100 });
  await assert.rejects(runCoordinator({ plan: src.plan, planSource: src, transport, workers: 1, waitMs: 300 }), /only 0 of 1 workers ready/);
  await transport.close('only 0 of 1 workers ready after 0 s');
  const t0 = Date.now();
  const err = await runWorker({ transport: createArtifactsWorker({ mailbox: box, pollMs: 100 }), workerId: 'late', probes: 1, assignTimeoutMs: 20_000 }).then(
    () => assert.fail('the late worker must not run'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof LtError, String(err));
  assert.match(err.message, /coordinator has ended \(only 0 of 1 workers ready/);
  assert.ok(Date.now() - t0 < 5000, `stopped after ${Date.now() - t0} ms, not after the 10 min assignment wait`);
});

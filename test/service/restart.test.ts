/**
 * Issue 12 acceptance 4 and 5: kill -9 the controller mid-run and start it again on the
 * same database; kill -9 one agent mid-run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { tempDir } from '../helpers.js';
import { api, readSse, startAgent, startServe, until, type Proc } from './support.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

const plan = (durationS: number) => `
name: restart
target: ${target.url}
scenarios:
  s:
    duration: ${durationS}s
    think_time: 50ms
    profile: { type: constant, vus: 2 }
    steps:
      - { name: fast, method: GET, url: /fast }
`;
type RunView = { id: string; status: string; reason: string | null; summary: { requests: number } | null };
const view = async (url: string, token: string, id: string) => (await api<RunView>(url, token, 'GET', `/runs/${id}`)).body;
const ended = (url: string, token: string, id: string) =>
  until(`run ${id} ended`, async () => {
    const v = await view(url, token, id);
    return v.status !== 'running' && v.status !== 'queued' ? v : undefined;
  }, 40_000);

test('acceptance 4: kill -9 the controller mid-run; restarted on the same database the run is failed with a reason, earlier state intact, agents reconnect, a new run completes', async () => {
  const db = join(tempDir('lt-restart-'), 'lt.db');
  let serve = await startServe(db);
  // A fixed port, so that the agents find the restarted controller where they left it.
  const port = new URL(serve.url).port;
  const agents: Proc[] = [startAgent(serve.url, serve.token, 'r1'), startAgent(serve.url, serve.token, 'r2')];
  try {
    await until('agents', async () => (await api<{ agents: unknown[] }>(serve.url, serve.token, 'GET', '/agents')).body.agents.length === 2);
    const sc = await api<{ id: string }>(serve.url, serve.token, 'POST', '/scenarios', plan(2));
    const first = await api<{ id: string }>(serve.url, serve.token, 'POST', '/runs', { scenario_id: sc.body.id, workers: 2 });
    assert.equal((await ended(serve.url, serve.token, first.body.id)).status, 'completed');
    const victim = await api<{ id: string }>(serve.url, serve.token, 'POST', '/runs', { scenario_id: sc.body.id, workers: 2, overrides: { duration_ms: 20_000 } });
    const sse = await readSse(serve.url, serve.token, victim.body.id, 2);
    assert.equal(sse.events.length, 2);
    serve.child.kill('SIGKILL');
    await serve.exited;
    const again = (await import('./support.js')).spawnCli(['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--token', serve.token]);
    await until('restarted', () => /controller: /.test(again.out()));
    serve = { ...again, url: serve.url, token: serve.token };
    const v = await view(serve.url, serve.token, victim.body.id);
    assert.equal(v.status, 'failed');
    assert.match(v.reason ?? '', /controller stopped while the run was running/);
    const snaps = await readSse(serve.url, serve.token, victim.body.id, 1000);
    assert.ok(snaps.ended && snaps.events.length >= 2, 'its stored snapshots stay readable');
    assert.equal((await view(serve.url, serve.token, first.body.id)).status, 'completed');
    assert.equal((await api(serve.url, serve.token, 'GET', `/runs/${first.body.id}/report?format=json`)).status, 200);
    assert.equal((await api(serve.url, serve.token, 'GET', `/scenarios/${sc.body.id}`)).status, 200);
    await until('agents reconnected and idle', async () => {
      const a = (await api<{ agents: { state: string }[] }>(serve.url, serve.token, 'GET', '/agents')).body.agents;
      return a.length === 2 && a.every((x) => x.state === 'idle');
    }, 40_000);
    const next = await api<{ id: string }>(serve.url, serve.token, 'POST', '/runs', { scenario_id: sc.body.id, workers: 2 });
    assert.equal((await ended(serve.url, serve.token, next.body.id)).status, 'completed');
  } finally {
    for (const a of agents) a.child.kill('SIGTERM');
    await Promise.all(agents.map((a) => a.exited));
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

test('acceptance 5: kill -9 one agent mid-run: the run completes on the other with the loss in its events', async () => {
  const serve = await startServe(join(tempDir('lt-agentkill-'), 'lt.db'));
  const agents: Proc[] = [startAgent(serve.url, serve.token, 'k1'), startAgent(serve.url, serve.token, 'k2')];
  try {
    await until('agents', async () => (await api<{ agents: unknown[] }>(serve.url, serve.token, 'GET', '/agents')).body.agents.length === 2);
    const run = await api<{ id: string }>(serve.url, serve.token, 'POST', '/runs', { plan: plan(6), workers: 2 });
    const sse = await readSse(serve.url, serve.token, run.body.id, 2);
    assert.equal(sse.events.length, 2);
    agents[1].child.kill('SIGKILL');
    const v = await ended(serve.url, serve.token, run.body.id);
    assert.equal(v.status, 'completed', JSON.stringify(v));
    const result = (await api<{ events: { type: string; worker?: string }[] }>(serve.url, serve.token, 'GET', `/runs/${run.body.id}/report?format=json`)).body;
    assert.ok(result.events.some((e) => e.type === 'worker_lost' && e.worker === 'k2'), JSON.stringify(result.events.map((e) => e.type)));
    assert.ok(result.events.some((e) => e.type === 'redistributed'));
  } finally {
    agents[0].child.kill('SIGTERM');
    await Promise.all(agents.map((a) => a.exited));
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

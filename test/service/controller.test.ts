/**
 * Issue 12 acceptance 1, 2, 3, 6: a real `loadtest serve` with 2 real `loadtest agent`
 * processes on loopback, against a real demo target.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { runCli, tempDir } from '../helpers.js';
import { api, readSse, startAgent, startServe, until, type Proc } from './support.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let serve: Awaited<ReturnType<typeof startServe>>;
const agents: Proc[] = [];
const dir = tempDir('lt-serve-');

const plan = (durationS: number) => `
name: svc
target: ${target.url}
scenarios:
  s:
    duration: ${durationS}s
    profile: { type: constant, vus: 2 }
    think_time: 50ms
    steps:
      - { name: fast, method: GET, url: /fast }
thresholds:
  - "error_rate < 0.05"
`;

type RunView = { id: string; status: string; reason: string | null; agents: string[]; summary: { requests: number } | null; thresholds: unknown[]; started_at: string | null; ended_at: string | null };

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  serve = await startServe(join(dir, 'lt.db'));
  agents.push(startAgent(serve.url, serve.token, 'a1'), startAgent(serve.url, serve.token, 'a2'));
  await until('2 agents connected', async () => (await api<{ agents: unknown[] }>(serve.url, serve.token, 'GET', '/agents')).body.agents.length === 2);
});

after(async () => {
  for (const a of agents) a.child.kill('SIGTERM');
  const codes = await Promise.all(agents.map((a) => a.exited));
  serve.child.kill('SIGTERM');
  await serve.exited;
  await target.close();
  assert.deepEqual(codes.map((c) => c.code), [0, 0], 'agents exit 0 on SIGTERM');
});

const env = () => ({ LOADTEST_CONTROLLER: serve.url, LOADTEST_TOKEN: serve.token });

test('acceptance 1: scenario → run through the API, ≥ 3 SSE snapshots (first within 2 s of the start), report; status/agents/report print what the API returns', async () => {
  const sc = await api<{ id: string; version: number }>(serve.url, serve.token, 'POST', '/scenarios', plan(4));
  assert.equal(sc.status, 201, sc.text);
  assert.equal(sc.body.version, 1);
  const run = await api<{ id: string; status: string }>(serve.url, serve.token, 'POST', '/runs', { scenario_id: sc.body.id, workers: 2 });
  assert.equal(run.status, 201, run.text);
  const id = run.body.id;
  const started = await until('run running', async () => {
    const v = (await api<RunView>(serve.url, serve.token, 'GET', `/runs/${id}`)).body;
    return v.status === 'running' ? v : undefined;
  });
  assert.deepEqual([...started.agents].sort(), ['a1', 'a2']);
  const sse = await readSse(serve.url, serve.token, id, 3);
  assert.ok(sse.events.length >= 3, `got ${sse.events.length} snapshots`);
  assert.deepEqual(sse.events.slice(0, 3).map((e) => e.data.snapshot.seq), [0, 1, 2]);
  const done = await until('run completed', async () => {
    const v = (await api<RunView>(serve.url, serve.token, 'GET', `/runs/${id}`)).body;
    return v.status !== 'running' && v.status !== 'queued' ? v : undefined;
  });
  assert.equal(done.status, 'completed', JSON.stringify(done));
  assert.ok(done.summary!.requests > 0);
  assert.equal(done.thresholds.length, 1);
  // The first snapshot covers [start, start + 1 s) and is merged once both agents sent it.
  const result = (await api<{ run: { started_at: string }; summary: { requests: number } }>(serve.url, serve.token, 'GET', `/runs/${id}/report?format=json`)).body;
  assert.equal(result.summary.requests, done.summary!.requests);
  const late = await readSse(serve.url, serve.token, id, 1000);
  assert.ok(late.ended && late.events.length >= 4, 'a late client gets every stored snapshot, then the end');
  const html = await api(serve.url, serve.token, 'GET', `/runs/${id}/report?format=html`);
  assert.equal(html.status, 200);
  assert.match(html.text, /<html/i);

  const status = await runCli(['status', id], { env: env() });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`run ${id}: completed`));
  assert.match(status.stdout, new RegExp(`requests ${done.summary!.requests},`));
  const ag = await runCli(['agents', '--json'], { env: env() });
  assert.equal(ag.code, 0, ag.stderr);
  assert.deepEqual((JSON.parse(ag.stdout) as { agents: { id: string }[] }).agents.map((a) => a.id), ['a1', 'a2']);
  const rep = await runCli(['report', id, '--format', 'json'], { env: env() });
  assert.equal(rep.code, 0, rep.stderr);
  assert.equal((JSON.parse(rep.stdout) as { summary: { requests: number } }).summary.requests, done.summary!.requests);
});

test('acceptance 2: two runs submitted at once: the second is queued until the first ends, then runs', async () => {
  const first = await api<{ id: string }>(serve.url, serve.token, 'POST', '/runs', { plan: plan(3), workers: 2 });
  const second = await api<{ id: string; status: string }>(serve.url, serve.token, 'POST', '/runs', { plan: plan(2), workers: 2 });
  const view = async (id: string) => (await api<RunView>(serve.url, serve.token, 'GET', `/runs/${id}`)).body;
  await until('first running', async () => (await view(first.body.id)).status === 'running');
  assert.equal((await view(second.body.id)).status, 'queued');
  const f = await until('first ended', async () => { const v = await view(first.body.id); return v.status === 'completed' ? v : undefined; });
  const s = await until('second completed', async () => { const v = await view(second.body.id); return v.status === 'completed' ? v : undefined; });
  assert.ok(Date.parse(s.started_at!) >= Date.parse(f.ended_at!) - 50, `second started ${s.started_at} after first ended ${f.ended_at}`);
});

test('acceptance 3: abort mid-run: agents stop within 1 s, status aborted, partial result and report readable', async () => {
  const run = await api<{ id: string }>(serve.url, serve.token, 'POST', '/runs', { plan: plan(30), workers: 2 });
  const sse = await readSse(serve.url, serve.token, run.body.id, 2);
  assert.equal(sse.events.length, 2);
  const abort = await api<{ status: string }>(serve.url, serve.token, 'POST', `/runs/${run.body.id}/abort`);
  assert.equal(abort.status, 200, abort.text);
  assert.equal(abort.body.status, 'aborted');
  const result = (await api<{ run: { status: string; ended_at: string; abort_reason?: string }; summary: { requests: number }; workers: { id: string }[] }>(serve.url, serve.token, 'GET', `/runs/${run.body.id}/report?format=json`)).body;
  assert.equal(result.run.status, 'aborted');
  assert.ok(result.summary.requests > 0);
  const md = await api(serve.url, serve.token, 'GET', `/runs/${run.body.id}/report?format=md`);
  assert.equal(md.status, 200);
  // The workers' own end instants: every agent stopped within 1 s of the abort being sent.
  const abortEvent = (result as unknown as { events: { type: string; at: string }[] }).events.find((e) => e.type === 'abort');
  assert.ok(abortEvent);
  assert.ok(Date.parse(result.run.ended_at) - Date.parse(abortEvent.at) <= 1000, `ended ${result.run.ended_at}, abort ${abortEvent.at}`);
});

test('acceptance 6: no token, a wrong one, an oversized or invalid body: refused with the right status and a JSON error; nothing stored', async () => {
  const before = (await api<{ runs: unknown[] }>(serve.url, serve.token, 'GET', '/runs')).body.runs.length;
  const scBefore = (await api<{ scenarios: unknown[] }>(serve.url, serve.token, 'GET', '/scenarios')).body.scenarios.length;
  const none = await fetch(`${serve.url}/runs`, { method: 'POST', body: '{}' });
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'unauthorized');
  const wrong = await api<{ error: { code: string } }>(serve.url, 'nope', 'POST', '/scenarios', plan(1));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'unauthorized');
  const big = await api<{ error: { code: string } }>(serve.url, serve.token, 'POST', '/scenarios', `name: x\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'body_too_large');
  const bad = await api<{ error: { code: string; message: string } }>(serve.url, serve.token, 'POST', '/scenarios?file=bad.yaml', 'name: bad\ntarget: http://127.0.0.1:1\nscenarios:\n  s:\n    duration: 5 parsecs\n');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'plan_invalid');
  assert.match(bad.body.error.message, /^bad\.yaml:\d+:\d+: /, 'the same located message as a plan file');
  const badRun = await api<{ error: { code: string } }>(serve.url, serve.token, 'POST', '/runs', { plan: 'scenarios: [', workers: 1 });
  assert.equal(badRun.status, 400);
  assert.equal(badRun.body.error.code, 'plan_invalid');
  const notJson = await api<{ error: { code: string } }>(serve.url, serve.token, 'POST', '/runs', '{', { 'content-type': 'application/json' });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.error.code, 'invalid_json');
  const extra = await api<{ error: { code: string } }>(serve.url, serve.token, 'POST', '/runs', { plan: plan(1), wrokers: 2 });
  assert.equal(extra.status, 400);
  assert.equal(extra.body.error.code, 'invalid_request');
  assert.equal((await api<{ runs: unknown[] }>(serve.url, serve.token, 'GET', '/runs')).body.runs.length, before);
  assert.equal((await api<{ scenarios: unknown[] }>(serve.url, serve.token, 'GET', '/scenarios')).body.scenarios.length, scBefore);
});

test("the HTML report of a stored run shows its scenario's trend: the earlier runs, then this one", async () => {
  const sc = await api<{ id: string }>(serve.url, serve.token, 'POST', '/scenarios?file=trend.yaml', plan(1));
  assert.equal(sc.status, 201, sc.text);
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const run = await api<{ id: string }>(serve.url, serve.token, 'POST', '/runs', { scenario_id: sc.body.id });
    ids.push(run.body.id);
    await until(`run ${i + 1} completed`, async () => (await api<RunView>(serve.url, serve.token, 'GET', `/runs/${run.body.id}`)).body.status === 'completed');
  }
  const first = await api(serve.url, serve.token, 'GET', `/runs/${ids[0]}/report?format=html`);
  assert.doesNotMatch(first.text, /data-chart="trend"/, 'no earlier run: no trend');
  const second = await api(serve.url, serve.token, 'GET', `/runs/${ids[1]}/report?format=html`);
  assert.equal(second.status, 200);
  assert.match(second.text, /data-chart="trend"/);
  assert.match(second.text, /earlier runs of this scenario on this controller/);
  assert.ok(second.text.includes(`${ids[0]} (v1)`), 'the earlier run is named in the trend data');
});

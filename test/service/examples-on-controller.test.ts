/**
 * Issue 12 acceptance 7: the seed's example plans (basic, ramp-stress, spike, step)
 * submitted with `loadtest run --controller` give a result of the same shape as a local
 * run of the same plan: the same summary keys, the same scenarios and steps with the
 * same keys, the same thresholds evaluated, the same exit code. (The examples name
 * http://localhost:8080; here that is the demo target's address.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { Result } from '../../src/report/result-schema.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { api, startAgent, startServe, until, type Proc } from './support.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
let serve: Awaited<ReturnType<typeof startServe>>;
let agent: Proc;
const dir = tempDir('lt-examples-');

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  serve = await startServe(join(dir, 'lt.db'));
  agent = startAgent(serve.url, serve.token, 'a1');
  await until('the agent connected', async () => (await api<{ agents: unknown[] }>(serve.url, serve.token, 'GET', '/agents')).body.agents.length === 1);
});

after(async () => {
  agent.child.kill('SIGTERM');
  await agent.exited;
  serve.child.kill('SIGTERM');
  await serve.exited;
  await target.close();
});

/** Sorted keys of an object (the shape, not the values). */
const keys = (o: object) => Object.keys(o).sort();

/** What must match between a local and a controller run of one plan. */
function shape(r: Result) {
  return {
    summary: keys(r.summary),
    latency: keys(r.summary.latency_ms),
    scenarios: Object.fromEntries(Object.entries(r.scenarios).map(([name, s]) => [name, { keys: keys(s), steps: Object.fromEntries(Object.entries(s.steps).map(([step, v]) => [step, keys(v)])) }])),
    thresholds: r.thresholds.map((t) => ({ ...t, actual: typeof t.actual })),
    status: r.run.status,
    exit_code: r.run.exit_code,
  };
}

for (const name of ['basic', 'ramp-stress', 'spike', 'step-load']) {
  test(`examples/${name}.yaml through the controller has the shape of a local run`, async () => {
    const plan = join(dir, `${name}.yaml`);
    writeFileSync(plan, readFileSync(join(ROOT, 'examples', `${name}.yaml`), 'utf8').replaceAll(/http:\/\/(localhost|127\.0\.0\.1):8080/g, target.url));
    const env = { LOADTEST_CONTROLLER: serve.url, LOADTEST_TOKEN: serve.token };
    const [local, remote] = await Promise.all([
      runCli(['run', plan, '--duration', '2s', '--quiet', '--out', join(dir, `${name}.local.json`)]),
      runCli(['run', plan, '--duration', '2s', '--quiet', '--out', join(dir, `${name}.remote.json`)], { env }),
    ]);
    assert.ok(local.code === 0 || local.code === 99, `local: exit ${local.code}\n${local.stderr}`);
    assert.equal(remote.code, local.code, `the same exit code through the controller\n${remote.stderr}`);
    const [l, r] = ['local', 'remote'].map((k) => Result.parse(JSON.parse(readFileSync(join(dir, `${name}.${k}.json`), 'utf8'))));
    assert.ok(l.summary.requests > 0 && r.summary.requests > 0, 'both sent requests');
    assert.deepEqual(shape(r), shape(l));
    // The final table is printed the same way.
    for (const out of [local.stdout, remote.stdout]) assert.match(out, /TOTAL\s+\d+/);
  });
}

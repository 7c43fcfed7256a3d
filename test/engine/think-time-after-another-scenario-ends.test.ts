/**
 * Regression: the run had one sleeper for all scenarios, and a scenario's drain closed
 * it — so when one scenario ended, every other scenario's think times returned at once
 * and its VUs hammered the target for the rest of the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { runPlan } from '../../src/runner.js';
import { planFrom } from '../helpers.js';

test('think time after another scenario ends: a scenario that ends does not cut the think time of the others', async () => {
  const server = createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const r = await runPlan(
      planFrom(`
name: two-scenarios
target: ${url}
scenarios:
  short:
    duration: 300ms
    profile: { type: constant, vus: 1 }
    steps:
      - { name: a, method: GET, url: / }
  thinking:
    duration: 2500ms
    think_time: 1s
    profile: { type: constant, vus: 1 }
    steps:
      - { name: b, method: GET, url: / }
`),
    );
    const n = r.scenarios.thinking.steps.b.requests;
    // One iteration per second of think time (plus a random start offset): ≤ 4 in 2.5 s, not hundreds.
    assert.ok(n >= 1 && n <= 4, `thinking ran ${n} requests in 2.5 s with a 1 s think time`);
    assert.ok(r.scenarios.short.steps.a.requests > 10, 'the short scenario ran without think time');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

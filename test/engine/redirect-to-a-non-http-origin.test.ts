/**
 * Regression: per-VU connections are made per origin on first use. A redirect to a
 * URL undici cannot connect to (here ftp://, whose origin is "null") must become a
 * `client` error on that step, as it was with an Agent per VU, not an exception that
 * escapes the VU loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { runPlan } from '../../src/runner.js';
import { planFrom } from '../helpers.js';

test('redirect to a non-http origin: a client error on the step, the run completes', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/away') res.writeHead(302, { location: 'ftp://127.0.0.1/file' }).end();
    else res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    for (const connections of ['per_vu', 'shared']) {
      const r = await runPlan(
        planFrom(`
name: redirect
target: ${url}
http: { connections: ${connections} }
scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: 2 }
    steps:
      - { name: away, method: GET, url: /away }
      - { name: home, method: GET, url: / }
`),
      );
      const away = r.scenarios.s.steps.away;
      assert.equal(away.requests, 4, `${connections}: the 302 and the failed hop, twice`);
      assert.equal(away.errors_by_class.client, 2, `${connections}: ${JSON.stringify(r.error_samples)}`);
      assert.equal(r.scenarios.s.steps.home.requests, 2, `${connections}: the iteration goes on`);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

/**
 * http.connections: per_vu (the default) — each VU keeps one keep-alive connection per
 * origin it talks to, made on its first request there (src/engine/http.ts VuClients),
 * and every connection is closed when the run ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { runPlan } from '../../src/runner.js';
import { planFrom } from '../helpers.js';

async function countingServer(): Promise<{ server: Server; url: string; sockets: () => number; open: () => number; requests: () => number }> {
  let sockets = 0;
  let open = 0;
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end('ok');
  });
  server.on('connection', (s) => {
    sockets++;
    open++;
    s.on('close', () => open--);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { server, url, sockets: () => sockets, open: () => open, requests: () => requests };
}

test('per-VU connections: one connection per VU and origin, reused across iterations, all closed at the end', async () => {
  const a = await countingServer();
  const b = await countingServer();
  try {
    const r = await runPlan(
      planFrom(`
name: two-origins
target: ${a.url}
# Exact request counts at the target: no warm-up requests (test/engine/open-model-at-speed.test.ts covers those).
warmup: false
scenarios:
  s:
    profile: { type: iterations, vus: 3, iterations: 12 }
    steps:
      - { name: a, method: GET, url: / }
      - { name: b, method: GET, url: "${b.url}/" }
`),
    );
    assert.equal(r.summary.requests, 24);
    assert.equal(a.requests(), 12);
    assert.equal(b.requests(), 12);
    assert.equal(a.sockets(), 3, 'target: one connection per VU');
    assert.equal(b.sockets(), 3, 'second origin: one connection per VU');
    // Closing is asynchronous on the server side; give the FINs a moment to arrive.
    for (let i = 0; i < 50 && a.open() + b.open() > 0; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(a.open() + b.open(), 0, 'every connection closed when the run ended');
  } finally {
    for (const s of [a.server, b.server]) {
      s.closeAllConnections();
      s.close();
    }
  }
});

/**
 * Issue 16 point 5: a step's Authorization header went along on a redirect to another
 * host (every request to it carried the bearer token). On a cross-origin hop the
 * step's Authorization, Proxy-Authorization and Cookie headers are dropped; on a
 * same-origin hop they stay. The VU's cookie jar keeps its own domain rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import { runPlan } from '../../src/runner.js';
import { planFrom } from '../helpers.js';

async function listen(server: Server, host: string): Promise<string> {
  server.listen(0, host);
  await once(server, 'listening');
  return `http://${host}:${(server.address() as { port: number }).port}`;
}

function close(...servers: Server[]): void {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
}

test('credentials on cross-origin redirect: Authorization, Proxy-Authorization and Cookie reach only the step origin', async () => {
  const other: IncomingHttpHeaders[] = [];
  const landed: IncomingHttpHeaders[] = [];
  // The second origin: another loopback address (127.0.0.0/8 is all loopback on Linux).
  const b = createServer((req, res) => {
    other.push(req.headers);
    // Coming back to the first origin from here must not bring the credentials back.
    if (req.url === '/bounce') res.writeHead(302, { location: `${aUrl}/landing` }).end();
    else res.end('b');
  });
  const bUrl = await listen(b, '127.0.0.2');
  const a = createServer((req, res) => {
    if (req.url === '/away') res.writeHead(302, { location: `${bUrl}/landing`, 'set-cookie': 'jar=a; Path=/' }).end();
    else if (req.url === '/round') res.writeHead(302, { location: `${bUrl}/bounce` }).end();
    else if (req.url === '/same') res.writeHead(302, { location: '/landing', 'set-cookie': 'jar=a; Path=/' }).end();
    else {
      landed.push(req.headers);
      res.end('a');
    }
  });
  const aUrl = await listen(a, '127.0.0.1');
  const headers = '{ Authorization: "Bearer s3cret", Proxy-Authorization: "Basic cHJveHk=", Cookie: "plan=1" }';
  try {
    for (const connections of ['per_vu', 'shared']) {
      other.length = landed.length = 0;
      const r = await runPlan(
        planFrom(`
target: ${aUrl}
http: { connections: ${connections} }
scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: 2 }
    steps:
      - { name: away, url: /away, headers: ${headers} }
      - { name: round, url: /round, headers: ${headers} }
      - { name: same, url: /same, headers: ${headers} }
`),
      );
      assert.equal(r.summary.errors, 0, JSON.stringify(r.error_samples));
      assert.equal(other.length, 4, `${connections}: /landing and /bounce on the second origin, twice`);
      for (const h of other) {
        assert.equal(h.authorization, undefined, `${connections}: Authorization sent to ${bUrl}`);
        assert.equal(h['proxy-authorization'], undefined, `${connections}: Proxy-Authorization sent to ${bUrl}`);
        assert.equal(h.cookie, undefined, `${connections}: a cookie sent to ${bUrl}`);
      }
      // Per iteration: /round comes back through the second origin (stripped), /same stays (kept).
      assert.equal(landed.length, 4, connections);
      const back = landed.filter((h) => h.authorization === undefined);
      const kept = landed.filter((h) => h.authorization === 'Bearer s3cret');
      assert.equal(back.length, 2, `${connections}: credentials dropped once stay dropped`);
      assert.equal(kept.length, 2, `${connections}: a same-origin redirect keeps Authorization`);
      for (const h of kept) {
        assert.equal(h['proxy-authorization'], 'Basic cHJveHk=');
        assert.match(String(h.cookie), /plan=1/, 'the step Cookie header stays on the same origin');
        assert.match(String(h.cookie), /jar=a/, 'the jar adds its cookie for its own domain');
      }
      // The jar's cookie for the first origin still goes back to it after a cross-origin trip.
      for (const h of back) assert.equal(h.cookie, 'jar=a');
    }
  } finally {
    close(a, b);
  }
});

/**
 * The demo target over real HTTP: every endpoint, the stall window, known latency
 * ladders, a 50 MiB streamed body without buffering, and the error paths.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { startDemoTarget } from '../../src/demo/target.js';
import { guardRoute } from '../../src/demo/respond.js';
import { parseLadder } from '../../src/demo/latency-ladder.js';
import { spawnDemoTarget } from './spawn-target.js';
import { useDemoTarget, type Got } from './demo-client.js';

const demo = useDemoTarget({ connections: 64 });
const { agent, call: get } = demo;
const json = (g: Got) => JSON.parse(g.text);

describe('basic endpoints', () => {
  test('/ and /healthz answer ok; /fast is small JSON with Content-Length; keep-alive is on', async () => {
    for (const p of ['/', '/healthz']) {
      const r = await get(p);
      assert.equal(r.status, 200);
      assert.equal(r.text, 'ok');
      assert.equal(r.headers['content-length'], '2');
    }
    const f = await get('/fast');
    assert.equal(f.status, 200);
    assert.deepEqual(json(f), { ok: true });
    assert.equal(f.headers['content-type'], 'application/json');
    assert.equal(f.headers['content-length'], String(f.text.length));
    assert.match(String(f.headers['keep-alive']), /timeout=65/);
  });

  test('the URL is 127.0.0.1 and localhost reaches the same server', async () => {
    assert.match(demo.target().url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await get('/healthz', { base: `http://localhost:${demo.target().port}` });
    assert.equal(r.status, 200);
  });

  test('unknown paths are 404 JSON naming the route', async () => {
    const r = await get('/nope?x=1');
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.match(json(r).error, /no route GET \/nope/);
  });

  test('/slow waits at least ms (bad values fall back to 100 ms, huge ones are capped)', async () => {
    const r = await get('/slow?ms=150');
    assert.equal(r.status, 200);
    assert.ok(r.ms >= 145, `took ${r.ms} ms`);
    const d = await get('/slow?ms=abc');
    assert.ok(d.ms >= 95, `default took ${d.ms} ms`);
  });

  test('/flaky fails with the asked probability and status', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await get('/flaky?fail=1&status=503')).status, 503);
    for (let i = 0; i < 20; i++) assert.equal((await get('/flaky?fail=0')).status, 200);
    const results = await Promise.all(Array.from({ length: 300 }, () => get('/flaky?fail=0.5')));
    const failed = results.filter((r) => r.status === 500).length;
    // 300 draws at p=0.5: sd ≈ 8.7, so 90..210 is > 6 sd wide.
    assert.ok(failed > 90 && failed < 210, `failed ${failed}/300`);
    assert.ok(results.every((r) => r.status === 200 || r.status === 500));
  });

  test('/status/:code answers that code; 204 has no body; out of range is 400', async () => {
    const t = await get('/status/418');
    assert.equal(t.status, 418);
    assert.deepEqual(json(t), { status: 418 });
    const n = await get('/status/204');
    assert.equal(n.status, 204);
    assert.equal(n.text, '');
    assert.equal((await get('/status/503')).status, 503);
    const bad = await get('/status/099');
    assert.equal(bad.status, 400);
    assert.match(json(bad).error, /not in 200\.\.599/);
  });

  test('/redirect sends Location; only paths or loopback URLs are allowed', async () => {
    const r = await get('/redirect?to=/fast');
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, '/fast');
    const s = await get(`/redirect?to=${encodeURIComponent(`http://localhost:${demo.target().port}/x`)}&status=307`);
    assert.equal(s.status, 307);
    assert.equal(s.headers.location, `http://localhost:${demo.target().port}/x`);
    const u = await get(`/redirect?to=${encodeURIComponent('/café')}`);
    assert.equal(u.headers.location, '/caf%C3%A9');
    for (const to of ['http://example.com/', '//evil.test/x', 'javascript:alert(1)']) {
      const bad = await get(`/redirect?to=${encodeURIComponent(to)}`);
      assert.equal(bad.status, 400, to);
      assert.match(json(bad).error, /must be a path/);
    }
    const followed = await fetch(`${demo.target().url}/redirect?to=/fast`);
    assert.equal(followed.status, 200);
    assert.ok(followed.url.endsWith('/fast'));
    await followed.text();
  });

  test('/headers echoes request headers; /echo echoes method, content type and body', async () => {
    const h = await get('/headers', { headers: { 'x-probe': 'abc' } });
    assert.equal(json(h)['x-probe'], 'abc');
    const e = await get('/echo', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    assert.deepEqual(json(e), { method: 'POST', content_type: 'application/json', body: '{"a":1}' });
  });

  test('seed API endpoints: users, orders (201), checkout, slower summary; wrong method is 405', async () => {
    const u = await get('/api/users');
    assert.equal(u.status, 200);
    assert.equal(json(u).length, 20);
    assert.equal(json(u)[0].id, 1);
    const o = await get('/api/orders', { method: 'POST', body: '{"item":"w"}', headers: { 'content-type': 'application/json' } });
    assert.equal(o.status, 201);
    assert.equal(json(o).status, 'created');
    const c = await get('/api/checkout', { method: 'POST', body: '{"payment_method":"card"}' });
    assert.equal(c.status, 200);
    assert.equal(json(c).status, 'paid');
    const s = await get('/api/reports/summary');
    assert.equal(s.status, 200);
    assert.ok(s.ms >= 4, `summary took ${s.ms} ms`);
    assert.equal(typeof json(s).revenue, 'number');
    const w = await get('/api/orders');
    assert.equal(w.status, 405);
    assert.equal(w.headers.allow, 'POST');
  });
});

describe('/latency ladders', () => {
  test('sequential requests follow the ladder in order and wait at least the delay', async () => {
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await get('/latency?ladder=5x3,40');
      seen.push(Number(r.headers['x-delay-ms']));
      assert.ok(r.ms >= Number(r.headers['x-delay-ms']) - 1, `request ${i} took ${r.ms} ms`);
    }
    assert.deepEqual(seen, [5, 5, 5, 40, 5, 5, 5, 40]);
  });

  test('concurrent requests on a fresh ladder produce exactly its multiset', async () => {
    const rs = await Promise.all(Array.from({ length: 80 }, () => get('/latency?ladder=1x30,7x9,20x1')));
    const counts: Record<string, number> = {};
    for (const r of rs) counts[String(r.headers['x-delay-ms'])] = (counts[String(r.headers['x-delay-ms'])] ?? 0) + 1;
    assert.deepEqual(counts, { '1': 60, '7': 18, '20': 2 });
  });

  test('?ms=N is a fixed latency; no parameter is 10 ms', async () => {
    const r = await get('/latency?ms=25');
    assert.equal(r.headers['x-delay-ms'], '25');
    assert.ok(r.ms >= 24, `took ${r.ms} ms`);
    assert.deepEqual(json(r), { delay_ms: 25 });
    assert.equal((await get('/latency')).headers['x-delay-ms'], '10');
  });

  test('a malformed ladder is 400 naming the bad part', async () => {
    const r = await get('/latency?ladder=10x5,abc');
    assert.equal(r.status, 400);
    assert.match(json(r).error, /'abc'/);
    assert.match(json(await get('/latency?ladder=70000')).error, /above 60000/);
    assert.match(json(await get('/latency?ladder=5x0')).error, /at least 1/);
    assert.match(json(await get('/latency?ladder=1x100001')).error, /more than 100000/);
    assert.deepEqual(parseLadder('2x2, 3'), { delaysMs: [2, 2, 3] });
  });
});

describe('/stall', () => {
  test('requests in the last `for` ms of each window are held to its end; others are not', async () => {
    const everyMs = 400;
    const forMs = 100;
    const results: { sentMs: number; waitMs: number; ms: number }[] = [];
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    // Two full windows, one request every 8 ms (bounded: 100 requests).
    for (let i = 0; i < 100; i++) {
      const sentMs = performance.now() - t0;
      pending.push(get(`/stall?every=${everyMs}&for=${forMs}`).then((r) => void results.push({ sentMs, waitMs: Number(r.headers['x-stall-wait-ms']), ms: r.ms })));
      await new Promise((r) => setTimeout(r, 8));
    }
    await Promise.all(pending);
    const held = results.filter((r) => r.waitMs > 0);
    const share = held.length / results.length;
    // Nominal share is forMs/everyMs = 25%; loose bounds absorb a slow machine.
    assert.ok(share >= 0.08 && share <= 0.45, `held share ${share}`);
    for (const r of held) {
      assert.ok(r.waitMs <= forMs, `waited ${r.waitMs} > ${forMs}`);
      assert.ok(r.ms >= r.waitMs - 2, `held ${r.waitMs} ms but answered in ${r.ms} ms`);
    }
    // Held requests end with their window, so their completions form ≥ 2 clusters ~400 ms apart.
    const ends = held.map((r) => r.sentMs + r.waitMs).sort((a, b) => a - b);
    const clusters = ends.filter((e, i) => i === 0 || e - ends[i - 1] > everyMs / 2).length;
    assert.ok(clusters >= 2, `held requests ended in ${clusters} cluster(s)`);
  });
});

describe('/stall release order', () => {
  test('the replies held in one window are released in the order their requests arrived', async () => {
    // One request every ≥ 3 ms (bounded: 150, ≥ 450 ms: a whole window) into windows of 400 ms that hold their last 200.
    const results: { i: number; waitMs: number; end: number; release: number }[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 150; i++) {
      const sentMs = Date.now();
      pending.push(
        get('/stall?every=400&for=200').then((r) => {
          const waitMs = Number(r.headers['x-stall-wait-ms']);
          results.push({ i, waitMs, end: sentMs + waitMs, release: Number(r.headers['x-stall-release']) });
        }),
      );
      await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all(pending);
    // Held replies by window (their ends within 50 ms), in arrival order: each window's release positions are 0, 1, 2, …
    const windows: (typeof results)[] = [];
    for (const r of results.filter((x) => x.waitMs > 0).sort((a, b) => a.i - b.i)) {
      const w = windows.find((g) => Math.abs(g[0].end - r.end) < 50);
      if (w) w.push(r);
      else windows.push([r]);
    }
    const big = windows.filter((w) => w.length >= 5);
    assert.ok(big.length >= 1, `no window held 5 or more requests: ${windows.map((w) => w.length).join(', ')}`);
    for (const w of big) assert.deepEqual(w.map((r) => r.release), w.map((_, k) => k));
  });
});

describe('/bytes', () => {
  test('returns exactly n bytes with Content-Length', async () => {
    const r = await get('/bytes?n=100001');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], '100001');
    assert.equal(r.text.length, 100001);
    assert.equal((await get('/bytes?n=0')).text.length, 0);
  });

  test('streams 50 MiB while the target process grows by far less than the body', async () => {
    // The target runs in its own process so its memory is not mixed with the client's.
    const spawned = await spawnDemoTarget(['--port', '0', '--quiet']);
    const local = new Agent();
    const memory = async () => JSON.parse(await (await request(`${spawned.url}/memory`, { dispatcher: local })).body.text()) as { rss_bytes: number; external_bytes: number; array_buffers_bytes: number };
    try {
      await (await request(`${spawned.url}/bytes?n=${1 << 20}`, { dispatcher: local })).body.text(); // warm up the path
      const base = await memory();
      const n = 50 * 1024 * 1024;
      const res = await request(`${spawned.url}/bytes?n=${n}`, { dispatcher: local });
      assert.equal(res.headers['content-length'], String(n));
      let got = 0;
      let peak = base;
      let next = 8 * 2 ** 20;
      for await (const chunk of res.body) {
        got += (chunk as Buffer).length;
        if (got >= next) {
          next += 8 * 2 ** 20; // sample the target mid-stream, on a second connection
          const m = await memory();
          if (m.rss_bytes > peak.rss_bytes) peak = m;
        }
      }
      assert.equal(got, n);
      const rssGrowthMiB = (peak.rss_bytes - base.rss_bytes) / 2 ** 20;
      // Buffering the body would cost ≥ 50 MiB; streaming holds a few 64 KiB chunks.
      assert.ok(rssGrowthMiB < 25, `target rss grew ${rssGrowthMiB.toFixed(1)} MiB`);
      assert.ok(peak.array_buffers_bytes - base.array_buffers_bytes < 16 * 2 ** 20, 'target buffers grew by more than 16 MiB');
    } finally {
      await local.close();
      spawned.child.kill('SIGTERM');
      await spawned.exited;
    }
  });

  test('a client that hangs up mid-body does not hurt the target', async () => {
    const res = await request(`${demo.target().url}/bytes?n=${20 * 1024 * 1024}`, { dispatcher: agent });
    for await (const _chunk of res.body) break; // leaving the loop destroys the body
    assert.equal((await get('/healthz')).status, 200);
  });
});

describe('/cookies', () => {
  test('/cookies/set builds one Set-Cookie from the query; /cookies echoes what arrives', async () => {
    const r = await get('/cookies/set?name=a&value=1&path=/&max_age=60&samesite=Lax&secure&httponly');
    assert.equal(r.headers['set-cookie'], 'a=1; Path=/; Max-Age=60; SameSite=Lax; Secure; HttpOnly');
    const e = await get('/cookies/anything', { headers: { cookie: 'a=1; b=x=y' } });
    assert.deepEqual(json(e), { cookies: { a: '1', b: 'x=y' }, header: 'a=1; b=x=y' });
  });

  test('names, values and attributes that would break the header are 400', async () => {
    assert.match(json(await get('/cookies/set?name=a%20b')).error, /not an RFC 6265 token/);
    assert.match(json(await get('/cookies/set?name=a&value=x%3By')).error, /characters RFC 6265 does not allow/);
    const inj = await get('/cookies/set?name=a&path=%2F%3B%20Domain%3Devil.test');
    assert.equal(inj.status, 400);
    assert.match(json(inj).error, /path=.*must not contain ';'/);
    assert.equal((await get('/cookies/set?name=a&value=%0D%0AX-Evil:%201')).status, 400);
  });
});

describe('robustness', () => {
  test('a route that throws or rejects answers 500 and the server keeps serving', async () => {
    const reported: string[] = [];
    const server = createServer(
      guardRoute(
        (req, res) => {
          if (req.url === '/throw') throw new Error('boom');
          if (req.url === '/reject') return Promise.reject(new Error('later boom'));
          if (req.url === '/late') {
            res.writeHead(200, { 'content-length': 10 });
            res.write('12345');
            return Promise.reject(new Error('after headers'));
          }
          res.end('fine');
        },
        (req, err) => reported.push(`${req.url}: ${(err as Error).message}`),
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const p of ['/throw', '/reject']) {
        const r = await get(p, { base });
        assert.equal(r.status, 500, p);
        assert.deepEqual(json(r), { error: 'demo target internal error' });
      }
      await assert.rejects(get('/late', { base }));
      assert.equal((await get('/ok', { base })).text, 'fine');
      assert.deepEqual(reported, ['/throw: boom', '/reject: later boom', '/late: after headers']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('close() is idempotent and cuts held requests and keep-alive sockets', async () => {
    const t = await startDemoTarget({ port: 0, quiet: true });
    const local = new Agent();
    try {
      assert.equal((await request(`${t.url}/healthz`, { dispatcher: local })).statusCode, 200);
      const held = request(`${t.url}/slow?ms=30000`, { dispatcher: local });
      await new Promise((r) => setTimeout(r, 50));
      const t0 = performance.now();
      await Promise.all([t.close(), t.close()]);
      assert.ok(performance.now() - t0 < 5000, 'close waited for the held request');
      await assert.rejects(held);
      await assert.rejects(request(`${t.url}/healthz`, { dispatcher: local }));
    } finally {
      await local.close();
    }
  });

  test('a taken port is an LT_ERR_IO error naming host and port', async () => {
    await assert.rejects(startDemoTarget({ port: demo.target().port, quiet: true }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'LT_ERR_IO');
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${demo.target().port}: the address is already in use`));
      return true;
    });
  });
});

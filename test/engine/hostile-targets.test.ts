/**
 * Issue 13, hostile targets: servers of our own on loopback that never answer, send a
 * 1 MiB header, loop redirects, reset mid-body, or answer with a gzip bomb. For each:
 * the error class, a run that ends within its duration + graceful stop + 2 s, and RSS
 * that stays bounded. (Dripping and endless bodies: test/engine/never-hang.test.ts and
 * the total-deadline tests.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { runPlan } from '../../src/runner.js';
import type { Result } from '../../src/report/result-schema.js';
import { planFrom } from '../helpers.js';

const DURATION_MS = 1000;
const GRACEFUL_MS = 1000;

/** Starts `handler` on 127.0.0.1:0, runs a 2-VU plan against it, and stops the server (and its sockets). */
async function runAgainst(handler: (req: IncomingMessage, res: ServerResponse) => void, step: string, extra = ''): Promise<{ r: Result; wallMs: number; rssGrowthMiB: number }> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = Date.now();
  try {
    const r = await runPlan(
      planFrom(`name: hostile\ntarget: ${url}\n${extra}scenarios:\n  s:\n    duration: ${DURATION_MS}ms\n    graceful_stop: ${GRACEFUL_MS}ms\n    profile: { type: constant, vus: 2 }\n    think_time: 10ms\n    steps:\n      - ${step}\n`),
    );
    return { r, wallMs: Date.now() - t0, rssGrowthMiB: (Math.max(peak, process.memoryUsage().rss) - rss0) / 2 ** 20 };
  } finally {
    clearInterval(sampler);
    for (const s of sockets) s.destroy();
    server.close();
  }
}

/** The run ended on time and every request of the step failed with `cls` (at least one was sent). */
function assertEndedWith(out: { r: Result; wallMs: number }, cls: string, message: RegExp): void {
  const step = out.r.scenarios.s.steps.h;
  assert.ok(out.wallMs < DURATION_MS + GRACEFUL_MS + 2000, `the run took ${out.wallMs} ms`);
  assert.ok(step.requests > 0, 'requests were sent');
  assert.equal(step.errors_by_class[cls as keyof typeof step.errors_by_class], step.errors, `${cls}: ${JSON.stringify(step.errors_by_class)}`);
  assert.ok(step.errors > 0);
  assert.ok(out.r.error_samples.some((s) => message.test(s.message)), JSON.stringify(out.r.error_samples));
}

test('a server that never answers: the step timeout holds, counted as timeout', async () => {
  const out = await runAgainst(() => undefined, '{ name: h, method: GET, url: /, timeout: 200ms }');
  assertEndedWith(out, 'timeout', /timeout/i);
});

test('a 1 MiB response header: refused by the client (header overflow), a client error; memory bounded', async () => {
  const big = 'x'.repeat(1024 * 1024);
  const out = await runAgainst((_req, res) => {
    res.setHeader('x-big', big);
    res.end('ok');
  }, '{ name: h, method: GET, url: / }');
  assertEndedWith(out, 'client', /header/i);
  assert.ok(out.rssGrowthMiB < 100, `RSS grew ${out.rssGrowthMiB.toFixed(1)} MiB`);
});

test('a redirect loop: bounded, a client error naming the loop', async () => {
  const out = await runAgainst((_req, res) => {
    res.writeHead(302, { location: '/again' });
    res.end();
  }, '{ name: h, method: GET, url: / }');
  assertEndedWith(out, 'client', /redirect/i);
});

test('a reset mid-body: a network error, the run goes on', async () => {
  const out = await runAgainst((_req, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write('x'.repeat(1000), () => res.socket?.resetAndDestroy());
  }, '{ name: h, method: GET, url: / }');
  assertEndedWith(out, 'network', /ECONNRESET|socket|closed|terminated/i);
});

test('a gzip bomb (content-encoding: gzip, 256 KiB that inflates to 256 MiB): bytes are not inflated, a body check keeps at most max_body; memory bounded', async () => {
  const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024, 0), { level: 9 });
  const out = await runAgainst((_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain', 'content-length': String(bomb.length) });
    res.end(bomb);
  }, '{ name: h, method: GET, url: /, headers: { accept-encoding: gzip }, checks: { body_contains: "never there" } }', 'http: { max_body: 64KiB }\n');
  assertEndedWith(out, 'check_failed', /body does not contain 'never there'/);
  assert.ok(out.r.summary.bytes_in >= bomb.length, 'the compressed bytes were read');
  assert.ok(out.rssGrowthMiB < 100, `RSS grew ${out.rssGrowthMiB.toFixed(1)} MiB`);
});

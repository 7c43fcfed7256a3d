/**
 * Issue 13, hostile targets: servers of our own on loopback that never answer, send a
 * 1 MiB header, loop redirects, reset mid-body, drip a byte a second, send an endless
 * body, or answer with a gzip or deflate bomb. For each: the error class, a run that
 * ends within its duration + graceful stop + 2 s (the endless body: by bytes, below),
 * and RSS that stays bounded. (The timeout as a total deadline for dripping and endless
 * bodies: test/engine/timeout-is-a-total-deadline.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { runPlan } from '../../src/runner.js';
import type { Result } from '../../src/report/result-schema.js';
import { planFrom } from '../helpers.js';

const DURATION_MS = 1000;
const GRACEFUL_MS = 1000;
const MiB = 1024 * 1024;

/** How a run against a hostile server is shaped. */
interface RunShape {
  durationMs?: number;
  vus?: number;
  /** Stop the run (abort) once this resolves, instead of waiting for its duration. */
  stopWhen?: Promise<unknown>;
}

/** What a run against a hostile server gave. */
interface HostileRun {
  r: Result;
  wallMs: number;
  /** Peak RSS during the run minus RSS before it. */
  rssGrowthMiB: number;
  /** Connections to the server still open when the run had ended (before the server closed them). */
  openSocketsAfter: number;
}

/** Starts `handler` on 127.0.0.1:0, runs a 2-VU plan against it, and stops the server (and its sockets). */
async function runAgainst(handler: (req: IncomingMessage, res: ServerResponse) => void, step: string, extra = '', shape: RunShape = {}): Promise<HostileRun> {
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
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const stop = new AbortController();
  void shape.stopWhen?.then(() => stop.abort(new Error('enough bytes')));
  const t0 = Date.now();
  try {
    const r = await runPlan(
      planFrom(`name: hostile\ntarget: ${url}\n${extra}scenarios:\n  s:\n    duration: ${shape.durationMs ?? DURATION_MS}ms\n    graceful_stop: ${GRACEFUL_MS}ms\n    profile: { type: constant, vus: ${shape.vus ?? 2} }\n    think_time: 10ms\n    steps:\n      - ${step}\n`),
      { signal: stop.signal },
    );
    const wallMs = Date.now() - t0;
    // Sockets the client closed are seen closed by the server within a few event-loop turns.
    for (let i = 0; i < 50 && sockets.size > 0; i++) await new Promise((res) => setTimeout(res, 10));
    return { r, wallMs, rssGrowthMiB: (Math.max(peak, process.memoryUsage.rss()) - rss0) / MiB, openSocketsAfter: sockets.size };
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

for (const encoding of ['gzip', 'deflate'] as const) {
  test(`a ${encoding} bomb (content-encoding: ${encoding}, ~256 KiB that inflates to 256 MiB): bytes are not inflated, a body check keeps at most max_body; memory bounded`, async () => {
    const zeros = Buffer.alloc(256 * MiB, 0);
    const bomb = encoding === 'gzip' ? gzipSync(zeros, { level: 9 }) : deflateSync(zeros, { level: 9 });
    const out = await runAgainst((_req, res) => {
      res.writeHead(200, { 'content-encoding': encoding, 'content-type': 'text/plain', 'content-length': String(bomb.length) });
      res.end(bomb);
    }, `{ name: h, method: GET, url: /, headers: { accept-encoding: ${encoding} }, checks: { body_contains: "never there" } }`, 'http: { max_body: 64KiB }\n');
    assertEndedWith(out, 'check_failed', /body does not contain 'never there'/);
    assert.ok(out.r.summary.bytes_in >= bomb.length, 'the compressed bytes were read');
    assert.ok(out.rssGrowthMiB < 100, `RSS grew ${out.rssGrowthMiB.toFixed(1)} MiB`);
  });
}

test('a server that drips one byte a second: the step timeout covers the whole response (timeout), each cut connection is closed, memory bounded', async () => {
  const timers = new Set<NodeJS.Timeout>();
  const out = await runAgainst((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('a');
    const t = setInterval(() => res.write('a'), 1000);
    timers.add(t);
    res.on('close', () => (clearInterval(t), timers.delete(t)));
  }, '{ name: h, method: GET, url: /, timeout: 300ms }', '', { vus: 8 });
  for (const t of timers) clearInterval(t);
  assertEndedWith(out, 'timeout', /timeout/i);
  assert.ok(out.r.scenarios.s.steps.h.requests >= 8, 'each VU was cut at least once');
  assert.equal(out.openSocketsAfter, 0, 'no dripping connection outlives its request');
  assert.ok(out.rssGrowthMiB < 50, `RSS grew ${out.rssGrowthMiB.toFixed(1)} MiB`);
});

/**
 * An endless body, as fast as the client reads it. Bounded by bytes, not time: the
 * run is stopped once the server has sent ENDLESS_BYTES in all (however long that
 * takes on this machine), then each response is cut. Memory must not follow the bytes.
 */
const ENDLESS_BYTES = 512 * MiB;

function endlessServer(): { handler: (req: IncomingMessage, res: ServerResponse) => void; sent: () => number; enough: Promise<void> } {
  const chunk = Buffer.alloc(256 * 1024, 'x');
  let sent = 0;
  let reached!: () => void;
  const enough = new Promise<void>((r) => (reached = r));
  const handler = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no end in sight
    const pump = () => {
      while (!res.destroyed) {
        if (sent >= ENDLESS_BYTES) {
          reached();
          return void res.destroy(); // enough: cut (the run is being stopped)
        }
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    pump();
  };
  return { handler, sent: () => sent, enough };
}

for (const withCheck of [false, true]) {
  test(`an endless body${withCheck ? ' with a body check (keeps at most max_body)' : ' without body checks (discarded as read)'}: RSS grows < 100 MiB while ${ENDLESS_BYTES / MiB} MiB arrive`, { timeout: 120_000 }, async () => {
    const srv = endlessServer();
    const check = withCheck ? ', checks: { body_contains: "never there" }' : '';
    // No warm-up (its requests would read endless bodies uncounted); a timeout far off, so the bytes end the run.
    const out = await runAgainst(srv.handler, `{ name: h, method: GET, url: /, timeout: 10m${check} }`, 'warmup: false\nhttp: { max_body: 64KiB }\n', { durationMs: 600_000, stopWhen: srv.enough });
    const step = out.r.scenarios.s.steps.h;
    assert.ok(srv.sent() >= ENDLESS_BYTES, `sent ${srv.sent()} bytes`);
    assert.ok(out.r.summary.bytes_in >= 0.9 * ENDLESS_BYTES, `the client read them (${(out.r.summary.bytes_in / MiB).toFixed(0)} MiB counted)`);
    assert.ok(step.requests >= 1 && step.errors === step.requests, `no endless response passed: ${JSON.stringify(step.errors_by_class)}`);
    assert.ok(out.rssGrowthMiB < 100, `RSS grew ${out.rssGrowthMiB.toFixed(1)} MiB while ${(srv.sent() / MiB).toFixed(0)} MiB were sent`);
  });
}

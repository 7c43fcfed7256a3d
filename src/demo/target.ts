/**
 * The built-in demo target (`loadtest demo-target`): a small, fast HTTP server with
 * the endpoints a load tester needs to show itself honestly — fast, slow, flaky and
 * stalling responses, known latencies, large streamed bodies, redirects, cookies, the
 * API the seed's example plans call, and a little shop that enforces sessions and
 * CSRF (shop.ts). Shipped with the tool; used by the README's first command and tests.
 *
 * Endpoints (all answer with Content-Type and Content-Length unless streamed):
 * - `GET /`, `/healthz` → 200 `ok`; `/fast` → 200 `{"ok":true}`
 * - `/slow?ms=N` → after N ms (default 100, at most 60000)
 * - `/flaky?fail=P&status=S` → status S (default 500) with probability P (default 0.1)
 * - `/stall?every=E&for=F` → a global stall: in the last F ms (default 500) of every
 *   E ms window (default 2000) since the server started, responses are held until the
 *   window ends, in arrival order; headers `x-stall-wait-ms` say how long this one was
 *   held and `x-stall-release` its place in the window's release (0 when not held)
 * - `/capacity?rate=R&burst=B` → a token bucket of R/s (default 800, burst 10) that
 *   queues beyond its rate (token-bucket.ts): the knee a capacity search finds
 * - `/latency?ladder=10x50,30x40,…` → known delays cycling per ladder (latency-ladder.ts);
 *   `/latency?ms=N` is a fixed N ms
 * - `/status/:code` (200..599); `/bytes?n=N` → N bytes streamed in 64 KiB chunks
 * - `/redirect?to=/x&status=302`; `/headers` → request headers; `/echo` → {method, content_type, body}
 * - `/memory` → the target process's rss/heap/external bytes
 * - `/cookies/set?name=&value=&path=&domain=&max_age=&expires=&secure&httponly&samesite=`
 *   sets one cookie; `/cookies` and `/cookies/<anything>` → `{cookies, header}` received
 * - `/api/users`, `POST /api/orders` (201), `POST /api/checkout`, `/api/reports/summary` (5–20 ms)
 * - `/shop/*` (shop.ts); anything else → 404 JSON
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LtError } from '../errors.js';
import { LadderBook, MAX_LADDER_DELAY_MS } from './latency-ladder.js';
import { guardRoute, numParam, readBody, requestCookies, sendJson, sendText } from './respond.js';
import { Shop } from './shop.js';
import { BucketBook, MAX_QUEUE_MS } from './token-bucket.js';

/** A running demo target. */
export interface DemoTarget {
  /** Base URL, e.g. `http://127.0.0.1:8080` (always connectable, never 0.0.0.0). */
  url: string;
  port: number;
  /** Stops listening, destroys keep-alive and in-flight sockets, clears timers. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startDemoTarget}. */
export interface DemoTargetOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1, which also answers on ::1 so `localhost` works either way it resolves. */
  host?: string;
  /** The target never logs per request; when not quiet it reports handler failures on stderr. */
  quiet?: boolean;
}

const MAX_BYTES = 1 << 30;
const BYTES_CHUNK = Buffer.alloc(64 * 1024, 'a');
const USERS_JSON = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `user${i + 1}`, email: `user${i + 1}@example.test` })));
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
const COOKIE_ATTR = /^[^;\x00-\x1f\x7f]*$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Starts the demo target and resolves once it listens. Throws LT_ERR_IO when the port is taken. */
export async function startDemoTarget(opts: DemoTargetOptions = {}): Promise<DemoTarget> {
  const startedMs = Date.now();
  const shop = new Shop();
  const ladders = new LadderBook();
  const buckets = new BucketBook();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  // Held stall replies by the instant their window ends: one timer per window releases
  // them in arrival order. One timer per reply (all due in the same millisecond) released
  // them in an arbitrary order, so where a given arrival fell in the release burst — and
  // with it a measured p90 — moved by ±10 % from one run to the next.
  const held = new Map<number, Array<(position: number) => void>>();
  const holdUntil = (endMs: number, reply: (position: number) => void) => {
    const queue = held.get(endMs);
    if (queue) return void queue.push(reply);
    held.set(endMs, [reply]);
    later(endMs - Date.now(), () => {
      const due = held.get(endMs) ?? [];
      held.delete(endMs);
      due.forEach((r, position) => r(position));
    });
  };

  const route = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
    // Split by hand: WHATWG URL parsing costs more than the fast routes themselves.
    const raw = req.url ?? '/';
    const qi = raw.indexOf('?');
    const p = qi < 0 ? raw : raw.slice(0, qi);
    const q = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
    if (p.startsWith('/shop/')) return shop.handle(req, res, p);
    if (p.startsWith('/cookies/') && p !== '/cookies/set') return echoCookies(req, res);
    switch (p) {
      case '/':
      case '/healthz':
        return sendText(res, 200, 'ok');
      case '/fast':
        return sendJson(res, 200, '{"ok":true}');
      case '/slow':
        return later(numParam(q, 'ms', 100, 0, MAX_LADDER_DELAY_MS), () => sendJson(res, 200, '{"ok":true}'));
      case '/flaky':
        return Math.random() < numParam(q, 'fail', 0.1, 0, 1) ? sendJson(res, Math.floor(numParam(q, 'status', 500, 400, 599)), { error: 'flaky failure' }) : sendJson(res, 200, '{"ok":true}');
      case '/stall': {
        // Models a GC pause, a lock or a failover: everything arriving in the window
        // waits for its end, which is what coordinated-omission correction must expose.
        const everyMs = numParam(q, 'every', 2000, 1, MAX_LADDER_DELAY_MS);
        const forMs = numParam(q, 'for', 500, 0, everyMs);
        const nowMs = Date.now();
        const phaseMs = (nowMs - startedMs) % everyMs;
        const waitMs = phaseMs >= everyMs - forMs ? Math.ceil(everyMs - phaseMs) : 0;
        const reply = (position = 0) => sendJson(res, 200, `{"waited_ms":${waitMs}}`, { 'x-stall-wait-ms': String(waitMs), 'x-stall-release': String(position) });
        return waitMs > 0 ? holdUntil(nowMs + waitMs, reply) : reply();
      }
      case '/capacity': {
        // A known capacity (token-bucket.ts): immediate below `rate`, a growing queue above it.
        const wait = buckets.get(numParam(q, 'rate', 800, 1, 1_000_000), Math.floor(numParam(q, 'burst', 10, 1, 1_000_000))).admit(performance.now());
        if (wait === undefined) return sendJson(res, 503, { error: `queue full: more than ${MAX_QUEUE_MS} ms of waiting` });
        const reply = () => sendJson(res, 200, `{"queued_ms":${Math.round(wait)}}`);
        return wait >= 1 ? later(wait, reply) : reply();
      }
      case '/latency': {
        // `?ms=N` is the one-step ladder `N` (a fixed, known latency).
        const delay = ladders.next(q.get('ladder') ?? q.get('ms') ?? '10');
        if (typeof delay !== 'number') return sendJson(res, 400, delay);
        return later(delay, () => sendJson(res, 200, `{"delay_ms":${delay}}`, { 'x-delay-ms': String(delay) }));
      }
      case '/bytes':
        return streamBytes(res, Math.floor(numParam(q, 'n', 1024, 0, MAX_BYTES)));
      case '/redirect': {
        const to = q.get('to') ?? '/fast';
        if (!isSafeRedirect(to)) return sendJson(res, 400, { error: `redirect target '${to}' must be a path (/x) or a loopback http(s) URL` });
        // Header values must be Latin-1; percent-encode anything else rather than throw.
        const location = /[^\x21-\x7e]/.test(to) ? encodeURI(to) : to;
        res.writeHead(Math.floor(numParam(q, 'status', 302, 300, 308)), { location, 'content-length': 0 });
        return void res.end();
      }
      case '/headers':
        return sendJson(res, 200, req.headers);
      case '/memory': {
        // The target's own footprint, so a test can show a large body is streamed.
        const m = process.memoryUsage();
        return sendJson(res, 200, { rss_bytes: m.rss, heap_used_bytes: m.heapUsed, external_bytes: m.external, array_buffers_bytes: m.arrayBuffers });
      }
      case '/echo':
        return readBody(req).then((body) => sendJson(res, 200, { method: req.method, content_type: req.headers['content-type'] ?? null, body }));
      case '/cookies':
        return echoCookies(req, res);
      case '/cookies/set':
        return setCookie(q, res);
      case '/api/users':
        return sendJson(res, 200, USERS_JSON);
      case '/api/orders':
        if (req.method !== 'POST') return sendJson(res, 405, { error: '/api/orders allows POST' }, { allow: 'POST' });
        return readBody(req).then(() => sendJson(res, 201, { id: Math.floor(Math.random() * 1e9), status: 'created' }));
      case '/api/checkout':
        if (req.method !== 'POST') return sendJson(res, 405, { error: '/api/checkout allows POST' }, { allow: 'POST' });
        return readBody(req).then(() => sendJson(res, 200, { order_id: Math.floor(Math.random() * 1e9), status: 'paid' }));
      case '/api/reports/summary':
        return later(5 + Math.floor(Math.random() * 16), () => sendJson(res, 200, { users: 20, orders: 1234, revenue: 98765.43 }));
      default: {
        const m = /^\/status\/(\d{3})$/.exec(p);
        if (m) return sendStatus(res, Number(m[1]));
        return sendJson(res, 404, { error: `no route ${req.method} ${p}` });
      }
    }
  };

  const handler = guardRoute(route, opts.quiet ? undefined : (req, err) => process.stderr.write(`demo target: ${req.method} ${req.url}: ${(err as Error)?.message ?? err}\n`));

  const requested = opts.host ?? '127.0.0.1';
  const loopbackV4 = requested === '127.0.0.1' || requested === 'localhost';
  const primary = newServer(handler);
  const port = await listen(primary, opts.port ?? 0, loopbackV4 ? '127.0.0.1' : requested);
  // Node resolves `localhost` in the resolver's order, which may put ::1 first; the
  // seed plans say http://localhost:8080, so answer on ::1 as well (best effort: a
  // host without IPv6 simply has one listener).
  let secondary: Server | undefined;
  if (loopbackV4) {
    secondary = newServer(handler);
    await listen(secondary, port, '::1').catch(() => (secondary = undefined));
  }

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(requested)}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        await Promise.all(
          [primary, secondary].map(
            (s) =>
              s &&
              new Promise<void>((resolve) => {
                s.close(() => resolve());
                s.closeAllConnections();
              }),
          ),
        );
      })();
      return closing;
    },
  };
}

function newServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const s = createServer({ noDelay: true, keepAlive: true }, handler);
  // Load generators hold connections open between bursts; don't drop them first.
  s.keepAliveTimeout = 65_000;
  s.headersTimeout = 66_000;
  s.requestTimeout = 0;
  s.maxRequestsPerSocket = 0;
  return s;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the address is already in use (pick another port with --port)' : err.message;
      reject(new LtError('LT_ERR_IO', `demo target cannot listen on ${host}:${port}: ${why}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A host for the URL a client can actually connect to. */
function urlHost(host: string): string {
  if (host === 'localhost' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '::0') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function isSafeRedirect(to: string): boolean {
  if (to.startsWith('/')) return !to.startsWith('//') && !to.startsWith('/\\');
  try {
    const u = new URL(to);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK.has(u.hostname);
  } catch {
    return false;
  }
}

function sendStatus(res: ServerResponse, status: number): void {
  if (status < 200 || status > 599) return sendJson(res, 400, { error: `status ${status} is not in 200..599` });
  if (status === 204 || status === 304) {
    res.writeHead(status);
    return void res.end();
  }
  sendJson(res, status, { status });
}

/** Streams `n` bytes honouring backpressure, so 1 GiB costs one 64 KiB buffer. */
function streamBytes(res: ServerResponse, n: number): void {
  let left = n;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const part = left >= BYTES_CHUNK.length ? BYTES_CHUNK : BYTES_CHUNK.subarray(0, left);
      left -= part.length;
      if (!res.write(part)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function echoCookies(req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { cookies: requestCookies(req), header: req.headers.cookie ?? '' });
}

/** Builds one Set-Cookie from the query; rejects text that would break the header. */
function setCookie(q: URLSearchParams, res: ServerResponse): void {
  const name = q.get('name') ?? 'c';
  const value = q.get('value') ?? '1';
  if (!COOKIE_NAME.test(name)) return sendJson(res, 400, { error: `cookie name '${name}' is not an RFC 6265 token` });
  if (!COOKIE_VALUE.test(value)) return sendJson(res, 400, { error: `cookie value '${value}' has characters RFC 6265 does not allow` });
  const parts = [`${name}=${value}`];
  for (const [param, attr] of [['path', 'Path'], ['domain', 'Domain'], ['max_age', 'Max-Age'], ['expires', 'Expires'], ['samesite', 'SameSite']] as const) {
    const v = q.get(param);
    if (v === null) continue;
    if (!COOKIE_ATTR.test(v)) return sendJson(res, 400, { error: `cookie attribute ${param}='${v}' must not contain ';' or control characters` });
    parts.push(`${attr}=${v}`);
  }
  if (q.has('secure')) parts.push('Secure');
  if (q.has('httponly')) parts.push('HttpOnly');
  const header = parts.join('; ');
  sendJson(res, 200, { set: header }, { 'set-cookie': header });
}

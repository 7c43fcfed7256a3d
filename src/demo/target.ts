/**
 * The built-in demo target (`loadtest demo-target`): a small, fast HTTP server with
 * the endpoints a load tester needs to show itself honestly — fast, slow, flaky and
 * stalling responses, known latencies, large bodies, redirects, cookies, the API the
 * seed's example plans call, and a little shop that enforces sessions and CSRF
 * (see shop.ts). Shipped with the tool, used by the README's first command and tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Shop } from './shop.js';

export interface DemoTarget {
  url: string;
  port: number;
  close(): Promise<void>;
}

const USERS = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `user${i + 1}`, email: `user${i + 1}@example.test` })));
const MAX_DELAY_MS = 60_000;

/** Sends a JSON body with Content-Type and Content-Length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a request body (capped). */
export function readBody(req: IncomingMessage, maxBytes = 1 << 20): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n <= maxBytes) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

const num = (v: string | null, dflt: number, max = Infinity) => {
  const n = v === null ? dflt : Number(v);
  return Number.isFinite(n) ? Math.min(Math.max(0, n), max) : dflt;
};

/** Starts the demo target. `port: 0` picks a free port. */
export async function startDemoTarget(opts: { port?: number; host?: string; quiet?: boolean } = {}): Promise<DemoTarget> {
  const startedMs = Date.now();
  const shop = new Shop();
  let ladderIndex = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    const p = url.pathname;
    const q = url.searchParams;
    if (p.startsWith('/shop/')) return void shop.handle(req, res, p, q);
    switch (p) {
      case '/':
      case '/healthz':
      case '/fast':
        return sendText(res, 200, 'ok');
      case '/slow':
        return later(num(q.get('ms'), 100, MAX_DELAY_MS), () => sendText(res, 200, 'ok'));
      case '/flaky':
        return Math.random() < num(q.get('fail'), 0.1, 1) ? sendJson(res, num(q.get('status'), 500, 599), { error: 'flaky failure' }) : sendText(res, 200, 'ok');
      case '/stall': {
        // A global stall: in the last `for` ms of every `every` ms window since start,
        // responses are held until the window ends (a GC pause, a lock, a failover).
        const every = num(q.get('every'), 2000, MAX_DELAY_MS) || 2000;
        const len = Math.min(num(q.get('for'), 500, MAX_DELAY_MS), every);
        const phase = (Date.now() - startedMs) % every;
        const wait = phase >= every - len ? every - phase : 0;
        return wait > 0 ? later(wait, () => sendText(res, 200, 'ok')) : sendText(res, 200, 'ok');
      }
      case '/latency': {
        // Known latencies: `ladder=10x50,30x40,80x9,150x1` cycles 50×10 ms, 40×30 ms, …
        const steps = (q.get('ladder') ?? '10').split(',').flatMap((part) => {
          const [ms, times] = part.split('x').map(Number);
          return Array.from({ length: Number.isFinite(times) && times > 0 ? Math.min(times, 10_000) : 1 }, () => Math.min(ms || 0, MAX_DELAY_MS));
        });
        const delay = steps[ladderIndex++ % steps.length];
        return later(delay, () => sendText(res, 200, String(delay)));
      }
      case '/bytes': {
        // Streams n bytes in 64 KiB chunks, honouring backpressure (never buffers n).
        let left = Math.floor(num(q.get('n'), 1024, 1 << 30));
        const chunk = Buffer.alloc(65536, 97);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': left });
        const pump = () => {
          while (left > 0) {
            const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= part.length;
            if (!res.write(part)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/redirect':
        res.writeHead(num(q.get('status'), 302, 399), { location: q.get('to') ?? '/fast', 'content-length': 0 });
        return res.end();
      case '/headers':
        return sendJson(res, 200, req.headers);
      case '/echo':
        return void readBody(req).then((body) => sendJson(res, 200, { method: req.method, body }));
      case '/cookies/set': {
        const parts = [`${q.get('name') ?? 'c'}=${q.get('value') ?? '1'}`];
        for (const [k, attr] of [['path', 'Path'], ['domain', 'Domain'], ['max_age', 'Max-Age'], ['expires', 'Expires']] as const) {
          const v = q.get(k);
          if (v !== null) parts.push(`${attr}=${v}`);
        }
        if (q.has('secure')) parts.push('Secure');
        if (q.has('httponly')) parts.push('HttpOnly');
        return sendJson(res, 200, { set: parts.join('; ') }, { 'set-cookie': parts.join('; ') });
      }
      case '/cookies':
        return sendJson(res, 200, Object.fromEntries((req.headers.cookie ?? '').split(/;\s*/).filter(Boolean).map((c) => c.split('=') as [string, string])));
      case '/api/users':
        return sendJson(res, 200, USERS);
      case '/api/orders':
        return void readBody(req).then(() => sendJson(res, 201, { id: Math.floor(Math.random() * 1e9), status: 'created' }));
      case '/api/checkout':
        return void readBody(req).then(() => sendJson(res, 200, { order_id: Math.floor(Math.random() * 1e9), status: 'paid' }));
      case '/api/reports/summary':
        return later(5 + Math.floor(Math.random() * 15), () => sendJson(res, 200, { users: 20, orders: 1234, revenue: 98765.43 }));
      default: {
        const m = /^\/status\/(\d{3})$/.exec(p);
        if (m) return sendJson(res, Number(m[1]), { status: Number(m[1]) });
        return sendJson(res, 404, { error: `no route ${req.method} ${p}` });
      }
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.maxRequestsPerSocket = 0;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // `localhost` may resolve to ::1 first; answer there too when we own a fixed port.
  let v6: ReturnType<typeof createServer> | undefined;
  const port = (server.address() as AddressInfo).port;
  if (host === '127.0.0.1' && opts.port) {
    v6 = createServer((req, res) => server.emit('request', req, res));
    await new Promise<void>((resolve) => {
      v6!.once('error', () => {
        v6 = undefined;
        resolve();
      });
      v6!.listen(port, '::1', () => resolve());
    });
  }
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of [server, v6]) {
        if (!s) continue;
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    },
  };
}

/**
 * A hostile relay for the trust tests (issue 16): a real HTTP server, by default on a
 * second loopback address (127.0.0.2) so "nothing reached it" is a check on bytes that
 * really crossed a socket. It speaks the relay protocol as a coordinator that does not
 * know the token would: it answers every POST with 200, replies to clock probes, and
 * assigns its own plan once the worker is ready — unsigned, since it cannot sign.
 * Everything it receives (request line, headers, body) is kept in `seen`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { loadPlan } from '../../src/plan/load.js';

/** A running rogue relay. */
export interface RogueRelay {
  url: string;
  /** Every request received, as text (request line, headers, body). */
  seen: string[];
  close(): Promise<void>;
}

/** Starts a rogue relay on `host` (default 127.0.0.2) that assigns `planText`. */
export async function startRogueRelay(planText: string, host = '127.0.0.2'): Promise<RogueRelay> {
  const seen: string[] = [];
  const queue: unknown[] = [];
  const streams = new Set<ServerResponse>();
  let seq = 0;
  const push = (cmd: unknown) => {
    queue.push(cmd);
    const line = `${JSON.stringify({ seq: queue.length, cmd })}\n`;
    for (const s of streams) s.write(line);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${body}`);
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        queue.forEach((cmd, i) => res.write(`${JSON.stringify({ seq: i + 1, cmd })}\n`));
        streams.add(res);
        res.on('close', () => streams.delete(res));
        return;
      }
      let msgs: { type: string; t0?: number; clockProbe?: { t0: number } }[] = [];
      try {
        const raw = JSON.parse(body) as unknown;
        msgs = (Array.isArray(raw) ? raw : [raw]) as typeof msgs;
      } catch {
        /* answer anyway */
      }
      for (const m of msgs) {
        const t0 = m.type === 'register' ? m.clockProbe?.t0 : m.type === 'probe' ? m.t0 : undefined;
        if (t0 !== undefined) push({ v: 1, type: 'clock', t0, t1: Date.now(), t2: Date.now() });
        if (m.type === 'ready' && seq++ === 0) {
          const plan = loadPlan(planText, 'rogue.yaml', { env: {} });
          push({ v: 1, type: 'assign', runId: 'rogue', shard: { index: 0, weights: [1] }, planHash: plan.hash, plan: { text: planText, file: 'rogue.yaml' }, startAtMs: Date.now() + 300, intervalMs: 1000 });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  const l = await listen(server, host);
  return {
    url: l.url,
    seen,
    async close() {
      for (const s of streams) s.end();
      await l.close();
    },
  };
}

/** Listens on `host`, any port; `close()` cuts open sockets first. */
async function listen(server: Server, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A target that counts requests and keeps their headers (to see what reached it). */
export async function startRecordingTarget(host = '127.0.0.1'): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}`);
    req.resume();
    res.end('ok');
  });
  return { requests, ...(await listen(server, host)) };
}

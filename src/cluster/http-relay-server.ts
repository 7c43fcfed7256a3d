/**
 * The HTTP relay, hosted by the coordinator (the coordinator side of the `http`
 * transport). Workers connect out to it:
 *
 * - `POST /v1/messages` — a JSON array of worker messages (or one), handled in order.
 *   200 `{"ok":true}`; 400 invalid; 401 bad token; 409 `{"refused": reason}`.
 * - `GET /v1/commands?worker=ID&after=SEQ` — a long-lived NDJSON stream of
 *   `{"seq":n,"cmd":{…}}` lines with seq > after (so a reconnecting worker resumes
 *   exactly where it left off), plus an empty keep-alive line every second (the
 *   worker reconnects when it hears nothing for 3 s).
 * - `GET /metrics` — Prometheus text (prom-client, the coordinator's own registry).
 *
 * Every request, `/metrics` included, must carry `Authorization: Bearer <token>`:
 * the relay may be bound beyond loopback (`--listen 0.0.0.0:…`), and the metrics
 * reveal the target's behaviour; Prometheus sends the token with
 * `authorization: { credentials: … }` in its scrape config. Refusals are logged with
 * the peer address and never affect the run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LtError } from '../errors.js';
import { parseWorkerMessage, type Command, type WorkerMessage } from './protocol.js';
import { bearerOf, tokenMatches } from './token.js';
import { CommandQueues, LIVE_CAPS, type CoordinatorTransport, type MessageHandler } from './transport.js';

/** Options of the relay server. */
export interface HttpRelayOptions {
  /** Default 127.0.0.1 (loopback unless told otherwise). */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  token: string;
  /** One line per notable event (refusals, bad requests). */
  log?: (line: string) => void;
  /** Prometheus exposition for `GET /metrics`. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Largest accepted POST body (default 32 MiB: a final result with many steps is a few MiB). */
  maxBodyBytes?: number;
  /**
   * Keep-alive line period on command streams (default 2000 ms: with 256 workers each
   * line is a socket write a second; clients reopen a stream silent for 5 s).
   */
  keepAliveMs?: number;
}

/** The running relay: a coordinator transport plus where workers reach it. */
export interface HttpRelayServer extends CoordinatorTransport {
  /** `http://host:port` (after start). */
  readonly url: string;
  readonly token: string;
}

/** Creates the relay; `start(handler)` binds it. */
export function createHttpRelayServer(opts: HttpRelayOptions): HttpRelayServer {
  const log = opts.log ?? (() => undefined);
  const maxBody = opts.maxBodyBytes ?? 32 * 1024 * 1024;
  const keepAliveMs = opts.keepAliveMs ?? 2000;
  const queues = new CommandQueues();
  const registered = new Set<string>();
  const sockets = new Set<Socket>();
  /** Open command streams and how to close each (stops its keep-alive timer, then ends it). */
  const streams = new Map<ServerResponse, () => void>();
  let handler: MessageHandler | undefined;
  let server: Server | undefined;
  let url = '';
  let closed = false;

  function json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function peer(req: IncomingMessage): string {
    return `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) throw new LtError('LT_ERR_RELAY', `message body over ${maxBody} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function onMessages(req: IncomingMessage, res: ServerResponse, arrivedMono: number): Promise<void> {
    let msgs: WorkerMessage[];
    try {
      const raw = JSON.parse(await readBody(req)) as unknown;
      msgs = (Array.isArray(raw) ? raw : [raw]).map(parseWorkerMessage);
    } catch (err) {
      const why = err instanceof SyntaxError ? `not JSON: ${err.message}` : (err as Error).message;
      log(`relay: bad request from ${peer(req)}: ${why}`);
      return json(res, 400, { error: why });
    }
    for (const msg of msgs) {
      const verdict = handler!(msg, performance.now() - arrivedMono);
      if (verdict && 'refuse' in verdict) {
        log(`relay: refused worker '${msg.workerId}' (${peer(req)}): ${verdict.refuse}`);
        return json(res, 409, { refused: verdict.refuse });
      }
      if (msg.type === 'register') registered.add(msg.workerId);
    }
    json(res, 200, { ok: true });
  }

  function onCommands(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const workerId = query.get('worker') ?? '';
    const after = Number(query.get('after') ?? '0');
    if (!workerId || !Number.isInteger(after) || after < 0) return json(res, 400, { error: 'need ?worker=ID&after=SEQ' });
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    let sent = after;
    const pump = () => {
      const pending = queues.since(workerId, sent);
      if (pending.length === 0) return;
      res.write(pending.map((p) => JSON.stringify(p)).join('\n') + '\n');
      sent = pending[pending.length - 1].seq;
    };
    queues.listen(workerId, pump);
    pump();
    const keepAlive = setInterval(() => res.write('\n'), keepAliveMs);
    // Idempotent; runs when the stream closes or when the relay closes it. 'close' alone
    // is not enough: a stream queued behind a stalled one on the same connection (seen
    // behind a partition) never gets the socket and never emits it, and its live timer
    // then wrote after end, or held the process open after the run (a CI hang).
    const cleanup = () => {
      if (!streams.delete(res)) return;
      clearInterval(keepAlive);
      queues.unlisten(workerId, pump); // unless a newer connection replaced this one
    };
    streams.set(res, () => {
      cleanup();
      res.end();
    });
    res.on('close', cleanup);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedMono = performance.now();
    const u = new URL(req.url ?? '/', 'http://relay');
    if (!tokenMatches(opts.token, bearerOf(req.headers.authorization))) {
      log(`relay: refused ${req.method} ${u.pathname} from ${peer(req)}: ${req.headers.authorization ? 'wrong token' : 'no token'} (401)`);
      res.setHeader('www-authenticate', 'Bearer realm="loadtest relay"');
      return json(res, 401, { error: 'missing or wrong bearer token' });
    }
    if (req.method === 'POST' && u.pathname === '/v1/messages') return onMessages(req, res, arrivedMono);
    if (req.method === 'GET' && u.pathname === '/v1/commands') return onCommands(req, res, u.searchParams);
    if (req.method === 'GET' && u.pathname === '/metrics' && opts.metrics) {
      const m = await opts.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    json(res, 404, { error: `no route ${req.method} ${u.pathname}` });
  }

  const relay: HttpRelayServer = {
    caps: LIVE_CAPS,
    token: opts.token,
    get url() {
      return url;
    },
    async start(h) {
      if (server) throw new LtError('LT_ERR_INTERNAL', 'relay already started');
      handler = h;
      server = createServer((req, res) => {
        route(req, res).catch((err: unknown) => {
          log(`relay: internal error on ${req.method} ${req.url}: ${(err as Error).message}`);
          if (!res.headersSent) json(res, 500, { error: (err as Error).message });
          else res.destroy();
        });
      });
      server.keepAliveTimeout = 5000;
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      const host = opts.host ?? '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (err: NodeJS.ErrnoException) =>
          reject(new LtError('LT_ERR_RELAY', `cannot listen on ${host}:${opts.port ?? 0}: ${err.code ?? err.message}`, { cause: err })),
        );
        server!.listen(opts.port ?? 0, host, () => resolve());
      });
      const addr = server.address() as AddressInfo;
      url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    },
    send(workerId: string, cmd: Command) {
      if (!closed) queues.push(workerId, cmd);
    },
    broadcast(cmd: Command) {
      for (const id of registered) relay.send(id, cmd);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const end of [...streams.values()]) end();
      queues.clear();
      if (!server) return;
      const done = new Promise<void>((resolve) => server!.close(() => resolve()));
      server.closeIdleConnections();
      // Give in-flight responses (the final `done`) a moment, then cut what is left.
      const timer = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 500);
      await done;
      clearTimeout(timer);
    },
  };
  return relay;
}

/**
 * The HTTP relay, hosted by the coordinator (the coordinator side of the `http`
 * transport). Workers connect out to it:
 *
 * - `POST /v1/messages` — a JSON array of worker messages (or one), handled in order.
 *   200 `{"ok":true}`; 400 invalid; 401 bad token; 409 `{"refused": reason}`; 413 body
 *   over `maxBodyBytes` (`{"error"}`, like every error answer).
 * - `GET /v1/commands?worker=ID&after=SEQ` — a long-lived NDJSON stream of
 *   `{"seq":n,"cmd":{…}}` lines with seq > after (so a reconnecting worker resumes
 *   exactly where it left off), plus an empty keep-alive line every second (the
 *   worker reconnects when it hears nothing for 3 s).
 * - `GET /metrics` — Prometheus text (prom-client, the coordinator's own registry).
 *
 * Every request, `/metrics` included, must carry the token: workers sign each request
 * with it and get every answer signed back (relay-auth.ts: the token never travels, so
 * a rogue relay learns nothing); `Authorization: Bearer <token>` is accepted too:
 * the relay may be bound beyond loopback (`--listen 0.0.0.0:…`), and the metrics
 * reveal the target's behaviour; Prometheus sends the token with
 * `authorization: { credentials: … }` in its scrape config. Refusals are logged with
 * the peer address and never affect the run.
 *
 * Bodies (issue 13): every route declares the largest body it reads (`routes`); only
 * `POST /v1/messages` reads one. A request declaring more than its route's limit is
 * refused with 413 from its headers, before any byte of it is read (even without a
 * token); a chunked one once its limit is passed; either way at most 4 MiB more of it
 * is read and dropped before the connection is closed (discardThenClose), so a 100 MiB
 * POST costs at most the limit and is not drained.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LtError } from '../errors.js';
import { parseWorkerMessage, type Command, type WorkerMessage } from './protocol.js';
import { bearerOf, tokenMatches } from './token.js';
import { ANSWER_MAC_HEADER, answerMac, commandMac, parseSignedAuth, verifyRequest } from './relay-auth.js';
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
  /** PEM certificate and key: serve https (workers then trust it through NODE_EXTRA_CA_CERTS or --relay-ca). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Largest accepted POST body (default 32 MiB: a final result with many steps is a few MiB). */
  maxBodyBytes?: number;
  /**
   * Keep-alive line period on command streams (default 2000 ms: with 256 workers each
   * line is a socket write a second; clients reopen a stream silent for 5 s).
   */
  keepAliveMs?: number;
}

/** One route of the relay and the largest request body it reads (0: none). */
export interface RelayRoute {
  method: 'GET' | 'POST';
  path: string;
  maxBodyBytes: number;
}

/** The running relay: a coordinator transport plus where workers reach it. */
export interface HttpRelayServer extends CoordinatorTransport {
  /** `http(s)://host:port` (after start). */
  readonly url: string;
  readonly token: string;
  /** Every route it serves: the router's own table (tests send hostile input to each). */
  readonly routes: readonly RelayRoute[];
}

/** True when a request comes with a body (a length above 0, or chunked). */
const hasBody = (req: IncomingMessage): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** How much of a refused body is read and dropped before the connection is closed, and for how long at most (discardThenClose). */
const LINGER_BYTES = 4 * 1024 * 1024;
const LINGER_MS = 2000;

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

  /** Writes a JSON answer; signed (relay-auth.ts) when the request was. */
  function json(res: ServerResponse, status: number, body: unknown, requestMac?: string, extra: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra };
    // An answer before the body was read (a refusal): read a bounded rest of it, then close.
    if (hasBody(res.req) && !res.req.complete) discardThenClose(res.req);
    if (requestMac) headers[ANSWER_MAC_HEADER] = answerMac(opts.token, requestMac, status, text);
    res.writeHead(status, headers);
    res.end(text);
  }

  function peer(req: IncomingMessage): string {
    return `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
  }

  /** Answers 413 for a body over `limit` bytes (the rest of it is not read: json() closes the connection). */
  function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): undefined {
    const what = limit === 0 ? `${req.method} ${new URL(req.url ?? '/', 'http://relay').pathname} takes no body` : `over ${limit} bytes`;
    log(`relay: refused a ${req.headers['content-length'] ?? 'chunked'}-byte body from ${peer(req)}: ${what} (413)`);
    json(res, 413, { error: limit === 0 ? `${what}` : `message body ${what}` });
    return undefined;
  }

  /**
   * Reads the body, or undefined (after a 413 answer) when it is over `maxBody`. Not
   * `for await`: leaving that loop destroys the request, and with it the socket before
   * the corked 413 is written (the client saw a reset, no answer). The answer's
   * discardThenClose() takes the rest.
   */
  /**
   * After an answer given with the request's body still arriving: reads and discards at
   * most LINGER_BYTES more of it (or for LINGER_MS), then closes the connection. Closing
   * at once (`connection: close`) reset a connection the client was still writing to,
   * and the client's next write failed on that reset before it read the answer: it saw
   * "closed without an answer", not the 413 (in CI, a chunked 100 MiB POST). nginx's
   * lingering close, for the same reason. A body that ends within the bound leaves the
   * connection open for the next request, as HTTP/1.1 allows.
   */
  function discardThenClose(req: IncomingMessage): void {
    let left = LINGER_BYTES;
    const close = () => {
      clearTimeout(timer);
      req.socket.destroy();
    };
    const timer = setTimeout(close, LINGER_MS);
    timer.unref();
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      left -= chunk.length;
      if (left <= 0) close();
    });
    req.on('end', () => clearTimeout(timer));
    req.resume();
  }

  function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBody) return void chunks.push(chunk);
        req.off('data', onData).off('end', onEnd);
        resolve(tooLarge(req, res, maxBody));
      };
      const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
      req.on('data', onData).on('end', onEnd).on('error', reject);
    });
  }

  async function onMessages(req: IncomingMessage, res: ServerResponse, arrivedMono: number, signed: { nonce: string; mac: string } | undefined): Promise<void> {
    const text = await readBody(req, res);
    if (text === undefined) return;
    if (signed && !verifyRequest(opts.token, signed, 'POST', req.url ?? '', text)) return unauthorized(req, res, 'POST', 'wrong token (the request signature does not match)');
    const reqMac = signed?.mac;
    let msgs: WorkerMessage[];
    try {
      const raw = JSON.parse(text) as unknown;
      msgs = (Array.isArray(raw) ? raw : [raw]).map(parseWorkerMessage);
    } catch (err) {
      const why = err instanceof SyntaxError ? `not JSON: ${err.message}` : (err as Error).message;
      log(`relay: bad request from ${peer(req)}: ${why}`);
      return json(res, 400, { error: why }, reqMac);
    }
    for (const msg of msgs) {
      let verdict;
      try {
        verdict = handler!(msg, performance.now() - arrivedMono);
      } catch (err) {
        // A well-formed message the coordinator cannot use (e.g. an undecodable histogram) is the sender's fault.
        log(`relay: bad message from worker '${msg.workerId}' (${peer(req)}): ${(err as Error).message}`);
        return json(res, 400, { error: `invalid ${msg.type} message: ${(err as Error).message}` }, reqMac);
      }
      if (verdict && 'refuse' in verdict) {
        log(`relay: refused worker '${msg.workerId}' (${peer(req)}): ${verdict.refuse}`);
        return json(res, 409, { refused: verdict.refuse }, reqMac);
      }
      if (msg.type === 'register') registered.add(msg.workerId);
    }
    json(res, 200, { ok: true }, reqMac);
  }

  function unauthorized(req: IncomingMessage, res: ServerResponse, method: string, why: string): void {
    log(`relay: refused ${method} ${new URL(req.url ?? '/', 'http://relay').pathname} from ${peer(req)}: ${why} (401)`);
    json(res, 401, { error: 'missing or wrong bearer token' }, undefined, { 'www-authenticate': 'Bearer realm="loadtest relay"' });
  }

  function onCommands(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, reqMac: string | undefined): void {
    const workerId = query.get('worker') ?? '';
    const after = Number(query.get('after') ?? '0');
    if (!workerId || !Number.isInteger(after) || after < 0) return json(res, 400, { error: 'need ?worker=ID&after=SEQ' });
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    let sent = after;
    const pump = () => {
      const pending = queues.since(workerId, sent);
      if (pending.length === 0) return;
      const line = (p: { seq: number; cmd: Command }) => {
        if (!reqMac) return JSON.stringify(p);
        const cmdJson = JSON.stringify(p.cmd);
        return `{"seq":${p.seq},"mac":"${commandMac(opts.token, reqMac, p.seq, cmdJson)}","cmd":${cmdJson}}`;
      };
      res.write(pending.map(line).join('\n') + '\n');
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

  async function onMetrics(res: ServerResponse): Promise<void> {
    if (!opts.metrics) return json(res, 404, { error: 'no route GET /metrics' });
    const m = await opts.metrics();
    res.writeHead(200, { 'content-type': m.contentType });
    res.end(m.body);
  }

  type Handler = (req: IncomingMessage, res: ServerResponse, u: URL, arrivedMono: number, signed: { nonce: string; mac: string } | undefined) => Promise<void> | void;
  /** The router: every route, its body limit and its handler (`routes` lists this table). */
  const table: (RelayRoute & { handle: Handler })[] = [
    { method: 'POST', path: '/v1/messages', maxBodyBytes: maxBody, handle: (req, res, _u, arrived, signed) => onMessages(req, res, arrived, signed) },
    { method: 'GET', path: '/v1/commands', maxBodyBytes: 0, handle: (req, res, u, _a, signed) => onCommands(req, res, u.searchParams, signed?.mac) },
    { method: 'GET', path: '/metrics', maxBodyBytes: 0, handle: (_req, res) => onMetrics(res) },
  ];

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedMono = performance.now();
    const u = new URL(req.url ?? '/', 'http://relay');
    const r = table.find((x) => x.method === req.method && x.path === u.pathname);
    // Sizes first: a declared length over the limit is refused before anything is read, token or not.
    const limit = r?.maxBodyBytes ?? 0;
    if (Number(req.headers['content-length'] ?? 0) > limit || (limit === 0 && hasBody(req))) return tooLarge(req, res, limit);
    const signed = parseSignedAuth(req.headers.authorization);
    if (!signed && !tokenMatches(opts.token, bearerOf(req.headers.authorization))) return unauthorized(req, res, req.method ?? '?', req.headers.authorization ? 'wrong token' : 'no token');
    // A POST's signature covers its body: checked once it is read (onMessages).
    if (signed && req.method !== 'POST' && !verifyRequest(opts.token, signed, req.method ?? '', req.url ?? '')) return unauthorized(req, res, req.method ?? '?', 'wrong token (the request signature does not match)');
    if (!r) return json(res, 404, { error: `no route ${req.method} ${u.pathname}` });
    return r.handle(req, res, u, arrivedMono, signed);
  }

  const relay: HttpRelayServer = {
    caps: LIVE_CAPS,
    token: opts.token,
    routes: table.map(({ method, path, maxBodyBytes }) => ({ method, path, maxBodyBytes })),
    get url() {
      return url;
    },
    async start(h) {
      if (server) throw new LtError('LT_ERR_INTERNAL', 'relay already started');
      handler = h;
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        route(req, res).catch((err: unknown) => {
          log(`relay: internal error on ${req.method} ${req.url}: ${(err as Error).message}`);
          if (!res.headersSent) json(res, 500, { error: (err as Error).message });
          else res.destroy();
        });
      };
      try {
        server = opts.tls ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : createServer(onRequest);
      } catch (err) {
        throw new LtError('LT_ERR_USAGE', `the relay's TLS certificate or key is not usable: ${(err as Error).message}`, { cause: err });
      }
      server.keepAliveTimeout = 5000;
      server.on(opts.tls ? 'secureConnection' : 'connection', (s: Socket) => {
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
      url = `${opts.tls ? 'https' : 'http'}://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
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

/**
 * HTTP on the hot path: undici `dispatch()` with a raw handler. research/perf.md
 * measured ~12 µs CPU per request for dispatch() against ~15 µs for request() +
 * body.text() on this kind of machine, because it skips promises and body streams.
 * Response bodies are kept only when a check or extractor needs them, and only up
 * to a cap; otherwise they are counted and dropped chunk by chunk.
 *
 * The per-VU Client, batched close and handler class below are what brought
 * `npm run bench -- rss` (10,000 VUs, 5 s think time, per_vu) from 382 to 229 MB max
 * RSS and `npm run bench -- journey` from 33 % to 8.8 % slower than a plain step
 * (README, Performance).
 */
import { Agent, Client, buildConnector, type Dispatcher } from 'undici';
import type { ErrorClass } from '../metrics/types.js';
import { monoMs } from './clock.js';

/** One request, ready to send (templating already applied). */
export interface HttpRequest {
  origin: string;
  /** Path with query string. */
  path: string;
  method: string;
  headers: Record<string, string>;
  /** A Buffer when the step's body is static (encoded once, compile.ts staticBody). */
  body?: string | Buffer;
  timeoutMs: number;
  /** Keep up to this many body bytes as text (0 = count and drop). */
  keepBodyBytes: number;
  /**
   * Which response headers to parse: `all` (checks, extractors), `session` (only
   * set-cookie and location, for cookies and redirects), `none`.
   */
  wantHeaders: 'all' | 'session' | 'none';
}

/** What came back, or why nothing did. Times are monotonic ms. */
export interface HttpOutcome {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  bodyTruncated: boolean;
  bytesIn: number;
  bytesOut: number;
  sentAtMs: number;
  headersAtMs: number;
  endAtMs: number;
  errorClass?: ErrorClass;
  errorMessage?: string;
  /** True when the request was cut by the run stopping (not a measurement). */
  interrupted: boolean;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Maps a transport error to an error class (DESIGN.md error classes). */
export function classifyError(err: unknown): ErrorClass {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (NETWORK_CODES.has(code)) return 'network';
  return 'client';
}

function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code;
  const msg = e?.message || e?.cause?.message || String(err);
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}

/** Status → error class, or undefined for a success. */
export function statusClass(status: number): ErrorClass | undefined {
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return undefined;
}

/**
 * Raw header pairs → object with lower-case names. In `session` mode only set-cookie
 * and location are decoded (their lengths, 10 and 8, and one byte are checked before
 * any string is made), which keeps the common no-cookie response allocation-free.
 */
function parseRawHeaders(raw: Buffer[], sessionOnly: boolean): Record<string, string | string[]> | undefined {
  let out: Record<string, string | string[]> | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const len = raw[i].length;
    if (sessionOnly) {
      // `Connection` is also 10 bytes long: look at the 4th byte ('-' of set-cookie,
      // 't' of location) before making a string.
      if (len === 10 ? raw[i][3] !== 0x2d : len !== 8 || (raw[i][3] | 0x20) !== 0x61) continue;
    }
    const name = raw[i].toString('latin1').toLowerCase();
    if (sessionOnly && name !== 'set-cookie' && name !== 'location') continue;
    out ??= {};
    const value = raw[i + 1].toString('latin1');
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  return out;
}

/** Rough size of the request head on the wire, for bytes_out. */
function headBytes(req: HttpRequest): number {
  let n = req.method.length + req.path.length + 12 + req.origin.length;
  for (const k in req.headers) n += k.length + req.headers[k].length + 4;
  return n;
}

/**
 * Anything a request can be sent through: an undici Dispatcher (the shared Agent) or
 * a VU's own Client.
 */
export type Sender = Pick<Dispatcher, 'dispatch'>;

/** Lets the caller cut the request in flight (hard stop). */
export interface InFlightSlot {
  inFlight: Exchange | undefined;
}

/**
 * One request/response exchange: the undici handler and the outcome it fills. A class
 * rather than a handler literal with closures over locals: one object per request
 * instead of six, which matters at 10,000 VUs (issue 2) and on the hot path (issue 3).
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly out: HttpOutcome;
  private readonly keepBodyBytes: number;
  private readonly wantHeaders: HttpRequest['wantHeaders'];
  private readonly slot: InFlightSlot | undefined;
  private resolve: ((out: HttpOutcome) => void) | undefined;
  /** Body parts kept so far; most bodies arrive in one chunk, kept without a copy. */
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  private kept = 0;
  private abortFn: ((err: Error) => void) | undefined;
  private stopped = false;
  /**
   * `timeout` is a deadline for the whole exchange (issue 16, point 6): undici's
   * headersTimeout/bodyTimeout are idle timers, so a server dripping a byte a second
   * or sending an endless body never tripped them. Checked as headers and each body
   * chunk arrive, and — for a body that has started and then goes silent — by one
   * sweep over the exchanges in their body every SWEEP_MS (no timer per request on the
   * hot path), so an exchange ends by timeout + SWEEP_MS at the latest.
   */
  private readonly deadlineMs: number;
  private readonly timeoutMs: number;
  private timedOut = false;
  /** Links of the body sweep's list (see inBody). */
  sweepLinked = false;
  sweepPrev: Exchange | undefined = undefined;
  sweepNext: Exchange | undefined = undefined;

  constructor(req: HttpRequest, slot: InFlightSlot | undefined, resolve: (out: HttpOutcome) => void) {
    this.keepBodyBytes = req.keepBodyBytes;
    this.wantHeaders = req.wantHeaders;
    this.slot = slot;
    this.resolve = resolve;
    this.out = {
      status: 0,
      headers: undefined,
      body: undefined,
      bodyTruncated: false,
      bytesIn: 0,
      bytesOut: headBytes(req) + (req.body === undefined ? 0 : Buffer.byteLength(req.body)),
      sentAtMs: monoMs(),
      headersAtMs: 0,
      endAtMs: 0,
      errorClass: undefined,
      errorMessage: undefined,
      interrupted: false,
    };
    this.timeoutMs = req.timeoutMs;
    this.deadlineMs = this.out.sentAtMs + req.timeoutMs;
  }

  /** Cuts the exchange as a timeout once its deadline has passed. */
  private overDeadline(nowMs: number): boolean {
    if (nowMs <= this.deadlineMs || this.abortFn === undefined) return false;
    this.timedOut = true;
    this.abortFn(new Error(`no complete response within the ${this.timeoutMs} ms timeout (headers and body)`));
    return true;
  }

  /** Cuts the request if it is on a connection (a no-op before that, as before). */
  interrupt(): void {
    if (this.abortFn === undefined) return;
    this.stopped = true;
    this.abortFn(new Error('interrupted by stop'));
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortFn = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    const out = this.out;
    out.headersAtMs = monoMs();
    out.status = statusCode;
    if (this.overDeadline(out.headersAtMs)) return true; // aborted: onError follows
    inBody.watch(this);
    let hb = 0;
    for (let i = 0; i < rawHeaders.length; i++) hb += rawHeaders[i].length + 2;
    out.bytesIn += hb + 15;
    if (this.wantHeaders !== 'none') out.headers = parseRawHeaders(rawHeaders, this.wantHeaders === 'session');
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.out.bytesIn += chunk.length;
    if (this.overDeadline(monoMs())) return true;
    if (this.keepBodyBytes > 0) {
      const room = this.keepBodyBytes - this.kept;
      if (room > 0) {
        const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
        if (this.first === undefined) this.first = part;
        else (this.rest ??= [this.first]).push(part);
        this.kept += part.length;
      }
      if (chunk.length > room) this.out.bodyTruncated = true;
    }
    return true;
  }

  onComplete(): void {
    this.finish();
  }

  onError(err: Error): void {
    const out = this.out;
    if (this.stopped) out.interrupted = true;
    else if (this.timedOut) {
      out.errorClass = 'timeout';
      out.errorMessage = err.message;
    } else {
      out.errorClass = classifyError(err);
      out.errorMessage = errorText(err);
    }
    if (!out.headersAtMs) out.headersAtMs = monoMs();
    this.finish();
  }

  /** The body sweep's check (see deadlineMs). */
  sweep(nowMs: number): void {
    this.overDeadline(nowMs);
  }

  private finish(): void {
    const resolve = this.resolve;
    if (resolve === undefined) return;
    this.resolve = undefined;
    inBody.unwatch(this);
    if (this.slot !== undefined && this.slot.inFlight === this) this.slot.inFlight = undefined;
    this.abortFn = undefined;
    const out = this.out;
    out.endAtMs = monoMs();
    if (this.keepBodyBytes > 0 && out.status !== 0) { // a response arrived (status is set with its headers)
      // Single-chunk bodies (the common case) are decoded in place: no concat copy.
      out.body = this.rest ? Buffer.concat(this.rest, this.kept).toString('utf8') : this.first ? this.first.toString('utf8') : '';
    }
    this.first = this.rest = undefined;
    resolve(out);
  }
}

/** How often exchanges in their body are checked against their deadline. */
export const SWEEP_MS = 50;

/**
 * The exchanges whose headers have arrived and whose body has not ended, swept every
 * SWEEP_MS while there are any: a server that sends part of a body and then goes silent
 * is cut at its deadline, not only after undici's idle timer (another `timeout`) runs out.
 * An intrusive doubly linked list through the exchanges (`sweepPrev`/`sweepNext`): a
 * Set's add/delete per request was 3 % of all samples (8 % of busy CPU) in a profile of
 * the closed-model bench; linking is a few field writes, no hashing, no allocation.
 */
const inBody = new (class BodySweep {
  private head: Exchange | undefined;
  private timer: NodeJS.Timeout | undefined;
  watch(ex: Exchange): void {
    if (ex.sweepLinked) return;
    ex.sweepLinked = true;
    ex.sweepPrev = undefined;
    ex.sweepNext = this.head;
    if (this.head !== undefined) this.head.sweepPrev = ex;
    this.head = ex;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), SWEEP_MS);
      this.timer.unref();
    }
  }
  unwatch(ex: Exchange): void {
    if (!ex.sweepLinked) return;
    ex.sweepLinked = false;
    const { sweepPrev: prev, sweepNext: next } = ex;
    if (prev !== undefined) prev.sweepNext = next;
    else this.head = next;
    if (next !== undefined) next.sweepPrev = prev;
    ex.sweepPrev = ex.sweepNext = undefined;
  }
  private sweep(): void {
    const now = monoMs();
    // An exchange cut here unlinks itself (finish → unwatch): read its successor first.
    for (let e = this.head; e !== undefined; ) {
      const next = e.sweepNext;
      e.sweep(now);
      e = next;
    }
    if (this.head === undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
})();

/**
 * Sends one request through `sender` and resolves with its outcome. Never rejects:
 * transport failures become error classes. While the request is in flight,
 * `slot.inFlight` holds it, so the caller can cut it at a hard stop.
 */
export function send(sender: Sender, req: HttpRequest, slot?: InFlightSlot): Promise<HttpOutcome> {
  return new Promise<HttpOutcome>((resolve) => {
    const ex = new Exchange(req, slot, resolve);
    if (slot !== undefined) slot.inFlight = ex;
    try {
      sender.dispatch(
        {
          origin: req.origin,
          path: req.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
          blocking: false,
        },
        ex,
      );
    } catch (err) {
      ex.onError(err as Error);
    }
  });
}

/** Options for the dispatchers a run creates. */
export interface DispatcherOptions {
  connectTimeoutMs: number;
  insecure: boolean;
}

const KEEP_ALIVE = { pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 } as const;
/** Per-VU clients share these (undici would make two empty option objects per client). */
const CLIENT_EXTRAS = { webSocket: Object.freeze({}), eventSource: Object.freeze({}) };

/** The shared keep-alive pool (`http.connections: shared`): any number of connections per origin. */
export function createSharedDispatcher(opts: DispatcherOptions): Agent {
  return new Agent({ ...KEEP_ALIVE, connections: null, connect: { timeout: opts.connectTimeoutMs, rejectUnauthorized: !opts.insecure } });
}

/**
 * Per-VU connections (`http.connections: per_vu`, the default): one undici Client —
 * one keep-alive connection — per VU and origin, made on the VU's first request there.
 *
 * Memory (issue 2, `npm run bench -- rss`, 10,000 VUs): an Agent per VU wrapping that
 * Client cost ~2 KB more per VU (the Agent, its origin map and eight listener
 * closures, plus a connector with its own TLS session cache). Plain-HTTP clients now
 * share one connector (no TLS state to keep apart); an https client still gets its
 * own, so each VU resumes only its own TLS sessions, as a browser would.
 */
export class VuClients {
  private readonly tls: { timeout: number; rejectUnauthorized: boolean };
  private readonly plainConnect: buildConnector.connector;
  /** One URL per origin, shared by its Clients (undici keeps the URL it is given). */
  private readonly origins = new Map<string, URL>();
  private readonly live = new Set<Client>();
  /** Clients waiting to be destroyed, and how many are being destroyed now. */
  private readonly closing: Client[] = [];
  private closingNow = 0;
  private drained: (() => void)[] = [];
  private readonly onDestroyed = () => {
    this.closingNow--;
    this.pump();
  };

  constructor(opts: DispatcherOptions) {
    this.tls = { timeout: opts.connectTimeoutMs, rejectUnauthorized: !opts.insecure };
    this.plainConnect = buildConnector(this.tls);
  }

  /** Warm Clients (opened by the warm-up, idle) by origin, handed out first. */
  private readonly warm = new Map<string, Client[]>();

  /** A Client for `origin` (an URL origin, e.g. `http://127.0.0.1:8080`): a warm one if any, else a new one. */
  create(origin: string): Client {
    const w = this.warm.get(origin);
    if (w !== undefined && w.length > 0) return w.pop()!;
    return this.open(origin);
  }

  /** Keeps a warmed-up Client for the next create() of its origin. */
  keepWarm(c: Client, origin: string): void {
    if (!this.live.has(c)) return;
    let w = this.warm.get(origin);
    if (w === undefined) this.warm.set(origin, (w = []));
    w.push(c);
  }

  /** A new Client for `origin`, never a warm one (the warm-up opens these). */
  open(origin: string): Client {
    let url = this.origins.get(origin);
    if (url === undefined) this.origins.set(origin, (url = new URL(origin)));
    const connect = url.protocol === 'https:' ? buildConnector(this.tls) : this.plainConnect;
    const c = new Client(url, { ...KEEP_ALIVE, ...CLIENT_EXTRAS, connect });
    this.live.add(c);
    return c;
  }

  /**
   * Destroys one client (a VU leaving), in the background: at most CLOSE_AT_ONCE at a
   * time. At the end of a run all VUs leave in the same tick; destroying 10,000
   * sockets at once (undici makes an Error with a stack trace for each) raised max
   * RSS by ~50 MB, the run's peak (issue 2). destroyAll() waits for the queue.
   */
  destroy(c: Client): void {
    if (!this.live.delete(c)) return;
    this.closing.push(c);
    this.pump();
  }

  private pump(): void {
    while (this.closingNow < CLOSE_AT_ONCE && this.closing.length) {
      this.closingNow++;
      this.closing.pop()!.destroy(null, this.onDestroyed);
    }
    if (this.closingNow === 0 && this.drained.length) for (const w of this.drained.splice(0)) w();
  }

  /** Destroys every client still open and waits until all are closed (end of run). Idempotent. */
  destroyAll(): Promise<void> {
    this.warm.clear();
    for (const c of this.live) this.closing.push(c);
    this.live.clear();
    if (this.closingNow === 0 && this.closing.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained.push(resolve);
      this.pump();
    });
  }
}

/** How many per-VU clients are destroyed concurrently (see VuClients.destroy). */
const CLOSE_AT_ONCE = 64;

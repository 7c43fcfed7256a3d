/**
 * HTTP on the hot path: undici `dispatch()` with a raw handler. research/perf.md
 * measured ~12 µs CPU per request for dispatch() against ~15 µs for request() +
 * body.text() on this kind of machine, because it skips promises and body streams.
 * Response bodies are kept only when a check or extractor needs them, and only up
 * to a cap; otherwise they are counted and dropped chunk by chunk.
 */
import { Agent, type Dispatcher } from 'undici';
import type { ErrorClass } from '../metrics/types.js';
import { monoMs } from './clock.js';

/** One request, ready to send (templating already applied). */
export interface HttpRequest {
  origin: string;
  /** Path with query string. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
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
 * and location are decoded (their lengths, 10 and 8, are checked before any string
 * is made), which keeps the common no-cookie response allocation-free.
 */
function parseRawHeaders(raw: Buffer[], sessionOnly: boolean): Record<string, string | string[]> | undefined {
  let out: Record<string, string | string[]> | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const len = raw[i].length;
    if (sessionOnly && len !== 10 && len !== 8) continue;
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
 * Sends one request through `dispatcher` and resolves with its outcome. Never
 * rejects: transport failures become error classes. `register` receives an abort
 * function the caller may use to cut the request at a hard stop.
 */
export function send(dispatcher: Dispatcher, req: HttpRequest, register?: (abort: (() => void) | undefined) => void): Promise<HttpOutcome> {
  return new Promise<HttpOutcome>((resolve) => {
    const bodyLen = req.body === undefined ? 0 : Buffer.byteLength(req.body);
    const out: HttpOutcome = {
      status: 0,
      bodyTruncated: false,
      bytesIn: 0,
      bytesOut: headBytes(req) + bodyLen,
      sentAtMs: monoMs(),
      headersAtMs: 0,
      endAtMs: 0,
      interrupted: false,
    };
    let chunks: Buffer[] | undefined;
    let kept = 0;
    let settled = false;
    let stopped = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      register?.(undefined);
      out.endAtMs = monoMs();
      if (chunks) out.body = Buffer.concat(chunks, kept).toString('utf8');
      resolve(out);
    };
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        register?.(() => {
          stopped = true;
          abort(new Error('interrupted by stop'));
        });
      },
      onHeaders(statusCode, rawHeaders, _resume, _statusText) {
        out.headersAtMs = monoMs();
        out.status = statusCode;
        let hb = 0;
        for (let i = 0; i < rawHeaders.length; i++) hb += rawHeaders[i].length + 2;
        out.bytesIn += hb + 15;
        if (req.wantHeaders !== 'none') out.headers = parseRawHeaders(rawHeaders as Buffer[], req.wantHeaders === 'session');
        if (req.keepBodyBytes > 0) chunks = [];
        return true;
      },
      onData(chunk) {
        out.bytesIn += chunk.length;
        if (chunks) {
          const room = req.keepBodyBytes - kept;
          if (room > 0) {
            const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
            chunks.push(part);
            kept += part.length;
          }
          if (chunk.length > room) out.bodyTruncated = true;
        }
        return true;
      },
      onComplete() {
        finish();
      },
      onError(err) {
        if (stopped) out.interrupted = true;
        else {
          out.errorClass = classifyError(err);
          out.errorMessage = errorText(err);
        }
        if (!out.headersAtMs) out.headersAtMs = monoMs();
        finish();
      },
    };
    try {
      dispatcher.dispatch(
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
        handler,
      );
    } catch (err) {
      handler.onError!(err as Error);
    }
  });
}

/** Options for the dispatchers a run creates. */
export interface DispatcherOptions {
  connectTimeoutMs: number;
  insecure: boolean;
}

/** Creates a keep-alive dispatcher: `perVu` → at most one connection per origin. */
export function createDispatcher(opts: DispatcherOptions, perVu: boolean): Agent {
  return new Agent({
    connections: perVu ? 1 : null,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connect: { timeout: opts.connectTimeoutMs, rejectUnauthorized: !opts.insecure },
  });
}

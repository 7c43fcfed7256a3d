/**
 * Response and request helpers shared by the demo target's routes (target.ts) and
 * its shop (shop.ts). Every body is written with Content-Type and Content-Length so
 * clients never fall back to chunked framing on the hot path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the demo target keeps (bytes); the rest is read and dropped. */
export const MAX_REQUEST_BODY_BYTES = 1 << 20;

/** Sends `body` (a JSON string as-is, anything else stringified) as application/json. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends a plain-text body. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Reads a request body as UTF-8, keeping at most `maxBytes` (the rest is consumed and
 * dropped so the connection stays usable). A broken upload resolves with what arrived:
 * the response to a dead socket goes nowhere anyway.
 */
export function readBody(req: IncomingMessage, maxBytes = MAX_REQUEST_BODY_BYTES): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (c: Buffer) => {
      if (kept >= maxBytes) return;
      const part = kept + c.length > maxBytes ? c.subarray(0, maxBytes - kept) : c;
      kept += part.length;
      chunks.push(part);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Parses JSON into a plain object; anything else (bad JSON, arrays, scalars) is `{}`. */
export function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The request's cookies by name (first one wins, as RFC 6265 §5.4 orders them most specific first). */
export function requestCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (name && !(name in out)) out[name] = part.slice(i + 1).trim();
  }
  return out;
}

/**
 * A numeric query parameter clamped to [min, max]; absent or not a number gives `dflt`.
 * Load tests send these thousands of times a second, so bad values degrade to the
 * default rather than erroring.
 */
export function numParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return dflt;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.min(Math.max(min, n), max) : dflt;
}

/** A route: answers now (void) or later (a promise). */
export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Wraps a route so a throw or rejection becomes a 500 JSON answer (or a destroyed
 * socket once headers went out) instead of an uncaught exception that would take
 * the whole target — and the load test using it — down. `report` hears about it.
 */
export function guardRoute(route: Route, report?: (req: IncomingMessage, err: unknown) => void): (req: IncomingMessage, res: ServerResponse) => void {
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    report?.(req, err);
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { error: 'demo target internal error' });
  };
  return (req, res) => {
    try {
      const pending = route(req, res);
      if (pending) pending.catch((err: unknown) => fail(req, res, err));
    } catch (err) {
      fail(req, res, err);
    }
  };
}

/**
 * The demo shop (`/shop/*`): enforces what a real shop does, so a journey has to
 * behave like a person — a URL hammer fails here.
 *
 * - `GET /shop/login` serves an HTML form whose hidden `csrf` input is bound to a
 *   pre-session cookie `pre` (HttpOnly, Path=/shop).
 * - `POST /shop/login` (form-encoded or JSON: username, password, csrf) needs the
 *   pre-session and its token (403 otherwise) and valid credentials (401 otherwise):
 *   `demo`/`demo`, or `userN`/`passN` for N in 1..1000. It answers 200
 *   `{user, csrf}` and sets `sid` (HttpOnly, Path=/shop); the session id is new
 *   (no fixation) and keeps the form's CSRF token.
 * - `GET /shop/products` → `{items: [{id, name, price}]}`; 401 without a session.
 * - `POST /shop/cart` (JSON `{product_id, qty}`) → 201 `{cart_id, items}` and
 *   `POST /shop/checkout` → 200 `{order_id, total}` (409 on an empty cart); both
 *   401 without a session and 403 unless `X-CSRF-Token` equals the session's token.
 * - `GET /shop/logout` ends the session (idempotent).
 *
 * Sessions live in memory, capped at MAX_SESSIONS with least-recently-used eviction,
 * so a long load test that logs in millions of times cannot exhaust memory.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonObject, readBody, requestCookies, sendJson } from './respond.js';

interface Session {
  /** Set once logged in; a pre-session (login form served) has none. */
  user?: string;
  csrf: string;
  cartId?: string;
  cart: { product_id: number; qty: number }[];
}

/** The catalogue: ids 101..110. */
export const PRODUCTS: readonly { id: number; name: string; price: number }[] = Array.from({ length: 10 }, (_, i) => ({ id: 101 + i, name: `Widget ${i + 1}`, price: 5 + i * 2.5 }));
const PRODUCTS_JSON = JSON.stringify({ items: PRODUCTS });
const PRICE_BY_ID = new Map(PRODUCTS.map((p) => [p.id, p.price]));

/** Most sessions (pre-sessions included) kept at once. */
export const MAX_SESSIONS = 100_000;
const MAX_QTY = 1_000;

/** Methods each shop path answers; anything else is 405 (known path) or 404. */
const ROUTES: Record<string, string> = {
  '/shop/login': 'GET, POST',
  '/shop/products': 'GET',
  '/shop/cart': 'POST',
  '/shop/checkout': 'POST',
  '/shop/logout': 'GET',
};

/** True for the demo's accounts: demo/demo and user1..user1000 with pass1..pass1000. */
export function validCredentials(user: string, pass: string): boolean {
  if (user === 'demo') return pass === 'demo';
  const m = /^user([1-9]\d{0,3})$/.exec(user);
  return m !== null && Number(m[1]) <= 1000 && pass === `pass${m[1]}`;
}

const token = () => randomBytes(16).toString('hex');

/** One shop; each demo target owns one (sessions are per target instance). */
export class Shop {
  private readonly sessions = new Map<string, Session>();
  private orders = 0;
  private readonly maxSessions: number;

  /** `maxSessions` is for tests of eviction; the default suits a long load test. */
  constructor(opts: { maxSessions?: number } = {}) {
    this.maxSessions = opts.maxSessions ?? MAX_SESSIONS;
  }

  /** Sessions currently held (pre-sessions included). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private create(s: Session): string {
    // A Map iterates in insertion order, and lookups re-insert (see find), so the
    // first key is the least recently used one.
    if (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    const id = token();
    this.sessions.set(id, s);
    return id;
  }

  private find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (s) {
      this.sessions.delete(id);
      this.sessions.set(id, s);
    }
    return s;
  }

  /** Handles a request whose path starts with /shop/. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const allowed = ROUTES[path];
    if (!allowed) return sendJson(res, 404, { error: `no route ${req.method} ${path}` });
    if (!allowed.split(', ').includes(req.method ?? '')) return sendJson(res, 405, { error: `${path} allows ${allowed}` }, { allow: allowed });
    const cookies = requestCookies(req);
    if (path === '/shop/login') return req.method === 'GET' ? this.loginForm(res) : this.login(req, res, cookies);
    if (path === '/shop/logout') {
      if (cookies.sid) this.sessions.delete(cookies.sid);
      return sendJson(res, 200, { ok: true }, { 'set-cookie': 'sid=; Path=/shop; Max-Age=0; HttpOnly' });
    }
    const session = this.find(cookies.sid);
    if (!session?.user) return sendJson(res, 401, { error: 'not logged in (no valid sid cookie; POST /shop/login first)' });
    if (path === '/shop/products') return sendJson(res, 200, PRODUCTS_JSON);
    const body = parseJsonObject(await readBody(req));
    if (req.headers['x-csrf-token'] !== session.csrf) return sendJson(res, 403, { error: 'missing or wrong X-CSRF-Token header' });
    if (path === '/shop/cart') {
      const id = Number(body.product_id);
      if (!PRICE_BY_ID.has(id)) return sendJson(res, 400, { error: `no product ${JSON.stringify(body.product_id ?? null)} (ids are 101..110)` });
      const qty = Math.min(MAX_QTY, Math.max(1, Math.floor(Number(body.qty)) || 1));
      // Bounded: a cart that grows forever under a load test would be a memory leak.
      if (session.cart.length >= 100) session.cart.shift();
      session.cart.push({ product_id: id, qty });
      session.cartId ??= token().slice(0, 12);
      return sendJson(res, 201, { cart_id: session.cartId, items: session.cart });
    }
    if (session.cart.length === 0) return sendJson(res, 409, { error: 'the cart is empty (POST /shop/cart first)' });
    const cents = session.cart.reduce((a, i) => a + i.qty * Math.round(PRICE_BY_ID.get(i.product_id)! * 100), 0);
    session.cart = [];
    session.cartId = undefined;
    return sendJson(res, 200, { order_id: ++this.orders, total: cents / 100 });
  }

  private loginForm(res: ServerResponse): void {
    const csrf = token();
    const pre = this.create({ csrf, cart: [] });
    const html =
      '<!doctype html><html><head><title>Demo shop: log in</title></head><body>' +
      '<form method="post" action="/shop/login">' +
      `<input type="hidden" name="csrf" value="${csrf}">` +
      '<label>User <input name="username"></label><label>Password <input name="password" type="password"></label>' +
      '<button type="submit">Log in</button></form></body></html>';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'set-cookie': `pre=${pre}; Path=/shop; HttpOnly; SameSite=Lax` });
    res.end(html);
  }

  private async login(req: IncomingMessage, res: ServerResponse, cookies: Record<string, string>): Promise<void> {
    const text = await readBody(req);
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    const form: Record<string, unknown> = isJson ? parseJsonObject(text) : Object.fromEntries(new URLSearchParams(text));
    const pre = this.find(cookies.pre);
    if (!pre || pre.user !== undefined || typeof form.csrf !== 'string' || form.csrf !== pre.csrf) {
      return sendJson(res, 403, { error: 'missing or wrong CSRF token (GET /shop/login first and send its csrf field with the pre cookie)' });
    }
    const user = String(form.username ?? '');
    if (!validCredentials(user, String(form.password ?? ''))) return sendJson(res, 401, { error: 'wrong username or password' });
    this.sessions.delete(cookies.pre);
    const sid = this.create({ user, csrf: pre.csrf, cart: [] });
    return sendJson(res, 200, { user, csrf: pre.csrf }, { 'set-cookie': [`sid=${sid}; Path=/shop; HttpOnly; SameSite=Lax`, 'pre=; Path=/shop; Max-Age=0'] });
  }
}

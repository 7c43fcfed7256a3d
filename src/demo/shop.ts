/**
 * The demo shop: enforces what a real shop does, so journeys must behave like people.
 * GET /shop/login serves a form with a CSRF token bound to a pre-session cookie;
 * POST /shop/login (form or JSON) needs that token and valid credentials (demo/demo,
 * or userN/passN for N in 1..1000) and sets the `sid` session cookie (HttpOnly,
 * Path=/shop). Products need the session (401 without); cart and checkout also need
 * the session's token in X-CSRF-Token (403 when wrong). Sessions are capped (LRU).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './target.js';

interface Session {
  user?: string;
  csrf: string;
  cart: { product_id: number; qty: number }[];
}

const PRODUCTS = Array.from({ length: 10 }, (_, i) => ({ id: 101 + i, name: `Widget ${i + 1}`, price: 5 + i * 2.5 }));
const MAX_SESSIONS = 100_000;

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(/;\s*/)) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

function validUser(user: string, pass: string): boolean {
  if (user === 'demo') return pass === 'demo';
  const m = /^user(\d+)$/.exec(user);
  return Boolean(m && Number(m[1]) >= 1 && Number(m[1]) <= 1000 && pass === `pass${m[1]}`);
}

export class Shop {
  private readonly sessions = new Map<string, Session>();
  private orders = 0;

  private create(): [string, Session] {
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(12).toString('hex');
    const s: Session = { csrf: randomBytes(12).toString('hex'), cart: [] };
    this.sessions.set(id, s);
    return [id, s];
  }

  /** Handles /shop/* requests. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, _q: URLSearchParams): Promise<void> {
    const c = cookies(req);
    const route = `${req.method} ${path}`;
    if (route === 'GET /shop/login') {
      const [id, s] = this.create();
      const html = `<!doctype html><title>Login</title><form method="post" action="/shop/login"><input type="hidden" name="csrf" value="${s.csrf}"><input name="username"><input name="password" type="password"><button>Log in</button></form>`;
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html), 'set-cookie': `pre=${id}; Path=/shop; HttpOnly` });
      return void res.end(html);
    }
    if (route === 'POST /shop/login') {
      const text = await readBody(req);
      const form: Record<string, string> = (req.headers['content-type'] ?? '').includes('json') ? safeJson(text) : Object.fromEntries(new URLSearchParams(text));
      const pre = c.pre ? this.sessions.get(c.pre) : undefined;
      if (!pre || !form.csrf || form.csrf !== pre.csrf) return sendJson(res, 403, { error: 'missing or wrong CSRF token (GET /shop/login first)' });
      if (!validUser(String(form.username ?? ''), String(form.password ?? ''))) return sendJson(res, 401, { error: 'wrong username or password' });
      this.sessions.delete(c.pre);
      const [sid, s] = this.create();
      s.user = String(form.username);
      s.csrf = pre.csrf;
      return sendJson(res, 200, { user: s.user, csrf: s.csrf }, { 'set-cookie': [`sid=${sid}; Path=/shop; HttpOnly`, 'pre=; Path=/shop; Max-Age=0'] });
    }
    const session = c.sid ? this.sessions.get(c.sid) : undefined;
    if (!session?.user) return sendJson(res, 401, { error: 'not logged in (no valid sid cookie)' });
    if (route === 'GET /shop/products') return sendJson(res, 200, { items: PRODUCTS });
    if (route === 'GET /shop/logout') {
      this.sessions.delete(c.sid);
      return sendJson(res, 200, { ok: true }, { 'set-cookie': 'sid=; Path=/shop; Max-Age=0' });
    }
    if (req.method === 'POST' && (path === '/shop/cart' || path === '/shop/checkout')) {
      const body = safeJson(await readBody(req));
      if (req.headers['x-csrf-token'] !== session.csrf) return sendJson(res, 403, { error: 'wrong or missing X-CSRF-Token' });
      if (path === '/shop/cart') {
        const id = Number(body.product_id);
        if (!PRODUCTS.some((p) => p.id === id)) return sendJson(res, 400, { error: `no product ${body.product_id}` });
        session.cart.push({ product_id: id, qty: Math.max(1, Number(body.qty) || 1) });
        return sendJson(res, 201, { cart_id: c.sid.slice(0, 8), items: session.cart });
      }
      if (session.cart.length === 0) return sendJson(res, 409, { error: 'the cart is empty' });
      const total = session.cart.reduce((a, i) => a + i.qty * PRODUCTS.find((p) => p.id === i.product_id)!.price, 0);
      session.cart = [];
      return sendJson(res, 200, { order_id: ++this.orders, total });
    }
    return sendJson(res, 404, { error: `no route ${route}` });
  }
}

function safeJson(text: string): Record<string, string> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/**
 * The demo shop over real HTTP: a person's happy path with a real cookie jar, and
 * the 401/403/405/409 rules a URL hammer runs into.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PRODUCTS, Shop, validCredentials } from '../../src/demo/shop.js';
import { createCookieJar, type VuCookieJar } from '../../src/engine/cookies.js';
import { useDemoTarget } from './demo-client.js';

const demo = useDemoTarget();
const { call } = demo;

const CSRF_RE = /name="csrf" value="([^"]+)"/;
const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const jsonBody = (v: unknown, extra: Record<string, string> = {}) => ({ body: JSON.stringify(v), headers: { 'content-type': 'application/json', ...extra } });

/** Logs in through the form with a fresh jar; returns the jar and the CSRF token. */
async function login(user = 'demo', pass = 'demo'): Promise<{ jar: VuCookieJar; csrf: string }> {
  const jar = createCookieJar();
  const page = await call('/shop/login', { jar });
  const csrf = CSRF_RE.exec(page.text)![1];
  const r = await call('/shop/login', { method: 'POST', jar, ...form({ username: user, password: pass, csrf }) });
  assert.equal(r.status, 200, r.text);
  return { jar, csrf };
}

describe('the happy path, with a real cookie jar', () => {
  test('login form → login → products → cart → checkout → logout', async () => {
    const jar = createCookieJar();
    const page = await call('/shop/login', { jar });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(String(page.headers['set-cookie']), /^pre=[0-9a-f]+; Path=\/shop; HttpOnly/);
    const csrf = CSRF_RE.exec(page.text)?.[1];
    assert.ok(csrf && csrf.length >= 32, 'the form carries a random csrf token');

    const li = await call('/shop/login', { method: 'POST', jar, ...form({ username: 'demo', password: 'demo', csrf }) });
    assert.equal(li.status, 200);
    assert.deepEqual(li.json(), { user: 'demo', csrf });
    const setCookies = li.headers['set-cookie'] as string[];
    assert.ok(setCookies.some((c) => /^sid=[0-9a-f]+; Path=\/shop; HttpOnly/.test(c)), String(setCookies));
    assert.ok(jar.get('sid', `${demo.target().url}/shop/products`), 'the jar holds the session cookie');
    assert.equal(jar.get('pre', `${demo.target().url}/shop/products`), undefined, 'the pre-session cookie was deleted');
    assert.equal(jar.get('sid', `${demo.target().url}/api/users`), undefined, 'sid is scoped to /shop');

    const products = await call('/shop/products', { jar });
    assert.equal(products.status, 200);
    const items = products.json().items as { id: number; name: string; price: number }[];
    assert.equal(items.length, 10);
    assert.deepEqual(Object.keys(items[0]).sort(), ['id', 'name', 'price']);

    const c1 = await call('/shop/cart', { method: 'POST', jar, ...jsonBody({ product_id: items[0].id, qty: 2 }, { 'x-csrf-token': csrf }) });
    assert.equal(c1.status, 201);
    const c2 = await call('/shop/cart', { method: 'POST', jar, ...jsonBody({ product_id: String(items[3].id) }, { 'x-csrf-token': csrf }) });
    assert.equal(c2.status, 201);
    assert.equal(c2.json().cart_id, c1.json().cart_id);
    assert.deepEqual(c2.json().items, [
      { product_id: items[0].id, qty: 2 },
      { product_id: items[3].id, qty: 1 },
    ]);

    const out = await call('/shop/checkout', { method: 'POST', jar, ...jsonBody({ payment_method: 'card' }, { 'x-csrf-token': csrf }) });
    assert.equal(out.status, 200);
    assert.equal(out.json().total, items[0].price * 2 + items[3].price);
    assert.ok(Number.isInteger(out.json().order_id));

    const again = await call('/shop/checkout', { method: 'POST', jar, ...jsonBody({}, { 'x-csrf-token': csrf }) });
    assert.equal(again.status, 409, 'the cart is empty after checkout');

    assert.equal((await call('/shop/logout', { jar })).status, 200);
    assert.equal(jar.get('sid', `${demo.target().url}/shop/products`), undefined);
    assert.equal((await call('/shop/products', { jar })).status, 401);
  });

  test('JSON login and userN/passN accounts work', async () => {
    const jar = createCookieJar();
    const csrf = CSRF_RE.exec((await call('/shop/login', { jar })).text)![1];
    const r = await call('/shop/login', { method: 'POST', jar, ...jsonBody({ username: 'user42', password: 'pass42', csrf }) });
    assert.equal(r.status, 200);
    assert.equal(r.json().user, 'user42');
    assert.equal((await call('/shop/products', { jar })).status, 200);
    assert.equal(validCredentials('user1000', 'pass1000'), true);
    assert.equal(validCredentials('user1001', 'pass1001'), false);
    assert.equal(validCredentials('user0', 'pass0'), false);
    assert.equal(validCredentials('user07', 'pass07'), false);
    assert.equal(validCredentials('demo', 'nope'), false);
  });
});

describe('what the shop refuses', () => {
  test('login: 403 without the pre cookie, with a wrong or foreign token, or a reused form; 401 on bad credentials', async () => {
    const jar = createCookieJar();
    const csrf = CSRF_RE.exec((await call('/shop/login', { jar })).text)![1];
    const noCookie = await call('/shop/login', { method: 'POST', ...form({ username: 'demo', password: 'demo', csrf }) });
    assert.equal(noCookie.status, 403);
    assert.match(noCookie.json().error, /CSRF/);
    assert.equal((await call('/shop/login', { method: 'POST', jar, ...form({ username: 'demo', password: 'demo', csrf: 'f'.repeat(32) }) })).status, 403);
    assert.equal((await call('/shop/login', { method: 'POST', jar, ...form({ username: 'demo', password: 'demo' }) })).status, 403);
    // A token from another visitor's form does not match this pre-session.
    const other = CSRF_RE.exec((await call('/shop/login', { jar: createCookieJar() })).text)![1];
    assert.equal((await call('/shop/login', { method: 'POST', jar, ...form({ username: 'demo', password: 'demo', csrf: other }) })).status, 403);
    const bad = await call('/shop/login', { method: 'POST', jar, ...form({ username: 'demo', password: 'wrong', csrf }) });
    assert.equal(bad.status, 401);
    assert.match(bad.json().error, /wrong username or password/);
    // Success consumes the pre-session: replaying the same form and cookie is refused.
    const preCookie = jar.cookieHeader(`${demo.target().url}/shop/login`);
    assert.equal((await call('/shop/login', { method: 'POST', jar, ...form({ username: 'demo', password: 'demo', csrf }) })).status, 200);
    const replay = await call('/shop/login', { method: 'POST', headers: { cookie: preCookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'demo', password: 'demo', csrf }).toString() });
    assert.equal(replay.status, 403);
  });

  test('products, cart and checkout are 401 without a session (or with a bogus or pre-session cookie)', async () => {
    for (const cookie of [undefined, 'sid=deadbeef', 'sid=']) {
      const headers: Record<string, string> = cookie ? { cookie } : {};
      const p = await call('/shop/products', { headers });
      assert.equal(p.status, 401, String(cookie));
      assert.match(p.json().error, /not logged in/);
      assert.equal((await call('/shop/cart', { method: 'POST', ...jsonBody({ product_id: 101 }, headers) })).status, 401);
      assert.equal((await call('/shop/checkout', { method: 'POST', ...jsonBody({}, headers) })).status, 401);
    }
    const jar = createCookieJar();
    await call('/shop/login', { jar });
    const pre = /pre=([0-9a-f]+)/.exec(jar.cookieHeader(`${demo.target().url}/shop/x`))![1];
    assert.equal((await call('/shop/products', { headers: { cookie: `sid=${pre}` } })).status, 401, 'a pre-session is not a login');
  });

  test('cart and checkout are 403 with a missing or wrong X-CSRF-Token, even when logged in', async () => {
    const { jar, csrf } = await login();
    const missing = await call('/shop/cart', { method: 'POST', jar, ...jsonBody({ product_id: 101 }) });
    assert.equal(missing.status, 403);
    assert.match(missing.json().error, /X-CSRF-Token/);
    assert.equal((await call('/shop/cart', { method: 'POST', jar, ...jsonBody({ product_id: 101 }, { 'x-csrf-token': csrf.toUpperCase() }) })).status, 403);
    assert.equal((await call('/shop/checkout', { method: 'POST', jar, ...jsonBody({}, { 'x-csrf-token': 'nope' }) })).status, 403);
    // Another session's token does not work here either.
    const other = await login('user7', 'pass7');
    assert.equal((await call('/shop/cart', { method: 'POST', jar, ...jsonBody({ product_id: 101 }, { 'x-csrf-token': other.csrf }) })).status, 403);
  });

  test('unknown products are 400, empty checkout is 409, wrong method 405, unknown path 404', async () => {
    const { jar, csrf } = await login();
    const bad = await call('/shop/cart', { method: 'POST', jar, ...jsonBody({ product_id: 999 }, { 'x-csrf-token': csrf }) });
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /no product 999/);
    assert.equal((await call('/shop/cart', { method: 'POST', jar, body: 'not json', headers: { 'x-csrf-token': csrf } })).status, 400);
    assert.equal((await call('/shop/checkout', { method: 'POST', jar, ...jsonBody({}, { 'x-csrf-token': csrf }) })).status, 409);
    const wrong = await call('/shop/cart', { jar });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'POST');
    assert.equal((await call('/shop/nothing-here', { jar })).status, 404);
  });
});

describe('session memory is bounded', () => {
  test('beyond maxSessions the least recently used session is evicted', async () => {
    const shop = new Shop({ maxSessions: 3 });
    const server = createServer((req, res) => void shop.handle(req, res, (req.url ?? '/').split('?')[0]));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const loginAt = async () => {
        const jar = createCookieJar();
        const csrf = CSRF_RE.exec((await call('/shop/login', { jar, base })).text)![1];
        assert.equal((await call('/shop/login', { method: 'POST', jar, base, ...form({ username: 'demo', password: 'demo', csrf }) })).status, 200);
        return jar;
      };
      const first = await loginAt();
      const second = await loginAt();
      const third = await loginAt();
      assert.equal(shop.sessionCount, 3);
      assert.equal((await call('/shop/products', { jar: first, base })).status, 200, 'touching first makes second the oldest');
      await loginAt(); // evicts second (its pre-session came and went)
      assert.equal(shop.sessionCount, 3);
      assert.equal((await call('/shop/products', { jar: second, base })).status, 401, 'second was evicted');
      assert.equal((await call('/shop/products', { jar: first, base })).status, 200);
      assert.equal((await call('/shop/products', { jar: third, base })).status, 200);
      assert.equal(PRODUCTS.length, 10);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

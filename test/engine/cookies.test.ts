/**
 * The VU cookie jar against a real server (the demo target's /cookies/set and
 * /cookies echo): RFC 6265 domain, path, expiry, Secure and HttpOnly rules. Each
 * case sends what the jar would send and reads what the server actually received.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { startDemoTarget, type DemoTarget } from '../../src/demo/target.js';
import { createCookieJar, type VuCookieJar } from '../../src/engine/cookies.js';

let target: DemoTarget;
let other: DemoTarget;
const agent = new Agent();
let ip: string; // http://127.0.0.1:PORT
let named: string; // http://localhost:PORT — same server, different host for cookies

before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
  other = await startDemoTarget({ port: 0, quiet: true });
  ip = target.url;
  named = `http://localhost:${target.port}`;
});
after(async () => {
  await agent.close();
  await Promise.all([target.close(), other.close()]);
});

/** A request as a VU makes it: Cookie from the jar, Set-Cookie into the jar; returns the server's echo when JSON. */
async function visit(jar: VuCookieJar, url: string): Promise<{ status: number; cookies: Record<string, string>; header: string }> {
  const cookie = jar.cookieHeader(url);
  const res = await request(url, { headers: cookie ? { cookie } : {}, dispatcher: agent });
  jar.store(url, res.headers['set-cookie']);
  const body = JSON.parse(await res.body.text());
  return { status: res.statusCode, cookies: body.cookies ?? {}, header: body.header ?? '' };
}

/** Sets one cookie through the server: `attrs` are /cookies/set query parameters. */
async function setVia(jar: VuCookieJar, base: string, attrs: string): Promise<void> {
  const r = await visit(jar, `${base}/cookies/set?${attrs}`);
  assert.equal(r.status, 200, attrs);
}

describe('the empty jar', () => {
  test('sends nothing and knows nothing; undefined or no Set-Cookie keeps it empty', () => {
    const jar = createCookieJar();
    assert.equal(jar.cookieHeader(`${ip}/`), '');
    assert.equal(jar.get('a', `${ip}/`), undefined);
    jar.store(`${ip}/`, undefined);
    jar.store(`${ip}/`, []);
    assert.equal(jar.cookieHeader(`${ip}/`), '');
  });

  test('malformed Set-Cookie values are ignored without throwing; good ones in the same list are kept', () => {
    const jar = createCookieJar();
    jar.store(`${ip}/`, ['a=1; Path=/', '', ';;;', 'b=2; Path=/', 'c=3; Domain=example.com']);
    assert.equal(jar.cookieHeader(`${ip}/`), 'a=1; b=2');
  });
});

describe('domain matching', () => {
  test('a cookie without Domain is host-only: 127.0.0.1 and localhost (same server) do not share it', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=h&value=ip&path=/');
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { h: 'ip' });
    assert.deepEqual((await visit(jar, `${named}/cookies`)).cookies, {}, 'not sent to localhost');
    await setVia(jar, named, 'name=n&value=named&path=/');
    assert.deepEqual((await visit(jar, `${named}/cookies`)).cookies, { n: 'named' });
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { h: 'ip' }, 'not sent to 127.0.0.1');
  });

  test('cookies are not port-scoped (RFC 6265 §8.5): another port on the same host gets them', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=p&value=1&path=/');
    assert.deepEqual((await visit(jar, `${other.url}/cookies`)).cookies, { p: '1' });
  });

  test('Domain= for a host that does not domain-match the origin is rejected', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=x&value=1&path=/&domain=example.com');
    await setVia(jar, named, 'name=y&value=1&path=/&domain=localhost.example');
    assert.equal(jar.cookieHeader(`${ip}/`), '');
    assert.deepEqual((await visit(jar, `${named}/cookies`)).cookies, {});
  });

  test('Domain=localhost from localhost is stored and sent back', async () => {
    const jar = createCookieJar();
    await setVia(jar, named, 'name=d&value=1&path=/&domain=localhost');
    assert.deepEqual((await visit(jar, `${named}/cookies`)).cookies, { d: '1' });
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, {});
  });

  test('Domain= covers subdomains; host-only does not; public suffixes are refused (no DNS needed)', () => {
    const jar = createCookieJar();
    jar.store('http://shop.example.test/', ['d=1; Domain=example.test', 'h=1']);
    jar.store('http://shop.example.com/', ['ps=1; Domain=com', 'ok=1; Domain=.example.com']);
    assert.equal(jar.cookieHeader('http://www.example.test/'), 'd=1');
    assert.equal(jar.cookieHeader('http://example.test/'), 'd=1');
    assert.equal(jar.cookieHeader('http://shop.example.test/'), 'd=1; h=1');
    assert.equal(jar.cookieHeader('http://other.test/'), '');
    assert.equal(jar.cookieHeader('http://notexample.test/'), '', 'suffix match must be on a dot boundary');
    assert.equal(jar.cookieHeader('http://x.example.com/'), 'ok=1');
    assert.equal(jar.cookieHeader('http://elsewhere.com/'), '', 'Domain=com was refused');
  });
});

describe('path matching', () => {
  test('Path=/cookies/shop matches /cookies/shop and /cookies/shop/x, not /cookies/shopping or /cookies', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=s&value=1&path=/cookies/shop');
    assert.deepEqual((await visit(jar, `${ip}/cookies/shop`)).cookies, { s: '1' });
    assert.deepEqual((await visit(jar, `${ip}/cookies/shop/x`)).cookies, { s: '1' });
    assert.deepEqual((await visit(jar, `${ip}/cookies/shopping`)).cookies, {});
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, {});
  });

  test('without Path the default path is the directory of the setting URL (§5.1.4)', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=dp&value=1'); // set from /cookies/set → default path /cookies
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { dp: '1' });
    assert.deepEqual((await visit(jar, `${ip}/cookies/deeper`)).cookies, { dp: '1' });
    assert.equal(jar.cookieHeader(`${ip}/headers`), '');
  });

  test('cookies with longer paths are sent first (§5.4 step 2), so the server sees the most specific', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=n&value=shallow&path=/cookies');
    await setVia(jar, ip, 'name=n&value=deep&path=/cookies/shop');
    const r = await visit(jar, `${ip}/cookies/shop/x`);
    assert.equal(r.header, 'n=deep; n=shallow');
    assert.equal(r.cookies.n, 'deep');
    assert.equal(jar.get('n', `${ip}/cookies/shop/x`), 'deep');
    // Whatever order they were set in; equal paths go oldest first.
    const reversed = createCookieJar();
    await setVia(reversed, ip, 'name=n&value=deep&path=/cookies/shop');
    await setVia(reversed, ip, 'name=n&value=shallow&path=/cookies');
    await setVia(reversed, ip, 'name=a&value=later&path=/cookies/shop');
    assert.equal((await visit(reversed, `${ip}/cookies/shop/x`)).header, 'n=deep; a=later; n=shallow');
    assert.equal(reversed.get('n', `${ip}/cookies/shop/x`), 'deep');
  });

  test('the cached header follows every change: new cookies, deletions, expiry, other paths', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=a&value=1&path=/');
    assert.equal(jar.cookieHeader(`${ip}/cookies?x=1`), 'a=1');
    assert.equal(jar.cookieHeader(`${ip}/cookies?x=2`), 'a=1', 'the query does not matter');
    await setVia(jar, ip, 'name=b&value=2&path=/cookies');
    assert.equal(jar.cookieHeader(`${ip}/cookies?x=1`), 'b=2; a=1');
    assert.equal(jar.cookieHeader(`${ip}/other`), 'a=1');
    await setVia(jar, ip, 'name=a&value=1&path=/&max_age=0');
    assert.equal(jar.cookieHeader(`${ip}/cookies`), 'b=2');
    assert.equal(jar.cookieHeader(`${ip}/other`), '');
    await setVia(jar, ip, 'name=s&value=1&path=/&max_age=1');
    assert.equal(jar.cookieHeader(`${ip}/other`), 's=1');
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(jar.cookieHeader(`${ip}/other`), '', 'expired while cached');
    assert.equal(jar.cookieHeader(`${ip}/cookies`), 'b=2');
  });
});

describe('expiry', () => {
  test('Max-Age=0 deletes a stored cookie', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=m&value=1&path=/&max_age=3600');
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { m: '1' });
    await setVia(jar, ip, 'name=m&value=gone&path=/&max_age=0');
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, {});
    assert.equal(jar.get('m', `${ip}/`), undefined);
  });

  test('Expires in the past deletes; Expires in the future keeps', async () => {
    const jar = createCookieJar();
    const future = encodeURIComponent(new Date(Date.now() + 3600_000).toUTCString());
    const past = encodeURIComponent('Thu, 01 Jan 1970 00:00:01 GMT');
    await setVia(jar, ip, `name=e&value=1&path=/&expires=${future}`);
    await setVia(jar, ip, `name=k&value=1&path=/&expires=${future}`);
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { e: '1', k: '1' });
    await setVia(jar, ip, `name=e&value=1&path=/&expires=${past}`);
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { k: '1' });
  });

  test('Max-Age wins over Expires (§5.3 step 3)', async () => {
    const jar = createCookieJar();
    const past = encodeURIComponent('Thu, 01 Jan 1970 00:00:01 GMT');
    await setVia(jar, ip, `name=w&value=1&path=/&expires=${past}&max_age=3600`);
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { w: '1' });
  });

  test('a cookie with Max-Age=1 is gone once a second has passed', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=t&value=1&path=/&max_age=1');
    await setVia(jar, ip, 'name=keep&value=1&path=/');
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { t: '1', keep: '1' });
    await new Promise((r) => setTimeout(r, 1100));
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { keep: '1' });
    assert.equal(jar.get('t', `${ip}/`), undefined);
  });
});

describe('Secure and HttpOnly', () => {
  test('a Secure cookie is never sent over plain http, even to loopback', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=sec&value=1&path=/&secure');
    await setVia(jar, ip, 'name=plain&value=1&path=/');
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { plain: '1' });
    // Stored from a secure origin, it goes to https only.
    jar.store(`https://127.0.0.1:${target.port}/`, 'sec2=1; Secure; Path=/');
    assert.equal(jar.cookieHeader(`https://127.0.0.1:${target.port}/x`), 'plain=1; sec2=1');
    assert.equal(jar.cookieHeader(`${ip}/x`), 'plain=1');
  });

  test('an HttpOnly cookie is stored, sent over HTTP, and readable by extractors', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=ho&value=secret&path=/&httponly');
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { ho: 'secret' });
    assert.equal(jar.get('ho', `${ip}/cookies`), 'secret');
  });
});

describe('clear()', () => {
  test('forgets everything (cookies: per_iteration) and the jar keeps working', async () => {
    const jar = createCookieJar();
    await setVia(jar, ip, 'name=a&value=1&path=/');
    jar.clear();
    assert.equal(jar.cookieHeader(`${ip}/cookies`), '');
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, {});
    await setVia(jar, ip, 'name=b&value=2&path=/');
    assert.deepEqual((await visit(jar, `${ip}/cookies`)).cookies, { b: '2' });
  });
});

/**
 * A VU's cookie jar with RFC 6265 semantics — domain and path matching, host-only
 * cookies, Max-Age/Expires, Secure, HttpOnly — from tough-cookie rather than parsing
 * Set-Cookie by hand (issue 3). Synchronous, because it sits on the VU loop's hot
 * path between two requests and the memory store never needs to wait.
 *
 * Cost: a VU against a target that never sets cookies pays one property check per
 * request; tough-cookie's jar is built only when the first Set-Cookie arrives and
 * dropped again on clear(). With cookies, repeated requests hit a per-URL cache.
 */
import { CookieJar, MemoryCookieStore } from 'tough-cookie';

/** One VU's cookies. */
export interface VuCookieJar {
  /** The Cookie header for a request to `url` ('' when no stored cookie matches). */
  cookieHeader(url: string): string;
  /** Stores the Set-Cookie header(s) of a response from `url`; malformed ones are ignored. */
  store(url: string, setCookie: string | string[] | undefined): void;
  /** The value of cookie `name` that would be sent to `url` (HttpOnly included). */
  get(name: string, url: string): string | undefined;
  /** Forgets every cookie (`cookies: per_iteration`). */
  clear(): void;
}

/**
 * tough-cookie's defaults treat http://localhost and 127.0.0.1 as secure contexts
 * (`allowSecureOnLocal`), so Secure cookies would travel over plain HTTP to a local
 * target. RFC 6265 §5.4 sends them only over a secure protocol; a load test against a
 * local target must see what production clients see, so we follow the RFC.
 */
const JAR_OPTIONS = { looseMode: true, allowSecureOnLocal: false, rejectPublicSuffixes: true } as const;
/** Silently drop what a browser would drop (RFC 6265 §5.2: "ignore the set-cookie-string entirely"). */
const SET_OPTIONS = { ignoreError: true } as const;
/** RFC 6265 §5.4 step 2 order: longer paths first, then earlier creation (getCookieString's order). */
const GET_OPTIONS = { sort: true } as const;

/** Most Cookie headers remembered per jar (templated paths could otherwise grow it forever). */
const MAX_CACHED_HEADERS = 256;

/** The part of a URL cookie matching looks at (RFC 6265 §5.4: scheme, host, path — not query). */
function matchKey(url: string): string {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const end = q < 0 ? h : h < 0 ? q : Math.min(q, h);
  return end < 0 ? url : url.slice(0, end);
}

/**
 * tough-cookie behind a per-URL header cache. A class, not closures over locals:
 * 10,000 idle VUs each hold one, so an empty jar is one small object (issue 2).
 */
class LazyCookieJar implements VuCookieJar {
  private jar: CookieJar | undefined;
  // tough-cookie's lookup costs ~10 µs (URL parse, store walk, sort) — as much as the
  // request itself. A VU asks for the same few URLs between Set-Cookies, so the header
  // is cached per URL until the next store(), clear(), or the earliest expiry among
  // the cookies it contains.
  private cache: Map<string, string> | undefined;
  private cacheValidUntilMs = Infinity;

  private storeOne(url: string, text: string): void {
    // looseMode keeps nameless cookies (`=v`, `v`) as browsers do, but one with neither
    // name nor value would go out as a bare `; ` — RFC 6265bis §5.6 step 6 ignores it.
    const semi = text.indexOf(';');
    const pair = (semi < 0 ? text : text.slice(0, semi)).trim();
    if (pair === '' || pair === '=') return;
    this.jar ??= new CookieJar(new MemoryCookieStore(), JAR_OPTIONS);
    this.jar.setCookieSync(text, url, SET_OPTIONS);
    this.cache?.clear();
    this.cacheValidUntilMs = Infinity;
  }

  cookieHeader(url: string): string {
    const jar = this.jar;
    if (jar === undefined) return '';
    const key = matchKey(url);
    const cache = (this.cache ??= new Map());
    if (Date.now() >= this.cacheValidUntilMs) {
      cache.clear();
      this.cacheValidUntilMs = Infinity;
    } else {
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
    }
    const cookies = jar.getCookiesSync(url, GET_OPTIONS);
    let header = '';
    for (const c of cookies) {
      header = header ? `${header}; ${c.cookieString()}` : c.cookieString();
      const expiresMs = c.expiryTime();
      if (expiresMs !== undefined && expiresMs < this.cacheValidUntilMs) this.cacheValidUntilMs = expiresMs;
    }
    if (cache.size >= MAX_CACHED_HEADERS) cache.clear();
    cache.set(key, header);
    return header;
  }

  store(url: string, setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    if (typeof setCookie === 'string') return this.storeOne(url, setCookie);
    for (const text of setCookie) this.storeOne(url, text);
  }

  get(name: string, url: string): string | undefined {
    if (this.jar === undefined) return undefined;
    for (const c of this.jar.getCookiesSync(url, GET_OPTIONS)) if (c.key === name) return c.value;
    return undefined;
  }

  clear(): void {
    this.jar = undefined;
    this.cache = undefined;
    this.cacheValidUntilMs = Infinity;
  }
}

/** A new, empty jar. */
export function createCookieJar(): VuCookieJar {
  return new LazyCookieJar();
}

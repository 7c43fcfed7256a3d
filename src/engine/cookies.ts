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

/** A new, empty jar. */
export function createCookieJar(): VuCookieJar {
  let jar: CookieJar | undefined;
  // tough-cookie's lookup costs ~10 µs (URL parse, store walk, sort) — as much as the
  // request itself. A VU asks for the same few URLs between Set-Cookies, so the header
  // is cached per URL until the next store(), clear(), or the earliest expiry among
  // the cookies it contains.
  const cache = new Map<string, string>();
  let cacheValidUntilMs = Infinity;
  const storeOne = (url: string, text: string) => {
    // looseMode keeps nameless cookies (`=v`, `v`) as browsers do, but one with neither
    // name nor value would go out as a bare `; ` — RFC 6265bis §5.6 step 6 ignores it.
    const semi = text.indexOf(';');
    const pair = (semi < 0 ? text : text.slice(0, semi)).trim();
    if (pair === '' || pair === '=') return;
    jar ??= new CookieJar(new MemoryCookieStore(), JAR_OPTIONS);
    jar.setCookieSync(text, url, SET_OPTIONS);
    cache.clear();
    cacheValidUntilMs = Infinity;
  };
  return {
    cookieHeader(url) {
      if (jar === undefined) return '';
      const key = matchKey(url);
      if (Date.now() >= cacheValidUntilMs) {
        cache.clear();
        cacheValidUntilMs = Infinity;
      } else {
        const hit = cache.get(key);
        if (hit !== undefined) return hit;
      }
      const cookies = jar.getCookiesSync(url, GET_OPTIONS);
      let header = '';
      for (const c of cookies) {
        header = header ? `${header}; ${c.cookieString()}` : c.cookieString();
        const expiresMs = c.expiryTime();
        if (expiresMs !== undefined && expiresMs < cacheValidUntilMs) cacheValidUntilMs = expiresMs;
      }
      if (cache.size >= MAX_CACHED_HEADERS) cache.clear();
      cache.set(key, header);
      return header;
    },
    store(url, setCookie) {
      if (setCookie === undefined) return;
      if (typeof setCookie === 'string') return storeOne(url, setCookie);
      for (const text of setCookie) storeOne(url, text);
    },
    get(name, url) {
      if (jar === undefined) return undefined;
      for (const c of jar.getCookiesSync(url, GET_OPTIONS)) if (c.key === name) return c.value;
      return undefined;
    },
    clear() {
      jar = undefined;
      cache.clear();
      cacheValidUntilMs = Infinity;
    },
  };
}

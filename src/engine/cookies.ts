/**
 * A VU's cookie jar with RFC 6265 semantics — domain and path matching, host-only
 * cookies, Max-Age/Expires, Secure, HttpOnly — from tough-cookie rather than parsing
 * Set-Cookie by hand (issue 3). Synchronous, because it sits on the VU loop's hot
 * path between two requests and the memory store never needs to wait.
 *
 * Cost: a VU against a target that never sets cookies pays one property check per
 * request; tough-cookie's jar is built only when the first Set-Cookie arrives and
 * dropped again on clear().
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

/** A new, empty jar. */
export function createCookieJar(): VuCookieJar {
  let jar: CookieJar | undefined;
  const storeOne = (url: string, text: string) => {
    jar ??= new CookieJar(new MemoryCookieStore(), JAR_OPTIONS);
    jar.setCookieSync(text, url, SET_OPTIONS);
  };
  return {
    cookieHeader(url) {
      return jar === undefined ? '' : jar.getCookieStringSync(url);
    },
    store(url, setCookie) {
      if (setCookie === undefined) return;
      if (typeof setCookie === 'string') return storeOne(url, setCookie);
      for (const text of setCookie) storeOne(url, text);
    },
    get(name, url) {
      if (jar === undefined) return undefined;
      for (const c of jar.getCookiesSync(url)) if (c.key === name) return c.value;
      return undefined;
    },
    clear() {
      jar = undefined;
    },
  };
}

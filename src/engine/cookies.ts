/**
 * A VU's cookie jar with RFC 6265 semantics (domain and path matching, expiry,
 * Secure, HttpOnly) from tough-cookie rather than parsing Set-Cookie by hand. The
 * empty jar costs next to nothing: no lookups until a cookie has been stored.
 */
import { CookieJar, MemoryCookieStore } from 'tough-cookie';

export interface VuCookieJar {
  /** The Cookie header for a request to `url` ('' when none). */
  cookieHeader(url: string): string;
  /** Stores the Set-Cookie header(s) of a response from `url`. */
  store(url: string, setCookie: string | string[] | undefined): void;
  /** The value of cookie `name` that would be sent to `url`. */
  get(name: string, url: string): string | undefined;
  /** Forgets every cookie (per-iteration sessions). */
  clear(): void;
}

/** A new, empty jar. */
export function createCookieJar(): VuCookieJar {
  let jar: CookieJar | undefined;
  return {
    cookieHeader(url) {
      return jar ? jar.getCookieStringSync(url) : '';
    },
    store(url, setCookie) {
      if (setCookie === undefined) return;
      jar ??= new CookieJar(new MemoryCookieStore(), { looseMode: true });
      for (const c of Array.isArray(setCookie) ? setCookie : [setCookie]) {
        // A malformed Set-Cookie is ignored, as browsers do (RFC 6265 §5.2).
        jar.setCookieSync(c, url, { ignoreError: true });
      }
    },
    get(name, url) {
      return jar?.getCookiesSync(url).find((c) => c.key === name)?.value;
    },
    clear() {
      jar = undefined;
    },
  };
}

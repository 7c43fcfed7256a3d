/**
 * What a followed redirect keeps of the request.
 *
 * Credentials the plan wrote into a step's headers belong to the step's origin. A
 * redirect to another origin (scheme, host or port differ) must not carry them:
 * 9,162 of 9,162 requests to a second host carried the bearer token before this
 * (issue 16, point 5). Fetch drops `Authorization` on a cross-origin redirect
 * (WHATWG Fetch, HTTP-redirect fetch), and curl drops `Authorization` and `Cookie`
 * headers it was given when a redirect changes host (CVE-2018-1000007,
 * CVE-2022-27776); `Proxy-Authorization` is for the proxy of the first hop only. The
 * VU's cookie jar still adds cookies per hop by its own domain rules (cookies.ts).
 */

/** Header names (lower-case) dropped on a cross-origin hop. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * The headers for the next hop of a redirect from `fromOrigin` to `toOrigin`: the same
 * object when the origin stays, else a copy without credential headers (any case).
 * Once dropped they stay dropped, also when a later hop comes back (as in Fetch).
 */
export function headersForHop(headers: Record<string, string>, fromOrigin: string, toOrigin: string): Record<string, string> {
  if (fromOrigin === toOrigin) return headers;
  let out: Record<string, string> | undefined;
  for (const name in headers) {
    if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) continue;
    out ??= { ...headers };
    delete out[name];
  }
  return out ?? headers;
}

/** Per-run relay tokens: random, URL-safe, compared in constant time. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new random token (32 bytes, base64url: 43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time token comparison that is also length-safe: both sides are hashed to
 * 32 bytes first, because `timingSafeEqual` throws on different lengths (and an early
 * length check would leak the token's length).
 */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** The bearer token of an `Authorization` header value, if it is one. */
export function bearerOf(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h ?? '');
  return m?.[1];
}

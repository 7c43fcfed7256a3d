/**
 * Mutual authentication on the HTTP relay (issue 16, point 3). A worker given a
 * wrong or hostile `--relay` URL must neither hand over its token nor run what comes
 * back, so the token never travels:
 *
 * - every worker request carries `Authorization: LT-HMAC nonce=<fresh>, mac=<m>` with
 *   m = HMAC(token, method, path+query, nonce, sha256(body)): the relay learns that the
 *   worker knows the token, not the token;
 * - every answer the worker acts on is signed back, bound to that request's mac (so to
 *   its fresh nonce): `x-lt-mac` on a POST's answer, a `mac` field on every command-stream
 *   line. A relay that does not know the token cannot produce them, and cannot replay
 *   answers recorded from the real coordinator either (the nonce differs).
 *
 * Labels keep the three MACs apart (a request mac is never a valid answer mac). The
 * bearer form stays accepted by the relay for Prometheus and curl; workers never use it.
 * Limits: a user-chosen weak token can be guessed offline from one recorded mac (the
 * generated ones are 32 random bytes); requests are not replay-protected on plain http
 * (use https beyond a trusted network).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { tokenMatches } from './token.js';

/** Header carrying the relay's signature of a POST answer. */
export const ANSWER_MAC_HEADER = 'x-lt-mac';

const mac = (token: string, label: string, parts: readonly (string | number)[]): string =>
  createHmac('sha256', token).update(`loadtest-relay/${label}\n${parts.join('\n')}`).digest('base64url');

const bodyHash = (body: string): string => createHash('sha256').update(body).digest('hex');

/** A signed worker request: the `authorization` value and the mac answers are bound to. */
export function signRequest(token: string, method: string, pathAndQuery: string, body = ''): { authorization: string; mac: string } {
  const nonce = randomBytes(16).toString('hex');
  const m = mac(token, 'request', [method, pathAndQuery, nonce, bodyHash(body)]);
  return { authorization: `LT-HMAC nonce=${nonce}, mac=${m}`, mac: m };
}

/** The nonce and mac of an `LT-HMAC` authorization value, if it is one. */
export function parseSignedAuth(header: string | string[] | undefined): { nonce: string; mac: string } | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = /^LT-HMAC\s+nonce=([0-9a-f]{16,64}),\s*mac=([A-Za-z0-9_-]{43})\s*$/.exec(h ?? '');
  return m ? { nonce: m[1], mac: m[2] } : undefined;
}

/** True when `auth` is a valid signature of this request under `token` (constant-time). */
export function verifyRequest(token: string, auth: { nonce: string; mac: string }, method: string, pathAndQuery: string, body = ''): boolean {
  return tokenMatches(mac(token, 'request', [method, pathAndQuery, auth.nonce, bodyHash(body)]), auth.mac);
}

/** The relay's signature of a POST answer (status and body) to the request signed `requestMac`. */
export function answerMac(token: string, requestMac: string, status: number, body: string): string {
  return mac(token, 'answer', [requestMac, status, bodyHash(body)]);
}

/** The relay's signature of one command-stream line (seq and the command's JSON text). */
export function commandMac(token: string, requestMac: string, seq: number, cmdJson: string): string {
  return mac(token, 'command', [requestMac, seq, bodyHash(cmdJson)]);
}

/** Constant-time check of a signature the relay sent. */
export function macMatches(expected: string, given: string | string[] | undefined): boolean {
  return tokenMatches(expected, Array.isArray(given) ? given[0] : given);
}

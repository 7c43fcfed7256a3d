/**
 * A raw Twirp JSON call, for tests that drive the fake results service where the real
 * client never goes (finalize out of order, twice, with the wrong size…).
 */
import { fakeRuntimeToken } from './jwt.js';

/** The answer to one raw Twirp call: status and parsed JSON body (or the text when not JSON). */
export interface TwirpAnswer {
  status: number;
  contentType: string;
  body: Record<string, unknown> | string;
}

/** POSTs `body` to `<origin>/twirp/…ArtifactService/<method>` with a runtime token for run/job (or `token` verbatim). */
export async function twirpCall(origin: string, method: string, body: Record<string, unknown>, auth: { runId: string | number; jobId: string | number } | { token: string | null }): Promise<TwirpAnswer> {
  const token = 'token' in auth ? auth.token : fakeRuntimeToken(auth.runId, auth.jobId);
  const res = await fetch(`${origin}/twirp/github.actions.results.api.v1.ArtifactService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> | string = text;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Left as text: the caller asserts on it.
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
}

/**
 * Fake Actions runtime tokens. The real @actions/artifact decodes the runtime JWT
 * with jwt-decode and never checks its signature (gha.md §1, util.ts
 * getBackendIdsFromToken); it only needs `scp` to hold
 * `Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>`. So a token
 * with `alg: none` and a dummy signature is indistinguishable to the client.
 */

/** The run and job backend ids a runtime token is scoped to. */
export interface RuntimeScope {
  runId: string;
  jobId: string;
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A runtime token scoped to `Actions.Results:<runId>:<jobId>` (unsigned, like ACT's empty-key HS256). */
export function fakeRuntimeToken(runId: string | number, jobId: string | number, extraScopes: string[] = ['Actions.GenericRead:00000000-0000-0000-0000-000000000000']): string {
  const nowSec = Math.floor(Date.now() / 1000);
  const payload = { scp: [...extraScopes, `Actions.Results:${runId}:${jobId}`].join(' '), iat: nowSec, nbf: nowSec, exp: nowSec + 6 * 3600, iss: 'fake-actions' };
  return `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url(payload)}.fakesig`;
}

/**
 * Reads the `Actions.Results` scope of a runtime token the way the client does
 * (decode, split `scp` on spaces, exactly three `:` parts). Undefined when the token
 * is not a JWT or lacks the scope; the fake answers `unauthenticated` then.
 */
export function scopeOfToken(token: string): RuntimeScope | undefined {
  const parts = token.split('.');
  if (parts.length < 2) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const scp = (payload as { scp?: unknown } | null)?.scp;
  if (typeof scp !== 'string') return undefined;
  for (const scope of scp.split(' ')) {
    const p = scope.split(':');
    if (p[0] !== 'Actions.Results') continue;
    return p.length === 3 && p[1] && p[2] ? { runId: p[1], jobId: p[2] } : undefined;
  }
  return undefined;
}

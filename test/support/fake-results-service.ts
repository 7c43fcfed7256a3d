/**
 * A local fake of the Actions Results service (the "v4" artifact backend) that
 * speaks its real wire protocol, so the real @actions/artifact client runs against
 * it unchanged: Twirp JSON at `/twirp/github.actions.results.api.v1.ArtifactService/*`
 * and an Azure-style block-blob endpoint behind signed URLs (gha.md §1, §2).
 *
 * Where the real service's exact answer is undocumented, the fake picks the Twirp
 * code a Twirp service would use for that condition, and always with a JSON body:
 * the client treats a non-JSON body as retryable (SyntaxError), so a JSON-less error
 * would cost ~25 s of retries (ACT's fake does that). Choices, with reasons:
 * - duplicate name in the run → 409 `already_exists` with the real message
 *   (upload-artifact #481; names are unique per run, pending uploads included);
 * - Finalize of a name never created in this job → 404 `not_found` (Gitea answers
 *   404 "artifact not found" there);
 * - Finalize twice, or before the blob's block list is committed → 412
 *   `failed_precondition`: the artifact exists but is not in the state the call
 *   needs, which is what that Twirp code means (409 would read as the name clash);
 * - Finalize with a size or sha256 differing from the committed blob → 400
 *   `invalid_argument` (Gitea checks the hash on finalize);
 * - a run id in the body that is not the token's run → 403 `permission_denied`
 *   (Gitea's validateRunIDV4); no/garbled token → 401 `unauthenticated`.
 * All of these are 4xx, so the client fails at once without retrying.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scopeOfToken } from './jwt.js';
import { BlobStore, type BlobOp } from './fake-blob-store.js';
import { readBody } from './read-body.js';

/** The Twirp methods of ArtifactService the client calls. */
export type TwirpMethod = 'CreateArtifact' | 'FinalizeArtifact' | 'ListArtifacts' | 'GetSignedArtifactURL' | 'DeleteArtifact';
/** Everything `failNext` can target: a Twirp method or a blob operation. */
export type FakeResultsOp = TwirpMethod | BlobOp;

/** An injected fault: the next `times` calls of a method answer `status` with `body`. */
export interface FaultSpec {
  status: number;
  /** How many calls fail (default 1). */
  times?: number;
  /** Raw body (e.g. non-JSON text); default a Twirp JSON error for the status. */
  body?: string;
  /** Apply the call first, then answer the fault: a response lost after the server acted. */
  applyFirst?: boolean;
}

/** A queued fault or delay (internal form: a delay has no status and lets the call proceed). */
export interface QueuedFault extends Omit<FaultSpec, 'status'> {
  status?: number;
  delayMs?: number;
  hold?: Promise<unknown>;
  /** Drop the connection without an answer (the client sees ECONNRESET). */
  reset?: boolean;
  times: number;
}

/** One artifact as the fake holds it. */
export interface FakeArtifact {
  id: number;
  runId: string;
  jobId: string;
  name: string;
  mimeType: string;
  version: number;
  status: 'pending' | 'finalized' | 'deleted';
  createdAt: Date;
  expiresAt?: Date;
  /** Committed blob bytes (after `comp=blocklist`) and their `x-ms-blob-content-type`. */
  bytes?: Buffer;
  contentType?: string;
  /** Finalized size and digest (`sha256:<hex>`). */
  size?: number;
  digest?: string;
}

/** One request the fake answered. */
export interface FakeResultsRequest {
  op: FakeResultsOp;
  status: number;
  name?: string;
  runId?: string;
  jobId?: string;
  artifactId?: number;
  /** Blob block id for BlobPutBlock. */
  blockId?: string;
  atMs: number;
}

/** A running fake results service. */
export interface FakeResults {
  /** `http://127.0.0.1:<port>`; give `url + '/'` as ACTIONS_RESULTS_URL. */
  readonly url: string;
  /** Makes the next call(s) of `op` fail; see FaultSpec. */
  failNext(op: FakeResultsOp, fault: FaultSpec): void;
  /** Holds the next `times` (default 1) calls of `op` for `ms` before serving them normally (e.g. to reorder blocks). */
  delayNext(op: FakeResultsOp, ms: number, times?: number): void;
  /** Holds the next call of `op` until `release` settles (deterministic reordering, e.g. block 0 after block 1). */
  holdNext(op: FakeResultsOp, release: Promise<unknown>): void;
  /** Drops the connection of the next `times` (default 1) Twirp calls of `op` unanswered (logged with status 0). */
  resetNext(op: TwirpMethod, times?: number): void;
  /** Calls `fn` after each answered request (e.g. to release a hold); returns an unsubscribe function. */
  onRequest(fn: (r: FakeResultsRequest) => void): () => void;
  /** Requests answered so far, oldest first. */
  readonly requests: readonly FakeResultsRequest[];
  /** A copy of every artifact (all runs, all states), by id. */
  artifacts(filter?: { runId?: string; status?: FakeArtifact['status'] }): FakeArtifact[];
  /** A signed download URL for a finalized artifact (what GetSignedArtifactURL returns). */
  downloadUrl(id: number): string;
  close(): Promise<void>;
}

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const METHODS = new Set<string>(['CreateArtifact', 'FinalizeArtifact', 'ListArtifacts', 'GetSignedArtifactURL', 'DeleteArtifact']);
const CODE_OF_STATUS: Record<number, string> = { 400: 'invalid_argument', 401: 'unauthenticated', 403: 'permission_denied', 404: 'not_found', 409: 'already_exists', 412: 'failed_precondition', 429: 'resource_exhausted', 500: 'internal', 501: 'unimplemented', 503: 'unavailable' };
/** Twirp error code → HTTP status (twirp spec, "Error codes"). */
const STATUS_OF_CODE: Record<string, number> = { ...Object.fromEntries(Object.entries(CODE_OF_STATUS).map(([s, c]) => [c, Number(s)])), bad_route: 404, malformed: 400 };

class TwirpError extends Error {
  constructor(readonly code: string, msg: string) {
    super(msg);
  }
}

/** protobuf JSON accepts the proto field name or lowerCamelCase; the client sends snake_case. */
function field(body: Record<string, unknown>, snake: string): unknown {
  const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return body[snake] ?? body[camel];
}
function str(body: Record<string, unknown>, snake: string): string | undefined {
  const v = field(body, snake);
  return v === undefined || v === null ? undefined : String(v);
}

/** Starts the fake on 127.0.0.1:0. `firstId` sets the first artifact database id. */
export async function startFakeResultsService(opts: { firstId?: number } = {}): Promise<FakeResults> {
  const secret = randomBytes(16);
  const byId = new Map<number, FakeArtifact>();
  const requests: FakeResultsRequest[] = [];
  const faults = new Map<FakeResultsOp, QueuedFault>();
  const listeners = new Set<(r: FakeResultsRequest) => void>();
  const record = (r: FakeResultsRequest) => {
    requests.push(r);
    for (const fn of listeners) fn(r);
  };
  let nextId = opts.firstId ?? 1000;
  let origin = '';
  const blobs = new BlobStore({ secret, origin: () => origin, find: (id) => byId.get(id) });

  const live = (runId: string, name: string) => [...byId.values()].find((a) => a.runId === runId && a.name === name && a.status !== 'deleted');
  /** Consumes the op's queued fault; a pure delay is waited out here and yields none. */
  const takeFault = async (op: FakeResultsOp): Promise<FaultSpec | undefined> => {
    const f = faults.get(op);
    if (!f) return undefined;
    if (--f.times <= 0) faults.delete(op);
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (f.hold) await f.hold.catch(() => undefined);
    return f.status === undefined && !f.reset ? undefined : { ...f, status: f.status ?? 0 };
  };

  const wire = (a: FakeArtifact) => ({
    workflow_run_backend_id: a.runId,
    workflow_job_run_backend_id: a.jobId,
    database_id: String(a.id),
    name: a.name,
    size: String(a.size ?? 0),
    created_at: a.createdAt.toISOString(),
    ...(a.digest ? { digest: a.digest } : {}),
  });

  function twirp(method: TwirpMethod, body: Record<string, unknown>, scope: { runId: string; jobId: string }): { result: object; log: Partial<FakeResultsRequest> } {
    const runId = str(body, 'workflow_run_backend_id');
    const jobId = str(body, 'workflow_job_run_backend_id');
    if (!runId || !jobId) throw new TwirpError('invalid_argument', 'workflow_run_backend_id and workflow_job_run_backend_id are required');
    if (runId !== scope.runId) throw new TwirpError('permission_denied', `workflow run ${runId} does not match the token's run`);
    const name = str(body, 'name');
    const log = { name, runId, jobId };
    switch (method) {
      case 'CreateArtifact': {
        if (!name) throw new TwirpError('invalid_argument', 'name is required');
        if (jobId !== scope.jobId) throw new TwirpError('permission_denied', `job ${jobId} does not match the token's job`);
        if (live(runId, name)) throw new TwirpError('already_exists', 'an artifact with this name already exists on the workflow run');
        const expires = str(body, 'expires_at');
        const a: FakeArtifact = { id: nextId++, runId, jobId, name, mimeType: str(body, 'mime_type') ?? 'application/zip', version: Number(field(body, 'version') ?? 4), status: 'pending', createdAt: new Date(), expiresAt: expires ? new Date(expires) : undefined };
        byId.set(a.id, a);
        return { result: { ok: true, signed_upload_url: blobs.signedUrl(a, 'w') }, log: { ...log, artifactId: a.id } };
      }
      case 'FinalizeArtifact': {
        const a = name ? live(runId, name) : undefined;
        if (!a || a.jobId !== jobId) throw new TwirpError('not_found', `artifact ${name} not found in this job`);
        if (a.status === 'finalized') throw new TwirpError('failed_precondition', `artifact ${name} is already finalized`);
        if (!a.bytes) throw new TwirpError('failed_precondition', `artifact ${name} has no committed upload: commit the block list before finalizing`);
        const size = Number(str(body, 'size') ?? '0');
        if (size !== a.bytes.length) throw new TwirpError('invalid_argument', `size ${size} does not match the uploaded blob (${a.bytes.length} bytes)`);
        const digest = `sha256:${createHash('sha256').update(a.bytes).digest('hex')}`;
        const hash = str(body, 'hash');
        if (hash !== undefined && hash !== digest) throw new TwirpError('invalid_argument', `hash ${hash} does not match the uploaded blob (${digest})`);
        Object.assign(a, { status: 'finalized', size, digest });
        return { result: { ok: true, artifact_id: String(a.id) }, log: { ...log, artifactId: a.id } };
      }
      case 'ListArtifacts': {
        const nameFilter = str(body, 'name_filter');
        const idFilter = str(body, 'id_filter');
        // Every job of the run sees every finalized artifact of the run (gha.md §1).
        const list = [...byId.values()].filter((a) => a.runId === runId && a.status === 'finalized' && (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || String(a.id) === idFilter));
        return { result: { artifacts: list.sort((x, y) => x.id - y.id).map(wire) }, log: { ...log, name: nameFilter } };
      }
      case 'GetSignedArtifactURL': {
        const a = name ? live(runId, name) : undefined;
        if (!a || a.status !== 'finalized') throw new TwirpError('not_found', `artifact ${name} not found`);
        return { result: { signed_url: blobs.signedUrl(a, 'r') }, log: { ...log, artifactId: a.id } };
      }
      case 'DeleteArtifact': {
        const a = name ? live(runId, name) : undefined;
        if (!a || a.status !== 'finalized') throw new TwirpError('not_found', `artifact ${name} not found`);
        a.status = 'deleted';
        return { result: { ok: true, artifact_id: String(a.id) }, log: { ...log, artifactId: a.id } };
      }
    }
  }

  async function handleTwirp(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const send = (status: number, obj: object | string, entry: Partial<FakeResultsRequest>) => {
      record({ op: method as TwirpMethod, status, atMs: Date.now(), ...entry });
      const text = typeof obj === 'string' ? obj : JSON.stringify(obj);
      res.writeHead(status, { 'content-type': typeof obj === 'string' ? 'text/plain' : 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const error = (code: string, msg: string, entry: Partial<FakeResultsRequest> = {}) => send(STATUS_OF_CODE[code] ?? 500, { code, msg }, entry);
    if (req.method !== 'POST' || !METHODS.has(method)) return error('bad_route', `no handler for ${req.method} ${req.url}`);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return error('bad_route', 'unexpected Content-Type (want application/json)');
    const auth = String(req.headers.authorization ?? '');
    const scope = auth.startsWith('Bearer ') ? scopeOfToken(auth.slice(7)) : undefined;
    if (!scope) return error('unauthenticated', 'missing or invalid runtime token (no Actions.Results scope)');
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse((await readBody(req)).toString('utf8'));
      if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch (err) {
      return error('malformed', `request body is not a JSON object: ${(err as Error).message}`);
    }
    const fault = await takeFault(method as TwirpMethod);
    if ((fault as QueuedFault | undefined)?.reset) {
      record({ op: method as TwirpMethod, status: 0, atMs: Date.now(), name: str(body, 'name'), runId: scope.runId, jobId: scope.jobId });
      return void req.socket.destroy();
    }
    const faultBody = (f: FaultSpec) => f.body ?? { code: CODE_OF_STATUS[f.status] ?? 'unknown', msg: `injected fault (${f.status})` };
    if (fault && !fault.applyFirst) return send(fault.status, faultBody(fault), { name: str(body, 'name'), runId: scope.runId, jobId: scope.jobId });
    try {
      const { result, log } = twirp(method as TwirpMethod, body, scope);
      if (fault) return send(fault.status, faultBody(fault), log);
      send(200, result, log);
    } catch (err) {
      if (!(err instanceof TwirpError)) throw err;
      error(err.code, err.message, { name: str(body, 'name'), runId: str(body, 'workflow_run_backend_id'), jobId: str(body, 'workflow_job_run_backend_id') });
    }
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const done = path.startsWith(SERVICE)
      ? handleTwirp(req, res, path.slice(SERVICE.length))
      : blobs.handle(req, res, (op) => takeFault(op), (e) => record({ ...e, atMs: Date.now() }));
    done.catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'internal', msg: err.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    requests,
    failNext(op, fault) {
      faults.set(op, { ...fault, times: fault.times ?? 1 });
    },
    delayNext(op, ms, times = 1) {
      faults.set(op, { delayMs: ms, times });
    },
    resetNext(op, times = 1) {
      faults.set(op, { reset: true, times });
    },
    holdNext(op, release) {
      faults.set(op, { hold: release, times: 1 });
    },
    onRequest(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    artifacts(filter = {}) {
      return [...byId.values()]
        .filter((a) => (filter.runId === undefined || a.runId === filter.runId) && (filter.status === undefined || a.status === filter.status))
        .map((a) => ({ ...a }));
    },
    downloadUrl(id) {
      const a = byId.get(id);
      if (!a || a.status !== 'finalized') throw new Error(`artifact ${id} is not finalized`);
      return blobs.signedUrl(a, 'r');
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The blob half of the fake results service: what the Azure SDK's
 * `BlockBlobClient.uploadStream` and the client's plain `HttpClient.get` talk to.
 *
 * Wire facts it honours (gha.md §1 "Blob wire protocol", Azure SDK Clients.ts):
 * - URLs are path-style `/<account>/<container>/<blob>` because the host is an IP;
 *   the SAS stays in the query string and no Authorization header is sent;
 * - `PUT …&comp=block&blockid=<b64>` stages one block; up to `concurrency` blocks are
 *   in flight, so they arrive out of order: each is kept under its id → 201;
 * - `PUT …&comp=blocklist` with `<BlockList><Latest>id</Latest>…</BlockList>` commits
 *   the blob in the list's order (not arrival order, which is ACT's bug) → 201;
 * - `GET` returns the committed bytes; a zip as `application/zip` (the client unzips
 *   on that content type or a `.zip` path), anything else with its own content type
 *   and a `Content-Disposition` filename (the client saves raw files under it).
 * Errors are Azure-style XML with `x-ms-error-code`.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeArtifact, FakeResultsRequest, FaultSpec } from './fake-results-service.js';
import { readBody } from './read-body.js';

/** Blob operations, as `failNext` and the request log name them. */
export type BlobOp = 'BlobPutBlock' | 'BlobPutBlockList' | 'BlobGet';

const PATH = /^\/devstoreaccount1\/artifacts\/(\d+)(\.zip)?$/;
const SAS_TTL_MS = 60 * 60 * 1000;

/** Staged blocks and signed URLs of the fake's artifacts. */
export class BlobStore {
  private readonly staged = new Map<number, Map<string, Buffer>>();
  constructor(private readonly deps: { secret: Buffer; origin: () => string; find: (id: number) => FakeArtifact | undefined }) {}

  private sign(perm: string, id: number, expiry: string): string {
    return createHmac('sha256', this.deps.secret).update(`${perm}\n${id}\n${expiry}`).digest('base64url');
  }

  /** A SAS URL for reading (`r`) or writing (`w`) one artifact's blob, valid 1 h. */
  signedUrl(a: FakeArtifact, perm: 'r' | 'w'): string {
    const se = new Date(Date.now() + SAS_TTL_MS).toISOString();
    const ext = a.mimeType === 'application/zip' ? '.zip' : '';
    const q = new URLSearchParams({ sv: '2023-11-03', sr: 'b', sp: perm, se, sig: this.sign(perm, a.id, se) });
    return `${this.deps.origin()}/devstoreaccount1/artifacts/${a.id}${ext}?${q}`;
  }

  /** Serves one blob request. `takeFault` consumes an injected fault; `log` records the answer. */
  async handle(req: IncomingMessage, res: ServerResponse, takeFault: (op: BlobOp) => Promise<FaultSpec | undefined>, log: (e: Omit<FakeResultsRequest, 'atMs'>) => void): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const comp = url.searchParams.get('comp');
    const op: BlobOp = req.method === 'GET' ? 'BlobGet' : comp === 'blocklist' ? 'BlobPutBlockList' : 'BlobPutBlock';
    const m = PATH.exec(url.pathname);
    const a = m ? this.deps.find(Number(m[1])) : undefined;
    const blockId = op === 'BlobPutBlock' ? (url.searchParams.get('blockid') ?? undefined) : undefined;
    const fail = (status: number, code: string, message: string) => {
      log({ op, status, artifactId: a?.id, name: a?.name, runId: a?.runId, jobId: a?.jobId, blockId });
      const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}</Message></Error>`;
      res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'content-length': Buffer.byteLength(xml) });
      res.end(xml);
    };
    const ok = (status: number, headers: Record<string, string | number> = {}, body?: Buffer) => {
      log({ op, status, artifactId: a?.id, name: a?.name, runId: a?.runId, jobId: a?.jobId, blockId });
      res.writeHead(status, { 'x-ms-request-id': randomUUID(), 'x-ms-version': '2023-11-03', date: new Date().toUTCString(), 'content-length': body?.length ?? 0, ...headers });
      res.end(body);
    };
    if (!a || !m || (m[2] === '.zip') !== (a.mimeType === 'application/zip')) return fail(404, 'BlobNotFound', 'The specified blob does not exist.');
    // The SAS: permission, expiry and signature must all hold.
    const perm = req.method === 'GET' ? 'r' : req.method === 'PUT' ? 'w' : '';
    const se = url.searchParams.get('se') ?? '';
    const sig = Buffer.from(url.searchParams.get('sig') ?? '');
    const want = Buffer.from(this.sign(perm, a.id, se));
    if (!perm || url.searchParams.get('sp') !== perm || !(Date.parse(se) > Date.now()) || sig.length !== want.length || !timingSafeEqual(sig, want)) {
      return fail(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of the signature is formed correctly.');
    }
    const fault = await takeFault(op);
    if (fault) {
      log({ op, status: fault.status, artifactId: a.id, name: a.name, runId: a.runId, jobId: a.jobId });
      const body = fault.body ?? `<?xml version="1.0" encoding="utf-8"?><Error><Code>InjectedFault</Code><Message>injected fault</Message></Error>`;
      res.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      return void res.end(body);
    }

    if (req.method === 'GET') {
      if (a.status !== 'finalized' || !a.bytes) return fail(404, 'BlobNotFound', 'The specified blob does not exist.');
      const headers: Record<string, string> = { 'content-type': a.mimeType === 'application/zip' ? 'application/zip' : (a.contentType ?? a.mimeType), 'last-modified': a.createdAt.toUTCString(), etag: `"0x${a.id.toString(16)}"` };
      if (a.mimeType !== 'application/zip') headers['content-disposition'] = `attachment; filename="${a.name}"; filename*=UTF-8''${encodeURIComponent(a.name)}`;
      return ok(200, headers, a.bytes);
    }
    // Writes: only while the artifact is pending (the upload SAS dies with finalization).
    if (a.status !== 'pending') return fail(403, 'AuthorizationFailure', 'This request is not authorized to perform this operation: the artifact is no longer open for upload.');
    const body = await readBody(req);
    const common = { etag: `"0x${Date.now().toString(16)}"`, 'last-modified': new Date().toUTCString(), 'x-ms-request-server-encrypted': 'true' };
    if (comp === 'block') {
      if (!blockId) return fail(400, 'InvalidQueryParameterValue', 'blockid is required');
      const blocks = this.staged.get(a.id) ?? new Map<string, Buffer>();
      this.staged.set(a.id, blocks);
      blocks.set(blockId, body);
      return ok(201, common);
    }
    if (comp === 'blocklist') {
      const blocks = this.staged.get(a.id) ?? new Map<string, Buffer>();
      const ids = [...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((x) => x[2]);
      const missing = ids.find((id) => !blocks.has(id));
      if (missing !== undefined) return fail(400, 'InvalidBlockList', `The specified block list is invalid: block ${missing} was never staged.`);
      a.bytes = Buffer.concat(ids.map((id) => blocks.get(id)!));
      a.contentType = String(req.headers['x-ms-blob-content-type'] ?? 'application/octet-stream');
      this.staged.delete(a.id);
      return ok(201, common);
    }
    if (comp === null && req.headers['x-ms-blob-type'] === 'BlockBlob') {
      // Put Blob in one shot (the SDK's small-upload path; uploadStream never uses it).
      a.bytes = body;
      a.contentType = String(req.headers['x-ms-blob-content-type'] ?? 'application/octet-stream');
      return ok(201, common);
    }
    return fail(400, 'UnsupportedQueryParameter', `unsupported blob operation ${req.method} comp=${comp}`);
  }
}

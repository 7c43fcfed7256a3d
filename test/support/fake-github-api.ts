/**
 * A local fake of the GitHub REST API, limited to what the Action calls (gha.md §3):
 * issue comments (list with Link pagination, create, update), workflow runs, a run's
 * artifacts, the artifact zip redirect, artifact delete. Seedable state, a request
 * log, token check, and a read-only token mode: a write with a read-only token gets
 * 403 "Resource not accessible by integration", as fork pull requests do.
 *
 * Given `results`, a run's artifacts also include the finalized artifacts the fake
 * results service holds for that run id (the harness uses the numeric run id as the
 * backend run id), so an artifact uploaded by one "run" is found by the next's
 * baseline lookup, and its zip redirect points at the results service's blob URL.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';
import type { FakeResults } from './fake-results-service.js';
import { readBody } from './read-body.js';
import { makeZip } from './zip.js';

/** A workflow run to seed. */
export interface SeedRun {
  id: number;
  headBranch: string;
  headSha: string;
  workflowId?: number;
  /** e.g. `.github/workflows/loadtest.yml`; the file name also selects the workflow. */
  workflowPath?: string;
  name?: string;
  event?: string;
  status?: string;
  conclusion?: string | null;
  createdAt?: string;
  runAttempt?: number;
}
/** An artifact of a seeded run; give `zip` bytes or `files` to be zipped. */
export interface SeedArtifact {
  runId: number;
  name: string;
  id?: number;
  zip?: Buffer;
  files?: Record<string, string | Buffer>;
  expired?: boolean;
  createdAt?: string;
}
/** An issue comment as the fake holds it. */
export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}
/** A token's rights: `read` tokens get 403 on every write. */
export interface FakeToken {
  permission: 'write' | 'read';
  login?: string;
}
/** One request the fake answered. */
export interface FakeGitHubRequest {
  op: string;
  method: string;
  path: string;
  status: number;
  token?: string;
  atMs: number;
}
/** Options of startFakeGitHubApi. */
export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** token → rights; default `{ 'test-token': write, 'read-only-token': read }`. */
  tokens?: Record<string, FakeToken>;
  results?: FakeResults;
  runs?: SeedRun[];
  artifacts?: SeedArtifact[];
  comments?: Array<Omit<FakeComment, 'id' | 'createdAt' | 'updatedAt' | 'user'> & { user?: string }>;
}
/** A running fake GitHub REST API. */
export interface FakeGitHub {
  /** Base URL, for GITHUB_API_URL or getOctokit(token, { baseUrl }). */
  readonly url: string;
  readonly requests: readonly FakeGitHubRequest[];
  addRun(run: SeedRun): void;
  /** Adds an artifact and returns its id. */
  addArtifact(a: SeedArtifact): number;
  addComment(c: { issue: number; body: string; user?: string }): FakeComment;
  /** Copies of the comments (of one issue, when given), oldest first. */
  comments(issue?: number): FakeComment[];
  /** Makes the next `times` (default 1) calls of `op` (see the request log's op names) answer `status`. */
  failNext(op: string, fault: { status: number; times?: number; body?: unknown }): void;
  close(): Promise<void>;
}

const BOT = 'github-actions[bot]';
const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' };

class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(String(status));
  }
}

/** Starts the fake on 127.0.0.1:0. */
export async function startFakeGitHubApi(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const owner = opts.owner ?? 'octo-org';
  const repo = opts.repo ?? 'octo-repo';
  const tokens = opts.tokens ?? { 'test-token': { permission: 'write' }, 'read-only-token': { permission: 'read' } };
  const runs: SeedRun[] = [];
  const artifacts = new Map<number, SeedArtifact & { id: number; zipBytes: Buffer; sig: string }>();
  const comments: FakeComment[] = [];
  const requests: FakeGitHubRequest[] = [];
  const faults = new Map<string, { status: number; times: number; body?: unknown }>();
  let nextArtifactId = 50_000;
  let nextCommentId = 9_000_000;
  let url = '';

  const addArtifact = (a: SeedArtifact): number => {
    const id = a.id ?? nextArtifactId++;
    artifacts.set(id, { ...a, id, zipBytes: a.zip ?? makeZip(a.files ?? {}), sig: randomBytes(12).toString('base64url') });
    return id;
  };
  const addComment = (c: { issue: number; body: string; user?: string }): FakeComment => {
    const now = new Date().toISOString();
    const comment = { id: nextCommentId++, issue: c.issue, body: c.body, user: c.user ?? BOT, createdAt: now, updatedAt: now };
    comments.push(comment);
    return comment;
  };
  for (const r of opts.runs ?? []) runs.push(r);
  for (const a of opts.artifacts ?? []) addArtifact(a);
  for (const c of opts.comments ?? []) addComment(c);

  const repoUrl = () => `${url}/repos/${owner}/${repo}`;
  const runJson = (r: SeedRun) => ({
    id: r.id, name: r.name ?? 'loadtest', node_id: `WFR_${r.id}`, head_branch: r.headBranch, head_sha: r.headSha, path: r.workflowPath ?? '.github/workflows/loadtest.yml',
    run_number: r.id % 1000, run_attempt: r.runAttempt ?? 1, event: r.event ?? 'push', status: r.status ?? 'completed', conclusion: r.conclusion === undefined ? 'success' : r.conclusion,
    workflow_id: r.workflowId ?? 1, url: `${repoUrl()}/actions/runs/${r.id}`, html_url: `http://github.localhost/${owner}/${repo}/actions/runs/${r.id}`,
    created_at: r.createdAt ?? '2026-01-01T00:00:00Z', updated_at: r.createdAt ?? '2026-01-01T00:00:00Z', repository: { full_name: `${owner}/${repo}` },
  });
  const commentJson = (c: FakeComment) => ({
    id: c.id, node_id: `IC_${c.id}`, body: c.body, user: { login: c.user, type: c.user.endsWith('[bot]') ? 'Bot' : 'User' }, created_at: c.createdAt, updated_at: c.updatedAt,
    url: `${repoUrl()}/issues/comments/${c.id}`, html_url: `http://github.localhost/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`, issue_url: `${repoUrl()}/issues/${c.issue}`,
  });
  /** REST view of every artifact of a run: seeded ones and, with `results`, the service's finalized ones. */
  const runArtifacts = (runId: number) => {
    const seeded = [...artifacts.values()].filter((a) => a.runId === runId).map((a) => ({ id: a.id, name: a.name, size: a.zipBytes.length, digest: undefined as string | undefined, createdAt: a.createdAt ?? '2026-01-01T00:00:00Z', expired: a.expired ?? false }));
    const live = (opts.results?.artifacts({ runId: String(runId), status: 'finalized' }) ?? []).map((a) => ({ id: a.id, name: a.name, size: a.size ?? 0, digest: a.digest, createdAt: a.createdAt.toISOString(), expired: false }));
    const run = runs.find((r) => r.id === runId);
    return [...seeded, ...live].sort((x, y) => y.id - x.id).map((a) => ({
      id: a.id, node_id: `MDg6QXJ0aWZhY3Q${a.id}`, name: a.name, size_in_bytes: a.size, url: `${repoUrl()}/actions/artifacts/${a.id}`, archive_download_url: `${repoUrl()}/actions/artifacts/${a.id}/zip`,
      expired: a.expired, digest: a.digest ?? null, created_at: a.createdAt, updated_at: a.createdAt, expires_at: '2099-01-01T00:00:00Z',
      workflow_run: { id: runId, head_branch: run?.headBranch ?? null, head_sha: run?.headSha ?? null },
    }));
  };
  const page = <T>(items: T[], q: URLSearchParams, path: string, res: ServerResponse): T[] => {
    const perPage = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 30) || 30));
    const pageNo = Math.max(1, Number(q.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      const qq = new URLSearchParams(q);
      qq.set('page', String(p));
      qq.set('per_page', String(perPage));
      return `<${url}${path}?${qq}>; rel="${rel}"`;
    };
    const links = [pageNo < last ? link(pageNo + 1, 'next') : '', pageNo < last ? link(last, 'last') : '', pageNo > 1 ? link(1, 'first') : '', pageNo > 1 ? link(pageNo - 1, 'prev') : ''].filter(Boolean);
    if (links.length) res.setHeader('link', links.join(', '));
    return items.slice((pageNo - 1) * perPage, pageNo * perPage);
  };
  const filterRuns = (list: SeedRun[], q: URLSearchParams) =>
    list
      .filter((r) => !q.get('branch') || r.headBranch === q.get('branch'))
      .filter((r) => !q.get('event') || (r.event ?? 'push') === q.get('event'))
      .filter((r) => !q.get('head_sha') || r.headSha === q.get('head_sha'))
      .filter((r) => !q.get('status') || [r.status ?? 'completed', r.conclusion === undefined ? 'success' : r.conclusion].includes(q.get('status')))
      .sort((x, y) => (y.createdAt ?? '').localeCompare(x.createdAt ?? '') || y.id - x.id);
  const writeCheck = (tok: FakeToken, docs: string) => {
    if (tok.permission !== 'write') throw new HttpError(403, { message: 'Resource not accessible by integration', documentation_url: docs, status: '403' });
  };
  const jsonBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    try {
      const v: unknown = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
      if (v && typeof v === 'object') return v as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new HttpError(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest' });
  };
  const commentBody = (body: Record<string, unknown>, docs: string): string => {
    if (typeof body.body !== 'string') throw new HttpError(422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.', documentation_url: docs, status: '422' });
    if (body.body.length > 65536) throw new HttpError(422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }], documentation_url: docs, status: '422' });
    return body.body;
  };

  type Route = [op: string, method: string, re: RegExp, fn: (m: RegExpMatchArray, q: URLSearchParams, req: IncomingMessage, res: ServerResponse, tok: FakeToken) => Promise<[number, unknown]> | [number, unknown]];
  const R = (s: string) => new RegExp(`^/repos/([^/]+)/([^/]+)${s}$`);
  const routes: Route[] = [
    ['listComments', 'GET', R('/issues/(\\d+)/comments'), (m, q, _req, res) => {
      const list = comments.filter((c) => c.issue === Number(m[3]));
      return [200, page(list, q, `/repos/${owner}/${repo}/issues/${m[3]}/comments`, res).map(commentJson)];
    }],
    ['createComment', 'POST', R('/issues/(\\d+)/comments'), async (m, _q, req, _res, tok) => {
      const docs = 'https://docs.github.com/rest/issues/comments#create-an-issue-comment';
      writeCheck(tok, docs);
      const body = commentBody(await jsonBody(req), docs);
      return [201, commentJson(addComment({ issue: Number(m[3]), body, user: tok.login ?? BOT }))];
    }],
    ['updateComment', 'PATCH', R('/issues/comments/(\\d+)'), async (m, _q, req, _res, tok) => {
      const docs = 'https://docs.github.com/rest/issues/comments#update-an-issue-comment';
      writeCheck(tok, docs);
      const c = comments.find((x) => x.id === Number(m[3]));
      if (!c) throw new HttpError(404, NOT_FOUND);
      c.body = commentBody(await jsonBody(req), docs);
      c.updatedAt = new Date().toISOString();
      return [200, commentJson(c)];
    }],
    ['listWorkflowRuns', 'GET', R('/actions/workflows/([^/]+)/runs'), (m, q, _req, res) => {
      const wf = decodeURIComponent(m[3]);
      const known = runs.some((r) => String(r.workflowId ?? 1) === wf || posix.basename(r.workflowPath ?? '.github/workflows/loadtest.yml') === wf);
      if (!known) throw new HttpError(404, NOT_FOUND);
      const list = filterRuns(runs.filter((r) => String(r.workflowId ?? 1) === wf || posix.basename(r.workflowPath ?? '.github/workflows/loadtest.yml') === wf), q);
      return [200, { total_count: list.length, workflow_runs: page(list, q, `/repos/${owner}/${repo}/actions/workflows/${m[3]}/runs`, res).map(runJson) }];
    }],
    ['listRepoWorkflowRuns', 'GET', R('/actions/runs'), (_m, q, _req, res) => {
      const list = filterRuns(runs, q);
      return [200, { total_count: list.length, workflow_runs: page(list, q, `/repos/${owner}/${repo}/actions/runs`, res).map(runJson) }];
    }],
    ['getRun', 'GET', R('/actions/runs/(\\d+)'), (m) => {
      const r = runs.find((x) => x.id === Number(m[3]));
      if (!r) throw new HttpError(404, NOT_FOUND);
      return [200, runJson(r)];
    }],
    ['listRunArtifacts', 'GET', R('/actions/runs/(\\d+)/artifacts'), (m, q, _req, res) => {
      const list = runArtifacts(Number(m[3])).filter((a) => !q.get('name') || a.name === q.get('name'));
      return [200, { total_count: list.length, artifacts: page(list, q, `/repos/${owner}/${repo}/actions/runs/${m[3]}/artifacts`, res) }];
    }],
    ['downloadArtifact', 'GET', R('/actions/artifacts/(\\d+)/(zip)'), (m, _q, _req, res) => {
      const id = Number(m[3]);
      const seeded = artifacts.get(id);
      let location: string | undefined;
      if (seeded && !seeded.expired) location = `${url}/_blobs/${id}.zip?sig=${seeded.sig}`;
      else if (!seeded && opts.results?.artifacts({ status: 'finalized' }).some((a) => a.id === id)) location = opts.results.downloadUrl(id);
      if (!location) throw new HttpError(seeded ? 410 : 404, seeded ? { message: 'Artifact has expired', documentation_url: 'https://docs.github.com/rest' } : NOT_FOUND);
      res.setHeader('location', location);
      return [302, ''];
    }],
    ['deleteArtifact', 'DELETE', R('/actions/artifacts/(\\d+)'), (m, _q, _req, _res, tok) => {
      writeCheck(tok, 'https://docs.github.com/rest/actions/artifacts#delete-an-artifact');
      if (!artifacts.delete(Number(m[3]))) throw new HttpError(404, NOT_FOUND);
      return [204, ''];
    }],
  ];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const blob = /^\/_blobs\/(\d+)\.zip$/.exec(u.pathname);
    if (blob && req.method === 'GET') {
      // The redirect target: unauthenticated, signed, like a blob storage URL.
      const a = artifacts.get(Number(blob[1]));
      const ok = a && u.searchParams.get('sig') === a.sig;
      requests.push({ op: 'blob', method: 'GET', path: u.pathname, status: ok ? 200 : 403, atMs: Date.now() });
      if (!ok) return void res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AuthenticationFailed</Code></Error>');
      return void res.writeHead(200, { 'content-type': 'application/zip', 'content-length': a.zipBytes.length }).end(a.zipBytes);
    }
    const route = routes.find(([, method, re]) => method === req.method && re.test(u.pathname));
    const auth = String(req.headers.authorization ?? '');
    const token = /^(?:token|bearer) (.+)$/i.exec(auth)?.[1];
    const send = (op: string, status: number, body: unknown) => {
      requests.push({ op, method: req.method ?? '', path: u.pathname + u.search, status, token, atMs: Date.now() });
      const text = status === 204 || status === 302 ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '999', 'x-github-media-type': 'github.v3; format=json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (!route) return send('unknown', 404, NOT_FOUND);
    const [op, , re, fn] = route;
    const tok = token ? tokens[token] : undefined;
    if (!tok) return send(op, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const m = u.pathname.match(re)!;
    if (m[1] !== owner || m[2] !== repo) return send(op, 404, NOT_FOUND);
    const fault = faults.get(op);
    if (fault) {
      if (--fault.times <= 0) faults.delete(op);
      return send(op, fault.status, fault.body ?? { message: `injected fault (${fault.status})` });
    }
    try {
      const [status, body] = await fn(m, u.searchParams, req, res, tok);
      send(op, status, body);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      send(op, err.status, err.body);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: err.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    addRun: (r) => void runs.push(r),
    addArtifact,
    addComment,
    comments: (issue) => comments.filter((c) => issue === undefined || c.issue === issue).map((c) => ({ ...c })),
    failNext(op, fault) {
      faults.set(op, { ...fault, times: fault.times ?? 1 });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

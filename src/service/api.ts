/**
 * The controller's REST API (issue 12). JSON in and out; every request needs
 * `Authorization: Bearer <token>`; errors are `{"error":{"code","message"}}`; bodies
 * are limited to `maxBodyBytes`; plans go through the same loader (zod schemas,
 * file:line:col messages) as plan files, before anything is stored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { isLtError, PlanError } from '../errors.js';
import { loadPlan } from '../plan/load.js';
import { compareResults } from '../report/compare.js';
import { render, type Format } from '../report/render.js';
import { buildTrend, trendRun, type Trend, type TrendRun } from '../report/trend.js';
import { bearerOf, tokenMatches } from '../cluster/token.js';
import { ApiError } from './api-errors.js';
import type { Agents } from './agents.js';
import type { RunQueue } from './queue.js';
import type { RunRecord, Store } from './store.js';
import { controllerMetrics } from './prometheus.js';
import { requestCookies } from '../demo/respond.js';
import { dashboardPage, dashboardStream, metricsStream } from './run-stream.js';

/** What the API serves from. */
export interface ApiContext {
  store: Store;
  agents: Agents;
  queue: RunQueue;
  token: string;
  maxBodyBytes: number;
}

const FORMATS: Format[] = ['html', 'json', 'md', 'junit'];
const CONTENT_TYPES: Record<Format, string> = { html: 'text/html; charset=utf-8', json: 'application/json', md: 'text/markdown; charset=utf-8', junit: 'application/xml' };

const RunRequest = z.strictObject({
  scenario_id: z.string().optional(),
  plan: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  target: z.string().url().optional(),
  workers: z.number().int().min(1).max(256).optional(),
  overrides: z.strictObject({ vus: z.number().int().positive().optional(), duration_ms: z.number().positive().optional() }).optional(),
});

const HeartbeatRequest = z.object({
  id: z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/),
  capacity: z.object({ cores: z.number().int().positive(), memoryMb: z.number().nonnegative(), maxVus: z.number().int().positive() }),
  run_id: z.string().optional(),
  clock_offset_ms: z.number().finite().optional(),
});

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Read (and drop) up to 8× the limit so the client sees the 413 rather than a reset
    // connection; beyond that the connection is closed after the answer.
    if (size > max * 8) break;
    if (size <= max) chunks.push(chunk as Buffer);
  }
  if (size > max) throw new ApiError(413, 'body_too_large', `request body of ${size > max * 8 ? 'more than ' + max * 8 : size} bytes is over the limit of ${max} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const text = await readBody(req, max);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, 'invalid_json', `request body is not JSON: ${(err as Error).message}`);
  }
}

function parse<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new ApiError(400, 'invalid_request', `${what}: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** Loads plan text like a plan file (same schema, same located messages); nothing is stored on failure. */
function checkPlan(text: string, file: string) {
  try {
    return loadPlan(text, file, { env: {}, baseDir: process.cwd() });
  } catch (err) {
    if (err instanceof PlanError) throw new ApiError(400, 'plan_invalid', err.message, { cause: err });
    throw err;
  }
}

/** The JSON view of a run (`GET /runs/{id}`). */
export function runView(store: Store, r: RunRecord) {
  const result = store.result(r.id);
  return {
    id: r.id,
    status: r.status,
    reason: r.reason,
    scenario_id: r.scenarioId,
    scenario_version: r.scenarioVersion,
    plan: { file: r.planFile, hash: r.planHash },
    workers: r.workers,
    overrides: r.overrides,
    created_at: r.createdAt,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    agents: r.agents,
    exit_code: r.exitCode,
    verdict: result?.run.status ?? null,
    thresholds: result?.thresholds ?? [],
    summary: result?.summary ?? null,
    snapshots: store.snapshots(r.id).length,
  };
}

function needRun(store: Store, id: string): RunRecord {
  const r = store.run(id);
  if (!r) throw new ApiError(404, 'not_found', `no run '${id}'`);
  return r;
}

function needResult(store: Store, id: string) {
  const r = needRun(store, id);
  const result = store.result(id);
  if (!result) throw new ApiError(409, 'no_result', `run '${id}' has no result (${r.status}${r.reason ? `: ${r.reason}` : ''}); its snapshots stay readable at /runs/${id}/metrics`);
  return result;
}

/** How many earlier runs of its scenario the HTML report of a stored run shows as its trend. */
export const REPORT_TREND_RUNS = 10;

/** The trend of a stored run's scenario: its last REPORT_TREND_RUNS earlier runs with a result, then this run. */
function scenarioTrend(store: Store, run: RunRecord): Trend | undefined {
  if (!run.scenarioId) return undefined;
  // Newest first: read results only until REPORT_TREND_RUNS of them are found.
  const earlier: TrendRun[] = [];
  for (const r of store.runs({ scenarioId: run.scenarioId })) {
    if (earlier.length === REPORT_TREND_RUNS) break;
    if (r.id === run.id || r.createdAt > run.createdAt) continue;
    const result = store.result(r.id);
    if (result) earlier.push(trendRun(result, `${r.id} (v${r.scenarioVersion})`));
  }
  const result = store.result(run.id);
  return buildTrend(earlier, { head: result ? trendRun(result, run.id) : undefined, note: `Context only: whole-run figures of the earlier runs of this scenario on this controller (all versions); the report's verdict is this run's own.` });
}

const DASHBOARD_COOKIE = 'loadtest_token';

/** The token the dashboard cookie carries, if any (a malformed one is none). */
function cookieToken(req: IncomingMessage): string | undefined {
  const raw = requestCookies(req)[DASHBOARD_COOKIE];
  try {
    return raw === undefined ? undefined : decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Handles one request (routes below); throws ApiError for the caller to send. */
async function route(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const u = new URL(req.url ?? '/', 'http://controller');
  const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const m = req.method ?? 'GET';
  // A browser cannot set a bearer header on a page or an EventSource: the dashboard of a
  // run also takes the token once as ?token= and then from the HttpOnly cookie it sets.
  const dashboard = m === 'GET' && parts[0] === 'runs' && parts[2] === 'dashboard' && parts.length <= 4;
  const presented = bearerOf(req.headers.authorization) ?? (dashboard ? (u.searchParams.get('token') ?? cookieToken(req)) : undefined);
  if (!tokenMatches(ctx.token, presented)) {
    res.setHeader('www-authenticate', 'Bearer realm="loadtest controller"');
    throw new ApiError(401, 'unauthorized', presented ? 'wrong bearer token' : 'missing bearer token (Authorization: Bearer <token>)');
  }
  const { store, agents, queue } = ctx;
  const at = (...p: string[]) => parts.length === p.length && p.every((x, i) => x === '*' || x === parts[i]);

  if (m === 'GET' && at('metrics')) {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    return void res.end(controllerMetrics(store, agents, queue));
  }
  if (m === 'POST' && at('agents', 'heartbeat')) {
    const hb = parse(HeartbeatRequest, await readJson(req, ctx.maxBodyBytes), 'heartbeat');
    const answer = agents.heartbeat({ id: hb.id, capacity: hb.capacity, runId: hb.run_id, clockOffsetMs: hb.clock_offset_ms }, (id) => queue.active.has(id));
    queue.pump();
    const host = (req.headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
    return send(res, 200, {
      ...(answer.assignment ? { assignment: { run_id: answer.assignment.runId, relay: `http://${host}:${answer.assignment.relayPort}`, token: answer.assignment.token } } : {}),
      ...(answer.abandon ? { abandon: answer.abandon } : {}),
    });
  }
  if (m === 'GET' && at('agents')) return send(res, 200, { agents: agents.view() });

  if (m === 'POST' && at('scenarios')) {
    const text = await readBody(req, ctx.maxBodyBytes);
    const file = u.searchParams.get('file') ?? 'scenario.yaml';
    const plan = checkPlan(text, file);
    const id = u.searchParams.get('id') ?? undefined;
    if (id && !store.scenario(id)) throw new ApiError(404, 'not_found', `no scenario '${id}'`);
    const out = store.putScenario({ name: plan.name, hash: plan.hash, file, text }, id);
    return send(res, out.created ? 201 : 200, { id: out.scenario.id, version: out.version, name: out.scenario.name });
  }
  if (m === 'GET' && at('scenarios')) return send(res, 200, { scenarios: store.scenarios() });
  if (at('scenarios', '*')) {
    const s = store.scenario(parts[1]);
    if (!s) throw new ApiError(404, 'not_found', `no scenario '${parts[1]}'`);
    if (m === 'GET') return send(res, 200, s);
    if (m === 'DELETE') return (store.deleteScenario(s.id), send(res, 200, { id: s.id, deleted: true }));
  }
  if (m === 'GET' && at('scenarios', '*', 'trend')) {
    if (!store.scenario(parts[1])) throw new ApiError(404, 'not_found', `no scenario '${parts[1]}'`);
    const limit = Number(u.searchParams.get('limit') ?? 20);
    const points = store.runs({ scenarioId: parts[1], limit }).flatMap((r) => {
      const result = store.result(r.id);
      if (!result) return [];
      const s = result.summary;
      return [{ run_id: r.id, version: r.scenarioVersion, ended_at: r.endedAt, p50: s.latency_ms.p50, p95: s.latency_ms.p95, p99: s.latency_ms.p99, rps: s.rps, error_rate: s.error_rate, verdict: result.run.status }];
    });
    return send(res, 200, { scenario_id: parts[1], runs: points.reverse() });
  }

  if (m === 'POST' && at('runs')) {
    const body = parse(RunRequest, await readJson(req, ctx.maxBodyBytes), 'run request');
    if ((body.scenario_id === undefined) === (body.plan === undefined)) throw new ApiError(400, 'invalid_request', 'run request: give exactly one of scenario_id or plan');
    let text: string;
    let file: string;
    let scenarioId: string | null = null;
    let version: number | null = null;
    if (body.scenario_id) {
      const s = store.scenario(body.scenario_id);
      if (!s) throw new ApiError(404, 'not_found', `no scenario '${body.scenario_id}'`);
      const v = s.versions[s.versions.length - 1];
      (text = v.planText), (file = v.planFile), (scenarioId = s.id), (version = v.version);
    } else {
      text = typeof body.plan === 'string' ? body.plan : JSON.stringify(body.plan, null, 2);
      file = u.searchParams.get('file') ?? 'plan.yaml';
    }
    const overrides = { ...(body.target ? { target: body.target } : {}), ...(body.overrides?.vus ? { vus: body.overrides.vus } : {}), ...(body.overrides?.duration_ms ? { durationMs: body.overrides.duration_ms } : {}) };
    const plan = checkPlan(text, file);
    const run = store.addRun({ scenarioId, scenarioVersion: version, planFile: file, planText: text, planHash: plan.hash, workers: body.workers ?? 1, overrides });
    queue.pump();
    return send(res, 201, { id: run.id, status: store.run(run.id)!.status });
  }
  if (m === 'GET' && at('runs')) {
    const scenarioId = u.searchParams.get('scenario') ?? undefined;
    return send(res, 200, { runs: store.runs({ scenarioId, limit: 200 }).map((r) => runView(store, r)) });
  }
  if (m === 'GET' && at('runs', '*')) return send(res, 200, runView(store, needRun(store, parts[1])));
  if (m === 'GET' && at('runs', '*', 'metrics')) return metricsStream(ctx, req, res, needRun(store, parts[1]));
  if (m === 'GET' && at('runs', '*', 'dashboard')) {
    const run = needRun(store, parts[1]);
    const page = dashboardPage(run, `/runs/${encodeURIComponent(run.id)}/dashboard/events`);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(page),
      'set-cookie': `${DASHBOARD_COOKIE}=${encodeURIComponent(ctx.token)}; Path=/runs/${encodeURIComponent(run.id)}/dashboard; HttpOnly; SameSite=Strict`,
    });
    return void res.end(page);
  }
  if (m === 'GET' && at('runs', '*', 'dashboard', 'events')) return dashboardStream(ctx, req, res, needRun(store, parts[1]));
  if (m === 'POST' && at('runs', '*', 'abort')) {
    const r = needRun(store, parts[1]);
    if (r.status === 'queued') {
      store.finishRun(r.id, 'aborted', { reason: 'aborted before it started' });
      return send(res, 200, { id: r.id, status: 'aborted' });
    }
    if (!queue.abort(r.id, 'aborted through the API')) throw new ApiError(409, 'conflict', `run '${r.id}' is ${r.status}, not running`);
    await queue.active.get(r.id)?.done;
    return send(res, 200, { id: r.id, status: store.run(r.id)!.status });
  }
  if (m === 'GET' && at('runs', '*', 'report')) {
    const format = (u.searchParams.get('format') ?? 'html') as Format;
    if (!FORMATS.includes(format)) throw new ApiError(400, 'invalid_request', `format must be one of ${FORMATS.join(', ')} (got '${format}')`);
    const run = needRun(store, parts[1]);
    const text = render(needResult(store, parts[1]), format, format === 'html' ? { trend: scenarioTrend(store, run) } : {});
    res.writeHead(200, { 'content-type': CONTENT_TYPES[format] });
    return void res.end(text);
  }
  if (m === 'GET' && at('runs', '*', 'compare', '*')) {
    return send(res, 200, compareResults(needResult(store, parts[3]), needResult(store, parts[1])));
  }
  throw new ApiError(404, 'not_found', `no route ${m} ${u.pathname}`);
}

/** The request handler of the controller's server. */
export function apiHandler(ctx: ApiContext, log: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(ctx, req, res).catch((err: unknown) => {
      const e = err instanceof ApiError ? err : undefined;
      if (!e) log(`controller: internal error on ${req.method} ${req.url}: ${(err as Error).message}`);
      if (res.headersSent) return void res.destroy();
      // A refused body may still be arriving: answer, then close the connection.
      if (e?.status === 413) res.setHeader('connection', 'close');
      send(res, e?.status ?? 500, { error: { code: e?.apiCode ?? (isLtError(err) ? err.code : 'internal'), message: (err as Error).message } });
    });
  };
}

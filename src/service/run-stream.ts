/**
 * A run's snapshots as server-sent events: what is stored first (a client that joins late
 * gets what it missed), then live ones as the coordinator merges them, then an `end`
 * event with the run's status. `GET /runs/{id}/metrics` sends the snapshots themselves;
 * `GET /runs/{id}/dashboard/events` sends what the live dashboard page draws, built by a
 * DashboardFeed per viewer from the same stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Snapshot } from '../metrics/types.js';
import { DashboardFeed } from '../report/dashboard.js';
import type { RunQueue } from './queue.js';
import { planOf } from './queue.js';
import type { RunRecord, Store } from './store.js';

type ActiveRun = NonNullable<ReturnType<RunQueue['active']['get']>>;

/** Streams `run` to `res`: `each` turns a snapshot into an event's text, `end` the closing event. */
function streamRun(ctx: { store: Store; queue: RunQueue }, req: IncomingMessage, res: ServerResponse, run: RunRecord, each: (snapshot: Snapshot, activeVus: number) => string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  // Stored first, then live; both in this tick, so nothing falls between.
  for (const s of ctx.store.snapshots(run.id)) res.write(each(s.snapshot, s.activeVus));
  const active = ctx.queue.active.get(run.id);
  // A comment line every 5 s: clients bound their reads by time (a queued run sends nothing).
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 5000);
  req.on('close', () => clearInterval(keepAlive));
  const end = () => {
    clearInterval(keepAlive);
    const r = ctx.store.run(run.id);
    res.end(`event: end\ndata: ${JSON.stringify({ status: r?.status, exit_code: r?.exitCode ?? null })}\n\n`);
  };
  const follow = (a: ActiveRun) => {
    const l = (snapshot: Snapshot, activeVus: number) => res.write(each(snapshot, activeVus));
    const onEnd = () => {
      a.listeners.delete(l);
      end();
    };
    a.listeners.add(l);
    a.ended.add(onEnd);
    req.on('close', () => {
      a.listeners.delete(l);
      a.ended.delete(onEnd);
    });
  };
  if (active) return follow(active);
  if (run.status !== 'queued') return end();
  // Queued: poll until it starts (bounded by the client closing the stream).
  const timer = setInterval(() => {
    const a = ctx.queue.active.get(run.id);
    if (!a && ctx.store.run(run.id)?.status === 'queued') return;
    clearInterval(timer);
    if (a) follow(a);
    else end();
  }, 200);
  req.on('close', () => clearInterval(timer));
}

/** `GET /runs/{id}/metrics`: one `snapshot` event per merged interval snapshot. */
export function metricsStream(ctx: { store: Store; queue: RunQueue }, req: IncomingMessage, res: ServerResponse, run: RunRecord): void {
  streamRun(ctx, req, res, run, (snapshot, activeVus) => `event: snapshot\ndata: ${JSON.stringify({ snapshot, activeVus })}\n\n`);
}

/** When the dashboard's time axis starts: the run's start, or now for a queued run. */
const startOf = (run: RunRecord) => (run.startedAt ? Date.parse(run.startedAt) : Date.now());

/** `GET /runs/{id}/dashboard`: the live dashboard page of a run, following `eventsUrl`. */
export function dashboardPage(run: RunRecord, eventsUrl: string): string {
  const feed = new DashboardFeed(planOf(run), startOf(run));
  try {
    return feed.page(eventsUrl);
  } finally {
    feed.destroy();
  }
}

/** `GET /runs/{id}/dashboard/events`: what the dashboard page draws, one event per snapshot. */
export function dashboardStream(ctx: { store: Store; queue: RunQueue }, req: IncomingMessage, res: ServerResponse, run: RunRecord): void {
  const feed = new DashboardFeed(planOf(run), startOf(run));
  req.on('close', () => feed.destroy());
  streamRun(ctx, req, res, run, (snapshot) => `data: ${feed.publish(snapshot)}\n\n`);
}

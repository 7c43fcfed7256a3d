/**
 * The live dashboard: the HTML report page, fed by server-sent events instead of
 * embedded data. Each published snapshot becomes one event within the same tick, so
 * the page is at most one interval (1 s) behind. It never keeps the process alive
 * (k6 #3619): the server is unref'd and close() ends every stream and socket.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsAccumulator } from '../metrics/merge.js';
import { latencyStats } from '../metrics/histogram.js';
import type { Snapshot } from '../metrics/types.js';
import type { Plan } from '../plan/types.js';
import { buildResult, timePoint } from './build-result.js';
import type { TimePoint } from './result-schema.js';
import { renderHtml, scriptJson } from './render.js';

export interface Dashboard {
  url: string;
  /** Feeds one interval snapshot (merged, when distributed). */
  publish(snapshot: Snapshot): void;
  /** Ends the streams and closes the server. Idempotent. */
  close(): Promise<void>;
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));

/**
 * What a dashboard page shows, built from interval snapshots as they come: the page
 * itself (the report template with no data, told where its events are) and, per
 * published snapshot, the JSON of one `data:` event. The controller makes one per viewer
 * of a run (`GET /runs/{id}/dashboard`); `startDashboard` one for its own server.
 */
export class DashboardFeed {
  private readonly acc = new MetricsAccumulator();
  private readonly series: TimePoint[] = [];
  /** The last event's JSON ('' before the first snapshot). */
  last = '';

  constructor(
    private readonly plan: Plan,
    private readonly startAtMs: number,
  ) {}

  /** The page; its script follows the server-sent events at `liveUrl`. */
  page(liveUrl: string): string {
    const empty = buildResult({
      plan: this.plan,
      metrics: { v: 1, total: { counters: this.acc.counters()!, hist: {} }, scenarios: {}, errorSamples: [] },
      intervals: [],
      startAtMs: this.startAtMs,
      endedAtMs: this.startAtMs,
      events: [],
    });
    return renderHtml(empty, { title: `Live: ${this.plan.name}`, live: liveUrl });
  }

  /** Adds one interval snapshot; returns the event's JSON (also kept as `last`). */
  publish(snapshot: Snapshot): string {
    this.acc.add(snapshot);
    this.series.push(timePoint(snapshot.total, snapshot, this.startAtMs, snapshot.activeVus));
    const c = this.acc.counters()!;
    const elapsedS = Math.max(0.001, (snapshot.startMs + snapshot.intervalMs - this.startAtMs) / 1000);
    const l = latencyStats(this.acc.histogram('latency'));
    const data = {
      timeseries: this.series,
      errorClasses: [...new Set(this.series.flatMap((p) => Object.keys(p.errors_by_class)))],
      buckets: [],
      fields: { requests: c.requests, rps: (c.requests / elapsedS).toFixed(1), error_rate: `${((c.requests ? c.errors / c.requests : 0) * 100).toFixed(2)}%`, p50: fmt(l.p50), p95: fmt(l.p95), p99: fmt(l.p99), duration: elapsedS.toFixed(1), verdict: 'running' },
    };
    return (this.last = scriptJson(data));
  }

  /** Frees the histograms. */
  destroy(): void {
    this.acc.destroy();
  }
}

/** Starts the dashboard on 127.0.0.1 (`port` 0 = any free port). */
export async function startDashboard(opts: { plan: Plan; port?: number; host?: string; startAtMs?: number }): Promise<Dashboard> {
  const feed = new DashboardFeed(opts.plan, opts.startAtMs ?? Date.now());
  const clients = new Set<ServerResponse>();
  let closed = false;
  const page = feed.page('/events');

  const server = createServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('retry: 1000\n\n');
      if (feed.last) res.write(`data: ${feed.last}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
      return void res.end(page);
    }
    res.writeHead(404).end();
  });
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    publish(snapshot) {
      if (closed) return;
      const event = feed.publish(snapshot);
      for (const res of clients) res.write(`data: ${event}\n\n`);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const res of clients) res.end('event: end\ndata: {}\n\n');
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      feed.destroy();
    },
  };
}

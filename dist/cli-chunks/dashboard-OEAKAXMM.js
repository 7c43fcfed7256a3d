import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  renderHtml,
  scriptJson
} from "./chunk-L7NII3JH.js";
import "./chunk-KBULCXRD.js";
import {
  MetricsAccumulator,
  buildResult,
  timePoint
} from "./chunk-7LGARQTM.js";
import "./chunk-3ERMLBNY.js";
import {
  latencyStats
} from "./chunk-IJ6DNMWR.js";
import "./chunk-ACBGIYP4.js";
import "./chunk-L2HGLDIH.js";
import "./chunk-NDBRKXYU.js";
import "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";

// src/report/dashboard.ts
import { createServer } from "node:http";
var fmt = (v) => v >= 100 ? v.toFixed(0) : v.toFixed(2);
async function startDashboard(opts) {
  const startAtMs = opts.startAtMs ?? Date.now();
  const acc = new MetricsAccumulator();
  const series = [];
  const clients = /* @__PURE__ */ new Set();
  let last = "";
  let closed = false;
  const empty = buildResult({
    plan: opts.plan,
    metrics: { v: 1, total: { counters: acc.counters(), hist: {} }, scenarios: {}, errorSamples: [] },
    intervals: [],
    startAtMs,
    endedAtMs: startAtMs,
    events: []
  });
  const page = renderHtml(empty, { title: `Live: ${opts.plan.name}`, live: "/events" });
  const server = createServer((req, res) => {
    if (req.url === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write("retry: 1000\n\n");
      if (last) res.write(`data: ${last}

`);
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    if (req.url === "/" || req.url === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(page) });
      return void res.end(page);
    }
    res.writeHead(404).end();
  });
  server.unref();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    publish(snapshot) {
      if (closed) return;
      acc.add(snapshot);
      series.push(timePoint(snapshot.total, snapshot, startAtMs, snapshot.activeVus));
      const c = acc.counters();
      const elapsedS = Math.max(1e-3, (snapshot.startMs + snapshot.intervalMs - startAtMs) / 1e3);
      const l = latencyStats(acc.histogram("latency"));
      const data = {
        timeseries: series,
        errorClasses: [...new Set(series.flatMap((p) => Object.keys(p.errors_by_class)))],
        buckets: [],
        fields: { requests: c.requests, rps: (c.requests / elapsedS).toFixed(1), error_rate: `${((c.requests ? c.errors / c.requests : 0) * 100).toFixed(2)}%`, p50: fmt(l.p50), p95: fmt(l.p95), p99: fmt(l.p99), duration: elapsedS.toFixed(1), verdict: "running" }
      };
      last = scriptJson(data);
      for (const res of clients) res.write(`data: ${last}

`);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const res of clients) res.end("event: end\ndata: {}\n\n");
      clients.clear();
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r()));
      acc.destroy();
    }
  };
}
export {
  startDashboard
};

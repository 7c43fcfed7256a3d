import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  parseWorkerMessage
} from "./chunk-7MPSUP2M.js";
import {
  CommandQueues,
  LIVE_CAPS
} from "./chunk-VOZ25BS7.js";
import {
  LtError
} from "./chunk-QE7CO3VA.js";
import {
  bearerOf,
  tokenMatches
} from "./chunk-ZGXLVFZK.js";

// src/cluster/http-relay-server.ts
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
function createHttpRelayServer(opts) {
  const log = opts.log ?? (() => void 0);
  const maxBody = opts.maxBodyBytes ?? 32 * 1024 * 1024;
  const keepAliveMs = opts.keepAliveMs ?? 1e3;
  const queues = new CommandQueues();
  const registered = /* @__PURE__ */ new Set();
  const sockets = /* @__PURE__ */ new Set();
  const streams = /* @__PURE__ */ new Set();
  let handler;
  let server;
  let url = "";
  let closed = false;
  function json(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }
  function peer(req) {
    return `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
  }
  async function readBody(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > maxBody) throw new LtError("LT_ERR_RELAY", `message body over ${maxBody} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  }
  async function onMessages(req, res, arrivedMono) {
    let msgs;
    try {
      const raw = JSON.parse(await readBody(req));
      msgs = (Array.isArray(raw) ? raw : [raw]).map(parseWorkerMessage);
    } catch (err) {
      const why = err instanceof SyntaxError ? `not JSON: ${err.message}` : err.message;
      log(`relay: bad request from ${peer(req)}: ${why}`);
      return json(res, 400, { error: why });
    }
    for (const msg of msgs) {
      const verdict = handler(msg, performance.now() - arrivedMono);
      if (verdict && "refuse" in verdict) {
        log(`relay: refused worker '${msg.workerId}' (${peer(req)}): ${verdict.refuse}`);
        return json(res, 409, { refused: verdict.refuse });
      }
      if (msg.type === "register") registered.add(msg.workerId);
    }
    json(res, 200, { ok: true });
  }
  function onCommands(req, res, query) {
    const workerId = query.get("worker") ?? "";
    const after = Number(query.get("after") ?? "0");
    if (!workerId || !Number.isInteger(after) || after < 0) return json(res, 400, { error: "need ?worker=ID&after=SEQ" });
    res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
    res.flushHeaders();
    streams.add(res);
    let sent = after;
    const pump = () => {
      const pending = queues.since(workerId, sent);
      if (pending.length === 0) return;
      res.write(pending.map((p) => JSON.stringify(p)).join("\n") + "\n");
      sent = pending[pending.length - 1].seq;
    };
    queues.listen(workerId, pump);
    pump();
    const keepAlive = setInterval(() => res.write("\n"), keepAliveMs);
    const cleanup = () => {
      clearInterval(keepAlive);
      streams.delete(res);
      queues.unlisten(workerId, pump);
    };
    res.on("close", cleanup);
  }
  async function route(req, res) {
    const arrivedMono = performance.now();
    const u = new URL(req.url ?? "/", "http://relay");
    if (!tokenMatches(opts.token, bearerOf(req.headers.authorization))) {
      log(`relay: refused ${req.method} ${u.pathname} from ${peer(req)}: ${req.headers.authorization ? "wrong token" : "no token"} (401)`);
      res.setHeader("www-authenticate", 'Bearer realm="loadtest relay"');
      return json(res, 401, { error: "missing or wrong bearer token" });
    }
    if (req.method === "POST" && u.pathname === "/v1/messages") return onMessages(req, res, arrivedMono);
    if (req.method === "GET" && u.pathname === "/v1/commands") return onCommands(req, res, u.searchParams);
    if (req.method === "GET" && u.pathname === "/metrics" && opts.metrics) {
      const m = await opts.metrics();
      res.writeHead(200, { "content-type": m.contentType });
      res.end(m.body);
      return;
    }
    json(res, 404, { error: `no route ${req.method} ${u.pathname}` });
  }
  const relay = {
    caps: LIVE_CAPS,
    token: opts.token,
    get url() {
      return url;
    },
    async start(h) {
      if (server) throw new LtError("LT_ERR_INTERNAL", "relay already started");
      handler = h;
      server = createServer((req, res) => {
        route(req, res).catch((err) => {
          log(`relay: internal error on ${req.method} ${req.url}: ${err.message}`);
          if (!res.headersSent) json(res, 500, { error: err.message });
          else res.destroy();
        });
      });
      server.keepAliveTimeout = 5e3;
      server.on("connection", (s) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
      });
      const host = opts.host ?? "127.0.0.1";
      await new Promise((resolve, reject) => {
        server.once(
          "error",
          (err) => reject(new LtError("LT_ERR_RELAY", `cannot listen on ${host}:${opts.port ?? 0}: ${err.code ?? err.message}`, { cause: err }))
        );
        server.listen(opts.port ?? 0, host, () => resolve());
      });
      const addr = server.address();
      url = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;
    },
    send(workerId, cmd) {
      if (!closed) queues.push(workerId, cmd);
    },
    broadcast(cmd) {
      for (const id of registered) relay.send(id, cmd);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of streams) s.end();
      queues.clear();
      if (!server) return;
      const done = new Promise((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 500);
      await done;
      clearTimeout(timer);
    }
  };
  return relay;
}

export {
  createHttpRelayServer
};

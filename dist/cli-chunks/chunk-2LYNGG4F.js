import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  LtError
} from "./chunk-QE7CO3VA.js";

// src/demo/target.ts
import { createServer } from "node:http";

// src/demo/latency-ladder.ts
var MAX_LADDER_DELAY_MS = 6e4;
var MAX_LADDER_ENTRIES = 1e5;
var MAX_LADDERS = 1e3;
function parseLadder(text) {
  const delaysMs = [];
  for (const part of text.split(",")) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:x\s*(\d+))?\s*$/.exec(part);
    if (!m) return { error: `ladder part '${part}' is not <ms> or <ms>x<count> (e.g. 10x50,30x40)` };
    const ms = Number(m[1]);
    const count = m[2] === void 0 ? 1 : Number(m[2]);
    if (ms > MAX_LADDER_DELAY_MS) return { error: `ladder part '${part}': delay ${ms} ms is above ${MAX_LADDER_DELAY_MS}` };
    if (count < 1) return { error: `ladder part '${part}': count must be at least 1` };
    if (delaysMs.length + count > MAX_LADDER_ENTRIES) return { error: `ladder expands to more than ${MAX_LADDER_ENTRIES} entries` };
    for (let i = 0; i < count; i++) delaysMs.push(ms);
  }
  return { delaysMs };
}
var LadderBook = class {
  ladders = /* @__PURE__ */ new Map();
  /** The delay for the next request on `text`, or an error message for a malformed ladder. */
  next(text) {
    let entry = this.ladders.get(text);
    if (!entry) {
      const parsed = parseLadder(text);
      if ("error" in parsed) return parsed;
      if (this.ladders.size >= MAX_LADDERS) this.ladders.clear();
      entry = { ladder: parsed, next: 0 };
      this.ladders.set(text, entry);
    }
    const d = entry.ladder.delaysMs;
    const delay = d[entry.next];
    entry.next = (entry.next + 1) % d.length;
    return delay;
  }
};

// src/demo/respond.ts
var MAX_REQUEST_BODY_BYTES = 1 << 20;
function sendJson(res, status, body, headers = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
function sendText(res, status, text, headers = {}) {
  res.writeHead(status, { ...headers, "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
function readBody(req, maxBytes = MAX_REQUEST_BODY_BYTES) {
  return new Promise((resolve) => {
    const chunks = [];
    let kept = 0;
    req.on("data", (c) => {
      if (kept >= maxBytes) return;
      const part = kept + c.length > maxBytes ? c.subarray(0, maxBytes - kept) : c;
      kept += part.length;
      chunks.push(part);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
function parseJsonObject(text) {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}
function requestCookies(req) {
  const out = {};
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (name && !(name in out)) out[name] = part.slice(i + 1).trim();
  }
  return out;
}
function numParam(q, name, dflt, min, max) {
  const raw = q.get(name);
  if (raw === null || raw.trim() === "") return dflt;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.min(Math.max(min, n), max) : dflt;
}
function guardRoute(route, report) {
  const fail = (req, res, err) => {
    report?.(req, err);
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { error: "demo target internal error" });
  };
  return (req, res) => {
    try {
      const pending = route(req, res);
      if (pending) pending.catch((err) => fail(req, res, err));
    } catch (err) {
      fail(req, res, err);
    }
  };
}

// src/demo/shop.ts
import { randomBytes } from "node:crypto";
var PRODUCTS = Array.from({ length: 10 }, (_, i) => ({ id: 101 + i, name: `Widget ${i + 1}`, price: 5 + i * 2.5 }));
var PRODUCTS_JSON = JSON.stringify({ items: PRODUCTS });
var PRICE_BY_ID = new Map(PRODUCTS.map((p) => [p.id, p.price]));
var MAX_SESSIONS = 1e5;
var MAX_QTY = 1e3;
var ROUTES = {
  "/shop/login": "GET, POST",
  "/shop/products": "GET",
  "/shop/cart": "POST",
  "/shop/checkout": "POST",
  "/shop/logout": "GET"
};
function validCredentials(user, pass) {
  if (user === "demo") return pass === "demo";
  const m = /^user([1-9]\d{0,3})$/.exec(user);
  return m !== null && Number(m[1]) <= 1e3 && pass === `pass${m[1]}`;
}
var token = () => randomBytes(16).toString("hex");
var Shop = class {
  sessions = /* @__PURE__ */ new Map();
  orders = 0;
  maxSessions;
  /** `maxSessions` is for tests of eviction; the default suits a long load test. */
  constructor(opts = {}) {
    this.maxSessions = opts.maxSessions ?? MAX_SESSIONS;
  }
  /** Sessions currently held (pre-sessions included). */
  get sessionCount() {
    return this.sessions.size;
  }
  create(s) {
    if (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value);
    const id = token();
    this.sessions.set(id, s);
    return id;
  }
  find(id) {
    if (!id) return void 0;
    const s = this.sessions.get(id);
    if (s) {
      this.sessions.delete(id);
      this.sessions.set(id, s);
    }
    return s;
  }
  /** Handles a request whose path starts with /shop/. */
  async handle(req, res, path) {
    const allowed = ROUTES[path];
    if (!allowed) return sendJson(res, 404, { error: `no route ${req.method} ${path}` });
    if (!allowed.split(", ").includes(req.method ?? "")) return sendJson(res, 405, { error: `${path} allows ${allowed}` }, { allow: allowed });
    const cookies = requestCookies(req);
    if (path === "/shop/login") return req.method === "GET" ? this.loginForm(res) : this.login(req, res, cookies);
    if (path === "/shop/logout") {
      if (cookies.sid) this.sessions.delete(cookies.sid);
      return sendJson(res, 200, { ok: true }, { "set-cookie": "sid=; Path=/shop; Max-Age=0; HttpOnly" });
    }
    const session = this.find(cookies.sid);
    if (!session?.user) return sendJson(res, 401, { error: "not logged in (no valid sid cookie; POST /shop/login first)" });
    if (path === "/shop/products") return sendJson(res, 200, PRODUCTS_JSON);
    const body = parseJsonObject(await readBody(req));
    if (req.headers["x-csrf-token"] !== session.csrf) return sendJson(res, 403, { error: "missing or wrong X-CSRF-Token header" });
    if (path === "/shop/cart") {
      const id = Number(body.product_id);
      if (!PRICE_BY_ID.has(id)) return sendJson(res, 400, { error: `no product ${JSON.stringify(body.product_id ?? null)} (ids are 101..110)` });
      const qty = Math.min(MAX_QTY, Math.max(1, Math.floor(Number(body.qty)) || 1));
      if (session.cart.length >= 100) session.cart.shift();
      session.cart.push({ product_id: id, qty });
      session.cartId ??= token().slice(0, 12);
      return sendJson(res, 201, { cart_id: session.cartId, items: session.cart });
    }
    if (session.cart.length === 0) return sendJson(res, 409, { error: "the cart is empty (POST /shop/cart first)" });
    const cents = session.cart.reduce((a, i) => a + i.qty * Math.round(PRICE_BY_ID.get(i.product_id) * 100), 0);
    session.cart = [];
    session.cartId = void 0;
    return sendJson(res, 200, { order_id: ++this.orders, total: cents / 100 });
  }
  loginForm(res) {
    const csrf = token();
    const pre = this.create({ csrf, cart: [] });
    const html = `<!doctype html><html><head><title>Demo shop: log in</title></head><body><form method="post" action="/shop/login"><input type="hidden" name="csrf" value="${csrf}"><label>User <input name="username"></label><label>Password <input name="password" type="password"></label><button type="submit">Log in</button></form></body></html>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html), "set-cookie": `pre=${pre}; Path=/shop; HttpOnly; SameSite=Lax` });
    res.end(html);
  }
  async login(req, res, cookies) {
    const text = await readBody(req);
    const isJson = (req.headers["content-type"] ?? "").includes("json");
    const form = isJson ? parseJsonObject(text) : Object.fromEntries(new URLSearchParams(text));
    const pre = this.find(cookies.pre);
    if (!pre || pre.user !== void 0 || typeof form.csrf !== "string" || form.csrf !== pre.csrf) {
      return sendJson(res, 403, { error: "missing or wrong CSRF token (GET /shop/login first and send its csrf field with the pre cookie)" });
    }
    const user = String(form.username ?? "");
    if (!validCredentials(user, String(form.password ?? ""))) return sendJson(res, 401, { error: "wrong username or password" });
    this.sessions.delete(cookies.pre);
    const sid = this.create({ user, csrf: pre.csrf, cart: [] });
    return sendJson(res, 200, { user, csrf: pre.csrf }, { "set-cookie": [`sid=${sid}; Path=/shop; HttpOnly; SameSite=Lax`, "pre=; Path=/shop; Max-Age=0"] });
  }
};

// src/demo/target.ts
var MAX_BYTES = 1 << 30;
var BYTES_CHUNK = Buffer.alloc(64 * 1024, "a");
var USERS_JSON = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `user${i + 1}`, email: `user${i + 1}@example.test` })));
var COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
var COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
var COOKIE_ATTR = /^[^;\x00-\x1f\x7f]*$/;
var LOOPBACK = /* @__PURE__ */ new Set(["127.0.0.1", "localhost", "[::1]"]);
async function startDemoTarget(opts = {}) {
  const startedMs = Date.now();
  const shop = new Shop();
  const ladders = new LadderBook();
  const timers = /* @__PURE__ */ new Set();
  const later = (ms, fn) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const route = (req, res) => {
    const raw = req.url ?? "/";
    const qi = raw.indexOf("?");
    const p = qi < 0 ? raw : raw.slice(0, qi);
    const q = new URLSearchParams(qi < 0 ? "" : raw.slice(qi + 1));
    if (p.startsWith("/shop/")) return shop.handle(req, res, p);
    if (p.startsWith("/cookies/") && p !== "/cookies/set") return echoCookies(req, res);
    switch (p) {
      case "/":
      case "/healthz":
        return sendText(res, 200, "ok");
      case "/fast":
        return sendJson(res, 200, '{"ok":true}');
      case "/slow":
        return later(numParam(q, "ms", 100, 0, MAX_LADDER_DELAY_MS), () => sendJson(res, 200, '{"ok":true}'));
      case "/flaky":
        return Math.random() < numParam(q, "fail", 0.1, 0, 1) ? sendJson(res, Math.floor(numParam(q, "status", 500, 400, 599)), { error: "flaky failure" }) : sendJson(res, 200, '{"ok":true}');
      case "/stall": {
        const everyMs = numParam(q, "every", 2e3, 1, MAX_LADDER_DELAY_MS);
        const forMs = numParam(q, "for", 500, 0, everyMs);
        const phaseMs = (Date.now() - startedMs) % everyMs;
        const waitMs = phaseMs >= everyMs - forMs ? Math.ceil(everyMs - phaseMs) : 0;
        const reply = () => sendJson(res, 200, `{"waited_ms":${waitMs}}`, { "x-stall-wait-ms": String(waitMs) });
        return waitMs > 0 ? later(waitMs, reply) : reply();
      }
      case "/latency": {
        const delay = ladders.next(q.get("ladder") ?? q.get("ms") ?? "10");
        if (typeof delay !== "number") return sendJson(res, 400, delay);
        return later(delay, () => sendJson(res, 200, `{"delay_ms":${delay}}`, { "x-delay-ms": String(delay) }));
      }
      case "/bytes":
        return streamBytes(res, Math.floor(numParam(q, "n", 1024, 0, MAX_BYTES)));
      case "/redirect": {
        const to = q.get("to") ?? "/fast";
        if (!isSafeRedirect(to)) return sendJson(res, 400, { error: `redirect target '${to}' must be a path (/x) or a loopback http(s) URL` });
        const location = /[^\x21-\x7e]/.test(to) ? encodeURI(to) : to;
        res.writeHead(Math.floor(numParam(q, "status", 302, 300, 308)), { location, "content-length": 0 });
        return void res.end();
      }
      case "/headers":
        return sendJson(res, 200, req.headers);
      case "/memory": {
        const m = process.memoryUsage();
        return sendJson(res, 200, { rss_bytes: m.rss, heap_used_bytes: m.heapUsed, external_bytes: m.external, array_buffers_bytes: m.arrayBuffers });
      }
      case "/echo":
        return readBody(req).then((body) => sendJson(res, 200, { method: req.method, content_type: req.headers["content-type"] ?? null, body }));
      case "/cookies":
        return echoCookies(req, res);
      case "/cookies/set":
        return setCookie(q, res);
      case "/api/users":
        return sendJson(res, 200, USERS_JSON);
      case "/api/orders":
        if (req.method !== "POST") return sendJson(res, 405, { error: "/api/orders allows POST" }, { allow: "POST" });
        return readBody(req).then(() => sendJson(res, 201, { id: Math.floor(Math.random() * 1e9), status: "created" }));
      case "/api/checkout":
        if (req.method !== "POST") return sendJson(res, 405, { error: "/api/checkout allows POST" }, { allow: "POST" });
        return readBody(req).then(() => sendJson(res, 200, { order_id: Math.floor(Math.random() * 1e9), status: "paid" }));
      case "/api/reports/summary":
        return later(5 + Math.floor(Math.random() * 16), () => sendJson(res, 200, { users: 20, orders: 1234, revenue: 98765.43 }));
      default: {
        const m = /^\/status\/(\d{3})$/.exec(p);
        if (m) return sendStatus(res, Number(m[1]));
        return sendJson(res, 404, { error: `no route ${req.method} ${p}` });
      }
    }
  };
  const handler = guardRoute(route, opts.quiet ? void 0 : (req, err) => process.stderr.write(`demo target: ${req.method} ${req.url}: ${err?.message ?? err}
`));
  const requested = opts.host ?? "127.0.0.1";
  const loopbackV4 = requested === "127.0.0.1" || requested === "localhost";
  const primary = newServer(handler);
  const port = await listen(primary, opts.port ?? 0, loopbackV4 ? "127.0.0.1" : requested);
  let secondary;
  if (loopbackV4) {
    secondary = newServer(handler);
    await listen(secondary, port, "::1").catch(() => secondary = void 0);
  }
  let closing;
  return {
    url: `http://${urlHost(requested)}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        await Promise.all(
          [primary, secondary].map(
            (s) => s && new Promise((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            })
          )
        );
      })();
      return closing;
    }
  };
}
function newServer(handler) {
  const s = createServer({ noDelay: true, keepAlive: true }, handler);
  s.keepAliveTimeout = 65e3;
  s.headersTimeout = 66e3;
  s.requestTimeout = 0;
  s.maxRequestsPerSocket = 0;
  return s;
}
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      const why = err.code === "EADDRINUSE" ? "the address is already in use (pick another port with --port)" : err.message;
      reject(new LtError("LT_ERR_IO", `demo target cannot listen on ${host}:${port}: ${why}`, { cause: err }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address().port);
    });
  });
}
function urlHost(host) {
  if (host === "localhost" || host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "::0") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
function isSafeRedirect(to) {
  if (to.startsWith("/")) return !to.startsWith("//") && !to.startsWith("/\\");
  try {
    const u = new URL(to);
    return (u.protocol === "http:" || u.protocol === "https:") && LOOPBACK.has(u.hostname);
  } catch {
    return false;
  }
}
function sendStatus(res, status) {
  if (status < 200 || status > 599) return sendJson(res, 400, { error: `status ${status} is not in 200..599` });
  if (status === 204 || status === 304) {
    res.writeHead(status);
    return void res.end();
  }
  sendJson(res, status, { status });
}
function streamBytes(res, n) {
  let left = n;
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": n });
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const part = left >= BYTES_CHUNK.length ? BYTES_CHUNK : BYTES_CHUNK.subarray(0, left);
      left -= part.length;
      if (!res.write(part)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}
function echoCookies(req, res) {
  sendJson(res, 200, { cookies: requestCookies(req), header: req.headers.cookie ?? "" });
}
function setCookie(q, res) {
  const name = q.get("name") ?? "c";
  const value = q.get("value") ?? "1";
  if (!COOKIE_NAME.test(name)) return sendJson(res, 400, { error: `cookie name '${name}' is not an RFC 6265 token` });
  if (!COOKIE_VALUE.test(value)) return sendJson(res, 400, { error: `cookie value '${value}' has characters RFC 6265 does not allow` });
  const parts = [`${name}=${value}`];
  for (const [param, attr] of [["path", "Path"], ["domain", "Domain"], ["max_age", "Max-Age"], ["expires", "Expires"], ["samesite", "SameSite"]]) {
    const v = q.get(param);
    if (v === null) continue;
    if (!COOKIE_ATTR.test(v)) return sendJson(res, 400, { error: `cookie attribute ${param}='${v}' must not contain ';' or control characters` });
    parts.push(`${attr}=${v}`);
  }
  if (q.has("secure")) parts.push("Secure");
  if (q.has("httponly")) parts.push("HttpOnly");
  const header = parts.join("; ");
  sendJson(res, 200, { set: header }, { "set-cookie": header });
}

export {
  startDemoTarget
};

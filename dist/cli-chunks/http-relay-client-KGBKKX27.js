import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  require_undici
} from "./chunk-3TBED6VK.js";
import {
  parseCommand
} from "./chunk-7MPSUP2M.js";
import {
  LIVE_CAPS,
  RelayAuthError,
  RelayRefusedError,
  RelayUnavailableError
} from "./chunk-VOZ25BS7.js";
import "./chunk-NDBRKXYU.js";
import "./chunk-QE7CO3VA.js";
import {
  __toESM
} from "./chunk-45V4WZAN.js";

// src/cluster/http-relay-client.ts
var import_undici = __toESM(require_undici(), 1);
var sleep = (ms, signal) => new Promise((resolve) => {
  if (signal.aborted) return resolve();
  const t = setTimeout(done, ms);
  function done() {
    clearTimeout(t);
    signal.removeEventListener("abort", done);
    resolve();
  }
  signal.addEventListener("abort", done, { once: true });
});
function createHttpRelayClient(opts) {
  const base = opts.url.replace(/\/+$/, "");
  const auth = `Bearer ${opts.token}`;
  const sendTimeoutMs = opts.sendTimeoutMs ?? 3e3;
  const streamIdleMs = opts.streamIdleMs ?? 3e3;
  const log = opts.log ?? (() => void 0);
  const agent = new import_undici.Agent({ keepAliveTimeout: 4e3, connectTimeout: sendTimeoutMs });
  const life = new AbortController();
  let streamLoop;
  async function send(msgs) {
    if (life.signal.aborted) throw new RelayUnavailableError("client closed");
    let res;
    try {
      res = await (0, import_undici.request)(`${base}/v1/messages`, {
        method: "POST",
        dispatcher: agent,
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify(msgs),
        signal: AbortSignal.any([life.signal, AbortSignal.timeout(sendTimeoutMs)]),
        headersTimeout: sendTimeoutMs,
        bodyTimeout: sendTimeoutMs
      });
    } catch (err) {
      throw new RelayUnavailableError(`${base}: ${err.message}`, err);
    }
    let text = "";
    try {
      text = await res.body.text();
    } catch (err) {
      throw new RelayUnavailableError(`${base}: reading the answer: ${err.message}`, err);
    }
    if (res.statusCode === 200) return;
    if (res.statusCode === 401) throw new RelayAuthError(`HTTP 401 from ${base}`);
    if (res.statusCode === 409) {
      let reason = text;
      try {
        reason = JSON.parse(text).refused ?? text;
      } catch {
      }
      throw new RelayRefusedError(reason);
    }
    if (res.statusCode === 400) throw new RelayRefusedError(`the relay rejected a message as invalid: ${text}`);
    throw new RelayUnavailableError(`HTTP ${res.statusCode} from ${base}: ${text.slice(0, 200)}`);
  }
  async function streamCommands(workerId, onCommand) {
    let lastSeq = 0;
    let backoffMs = 100;
    while (!life.signal.aborted) {
      const attempt = new AbortController();
      const stopAttempt = () => attempt.abort();
      life.signal.addEventListener("abort", stopAttempt, { once: true });
      let idle;
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => attempt.abort(new Error(`no data for ${streamIdleMs} ms`)), streamIdleMs);
      };
      try {
        arm();
        const res = await (0, import_undici.request)(`${base}/v1/commands?worker=${encodeURIComponent(workerId)}&after=${lastSeq}`, {
          method: "GET",
          dispatcher: agent,
          headers: { authorization: auth },
          signal: attempt.signal,
          headersTimeout: streamIdleMs,
          bodyTimeout: 0
        });
        if (res.statusCode !== 200) {
          await res.body.text().catch(() => "");
          throw new Error(`HTTP ${res.statusCode}`);
        }
        backoffMs = 100;
        let buf = "";
        for await (const chunk of res.body) {
          arm();
          buf += chunk.toString();
          let nl;
          while ((nl = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const { seq, cmd } = JSON.parse(line);
            if (seq <= lastSeq) continue;
            lastSeq = seq;
            onCommand(parseCommand(cmd));
          }
        }
      } catch (err) {
        if (!life.signal.aborted) log(`relay: command stream interrupted (${err.message}); reconnecting`);
      } finally {
        clearTimeout(idle);
        life.signal.removeEventListener("abort", stopAttempt);
        attempt.abort();
      }
      await sleep(backoffMs, life.signal);
      backoffMs = Math.min(backoffMs * 2, 2e3);
    }
  }
  return {
    caps: LIVE_CAPS,
    connect(workerId, onCommand) {
      streamLoop ??= streamCommands(workerId, onCommand);
    },
    send,
    async close() {
      if (life.signal.aborted) return;
      life.abort();
      await streamLoop;
      await agent.destroy();
    }
  };
}
export {
  createHttpRelayClient
};

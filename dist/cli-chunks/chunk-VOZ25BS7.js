import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  LtError
} from "./chunk-QE7CO3VA.js";

// src/cluster/transport.ts
var LIVE_CAPS = Object.freeze({ live: true, heartbeatMs: 1e3, lostAfterMs: 3e3 });
var RelayRefusedError = class extends LtError {
  constructor(reason) {
    super("LT_ERR_CLUSTER", `coordinator refused this worker: ${reason}`);
    this.reason = reason;
    this.name = "RelayRefusedError";
  }
  reason;
};
var RelayAuthError = class extends LtError {
  constructor(detail) {
    super("LT_ERR_RELAY", `relay refused the token (${detail}); pass the token the coordinator printed (--token)`);
    this.name = "RelayAuthError";
  }
};
var RelayUnavailableError = class extends LtError {
  constructor(detail, cause) {
    super("LT_ERR_RELAY", `relay unavailable: ${detail}`, { cause });
    this.name = "RelayUnavailableError";
  }
};
var CommandQueues = class {
  queues = /* @__PURE__ */ new Map();
  listeners = /* @__PURE__ */ new Map();
  /** Appends a command for `workerId` and wakes its listener. */
  push(workerId, cmd) {
    let q = this.queues.get(workerId);
    if (!q) this.queues.set(workerId, q = []);
    q.push({ seq: q.length + 1, cmd });
    this.listeners.get(workerId)?.();
  }
  /** Commands of `workerId` with seq > `after`. */
  since(workerId, after) {
    const q = this.queues.get(workerId) ?? [];
    return after <= 0 ? q.slice() : q.slice(after);
  }
  /** Sets the single listener woken on push (a newer connection replaces an older one). */
  listen(workerId, fn) {
    if (fn) this.listeners.set(workerId, fn);
    else this.listeners.delete(workerId);
  }
  /** Removes `fn` as listener of `workerId` unless a newer one replaced it. */
  unlisten(workerId, fn) {
    if (this.listeners.get(workerId) === fn) this.listeners.delete(workerId);
  }
  clear() {
    this.queues.clear();
    this.listeners.clear();
  }
};

export {
  LIVE_CAPS,
  RelayRefusedError,
  RelayAuthError,
  RelayUnavailableError,
  CommandQueues
};

import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  loadPlan
} from "./chunk-ZVCZBYNT.js";
import "./chunk-Z3TEJVCP.js";
import {
  applyOverrides
} from "./chunk-EFYEXXOE.js";
import "./chunk-KBULCXRD.js";
import {
  runCoordinator
} from "./chunk-H2MXQH6F.js";
import "./chunk-LS33CLA3.js";
import "./chunk-DZFUAFA3.js";
import "./chunk-7LGARQTM.js";
import "./chunk-3ERMLBNY.js";
import "./chunk-IJ6DNMWR.js";
import "./chunk-ACBGIYP4.js";
import "./chunk-L2HGLDIH.js";
import {
  createHttpRelayServer
} from "./chunk-ZENVEYUH.js";
import "./chunk-7MPSUP2M.js";
import "./chunk-VOZ25BS7.js";
import "./chunk-NDBRKXYU.js";
import {
  LtError,
  PlanError
} from "./chunk-QE7CO3VA.js";
import {
  newToken
} from "./chunk-ZGXLVFZK.js";
import "./chunk-45V4WZAN.js";

// src/cluster/local-cluster.ts
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
function workerCommand() {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) return { command: process.execPath, args: ["--import", "tsx", resolve(dirname(here), "../cli/main.ts"), "worker"] };
  return { command: process.execPath, args: [join(dirname(here), "cli.js"), "worker"] };
}
async function runDistributedLocal(planPath, opts) {
  return (await runDistributedLocalDetailed(planPath, opts)).result;
}
async function runDistributedLocalDetailed(planPath, opts) {
  const log = opts.log ?? (() => void 0);
  const env = opts.env ?? process.env;
  const abs = resolve(planPath);
  let text;
  try {
    text = readFileSync(abs, "utf8");
  } catch (err) {
    throw new PlanError(`cannot read plan ${planPath}: ${err.message}`, { cause: err });
  }
  const file = relative(process.cwd(), abs).startsWith("..") ? abs : relative(process.cwd(), abs) || abs;
  const loaded = loadPlan(text, file, { env, baseDir: dirname(abs) });
  const plan = applyOverrides(loaded, opts.overrides ?? {});
  const token = newToken();
  let expose;
  const relay = createHttpRelayServer({
    token,
    log,
    metrics: async () => expose ? expose() : { contentType: "text/plain", body: "" }
  });
  const children = /* @__PURE__ */ new Set();
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  };
  process.once("exit", killAll);
  const { command, args } = workerCommand();
  let control;
  const spawnWorkers = () => {
    for (let i = 0; i < opts.workers; i++) {
      const id = `w${i + 1}`;
      const url = opts.relayUrlFor?.(i, relay.url) ?? relay.url;
      const child = spawn(command, [...args, "--relay", url, "--id", id, "--base-dir", dirname(abs), ...opts.workerArgs?.(i) ?? []], {
        env: { ...env, LOADTEST_RELAY_TOKEN: token, LOADTEST_PARENT_PIPE: "1" },
        stdio: ["pipe", "pipe", "pipe"]
      });
      children.add(child);
      const relayLines = (prefix) => (d) => {
        for (const line of d.toString().split("\n")) if (line.trim()) log(`[${id}] ${prefix}${line}`);
      };
      child.stdout.on("data", relayLines(""));
      child.stderr.on("data", relayLines(""));
      child.on("exit", (code, sig) => {
        children.delete(child);
        const how = sig ?? `code ${code}`;
        if (code !== 0) log(`[${id}] worker process exited (${how})`);
        control?.workerGone(id, `process exited (${how})`);
      });
      opts.onWorker?.(i, child);
    }
  };
  try {
    return await runCoordinator({
      plan,
      planSource: { text, file },
      overrides: opts.overrides,
      transport: relay,
      workers: opts.workers,
      minWorkers: opts.minWorkers,
      waitMs: opts.waitMs ?? 3e4,
      intervalMs: opts.intervalMs,
      signal: opts.signal,
      log,
      onProgress: opts.onSnapshot,
      onMetrics: (e) => expose = e,
      onControl: (c) => control = c,
      onListening: () => {
        opts.onRelay?.(relay.url, token);
        spawnWorkers();
      }
    });
  } catch (err) {
    if (err instanceof LtError) throw err;
    throw new LtError("LT_ERR_CLUSTER", `local cluster failed: ${err.message}`, { cause: err });
  } finally {
    await relay.close();
    await stopChildren(children);
    process.off("exit", killAll);
  }
}
async function stopChildren(children) {
  const live = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  if (live.length === 0) return;
  await Promise.all(
    live.map(
      (c) => new Promise((resolve2) => {
        const kill = setTimeout(() => c.kill("SIGKILL"), 3e3);
        c.once("exit", () => {
          clearTimeout(kill);
          resolve2();
        });
        c.stdin?.end();
      })
    )
  );
}
export {
  runDistributedLocal,
  runDistributedLocalDetailed,
  workerCommand
};

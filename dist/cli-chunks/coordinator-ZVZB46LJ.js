import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  Progress,
  cliHelp,
  cliParseConfig,
  finalTable,
  validateOptions,
  writeOutputs
} from "./chunk-BA5GNYJW.js";
import {
  parseCommandArgs
} from "./chunk-ZA3573VQ.js";
import "./chunk-Z3TEJVCP.js";
import "./chunk-IJ6DNMWR.js";
import "./chunk-ACBGIYP4.js";
import "./chunk-NDBRKXYU.js";
import {
  PlanError,
  UsageError
} from "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";

// src/cli/commands/coordinator.ts
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
var usage = `Usage: loadtest coordinator <plan.yaml> --workers N [options]

Hosts the HTTP relay, waits for N workers ('loadtest worker --relay URL --token T'),
gives each its share of the plan and one start instant, merges their live
measurements and writes the result. Prints one machine-readable line first:
  relay: http://HOST:PORT token: TOKEN
Prometheus metrics: GET /metrics on the relay, with 'Authorization: Bearer TOKEN'.
Exit codes: 0 passed, 99 thresholds failed, 2 invalid plan or usage, 105 aborted, 1 error.

Options:
  --listen <host:port>            Where the relay listens (default 127.0.0.1:0 \u2014 loopback, any port)
  --token <token>                 Use this token instead of a random one (env LOADTEST_RELAY_TOKEN)
${cliHelp()}
`;
function parseListen(text) {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen: expected host:port, e.g. 127.0.0.1:0 or 0.0.0.0:8089 (got '${text}')`);
  return { host: m[1] ?? m[2], port };
}
var command = {
  name: "coordinator",
  summary: "Coordinate a distributed run (hosts the relay workers join)",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("coordinator", argv, cliParseConfig({ listen: { type: "string" }, token: { type: "string" } }));
    if (positionals.length !== 1) throw new UsageError(`coordinator takes exactly one plan file (got ${positionals.length ? positionals.map((p) => `'${p}'`).join(" ") : "none"})`);
    const { listen, token: tokenFlag, ...rest } = values;
    const opts = validateOptions(rest, "cli");
    const { host, port } = parseListen(listen ?? "127.0.0.1:0");
    const workers = opts.workers;
    if (!(workers >= 1)) throw new UsageError(`--workers: need at least 1 (got ${workers})`);
    const abs = resolve(io.cwd, positionals[0]);
    let text;
    try {
      text = readFileSync(abs, "utf8");
    } catch (err) {
      throw new PlanError(`cannot read plan ${positionals[0]}: ${err.code === "ENOENT" ? "no such file" : err.message}`, { cause: err });
    }
    const { loadPlan } = await import("./load-7FONYXNN.js");
    const { applyOverrides } = await import("./overrides-BKWCG4GM.js");
    const { createHttpRelayServer } = await import("./http-relay-server-7GHFU366.js");
    const { runCoordinator } = await import("./coordinator-NLJKOCAU.js");
    const { newToken } = await import("./token-TWEKXV5C.js");
    const file = relative(io.cwd, abs) || abs;
    const overrides = { vus: opts.vus, durationMs: opts.duration, target: opts.target };
    const plan = applyOverrides(loadPlan(text, file, { env: io.env, baseDir: dirname(abs) }), overrides);
    const token = tokenFlag ?? io.env.LOADTEST_RELAY_TOKEN ?? newToken();
    const log = (line) => io.stderr.write(`${line}
`);
    let expose;
    const relay = createHttpRelayServer({ host, port, token, log, metrics: async () => expose ? expose() : { contentType: "text/plain", body: "" } });
    const progress = opts.quiet ? void 0 : new Progress(io.stdout, Date.now());
    const dashboard = opts.dashboard ? await (await import("./dashboard-OEAKAXMM.js")).startDashboard({ port: opts.dashboardPort, plan }) : void 0;
    if (dashboard) io.stderr.write(`dashboard: ${dashboard.url}
`);
    try {
      const { result } = await runCoordinator({
        plan,
        planSource: { text, file },
        overrides,
        transport: relay,
        workers,
        minWorkers: opts.minWorkers,
        waitMs: opts.wait,
        signal: io.signal,
        log,
        onMetrics: (e) => expose = e,
        onProgress: (snap, vus) => {
          progress?.update(snap, vus);
          dashboard?.publish(snap);
        },
        onListening: () => {
          io.stdout.write(`relay: ${relay.url} token: ${token}
`);
          log(`waiting for ${workers} worker(s): loadtest worker --relay ${relay.url} --token <token>`);
        }
      });
      progress?.finish();
      await writeOutputs(result, opts, io.cwd);
      io.stdout.write(finalTable(result));
      return result.run.exit_code;
    } finally {
      await dashboard?.close();
      await relay.close();
    }
  }
};
export {
  command,
  parseListen
};

import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  parseCommandArgs
} from "./chunk-ZA3573VQ.js";
import {
  ExitCode,
  UsageError
} from "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";

// src/cli/commands/worker.ts
import { resolve } from "node:path";
var usage = `Usage: loadtest worker --relay <url> --token <token> [options]

Joins the run of the coordinator that printed <url> and <token>: registers, takes
its share of the plan, runs it from the common start instant and reports back.
The plan comes from the coordinator; --plan only makes the coordinator refuse this
worker if its own copy differs.

Options:
  --relay <url>        Relay URL printed by 'loadtest coordinator' (required)
  --token <token>      Relay token (or env LOADTEST_RELAY_TOKEN)
  --id <name>          Worker id, unique in the run (default: <hostname>-<pid>)
  --plan <file>        Local copy of the plan, checked against the coordinator's
  --base-dir <dir>     Directory the plan's data files are relative to (default: cwd)
  --max-vus <n>        Most VUs this worker takes on (default: 1000 per core)
  --clock-skew-ms <n>  Testing aid: pretend this machine's clock is off by n ms
`;
var command = {
  name: "worker",
  summary: "Join a distributed run as a worker",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("worker", argv, {
      relay: { type: "string" },
      token: { type: "string" },
      id: { type: "string" },
      plan: { type: "string" },
      "base-dir": { type: "string" },
      "max-vus": { type: "string" },
      "clock-skew-ms": { type: "string" }
    });
    if (positionals.length) throw new UsageError(`worker takes no positional arguments (got ${positionals.map((p) => `'${p}'`).join(" ")}); the plan comes from the coordinator`);
    const relayUrl = values.relay;
    if (!relayUrl) throw new UsageError("worker needs --relay <url> (the URL 'loadtest coordinator' printed)");
    if (!/^https?:\/\/[^/]+/.test(relayUrl)) throw new UsageError(`--relay: not an http(s) URL (got '${relayUrl}')`);
    const token = values.token ?? io.env.LOADTEST_RELAY_TOKEN;
    if (!token) throw new UsageError("worker needs --token <token> (or LOADTEST_RELAY_TOKEN)");
    const int = (name, allowNegative = false) => {
      const raw = values[name];
      if (raw === void 0) return void 0;
      const n = Number(raw);
      if (!Number.isInteger(n) || !allowNegative && n <= 0) throw new UsageError(`--${name}: must be a ${allowNegative ? "" : "positive "}whole number (got '${raw}')`);
      return n;
    };
    const maxVus = int("max-vus");
    const skewMs = int("clock-skew-ms", true) ?? 0;
    const id = values.id;
    if (id !== void 0 && !/^[A-Za-z0-9._:@-]{1,128}$/.test(id)) throw new UsageError(`--id: use letters, digits and . _ : @ - (got '${id}')`);
    const { createHttpRelayClient } = await import("./http-relay-client-KGBKKX27.js");
    const { runWorker } = await import("./worker-5QW4QIOZ.js");
    let planHash;
    if (values.plan) {
      const { loadPlanFile } = await import("./load-7FONYXNN.js");
      planHash = loadPlanFile(resolve(io.cwd, values.plan), { env: io.env }).hash;
    }
    const log = (line) => io.stderr.write(`${line}
`);
    const parent = new AbortController();
    const parentPiped = io.env.LOADTEST_PARENT_PIPE === "1";
    const onParentGone = () => parent.abort(new Error("parent process gone"));
    if (parentPiped) {
      process.stdin.on("end", onParentGone);
      process.stdin.on("close", onParentGone);
      process.stdin.resume();
    }
    try {
      const out = await runWorker({
        transport: createHttpRelayClient({ url: relayUrl, token, log }),
        workerId: id,
        capacity: maxVus ? { maxVus } : void 0,
        planHash,
        nowMs: skewMs ? () => performance.timeOrigin + performance.now() + skewMs : void 0,
        env: io.env,
        baseDir: resolve(io.cwd, values["base-dir"] ?? "."),
        signal: AbortSignal.any([io.signal, parent.signal]),
        giveUpMs: parentPiped ? 1e4 : void 0,
        log
      });
      const c = out.engine.metrics.total.counters;
      io.stdout.write(`worker ${out.workerId}: done \u2014 ${c.requests} requests, ${c.errors} errors; clock offset ${out.clock.offsetMs.toFixed(1)} ms
`);
      return out.engine.aborted?.bySignal ? ExitCode.aborted : ExitCode.passed;
    } finally {
      if (parentPiped) {
        process.stdin.off("end", onParentGone);
        process.stdin.off("close", onParentGone);
        process.stdin.pause();
        process.stdin.destroy();
      }
    }
  }
};
export {
  command
};

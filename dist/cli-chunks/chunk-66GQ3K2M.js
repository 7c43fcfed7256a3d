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
  startRun
} from "./chunk-A3A3S3JN.js";
import {
  parseCommandArgs
} from "./chunk-ZA3573VQ.js";
import {
  loadPlanFile
} from "./chunk-ZVCZBYNT.js";
import {
  applyOverrides
} from "./chunk-EFYEXXOE.js";
import {
  MetricsAccumulator,
  buildResult,
  evaluateLive,
  viewOfAccumulator
} from "./chunk-7LGARQTM.js";
import {
  UsageError
} from "./chunk-QE7CO3VA.js";

// src/cli/commands/run.ts
import { resolve } from "node:path";

// src/runner.ts
async function runPlan(plan, opts = {}) {
  const live = new MetricsAccumulator();
  const events = [];
  let startAtMs = Date.now();
  const handle = startRun(plan, {
    signal: opts.signal,
    intervalMs: opts.intervalMs,
    startAtMs,
    onSnapshot: (snap) => {
      live.add(snap);
      const elapsedMs = snap.startMs + snap.intervalMs - startAtMs;
      const failing = evaluateLive(plan.thresholds, viewOfAccumulator(live), Math.max(elapsedMs, 1) / 1e3, elapsedMs);
      if (failing.length) {
        const names = failing.map((f) => `${f.expression} (actual ${f.actual ?? "no data"})`).join(", ");
        events.push({ atMs: Date.now(), type: "threshold_failed", message: `abort_on_fail threshold crossed: ${names}` });
        handle.abort(`threshold crossed: ${names}`);
      }
      opts.onSnapshot?.(snap, handle.activeVus());
    }
  });
  try {
    const out = await handle.done;
    startAtMs = out.startAtMs;
    return buildResult({
      plan,
      metrics: out.metrics,
      intervals: out.intervals,
      startAtMs: out.startAtMs,
      endedAtMs: out.endedAtMs,
      events: [...out.events, ...events].sort((a, b) => a.atMs - b.atMs),
      aborted: out.aborted,
      runId: opts.runId,
      git: opts.git
    });
  } finally {
    live.destroy();
  }
}

// src/cli/commands/run.ts
var usage = `Usage: loadtest run <plan.yaml> [options]

Runs the plan and prints live progress and a final table. Exit codes: 0 passed,
99 thresholds failed, 2 invalid plan or usage, 105 aborted by signal, 1 internal error.

Options:
${cliHelp()}
`;
async function runCommand(planPath, opts, io) {
  const loaded = loadPlanFile(resolve(io.cwd, planPath), { env: io.env });
  const plan = applyOverrides(loaded, { vus: opts.vus, durationMs: opts.duration, target: opts.target });
  const workers = opts.workers ?? 1;
  const progress = opts.quiet ? void 0 : new Progress(io.stdout, Date.now());
  let dashboard;
  if (opts.dashboard) {
    const { startDashboard } = await import("./dashboard-OEAKAXMM.js");
    dashboard = await startDashboard({ port: opts.dashboardPort, plan });
    io.stderr.write(`dashboard: ${dashboard.url}
`);
  }
  const onSnapshot = (snap, vus) => {
    progress?.update(snap, vus);
    dashboard?.publish(snap);
  };
  let result;
  try {
    if (workers > 1) {
      const { runDistributedLocal } = await import("./local-cluster-4ATKZS2A.js");
      result = await runDistributedLocal(resolve(io.cwd, planPath), {
        workers,
        signal: io.signal,
        overrides: { vus: opts.vus, durationMs: opts.duration, target: opts.target },
        log: (line) => io.stderr.write(`${line}
`),
        onSnapshot
      });
    } else result = await runPlan(plan, { signal: io.signal, onSnapshot });
  } finally {
    await dashboard?.close();
  }
  progress?.finish();
  let comparison;
  if (opts.baseline) {
    const { readResultFile } = await import("./load-result-XMZ6726X.js");
    const { compareResults } = await import("./compare-ZXVPUDZM.js");
    comparison = compareResults(readResultFile(resolve(io.cwd, opts.baseline)), result);
    const regressed = comparison.rows.filter((r) => r.verdict === "regressed");
    io.stdout.write(`
Compared with ${opts.baseline}: ${comparison.summary.regressed} regressed \xB7 ${comparison.summary.improved} improved \xB7 ${comparison.summary.unchanged} unchanged${regressed.length ? ` (${regressed.map((r) => `${r.scope} ${r.metric}`).join(", ")})` : ""}
`);
  }
  await writeOutputs(result, opts, io.cwd, comparison);
  return { result, comparison };
}
var command = {
  name: "run",
  summary: "Run a load test plan",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("run", argv, cliParseConfig());
    if (positionals.length !== 1) throw new UsageError(`run takes exactly one plan file (got ${positionals.length ? positionals.map((p) => `'${p}'`).join(" ") : "none"}); see 'loadtest run --help'`);
    const opts = validateOptions(values, "cli");
    const { result, comparison } = await runCommand(positionals[0], opts, io);
    io.stdout.write(finalTable(result));
    if (result.run.exit_code === 0 && opts.failOnRegression && comparison && comparison.summary.regressed > 0) return 99;
    return result.run.exit_code;
  }
};

export {
  runCommand,
  command
};

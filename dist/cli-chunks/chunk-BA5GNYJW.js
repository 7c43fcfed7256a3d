import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  parseDurationMs
} from "./chunk-Z3TEJVCP.js";
import {
  decodeHistogram
} from "./chunk-IJ6DNMWR.js";
import {
  external_exports
} from "./chunk-NDBRKXYU.js";
import {
  LtError,
  UsageError
} from "./chunk-QE7CO3VA.js";

// src/options.ts
var OPTIONS = [
  { name: "mode", kind: "string", description: "What this step does: run the whole plan here, coordinate workers, be a worker, or rebuild a report from worker results", default: "run", choices: ["run", "coordinator", "worker", "report"], cli: false, action: true },
  { name: "plan", kind: "string", description: "Path to the YAML plan", cli: false, action: true },
  { name: "out", kind: "string", description: "Write the result JSON to this path", short: "o", cli: true, action: false },
  { name: "report", kind: "string", description: "Write the self-contained HTML report to this path", cli: true, action: false },
  { name: "summary", kind: "string", description: "Write the Markdown summary to this path", cli: true, action: false },
  { name: "junit", kind: "string", description: "Write JUnit XML of the thresholds to this path", cli: true, action: false },
  { name: "target", kind: "string", description: "Override the plan's target base URL", cli: true, action: true },
  { name: "vus", kind: "integer", description: "Run every VU-based scenario at this constant VU count", cli: true, action: true },
  { name: "duration", kind: "duration", description: "Override every scenario's duration (e.g. 30s)", cli: true, action: true },
  { name: "workers", kind: "integer", description: "Number of worker processes (CLI, on this machine) or matrix worker jobs (Action)", default: "1", cli: true, action: true },
  { name: "min-workers", kind: "integer", description: "Start with this many workers if not all arrive within `wait`", cli: true, action: true },
  { name: "wait", kind: "duration", description: "How long the coordinator waits for workers to register", default: "60s", cli: true, action: true },
  { name: "relay", kind: "string", description: "How workers reach the coordinator", default: "artifacts", choices: ["artifacts", "http"], cli: false, action: true },
  { name: "relay-url", kind: "string", description: "HTTP relay URL (relay: http)", cli: false, action: true },
  { name: "token", kind: "string", description: "HTTP relay bearer token (relay: http)", cli: false, action: true },
  { name: "fail-on-thresholds", kind: "boolean", description: "Fail the step when a threshold fails", default: "true", cli: false, action: true },
  { name: "report-name", kind: "string", description: "Name of the uploaded report artifact", default: "loadtest-report", cli: false, action: true },
  { name: "github-token", kind: "string", description: "Token for PR comments and baseline lookup", default: "${{ github.token }}", cli: false, action: true },
  { name: "baseline", kind: "string", description: "Compare with a baseline result: 'auto' (last successful run on the base branch) or a path", cli: true, action: true },
  { name: "fail-on-regression", kind: "boolean", description: "Fail when the comparison finds a regression", default: "false", cli: true, action: true },
  { name: "dashboard", kind: "boolean", description: "Serve the live dashboard during the run", default: "false", cli: true, action: false },
  { name: "dashboard-port", kind: "integer", description: "Port of the live dashboard (0 = any free port)", default: "0", cli: true, action: false },
  { name: "quiet", kind: "boolean", description: "No live progress, only the final table", short: "q", default: "false", cli: true, action: false }
];
function zodOf(spec) {
  const name = spec.name;
  switch (spec.kind) {
    case "boolean":
      return external_exports.union([external_exports.boolean(), external_exports.enum(["true", "false", "True", "False", "TRUE", "FALSE"])]).transform((v) => v === true || String(v).toLowerCase() === "true");
    case "integer":
      return external_exports.coerce.number().int(`--${name} must be a whole number`).nonnegative(`--${name} must not be negative`);
    case "number":
      return external_exports.coerce.number();
    case "duration":
      return external_exports.string().transform((v, ctx) => {
        const ms = parseDurationMs(v);
        if (ms === void 0 || ms <= 0) {
          ctx.addIssue({ code: "custom", message: `--${name} must be a duration like 30s, 1m30s or 500ms (got '${v}')` });
          return external_exports.NEVER;
        }
        return ms;
      });
    default:
      return spec.choices ? external_exports.enum(spec.choices, { message: `--${name} must be one of ${spec.choices.join(", ")}` }) : external_exports.string();
  }
}
var camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
function validateOptions(raw, where) {
  const out = {};
  for (const spec of OPTIONS) {
    if (!spec[where]) continue;
    let v = raw[spec.name];
    if (v === void 0 || v === "") v = spec.default;
    if (v === void 0) continue;
    const r = zodOf(spec).safeParse(v);
    if (!r.success) {
      const label = where === "cli" ? `--${spec.name}` : `input '${spec.name}'`;
      const msg = r.error.issues[0]?.message ?? "invalid";
      throw new UsageError(`${label}: ${msg.replace(`--${spec.name} `, "")} (got '${v}')`);
    }
    out[camel(spec.name)] = r.data;
  }
  return out;
}
function cliParseConfig(extra = {}) {
  const options = { ...extra };
  for (const spec of OPTIONS) {
    if (!spec.cli) continue;
    options[spec.name] = { type: spec.kind === "boolean" ? "boolean" : "string", ...spec.short ? { short: spec.short } : {} };
  }
  return options;
}
function cliHelp() {
  return OPTIONS.filter((o) => o.cli).map((o) => `  ${(o.short ? `-${o.short}, ` : "    ") + `--${o.name}${o.kind === "boolean" ? "" : " <" + o.kind + ">"}`}`.padEnd(34) + o.description + (o.default && o.kind !== "boolean" ? ` (default ${o.default})` : "")).join("\n");
}

// src/cli/progress.ts
var fmtMs = (v) => v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
var pct = (v) => `${(v * 100).toFixed(2)}%`;
var Progress = class {
  out;
  tty;
  everyMs;
  lastPrintMs = 0;
  startMs;
  requests = 0;
  errors = 0;
  constructor(out, startMs, opts = {}) {
    this.out = out;
    this.tty = Boolean(out.isTTY);
    this.everyMs = opts.everyMs ?? 5e3;
    this.startMs = startMs;
    if (!this.tty) out.write(`${"ELAPSED".padEnd(9)}${"VUS".padStart(7)}${"RPS".padStart(11)}${"P95(ms)".padStart(10)}${"ERRORS".padStart(9)}${"REQUESTS".padStart(11)}
`);
  }
  /** Called once per interval. */
  update(snap, activeVus) {
    const c = snap.total.counters;
    this.requests += c.requests;
    this.errors += c.errors;
    const endMs = snap.startMs + snap.intervalMs;
    if (!this.tty && endMs - this.lastPrintMs < this.everyMs) return;
    this.lastPrintMs = endMs;
    const rps = c.requests / (snap.intervalMs / 1e3);
    let p95 = 0;
    if (snap.total.hist.latency) {
      const h = decodeHistogram(snap.total.hist.latency);
      p95 = h.getValueAtPercentile(95) / 1e3;
      h.destroy();
    }
    const elapsed = `${Math.round((endMs - this.startMs) / 1e3)}s`;
    const errRate = this.requests ? this.errors / this.requests : 0;
    const line = `${elapsed.padEnd(9)}${String(activeVus).padStart(7)}${rps.toFixed(1).padStart(11)}${fmtMs(p95).padStart(10)}${pct(errRate).padStart(9)}${String(this.requests).padStart(11)}`;
    this.out.write(this.tty ? `\r\x1B[2K${line}` : `${line}
`);
  }
  /** Ends the refreshing line. */
  finish() {
    if (this.tty) this.out.write("\n");
  }
};
function row(name, s) {
  const l = s.latency_ms;
  return [name, String(s.requests), s.rps.toFixed(1), fmtMs(l.p50), fmtMs(l.p95), fmtMs(l.p99), fmtMs(l.max), `${s.errors} (${pct(s.error_rate)})`];
}
function finalTable(result) {
  const rows = [["SCENARIO / STEP", "REQUESTS", "RPS", "P50", "P95", "P99", "MAX", "ERRORS"]];
  for (const [name, sc] of Object.entries(result.scenarios)) {
    rows.push(row(name, sc));
    for (const [step, st] of Object.entries(sc.steps)) rows.push(row(`  ${step}`, st));
  }
  rows.push(row("TOTAL", result.summary));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  "));
  lines.splice(1, 0, widths.map((w) => "\u2500".repeat(w)).join("  "));
  const out = ["", ...lines, "", `latency in ms; ${result.summary.iterations} iterations, ${result.summary.dropped_iterations} dropped`];
  if (result.thresholds.length) {
    out.push("", "THRESHOLDS");
    for (const t of result.thresholds) {
      out.push(`  ${t.passed ? "\u2713" : "\u2717"} ${t.expression}   actual: ${t.actual === null ? "no data" : +t.actual.toFixed(4)}`);
    }
  }
  const verdict = result.run.status === "passed" ? "PASSED: all thresholds passed" : result.run.status === "failed" ? `FAILED: ${result.thresholds.filter((t) => !t.passed).length} threshold(s) failed` : result.run.status === "aborted" ? `ABORTED: ${result.run.abort_reason ?? ""} (partial result)` : "ERROR";
  out.push("", `${verdict} \u2014 exit code ${result.run.exit_code}`, "");
  return out.join("\n");
}

// src/cli/outputs.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
function write(path, text) {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    throw new LtError("LT_ERR_IO", `cannot write ${path}: ${err.message}`, { cause: err });
  }
}
async function writeOutputs(result, opts, cwd, comparison) {
  const targets = [
    [opts.out, "json"],
    [opts.report, "html"],
    [opts.summary, "md"],
    [opts.junit, "junit"]
  ];
  for (const [path, format] of targets) {
    if (!path) continue;
    const text = format === "json" ? JSON.stringify(result, null, 2) + "\n" : (await import("./render-5HMCY6LB.js")).render(result, format, { comparison });
    write(resolve(cwd, path), text);
  }
}

export {
  validateOptions,
  cliParseConfig,
  cliHelp,
  Progress,
  finalTable,
  writeOutputs
};

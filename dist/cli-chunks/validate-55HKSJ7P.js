import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  parseCommandArgs
} from "./chunk-ZA3573VQ.js";
import {
  loadPlanFile
} from "./chunk-ZVCZBYNT.js";
import "./chunk-Z3TEJVCP.js";
import "./chunk-KBULCXRD.js";
import "./chunk-NDBRKXYU.js";
import {
  UsageError
} from "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";

// src/cli/commands/validate.ts
import { resolve } from "node:path";
var secs = (ms) => ms % 1e3 === 0 ? `${ms / 1e3}s` : `${ms}ms`;
var num = (n) => String(+n.toFixed(3));
function trajectory(start, targets) {
  const points = [start];
  for (const t of targets) if (t !== points[points.length - 1]) points.push(t);
  return points.map(num).join(" \u2192 ");
}
function describeExecutor(e) {
  switch (e.type) {
    case "vus":
      return e.stages.every((s) => s.target === e.startVus) ? `${e.startVus} VUs` : `VUs ${trajectory(e.startVus, e.stages.map((s) => s.target))}`;
    case "iterations":
      return `${e.iterations} iteration(s) ${e.perVu ? "per VU" : "shared"} by ${e.vus} VUs (max ${secs(e.maxDurationMs)})`;
    case "rate":
      return `arrivals ${trajectory(e.startRatePerSec, e.stages.map((s) => s.target))}/s on ${e.preAllocatedVus}..${e.maxVus} VUs`;
  }
}
function describeThink(t) {
  switch (t.type) {
    case "fixed":
      return secs(t.ms);
    case "uniform":
      return `uniform ${secs(t.minMs)}..${secs(t.maxMs)}`;
    case "normal":
      return `normal(${secs(t.meanMs)}, ${secs(t.stddevMs)})`;
    case "exponential":
      return `exponential(mean ${secs(t.meanMs)})`;
  }
}
function stepList(nodes) {
  return nodes.map((n) => n.kind === "group" ? `${n.name}\xD7${n.repeat}[${stepList(n.steps)}]` : n.name).join(", ");
}
function countSteps(nodes) {
  return nodes.reduce((a, n) => a + (n.kind === "group" ? countSteps(n.steps) : 1), 0);
}
function describePlan(plan) {
  const lines = [`plan '${plan.name}' is valid (${plan.file}, hash ${plan.hash.slice(0, 12)}, seed ${plan.seed}${plan.target ? `, target ${plan.target}` : ""})`];
  for (const s of plan.scenarios) {
    const extras = [
      s.startTimeMs ? `starts at ${secs(s.startTimeMs)}` : "",
      s.thinkTime ? `think ${describeThink(s.thinkTime)}` : "",
      s.weight !== void 0 ? `weight ${s.weight}` : "",
      s.data ? `data ${s.data}` : ""
    ].filter(Boolean);
    lines.push(`  scenario '${s.name}': ${describeExecutor(s.executor)} for ${secs(s.durationMs)}${extras.length ? ` (${extras.join(", ")})` : ""}; ${countSteps(s.steps)} step(s): ${stepList(s.steps)}`);
  }
  if (plan.setup.length || plan.teardown.length) lines.push(`  setup: ${countSteps(plan.setup)} step(s), teardown: ${countSteps(plan.teardown)} step(s)`);
  const data = Object.values(plan.data);
  if (data.length) lines.push(`  data: ${data.map((d) => `${d.name} (${d.rows.length} rows, ${d.order})`).join(", ")}`);
  lines.push(`  thresholds: ${plan.thresholds.length ? plan.thresholds.map((t) => t.expression + (t.abortOnFail ? " (abort on fail)" : "")).join("; ") : "none"}`);
  return lines.join("\n") + "\n";
}
var command = {
  name: "validate",
  summary: "Check a plan without running it",
  usage: "Usage: loadtest validate <plan.yaml>\n\nLoads, validates and resolves the plan (data files included) without sending a request.\nExits 0 and prints a summary when the plan is valid; exits 2 with a file:line:col message when it is not.\nOnly environment variables named in the plan's env: list are read.\n",
  async run(argv, io) {
    const { positionals } = parseCommandArgs("validate", argv, {});
    if (positionals.length !== 1) throw new UsageError(`validate takes exactly one plan file (got ${positionals.length})`);
    const plan = loadPlanFile(resolve(io.cwd, positionals[0]), { env: io.env });
    io.stdout.write(describePlan(plan));
    return 0;
  }
};
export {
  command,
  describePlan
};

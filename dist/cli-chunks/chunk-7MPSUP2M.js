import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  external_exports
} from "./chunk-NDBRKXYU.js";
import {
  LtError
} from "./chunk-QE7CO3VA.js";

// src/cluster/protocol.ts
var PROTOCOL_VERSION = 1;
var v = external_exports.literal(PROTOCOL_VERSION);
var workerId = external_exports.string().min(1).max(128).regex(/^[A-Za-z0-9._:@-]+$/, "worker ids use letters, digits and . _ : @ -");
var nonNeg = external_exports.number().finite().nonnegative();
var epochMs = external_exports.number().finite();
var counters = external_exports.object({
  requests: nonNeg,
  errors: nonNeg,
  errorsByClass: external_exports.partialRecord(external_exports.enum(["network", "timeout", "http_4xx", "http_5xx", "check_failed", "client"]), nonNeg),
  status: external_exports.record(external_exports.string(), nonNeg),
  bytesIn: nonNeg,
  bytesOut: nonNeg,
  iterations: nonNeg,
  droppedIterations: nonNeg,
  checksPassed: nonNeg,
  checksFailed: nonNeg
});
var metricSet = external_exports.object({
  counters,
  hist: external_exports.partialRecord(external_exports.enum(["latency", "service", "ttfb", "iteration", "lag"]), external_exports.string())
});
var scenarioMetrics = external_exports.object({ total: metricSet, steps: external_exports.record(external_exports.string(), metricSet) });
var errorSample = external_exports.object({
  scenario: external_exports.string(),
  step: external_exports.string(),
  errorClass: external_exports.enum(["network", "timeout", "http_4xx", "http_5xx", "check_failed", "client"]),
  message: external_exports.string(),
  count: nonNeg
});
var snapshot = external_exports.object({
  v,
  seq: external_exports.number().int().nonnegative(),
  startMs: epochMs,
  intervalMs: external_exports.number().positive(),
  activeVus: nonNeg,
  total: metricSet,
  scenarios: external_exports.record(external_exports.string(), scenarioMetrics),
  errorSamples: external_exports.array(errorSample).optional()
});
var runMetrics = external_exports.object({
  v,
  total: metricSet,
  scenarios: external_exports.record(external_exports.string(), scenarioMetrics),
  errorSamples: external_exports.array(errorSample)
});
var runEvent = external_exports.object({
  atMs: epochMs,
  type: external_exports.enum(["start", "worker_joined", "worker_lost", "redistributed", "reduced_load", "abort", "threshold_failed", "late_snapshot", "stop", "info"]),
  message: external_exports.string(),
  workerId: external_exports.string().optional(),
  data: external_exports.record(external_exports.string(), external_exports.unknown()).optional()
});
var shard = external_exports.object({ index: external_exports.number().int().nonnegative(), weights: external_exports.array(external_exports.number().int().nonnegative()).min(1) });
var Capacity = external_exports.object({ cores: external_exports.number().int().positive(), memoryMb: nonNeg, maxVus: external_exports.number().int().positive() });
var register = external_exports.object({
  v,
  type: external_exports.literal("register"),
  workerId,
  capacity: Capacity,
  /** Hash of the plan the worker was given locally, if any; the coordinator refuses a different one. */
  planHash: external_exports.string().optional(),
  /** First clock probe: the worker's clock when it sent this message. */
  clockProbe: external_exports.object({ t0: epochMs }),
  /** Random per-process nonce: a restarted worker with the same id is told apart. */
  instance: external_exports.string().min(1).max(64)
});
var probe = external_exports.object({ v, type: external_exports.literal("probe"), workerId, t0: epochMs });
var ready = external_exports.object({ v, type: external_exports.literal("ready"), workerId, clockOffsetMs: external_exports.number().finite(), rttMs: nonNeg });
var started = external_exports.object({ v, type: external_exports.literal("started"), workerId, actualStartMs: epochMs });
var snapshotMsg = external_exports.object({ v, type: external_exports.literal("snapshot"), workerId, seq: external_exports.number().int().nonnegative(), snapshot });
var heartbeat = external_exports.object({ v, type: external_exports.literal("heartbeat"), workerId, seq: external_exports.number().int().optional(), activeVus: nonNeg });
var result = external_exports.object({
  v,
  type: external_exports.literal("result"),
  workerId,
  metrics: runMetrics,
  events: external_exports.array(runEvent),
  startedAtMs: epochMs,
  endedAtMs: epochMs,
  /** Snapshots the worker produced (seq 0..snapshots-1), so the coordinator can tell whether any is missing. */
  snapshots: external_exports.number().int().nonnegative(),
  aborted: external_exports.object({ reason: external_exports.string(), bySignal: external_exports.boolean() }).optional()
});
var failed = external_exports.object({ v, type: external_exports.literal("failed"), workerId, code: external_exports.string(), message: external_exports.string() });
var WorkerMessage = external_exports.discriminatedUnion("type", [register, probe, ready, started, snapshotMsg, heartbeat, result, failed]);
var clock = external_exports.object({ v, type: external_exports.literal("clock"), t0: epochMs, t1: epochMs, t2: epochMs });
var assign = external_exports.object({
  v,
  type: external_exports.literal("assign"),
  runId: external_exports.string(),
  shard,
  planHash: external_exports.string(),
  /** The plan itself, so a worker started with only --relay/--token runs the same plan. */
  plan: external_exports.object({ text: external_exports.string(), file: external_exports.string() }),
  overrides: external_exports.object({ vus: external_exports.number().int().positive().optional(), durationMs: external_exports.number().positive().optional(), target: external_exports.string().optional() }).optional(),
  /** The barrier instant, coordinator clock. */
  startAtMs: epochMs,
  intervalMs: external_exports.number().positive()
});
var reshard = external_exports.object({ v, type: external_exports.literal("reshard"), shard, reason: external_exports.string().optional() });
var abort = external_exports.object({ v, type: external_exports.literal("abort"), reason: external_exports.string() });
var done = external_exports.object({ v, type: external_exports.literal("done") });
var refused = external_exports.object({ v, type: external_exports.literal("refused"), reason: external_exports.string() });
var Command = external_exports.discriminatedUnion("type", [clock, assign, reshard, abort, done, refused]);
function describe(err) {
  return err.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join(".") : "(message)"}: ${i.message}`).join("; ");
}
function versionHint(raw) {
  const got = raw?.v;
  return got !== void 0 && got !== PROTOCOL_VERSION ? ` (protocol version ${JSON.stringify(got)}, this build speaks ${PROTOCOL_VERSION})` : "";
}
function parseWorkerMessage(raw) {
  const r = WorkerMessage.safeParse(raw);
  if (!r.success) throw new LtError("LT_ERR_RELAY", `invalid worker message${versionHint(raw)}: ${describe(r.error)}`);
  return r.data;
}
function parseCommand(raw) {
  const r = Command.safeParse(raw);
  if (!r.success) throw new LtError("LT_ERR_RELAY", `invalid coordinator command${versionHint(raw)}: ${describe(r.error)}`);
  return r.data;
}

export {
  parseWorkerMessage,
  parseCommand
};

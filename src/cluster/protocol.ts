/**
 * The relay protocol (DESIGN.md "The relay and the protocol"): versioned JSON
 * messages, validated with zod on every receive so a worker of another version or a
 * stray client is refused with a message instead of corrupting a run.
 *
 * Two directions:
 * - worker → coordinator ("messages"): register, probe, ready, started, snapshot,
 *   heartbeat, result, failed;
 * - coordinator → worker ("commands"): clock, assign, reshard, abort, done, refused.
 *
 * Clock convention (used everywhere in src/cluster): `offsetMs = coordinator clock −
 * worker clock`, so a worker's reading of coordinator time is `localNow + offsetMs`.
 * Workers run the engine on that corrected clock, so every epoch-ms figure a worker
 * sends (`actualStartMs`, snapshot `startMs`) is already in coordinator time.
 */
import * as z from 'zod';
import { LtError } from '../errors.js';
import type { Counters, RunMetrics, Snapshot } from '../metrics/types.js';
import type { RunEvent } from '../engine/types.js';

/** Protocol version carried in every message (`v`). */
export const PROTOCOL_VERSION = 1;

const v = z.literal(PROTOCOL_VERSION);
const workerId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@-]+$/, 'worker ids use letters, digits and . _ : @ -');
const nonNeg = z.number().finite().nonnegative();
const epochMs = z.number().finite();

const counters = z.object({
  requests: nonNeg,
  errors: nonNeg,
  errorsByClass: z.partialRecord(z.enum(['network', 'timeout', 'http_4xx', 'http_5xx', 'check_failed', 'client']), nonNeg),
  status: z.record(z.string(), nonNeg),
  bytesIn: nonNeg,
  bytesOut: nonNeg,
  iterations: nonNeg,
  droppedIterations: nonNeg,
  checksPassed: nonNeg,
  checksFailed: nonNeg,
});

const metricSet = z.object({
  counters,
  hist: z.partialRecord(z.enum(['latency', 'service', 'ttfb', 'iteration', 'lag']), z.string()),
});

const scenarioMetrics = z.object({ total: metricSet, steps: z.record(z.string(), metricSet) });

const errorSample = z.object({
  scenario: z.string(),
  step: z.string(),
  errorClass: z.enum(['network', 'timeout', 'http_4xx', 'http_5xx', 'check_failed', 'client']),
  message: z.string(),
  count: nonNeg,
});

const snapshot = z.object({
  v,
  seq: z.number().int().nonnegative(),
  startMs: epochMs,
  intervalMs: z.number().positive(),
  activeVus: nonNeg,
  total: metricSet,
  scenarios: z.record(z.string(), scenarioMetrics),
  errorSamples: z.array(errorSample).optional(),
  generator: z
    .object({
      eventLoopP99Us: nonNeg,
      eventLoopMaxUs: nonNeg,
      cpuPct: nonNeg,
      lagP99Us: nonNeg,
      saturated: z.boolean(),
      saturatedWorkers: z.array(z.string().max(200)).max(1000).optional(),
    })
    .optional(),
});

const runMetrics = z.object({
  v,
  total: metricSet,
  scenarios: z.record(z.string(), scenarioMetrics),
  errorSamples: z.array(errorSample),
});

const runEvent = z.object({
  atMs: epochMs,
  type: z.enum(['start', 'worker_joined', 'worker_lost', 'redistributed', 'reduced_load', 'abort', 'threshold_failed', 'late_snapshot', 'duplicate_snapshot', 'snapshot_refused', 'stop', 'info']),
  message: z.string(),
  workerId: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const shard = z.object({ index: z.number().int().nonnegative(), weights: z.array(z.number().int().nonnegative()).min(1) });

/** What a worker can take on. `maxVus` bounds redistribution onto it. */
export const Capacity = z.object({ cores: z.number().int().positive(), memoryMb: nonNeg, maxVus: z.number().int().positive() });

// ── worker → coordinator ─────────────────────────────────────────────────────

const register = z.object({
  v, type: z.literal('register'), workerId,
  capacity: Capacity,
  /** Hash of the plan the worker was given locally, if any; the coordinator refuses a different one. */
  planHash: z.string().optional(),
  /** First clock probe: the worker's clock when it sent this message. */
  clockProbe: z.object({ t0: epochMs }),
  /** Random per-process nonce: a restarted worker with the same id is told apart. */
  instance: z.string().min(1).max(64),
});
const probe = z.object({ v, type: z.literal('probe'), workerId, t0: epochMs });
const ready = z.object({ v, type: z.literal('ready'), workerId, clockOffsetMs: z.number().finite(), rttMs: nonNeg });
const started = z.object({ v, type: z.literal('started'), workerId, actualStartMs: epochMs });
const snapshotMsg = z.object({ v, type: z.literal('snapshot'), workerId, seq: z.number().int().nonnegative(), snapshot });
const heartbeat = z.object({ v, type: z.literal('heartbeat'), workerId, seq: z.number().int().optional(), activeVus: nonNeg });
const result = z.object({
  v, type: z.literal('result'), workerId,
  metrics: runMetrics,
  events: z.array(runEvent),
  startedAtMs: epochMs,
  endedAtMs: epochMs,
  /** Snapshots the worker produced (seq 0..snapshots-1), so the coordinator can tell whether any is missing. */
  snapshots: z.number().int().nonnegative(),
  aborted: z.object({ reason: z.string(), bySignal: z.boolean(), planError: z.boolean().optional() }).optional(),
});
const failed = z.object({ v, type: z.literal('failed'), workerId, code: z.string(), message: z.string() });

/** Every message a worker sends. */
export const WorkerMessage = z.discriminatedUnion('type', [register, probe, ready, started, snapshotMsg, heartbeat, result, failed]);

// ── coordinator → worker ─────────────────────────────────────────────────────

const clock = z.object({ v, type: z.literal('clock'), t0: epochMs, t1: epochMs, t2: epochMs });
const assign = z.object({
  v, type: z.literal('assign'),
  runId: z.string(),
  shard,
  planHash: z.string(),
  /** The plan itself, so a worker started with only --relay/--token runs the same plan. */
  plan: z.object({ text: z.string(), file: z.string() }),
  overrides: z.object({ vus: z.number().int().positive().optional(), durationMs: z.number().positive().optional(), target: z.string().optional() }).optional(),
  /** The barrier instant, coordinator clock. */
  startAtMs: epochMs,
  intervalMs: z.number().positive(),
  /** A batching relay (artifacts): upload at least this often while running; the loss timeout counts these periods. */
  heartbeatMs: z.number().positive().optional(),
});
const reshard = z.object({ v, type: z.literal('reshard'), shard, reason: z.string().optional() });
const abort = z.object({ v, type: z.literal('abort'), reason: z.string() });
const done = z.object({ v, type: z.literal('done') });
const refused = z.object({ v, type: z.literal('refused'), reason: z.string() });

/** Every command a coordinator sends. */
export const Command = z.discriminatedUnion('type', [clock, assign, reshard, abort, done, refused]);

export type Capacity = z.infer<typeof Capacity>;
export type WorkerMessage = z.infer<typeof WorkerMessage>;
export type Command = z.infer<typeof Command>;
export type MessageOf<T extends WorkerMessage['type']> = Extract<WorkerMessage, { type: T }>;
export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

// The zod shapes must stay assignable to the shared wire types (compile-time drift check).
type Assert<T extends true> = T;
export type _SnapshotDrift = Assert<z.infer<typeof snapshot> extends Snapshot ? true : false>;
export type _RunMetricsDrift = Assert<z.infer<typeof runMetrics> extends RunMetrics ? true : false>;
export type _CountersDrift = Assert<z.infer<typeof counters> extends Counters ? true : false>;
export type _EventDrift = Assert<z.infer<typeof runEvent> extends RunEvent ? true : false>;

function describe(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ');
}

function versionHint(raw: unknown): string {
  const got = (raw as { v?: unknown } | null)?.v;
  return got !== undefined && got !== PROTOCOL_VERSION ? ` (protocol version ${JSON.stringify(got)}, this build speaks ${PROTOCOL_VERSION})` : '';
}

/** Validates a worker message; throws LtError('LT_ERR_RELAY') naming what is wrong. */
export function parseWorkerMessage(raw: unknown): WorkerMessage {
  const r = WorkerMessage.safeParse(raw);
  if (!r.success) throw new LtError('LT_ERR_RELAY', `invalid worker message${versionHint(raw)}: ${describe(r.error)}`);
  return r.data;
}

/** Validates a coordinator command; throws LtError('LT_ERR_RELAY') naming what is wrong. */
export function parseCommand(raw: unknown): Command {
  const r = Command.safeParse(raw);
  if (!r.success) throw new LtError('LT_ERR_RELAY', `invalid coordinator command${versionHint(raw)}: ${describe(r.error)}`);
  return r.data;
}

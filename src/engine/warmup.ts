/**
 * Warm-up before the start instant (issue 10). At 10,000 arrivals/s a cold generator
 * spends its first second opening connections and compiling undici's hot path; the
 * arrivals pile up, every VU is allocated and each opens yet another connection, and
 * second 0 showed p50 313 ms and 5,454 drops against a target answering in 0.2 ms.
 * Here the connections the first VUs will use are opened and a few requests are sent
 * on each, before t = 0 (warmUp); then a fast open-model scenario is rehearsed
 * (rehearse): its executor runs the warm request at the scenario's rate for a moment
 * through the same executor, VirtualUser and Recorder code the run will use, into a
 * recorder that is thrown away. Opening connections alone was not enough: with warm
 * sockets but cold code the first second at 5,000/s still had 100 ms-interval p99s of
 * 117–149 ms and fell behind for 600 ms (later intervals ≈ 4 ms). Nothing of the
 * warm-up is recorded, the count is bounded (per connection and in time), it ends by a
 * deadline, and `warmup: false` turns it off.
 */
import type { Dispatcher } from 'undici';
import type { Plan, Scenario } from '../plan/types.js';
import { monoMs } from './clock.js';
import type { CompiledNode, CompiledStep } from './compile.js';
import { send, type HttpRequest, type VuClients } from './http.js';
import { valueAt } from './schedule.js';
import { localShare, type ShardMap } from './shard.js';
import type { ScenarioRuntime } from './vu.js';
import { createRng } from './journey/random.js';
import { OpenRateExecutor } from './executors/open-rate.js';

type RateSpec = Extract<Scenario['executor'], { type: 'rate' }>;

/** Requests sent on each warm connection: the first opens it, the rest run the hot path. */
export const WARMUP_REQUESTS_PER_CONNECTION = 5;
/**
 * How long a fast rate scenario is rehearsed. A process that had run 200 ms at
 * 5,000/s started its next run without a slow first second; one that had sent 500 raw
 * requests on warm connections did not.
 */
export const REHEARSAL_MS = 300;
/**
 * A rehearsal round holds its schedule when its generator lag p99 is at most this
 * (the lag a generator at ease shows here; issue 10 asks lag p99 < 2 ms); rounds repeat
 * until one does or the warm-up's deadline.
 */
export const REHEARSAL_HELD_LAG_US = 2000;
/**
 * A scenario's rehearsal rounds end by this long after they began: at most 1.5 s of
 * its initial rate is sent ahead (30,000 requests at 20,000/s, where two to four
 * rounds were needed), whatever the rounds held.
 */
export const REHEARSAL_MAX_MS = 1500;
/** The rehearsal's scratch recorder is cut this often (the snapshot path runs warm at t = 1 s). */
export const REHEARSAL_CUT_MS = 100;
/**
 * Arrivals per second (this process's share) from which a scenario is rehearsed. Not
 * lower: at 2,000/s against a stalling target a rehearsal put our p90 5–22 % under the
 * exact reference (test/engine/stall-reference.serial.test.ts; cause not found yet — the
 * run then starts right after the rehearsal's stalled requests drain), while without one
 * that rate was within ±5 % and showed no slow second 0.
 */
export const REHEARSAL_MIN_RATE = 3000;
/** At most this many connections are opened ahead (per process). */
export const MAX_WARMUP_CONNECTIONS = 4000;
/**
 * Only scenarios starting this soon are warmed: a later one's connections would sit
 * idle (and be closed by many servers' keep-alive timeouts) before it needs them.
 */
export const WARM_START_WINDOW_MS = 5000;
/** Longest warm-up of a run that chooses its own start instant. */
export const MAX_WARMUP_MS = 3000;

/** Where a scenario's first requests go and how many connections its first VUs need. */
export interface WarmTarget {
  /** Index of the scenario in the plan. */
  scenario: number;
  request: HttpRequest;
  /** The warm request as a step, for the rehearsal. */
  step: CompiledStep;
  connections: number;
}

/** What the warm-up did (reported as an event, never counted in the results). */
export interface WarmupReport {
  requests: number;
  /** Connections whose warm-up request failed (closed again). */
  failed: number;
  connections: number;
  /** Requests of the rehearsal (the VU path at the run's rate, after the connections were warm). */
  rehearsed: number;
  durationMs: number;
}

function firstStep(nodes: CompiledNode[]): CompiledStep | undefined {
  for (const n of nodes) {
    if (n.kind === 'request') return n;
    const inner = firstStep(n.steps);
    if (inner) return inner;
  }
  return undefined;
}

/** VUs this shard runs at a scenario's start (the ones that need a connection at once). */
export function initialVus(scenario: Scenario, map: ShardMap): number {
  const e = scenario.executor;
  const global =
    e.type === 'rate' ? e.preAllocatedVus : e.type === 'iterations' ? e.vus : Math.round(Math.max(valueAt(e.startVus, e.stages, 0), valueAt(e.startVus, e.stages, 1000)));
  return localShare(map, global);
}

/**
 * The warm-up request of a scenario: its first step's own request when that is a
 * GET or HEAD to a static URL (the exact path the run will take), else a HEAD to the
 * same origin (a body-less request; any status warms the connection). Undefined when
 * the origin is only known at run time (a templated absolute URL).
 */
export function warmRequest(steps: CompiledNode[], timeoutMs: number): { request: HttpRequest; step: CompiledStep } | undefined {
  const s = firstStep(steps);
  if (!s) return undefined;
  const origin = s.staticTarget?.origin ?? s.targetOrigin;
  if (!origin) return undefined;
  const same = s.staticTarget !== undefined && (s.method === 'GET' || s.method === 'HEAD');
  const path = s.staticTarget?.path ?? '/';
  const request: HttpRequest = {
    origin,
    path,
    method: same ? s.method : 'HEAD',
    headers: s.staticHeaders,
    timeoutMs: Math.max(1, Math.min(s.timeoutMs, timeoutMs)),
    keepBodyBytes: 0,
    wantHeaders: 'none',
  };
  // The same request as a step: static, no body, checks, extraction, think time or
  // redirects (those would send other requests than the one warm-up may send).
  const href = origin + path;
  const step: CompiledStep = {
    ...s,
    method: request.method,
    staticTarget: { origin, path, href },
    url: () => href,
    query: [],
    dynamicHeaders: [],
    body: undefined,
    timeoutMs: request.timeoutMs,
    followRedirects: false,
    think: undefined,
    probability: 1,
    extract: undefined,
    checks: undefined,
    needsBody: false,
    needsHeaders: 'none',
  };
  return { request, step };
}

/** The warm targets of a plan's scenarios for this shard (connections capped in all). */
export function warmTargets(plan: Plan, compiled: CompiledNode[][], map: ShardMap, timeoutMs: number): WarmTarget[] {
  const out: WarmTarget[] = [];
  let budget = MAX_WARMUP_CONNECTIONS;
  plan.scenarios.forEach((sc, i) => {
    if (sc.startTimeMs > WARM_START_WINDOW_MS) return;
    const warm = warmRequest(compiled[i], timeoutMs);
    const connections = Math.min(budget, initialVus(sc, map));
    if (!warm || connections <= 0) return;
    budget -= connections;
    out.push({ scenario: i, ...warm, connections });
  });
  return out;
}

/** Sends up to `n` requests one after another; stops at the first failure or the deadline. */
async function sequence(sender: Pick<Dispatcher, 'dispatch'>, req: HttpRequest, n: number, deadlineMono: number): Promise<{ sent: number; failed: boolean }> {
  let sent = 0;
  while (sent < n && monoMs() < deadlineMono) {
    const out = await send(sender, req);
    sent++;
    // A refused or broken connection will not warm by retrying.
    if (out.errorClass) return { sent, failed: true };
  }
  return { sent, failed: false };
}

/**
 * Opens and exercises the connections of `targets` until done or `deadlineMono`.
 * Per-VU mode: each connection is a Client handed to the first VU that asks for its
 * origin (VuClients keeps the warm ones). Shared mode: as many concurrent requests
 * as connections, so the shared pool opens that many.
 */
export async function warmUp(targets: WarmTarget[], opts: { clients: VuClients; shared?: Dispatcher; deadlineMono: number }): Promise<WarmupReport> {
  const t0 = monoMs();
  let requests = 0;
  let failed = 0;
  let connections = 0;
  const work: Promise<void>[] = [];
  for (const t of targets) {
    for (let c = 0; c < t.connections; c++) {
      connections++;
      const client = opts.shared ? undefined : opts.clients.open(t.request.origin);
      work.push(
        sequence(opts.shared ?? client!, t.request, WARMUP_REQUESTS_PER_CONNECTION, opts.deadlineMono).then((r) => {
          requests += r.sent;
          if (r.failed) failed++;
          if (client) {
            if (r.failed) opts.clients.destroy(client);
            else opts.clients.keepWarm(client, t.request.origin);
          }
        }),
      );
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, opts.deadlineMono - monoMs()))));
  await Promise.race([Promise.all(work), late]);
  clearTimeout(timer);
  return { requests, failed, connections, rehearsed: 0, durationMs: monoMs() - t0 };
}

/** The arrival rate a rate scenario starts at (the higher of t = 0 and t = 1 s). */
export function initialRate(spec: RateSpec): number {
  return Math.max(valueAt(spec.startRatePerSec, spec.stages, 0), valueAt(spec.startRatePerSec, spec.stages, 1000));
}

/**
 * The rate spec of a scenario whose share in this process starts fast enough to
 * rehearse, else undefined. Below REHEARSAL_MIN_RATE the cold start is lost in the
 * schedule (percentiles within 3 % of the truth at 200/s before any warm-up);
 * closed-model scenarios are not rehearsed: their VUs start when they start, there is
 * no schedule a cold generator falls behind.
 */
export function rehearsalSpec(scenario: Scenario, map: ShardMap): RateSpec | undefined {
  const e = scenario.executor;
  return e.type === 'rate' && localShare(map, initialRate(e)) >= REHEARSAL_MIN_RATE ? e : undefined;
}

/**
 * Rehearses a rate scenario: an OpenRateExecutor over `rt` (a scratch runtime whose
 * steps are the warm step and whose recorder is thrown away afterwards) at the
 * scenario's initial rate for REHEARSAL_MS or until `deadlineMono`, this shard's
 * share, its pre-allocated VUs only. The same executor, VU and recorder code as the
 * run, at the run's rate: V8 has optimised it (on its background threads) and the
 * heap has grown before t = 0. The VUs' connections go back to the warm pool through
 * rt.destroyClient.
 */
export async function rehearse(rt: ScenarioRuntime, map: ShardMap, spec: RateSpec, deadlineMono: number): Promise<void> {
  // One round; the engine repeats rounds until one holds its schedule (REHEARSAL_HELD_LAG_US).
  const ms = Math.min(REHEARSAL_MS, deadlineMono - monoMs());
  if (ms <= 0) return;
  const rate = initialRate(spec);
  const scratch: ScenarioRuntime = { ...rt, scenario: { ...rt.scenario, gracefulStopMs: Math.min(rt.scenario.gracefulStopMs, Math.max(0, deadlineMono - monoMs() - ms)) } };
  const exec = new OpenRateExecutor(scratch, map, monoMs(), createRng('warm-up'), {
    type: 'rate',
    startRatePerSec: rate,
    stages: [{ durationMs: ms, target: rate }],
    preAllocatedVus: spec.preAllocatedVus,
    maxVus: spec.preAllocatedVus,
  });
  await exec.run();
}

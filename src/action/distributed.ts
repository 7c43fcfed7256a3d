/**
 * The Action's distributed modes. `coordinator` and `worker` jobs run concurrently
 * and meet through the artifacts mailbox (hosted runners) or the HTTP relay
 * (self-hosted runners that can reach each other). Every worker also uploads its
 * whole-run measurements as `final.<worker>`, so `mode: report` can rebuild the
 * merged result from the workers alone when the coordinator crashed or was cancelled.
 */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LtError, UsageError } from '../errors.js';
import type { OptionValues } from '../options.js';
import { runCoordinator as coordinate } from '../cluster/coordinator.js';
import { runWorker as work } from '../cluster/worker.js';
import { createHttpRelayServer } from '../cluster/http-relay-server.js';
import { createHttpRelayClient } from '../cluster/http-relay-client.js';
import { createArtifactsCoordinator, createArtifactsWorker, safeName } from '../cluster/artifacts-transport.js';
import { artifactPeriods } from '../cluster/artifact-timing.js';
import { replayMailbox } from '../cluster/artifact-replay.js';
import { deliveredCounters, lostShares, workerRow } from '../cluster/worker-table.js';
import type { Plan } from '../plan/types.js';
import { MetricsAccumulator, mergeRunMetrics } from '../metrics/merge.js';
import type { EngineResult, RunEvent } from '../engine/types.js';
import { buildResult } from '../report/build-result.js';
import type { Result, WorkerResult } from '../report/result-schema.js';
import { ArtifactMailbox, mailboxPrefix } from './mailbox.js';
import { gitInfo, inputTrust, loadInputPlan, maskSecrets, whileCancellable, workDir } from './main.js';

/** What each worker leaves behind for `mode: report`: its engine output. */
export type WorkerFinal = Pick<EngineResult, 'startAtMs' | 'startedAtMs' | 'endedAtMs' | 'metrics' | 'intervals' | 'events'> & { workerId: string };

/**
 * Artifacts-mode timing (artifact-timing.ts derives the upload period and the loss
 * timeout from the run's length). The start delay covers the assignment travelling at
 * polling speed. The LOADTEST_ARTIFACT_* variables tune it for slow or fast artifact
 * services (the offline tests use a local fake and shorter periods):
 * `_POLL_MS`, `_FLUSH_MS` (upload period), `_LATENCY_MS`, `_LOSS_TIMEOUT_MS` (overrides
 * the derived one), `_START_DELAY_MS`.
 */
function artifactTiming(plan?: Plan, env: NodeJS.ProcessEnv = process.env) {
  const n = (name: string) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const runDurationMs = plan ? Math.max(0, ...plan.scenarios.map((s) => s.startTimeMs + s.durationMs + s.gracefulStopMs)) : 0;
  const periods = artifactPeriods({ runDurationMs, periodMs: n('LOADTEST_ARTIFACT_FLUSH_MS'), pollMs: n('LOADTEST_ARTIFACT_POLL_MS'), latencyMs: n('LOADTEST_ARTIFACT_LATENCY_MS'), lostAfterMs: n('LOADTEST_ARTIFACT_LOSS_TIMEOUT_MS') });
  return { ...periods, startDelayMs: n('LOADTEST_ARTIFACT_START_DELAY_MS') ?? 15_000 };
}

function mailbox(): ArtifactMailbox {
  return new ArtifactMailbox({ prefix: mailboxPrefix(), tmpDir: join(workDir(), 'mailbox'), log: (m) => core.info(m) });
}

/** This job's worker id: unique per job (the runtime token's job id), readable. */
export function workerIdFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const token = env.ACTIONS_RUNTIME_TOKEN;
  let job = '';
  if (token) {
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { scp?: string };
      const scope = (payload.scp ?? '').split(' ').find((s) => s.startsWith('Actions.Results:'));
      job = scope?.split(':')[2] ?? '';
    } catch {
      /* fall through to the runner name */
    }
  }
  const id = job || `${env.RUNNER_NAME ?? 'runner'}-${process.pid}`;
  return safeName(`w-${id}`).slice(0, 100);
}

function relayKind(opts: OptionValues): 'artifacts' | 'http' {
  return (opts.relay as 'artifacts' | 'http') ?? 'artifacts';
}

/** `mode: coordinator`. */
export async function runCoordinator(opts: OptionValues): Promise<Result> {
  const plan = loadInputPlan(opts);
  maskSecrets(opts, plan);
  const planPath = resolve(process.env.GITHUB_WORKSPACE ?? '.', opts.plan as string);
  const text = readFileSync(planPath, 'utf8');
  const file = relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), planPath) || planPath;
  const workers = (opts.workers as number) ?? 1;
  const kind = relayKind(opts);
  let transport;
  if (kind === 'http') {
    if (!opts.token) throw new UsageError("input 'token' is required with relay: http (a secret both jobs share)");
    const listen = opts.relayUrl ? new URL(opts.relayUrl as string) : undefined;
    transport = createHttpRelayServer({ token: opts.token as string, host: listen ? '0.0.0.0' : '127.0.0.1', port: listen ? Number(listen.port) : 0, log: (l) => core.info(l) });
  } else {
    const t = artifactTiming(plan);
    core.info(`coordinator: artifacts relay: workers upload every ${t.periodMs / 1000} s; one silent for ${t.lostAfterMs / 1000} s is lost (3 periods + ${t.pollMs / 1000} s polling + ${t.latencyMs / 1000} s latency)`);
    // The start note tells registered workers how long this coordinator waits for them (artifact-markers.ts).
    transport = createArtifactsCoordinator({ mailbox: mailbox(), pollMs: t.pollMs, flushMs: t.periodMs, lostAfterMs: t.lostAfterMs, latencyMs: t.latencyMs, announce: { workers, waitMs: opts.wait as number }, log: (l) => core.info(l) });
  }
  let failure: string | undefined;
  try {
    const outcome = await whileCancellable((signal) => coordinate({
      plan,
      planSource: { text, file },
      overrides: { vus: opts.vus as number | undefined, durationMs: opts.duration as number | undefined, target: opts.target as string | undefined },
      transport,
      workers,
      minWorkers: (opts.minWorkers as number | undefined) ?? workers,
      waitMs: opts.wait as number,
      settingNames: { minWorkers: "input 'min-workers'", wait: "input 'wait'" },
      startDelayMs: kind === 'artifacts' ? artifactTiming(plan).startDelayMs : 2000,
      signal,
      log: (l) => core.info(l),
      runId: process.env.GITHUB_RUN_ID,
      onListening: () => core.info(`coordinator: waiting for ${workers} worker(s) through the ${kind} relay`),
    }));
    const result = outcome.result;
    result.run.git = gitInfo();
    const joined = result.workers.filter((w) => w.status !== 'missing' && w.status !== 'refused').length;
    if (joined < workers) {
      const message = `only ${joined} of ${workers} workers registered within ${(opts.wait as number) / 1000}s; the run went ahead with ${joined} (min-workers ${(opts.minWorkers as number | undefined) ?? workers})`;
      core.warning(message);
      result.events.push({ t: 0, at: result.run.started_at, type: 'info', message });
    }
    return result;
  } catch (err) {
    failure = (err as Error)?.message ?? String(err);
    throw err;
  } finally {
    // Its reason goes into the artifacts relay's end marker: a worker still waiting reads why.
    await transport.close(failure);
  }
}

/** `mode: worker`. */
export async function runWorker(opts: OptionValues): Promise<void> {
  maskSecrets(opts);
  const kind = relayKind(opts);
  const box = mailbox();
  const workerId = workerIdFromEnv();
  let transport;
  if (kind === 'http') {
    if (!opts.relayUrl || !opts.token) throw new UsageError("inputs 'relay-url' and 'token' are required with relay: http");
    transport = createHttpRelayClient({ url: opts.relayUrl as string, token: opts.token as string, log: (l) => core.info(l) });
  } else {
    // Until the assignment brings the run's period, nothing is timed: upload rarely (10 s), or as told.
    const env = Number(process.env.LOADTEST_ARTIFACT_FLUSH_MS);
    const t = artifactTiming();
    // Bounded waits (issue 15 point 8): a coordinator must answer within this job's `wait`,
    // the assignment follow within the coordinator's (its start note), each + a relay round trip.
    transport = createArtifactsWorker({ mailbox: box, pollMs: t.pollMs, latencyMs: t.latencyMs, flushMs: env > 0 ? env : undefined, coordinatorWaitMs: opts.wait as number, waitName: "input 'wait'", log: (l) => core.info(l) });
  }
  {
    const outcome = await whileCancellable((signal) => work({
      transport,
      workerId,
      probes: kind === 'artifacts' ? 1 : 5,
      env: process.env,
      ...inputTrust(opts),
      workspaceDir: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      signal,
      log: (l) => core.info(l),
    }));
    const e = outcome.engine;
    const final: WorkerFinal = { workerId, startAtMs: e.startAtMs, startedAtMs: e.startedAtMs, endedAtMs: e.endedAtMs, metrics: e.metrics, intervals: e.intervals, events: e.events };
    await box.put(`final.${workerId}`, final);
    const c = e.metrics.total.counters;
    await core.summary
      .addHeading(`Load test worker ${workerId}`, 3)
      .addRaw(`${c.requests} requests, ${c.errors} errors, start skew ${(e.startedAtMs - e.startAtMs).toFixed(1)} ms. The coordinator job reports the merged result.`)
      .write();
    core.setOutput('passed', 'true');
  }
}

/**
 * `mode: report`: the merged result from the workers' `final.*` artifacts, and what the
 * mailbox says was planned (artifact-replay.ts): the configured workers, the shares, and
 * the workers that were assigned a shard and left no final result — lost, their
 * delivered snapshots counted, the run `partial` as the live coordinator would make it.
 */
export async function rebuildReport(opts: OptionValues): Promise<Result> {
  const plan = loadInputPlan(opts);
  maskSecrets(opts, plan);
  const box = mailbox();
  const names = (await box.list('final.')).map((a) => a.name.slice(a.name.indexOf('final.')));
  if (names.length === 0) throw new LtError('LT_ERR_ARTIFACT', `no worker results (artifacts ${mailboxPrefix()}.final.*) in this workflow run: did the worker jobs run?`);
  const finals = (await Promise.all(names.map((n) => box.get<WorkerFinal>(n)))).filter((f): f is WorkerFinal => Boolean(f));
  const replay = await replayMailbox(box, new Set(finals.map((f) => f.workerId)));
  const orphans = [...replay.orphanSnapshots.values()].flat();
  const acc = new MetricsAccumulator({ intervalHistograms: ['latency'] }); // what the time series shows
  const orphanAcc = new MetricsAccumulator(); // what the lost workers delivered before they went
  try {
    for (const f of finals) for (const s of f.intervals) acc.add(s);
    for (const s of orphans) {
      acc.add(s);
      orphanAcc.add(s);
    }
    const metrics = mergeRunMetrics([...finals.map((f) => f.metrics), ...(orphans.length ? [orphanAcc.total()] : [])]);
    const startAtMs = replay.startAtMs ?? Math.min(...finals.map((f) => f.startAtMs));
    const endedAtMs = Math.max(...finals.map((f) => f.endedAtMs), ...orphans.map((s) => s.startMs + s.intervalMs));
    const total = finals.reduce((a, f) => a + f.metrics.total.counters.requests, 0);
    const finalOf = new Map(finals.map((f) => [f.workerId, f]));
    const known = new Set(replay.workers.map((w) => w.id));
    // Rows as the coordinator writes them when the mailbox has the assignment; a final
    // the mailbox does not explain (relay: http) gets a row from its own figures.
    const workers: WorkerResult[] = [
      ...replay.workers.map((w) => workerRow(w, startAtMs, deliveredCounters(w, finalOf.get(w.id)?.metrics.total.counters))),
      ...finals.filter((f) => !known.has(f.workerId)).map((f): WorkerResult => ({
        id: f.workerId,
        share: total ? f.metrics.total.counters.requests / total : 0,
        requests: f.metrics.total.counters.requests,
        errors: f.metrics.total.counters.errors,
        start_skew_ms: f.startedAtMs - f.startAtMs,
        clock_offset_ms: null,
        status: 'ok',
        events: [],
      })),
    ];
    for (const row of workers) {
      const f = finalOf.get(row.id);
      if (f && row.start_skew_ms === null) row.start_skew_ms = f.startedAtMs - f.startAtMs;
    }
    const lost = replay.startAtMs === undefined ? undefined : lostShares(replay.workers, replay.startAtMs);
    const configured = replay.announcement?.workers;
    const events: RunEvent[] = [
      {
        atMs: endedAtMs,
        type: 'info',
        message: `rebuilt from ${finals.length} worker result artifact(s) by mode: report` + (configured === undefined ? '' : `; the coordinator was configured for ${configured} worker(s), ${replay.workers.length} registered, ${replay.workers.filter((w) => w.index !== undefined).length} assigned a shard`) + (lost?.length ? `; no final result from ${lost.map((l) => l.worker).join(', ')}` : ''),
        ...(configured === undefined ? {} : { data: { configured, registered: replay.workers.map((w) => w.id), lost: lost?.map((l) => l.worker) ?? [] } }),
      },
      ...finals.flatMap((f) => f.events.map((e) => ({ ...e, workerId: f.workerId }))),
    ];
    const skews = workers.map((w) => Math.abs(w.start_skew_ms ?? 0));
    return buildResult({ plan, metrics, intervals: acc.intervals(), startAtMs, endedAtMs, events, workers, runId: process.env.GITHUB_RUN_ID, git: gitInfo(), startSkewMs: Math.max(...skews), lost });
  } finally {
    acc.destroy();
    orphanAcc.destroy();
  }
}

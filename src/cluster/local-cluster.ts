/**
 * `loadtest run plan.yaml --workers N`: a coordinator in this process and N worker
 * child processes on this machine, talking over the HTTP relay on loopback — the
 * same path a multi-machine run takes, so local runs test it too.
 *
 * Children are started with argv arrays (no shell), get the token through the
 * environment (not argv, which `ps` shows), and are tied to this process: they exit
 * when their stdin closes (our death), and we kill any still running when the run
 * ends, fails or is aborted. No orphans.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LtError, PlanError } from '../errors.js';
import type { Snapshot } from '../metrics/types.js';
import { loadPlan } from '../plan/load.js';
import { applyOverrides, type PlanOverrides } from '../plan/overrides.js';
import type { TrustOptions } from '../plan/trust.js';
import type { Result } from '../report/result-schema.js';
import { runCoordinator, type CoordinatorControl, type CoordinatorOutcome } from './coordinator.js';
import { createHttpRelayServer } from './http-relay-server.js';
import { newToken } from './token.js';

/** Options of a local distributed run. */
export interface LocalClusterOptions {
  workers: number;
  signal?: AbortSignal;
  overrides?: PlanOverrides;
  /** Coordinator and worker log lines (worker lines are prefixed with their id). */
  log?: (line: string) => void;
  /** Each merged interval and the active VUs then. */
  onSnapshot?: (snapshot: Snapshot, activeVus: number) => void;
  /** How long to wait for the workers to register (default 30 s). */
  waitMs?: number;
  minWorkers?: number;
  intervalMs?: number;
  /** Environment of the plan's `env:` allow-list and of the children (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Test hooks: the relay URL worker `i` is told (e.g. a proxy), extra worker argv, and each child as it starts. */
  relayUrlFor?: (index: number, url: string) => string;
  workerArgs?: (index: number) => string[];
  onWorker?: (index: number, child: ChildProcess) => void;
  /** Allow-lists of the coordinator's plan load (the workers get its resulting env list and data folders). */
  trust?: TrustOptions;
  /** Called once the relay listens. */
  onRelay?: (url: string, token: string) => void;
}

/** How to start `loadtest worker` from wherever this module runs: sources under tsx, or the bundle. */
export function workerCommand(): { command: string; args: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { command: process.execPath, args: ['--import', 'tsx', resolve(dirname(here), '../cli/main.ts'), 'worker'] };
  // Bundled: this code lives in dist/cli-chunks/*.mjs or dist/index.js; the CLI bundle is dist/cli.mjs.
  const dist = here.endsWith('.mjs') ? dirname(dirname(here)) : dirname(here);
  return { command: process.execPath, args: [join(dist, 'cli.mjs'), 'worker'] };
}

/** Runs the plan over `workers` local worker processes; resolves with the merged Result. */
export async function runDistributedLocal(planPath: string, opts: LocalClusterOptions): Promise<Result> {
  return (await runDistributedLocalDetailed(planPath, opts)).result;
}

/** As runDistributedLocal, with per-worker detail (tests). */
export async function runDistributedLocalDetailed(planPath: string, opts: LocalClusterOptions): Promise<CoordinatorOutcome> {
  const log = opts.log ?? (() => undefined);
  const env = opts.env ?? process.env;
  const abs = resolve(planPath);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new PlanError(`cannot read plan ${planPath}: ${(err as Error).message}`, { cause: err });
  }
  const file = relative(process.cwd(), abs).startsWith('..') ? abs : relative(process.cwd(), abs) || abs;
  const loaded = loadPlan(text, file, { env, baseDir: dirname(abs), ...opts.trust });
  const plan = applyOverrides(loaded, opts.overrides ?? {});
  const token = newToken();
  let expose: (() => Promise<{ contentType: string; body: string }>) | undefined;
  const relay = createHttpRelayServer({
    token,
    log,
    metrics: async () => (expose ? expose() : { contentType: 'text/plain', body: '' }),
  });
  const children = new Set<ChildProcess>();
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const { command, args } = workerCommand();
  // Workers read only what they are told to (README "Trust model"): here, what this process allowed.
  const dataDirs = [...new Set(Object.values(plan.data).map((d) => dirname(resolve(dirname(abs), d.file))))];
  const trustArgs = [...(plan.env.length ? ['--allow-env', plan.env.join(',')] : []), ...(dataDirs.length ? ['--allow-path', dataDirs.join(',')] : [])];
  let control: CoordinatorControl | undefined;
  const spawnWorkers = () => {
    for (let i = 0; i < opts.workers; i++) {
      const id = `w${i + 1}`;
      const url = opts.relayUrlFor?.(i, relay.url) ?? relay.url;
      const child = spawn(command, [...args, '--relay', url, '--id', id, '--base-dir', dirname(abs), ...trustArgs, ...(opts.workerArgs?.(i) ?? [])], {
        env: { ...env, LOADTEST_RELAY_TOKEN: token, LOADTEST_PARENT_PIPE: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.add(child);
      const relayLines = (prefix: string) => (d: Buffer) => {
        for (const line of d.toString().split('\n')) if (line.trim()) log(`[${id}] ${prefix}${line}`);
      };
      child.stdout!.on('data', relayLines(''));
      child.stderr!.on('data', relayLines(''));
      child.on('exit', (code, sig) => {
        children.delete(child);
        const how = sig ?? `code ${code}`;
        if (code !== 0) log(`[${id}] worker process exited (${how})`);
        // The OS tells us at once; heartbeats would take 3 s (ignored after its result).
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
      waitMs: opts.waitMs ?? 30_000,
      intervalMs: opts.intervalMs,
      signal: opts.signal,
      log,
      onProgress: opts.onSnapshot,
      onMetrics: (e) => (expose = e),
      onControl: (c) => (control = c),
      onListening: () => {
        opts.onRelay?.(relay.url, token);
        spawnWorkers();
      },
    });
  } catch (err) {
    if (err instanceof LtError) throw err;
    throw new LtError('LT_ERR_CLUSTER', `local cluster failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await relay.close();
    await stopChildren(children);
    process.off('exit', killAll);
  }
}

/** Gives children a moment to exit after `done`, then kills the rest; resolves when all are gone. */
async function stopChildren(children: Set<ChildProcess>): Promise<void> {
  const live = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  if (live.length === 0) return;
  await Promise.all(
    live.map(
      (c) =>
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => c.kill('SIGKILL'), 3000);
          c.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          c.stdin?.end(); // the worker exits when its parent pipe closes
        }),
    ),
  );
}

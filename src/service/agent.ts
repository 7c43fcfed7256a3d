/**
 * A long-lived agent (`loadtest agent`): heartbeats to the controller every 500 ms,
 * and when handed a run joins that run's relay as an ordinary worker (runWorker over
 * the HTTP relay client, so the protocol, clock probes, outbox and redistribution are
 * the existing ones). A controller restart is survived: heartbeats keep being retried
 * (bounded back-off) and the new controller, which does not run the old run, says
 * `abandon`, so the worker stops at once instead of waiting out its outbox.
 * On `signal` (SIGTERM) the agent stops its current shard (the worker sends its
 * partial result, so nothing is lost) and returns.
 */
import { request, Agent as HttpAgent } from 'undici';
import { LtError } from '../errors.js';
import { createHttpRelayClient } from '../cluster/http-relay-client.js';
import { defaultCapacity, runWorker } from '../cluster/worker.js';
import type { Capacity } from '../cluster/protocol.js';
import { RelayRefusedError, type WorkerTransport } from '../cluster/transport.js';

/** Options of an agent. */
export interface AgentOptions {
  controller: string;
  token: string;
  id: string;
  capacity?: Partial<Capacity>;
  signal: AbortSignal;
  log?: (line: string) => void;
  /** Heartbeat period (default 500 ms). */
  heartbeatMs?: number;
}

interface HeartbeatAnswer {
  assignment?: { run_id: string; relay: string; token: string };
  abandon?: string;
  error?: { code: string; message: string };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/** Runs the agent until `signal` aborts. Throws LtError when the controller refuses the token. */
export async function runAgent(opts: AgentOptions): Promise<{ runs: number }> {
  const log = opts.log ?? (() => undefined);
  const base = opts.controller.replace(/\/+$/, '');
  const capacity: Capacity = { ...defaultCapacity(), ...opts.capacity };
  const dispatcher = new HttpAgent({ keepAliveTimeout: 4000, connectTimeout: 2000 });
  let current: { runId: string; stop: AbortController; abandoned: boolean; done: Promise<void> } | undefined;
  let runs = 0;
  let failing = false;

  const beat = async (): Promise<HeartbeatAnswer> => {
    const res = await request(`${base}/agents/heartbeat`, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: opts.id, capacity, ...(current ? { run_id: current.runId } : {}) }),
      signal: AbortSignal.timeout(2000),
      headersTimeout: 2000,
      bodyTimeout: 2000,
    });
    const body = (await res.body.json().catch(() => ({}))) as HeartbeatAnswer;
    if (res.statusCode === 401) throw new LtError('LT_ERR_API', `controller ${base} refused the token: ${body.error?.message ?? 'HTTP 401'}`);
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${body.error?.message ?? ''}`);
    return body;
  };

  const join = (a: NonNullable<HeartbeatAnswer['assignment']>) => {
    const stop = new AbortController();
    const client = createHttpRelayClient({ url: a.relay, token: a.token, log });
    const entry = { runId: a.run_id, stop, abandoned: false, done: Promise.resolve() };
    // Once abandoned, deliveries are refused here (fatal to the outbox): the run's relay is gone for good.
    const transport: WorkerTransport = { ...client, send: (m) => (entry.abandoned ? Promise.reject(new RelayRefusedError('the controller no longer runs this run')) : client.send(m)) };
    log(`agent ${opts.id}: joining run ${a.run_id} at ${a.relay}`);
    runs++;
    entry.done = runWorker({ transport, workerId: opts.id, capacity, signal: AbortSignal.any([stop.signal, opts.signal]), giveUpMs: 30_000, assignTimeoutMs: 30_000, log, env: {} })
      .then((out) => log(`agent ${opts.id}: run ${a.run_id} done — ${out.engine.metrics.total.counters.requests} requests`))
      .catch((err: unknown) => log(`agent ${opts.id}: run ${a.run_id} ended: ${(err as Error).message}`))
      .finally(() => {
        if (current === entry) current = undefined;
      });
    current = entry;
  };

  try {
    let backoffMs = 0;
    while (!opts.signal.aborted) {
      try {
        const answer = await beat();
        if (failing) log(`agent ${opts.id}: controller ${base} reachable again`);
        failing = false;
        backoffMs = 0;
        if (answer.abandon && current?.runId === answer.abandon) {
          log(`agent ${opts.id}: the controller no longer runs ${answer.abandon}; stopping that shard`);
          current.abandoned = true;
          current.stop.abort(new Error('abandoned'));
        } else if (answer.assignment && !current) join(answer.assignment);
      } catch (err) {
        if (err instanceof LtError) throw err;
        if (!failing) log(`agent ${opts.id}: controller ${base} unreachable (${(err as Error).message}); retrying`);
        failing = true;
        backoffMs = Math.min(Math.max(backoffMs * 2, 250), 2000);
      }
      await sleep(backoffMs || (opts.heartbeatMs ?? 500), opts.signal);
    }
    return { runs };
  } finally {
    // SIGTERM: the worker got the same signal; it stops its shard and sends its partial result.
    await current?.done;
    await dispatcher.destroy();
  }
}

/**
 * The `artifacts` transport: GitHub-hosted runners cannot reach each other, but every
 * job of a workflow run can list and download the run's artifacts. So the relay is a
 * mailbox of small JSON artifacts (DESIGN.md "The relay and the protocol"):
 *
 * - worker → coordinator: `<prefix>.w.<worker>.<seq>`, a batch of messages. Urgent
 *   messages (register, ready, started, result, failed, and the first snapshot, so a
 *   worker killed early has delivered its first second) go out at once; snapshots and
 *   heartbeats ride along once per upload period. Before its assignment a worker uses
 *   its own period (default 10 s: nothing is timed then); the assignment carries the
 *   run's period (artifact-timing.ts: 2 s for runs up to 13 min, within the
 *   500-artifacts-per-job limit for any length).
 * - coordinator → workers: `<prefix>.c.<seq>`, one artifact holding the pending
 *   commands of every worker, so the coordinator's artifact count does not grow with
 *   the number of workers.
 * - `<prefix>.c.run`: the coordinator's start note, `{ workers, waitMs }`
 *   (artifact-markers.ts): a registered worker waits for its assignment no longer than
 *   that wait (plus a relay round trip), and `mode: report` learns the configured count.
 * - `<prefix>.c.end`: the coordinator's last word when it stops for any reason (issue 15
 *   point 8): `{ reason, lastSeq }`. A worker that has read every command up to
 *   `lastSeq` and sees it gets an `abort`, so a worker that started too late (or whose
 *   coordinator failed) stops at once instead of waiting for an assignment.
 *
 * Both sides poll `list()` every `pollMs`; names are unique per run (the service
 * rejects duplicates with 409), and seq order restores message order. A worker is lost
 * after 3 missed upload periods plus polling and latency (artifact-timing.ts).
 */
import type { Command, WorkerMessage } from './protocol.js';
import { parseCommand, parseWorkerMessage } from './protocol.js';
import { DEFAULT_LATENCY_MS, DEFAULT_POLL_MS } from './artifact-timing.js';
import { AssignmentWatch, END_MARKER, RUN_MARKER, type EndMarker, type RunAnnouncement } from './artifact-markers.js';
import { RelayBatchingError, RelayRefusedError, RelayUnavailableError, type CoordinatorTransport, type MessageHandler, type TransportCaps, type WorkerTransport } from './transport.js';

/** What the transport needs from a mailbox (src/action/mailbox.ts implements it over @actions/artifact). */
export interface Mailbox {
  put(name: string, value: unknown): Promise<{ id: number }>;
  list(namePrefix: string): Promise<{ id: number; name: string }[]>;
  get<T>(name: string): Promise<T | undefined>;
}

export interface ArtifactsTransportOptions {
  mailbox: Mailbox;
  /** Polling period of list(), ms (default 2000). */
  pollMs?: number;
  /**
   * Worker: upload period for snapshots and heartbeats until the assignment sets the
   * run's (default 10 000). Coordinator: the period it assigns (artifact-timing.ts).
   */
  flushMs?: number;
  /** Coordinator: silence after which a worker counts as lost, ms (artifact-timing.ts; default 30 000). */
  lostAfterMs?: number;
  /** Allowance for one message's way through the service, ms (artifact-timing.ts; default 3000). */
  latencyMs?: number;
  /** Coordinator: its start note `c.run` (artifact-markers.ts), left before it accepts workers. */
  announce?: RunAnnouncement;
  /**
   * Worker: how long to wait for a coordinator to answer before giving up (its own wait
   * setting, plus a relay round trip; artifact-markers.ts). Default: no bound here.
   */
  coordinatorWaitMs?: number;
  /** Worker: how messages name that setting (e.g. "input 'wait'"). */
  waitName?: string;
  log?: (line: string) => void;
}

/** Caps of the coarse mailbox before a run's periods are known (artifact-timing.ts derives them per run). */
export const ARTIFACT_CAPS: TransportCaps = Object.freeze({ live: false, heartbeatMs: 10_000, lostAfterMs: 30_000 });

export { END_MARKER, RUN_MARKER, type EndMarker, type RunAnnouncement } from './artifact-markers.js';

/** Artifact names cannot hold `: < > | * ? " \ /`; worker ids may hold `:`. */
export const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._@-]/g, '_');

const URGENT = new Set<WorkerMessage['type']>(['register', 'probe', 'ready', 'started', 'result', 'failed']);
const isUrgent = (m: WorkerMessage) => URGENT.has(m.type) || (m.type === 'snapshot' && m.seq === 0);

function seqOf(name: string): number {
  return Number(name.slice(name.lastIndexOf('.') + 1));
}

/** A timer loop that runs `tick` every `ms` until stopped; ticks never overlap. */
function poller(ms: number, tick: () => Promise<void>): { stop(): void; kick(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running = false;
  const run = async () => {
    if (stopped || running) return;
    running = true;
    try {
      await tick();
    } finally {
      running = false;
      if (!stopped) timer = setTimeout(run, ms);
    }
  };
  timer = setTimeout(run, 0);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    kick() {
      if (stopped || running) return;
      clearTimeout(timer);
      timer = setTimeout(run, 0);
    },
  };
}

/** The coordinator's side. */
export function createArtifactsCoordinator(opts: ArtifactsTransportOptions): CoordinatorTransport {
  const { mailbox } = opts;
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  const seen = new Map<string, number>(); // worker → last seq handled
  const accepted = new Set<string>();
  let pending: Record<string, Command[]> = {};
  let outSeq = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  let loop: ReturnType<typeof poller> | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;

  const flush = (): Promise<void> => {
    flushTimer = undefined;
    if (Object.keys(pending).length === 0) return flushing;
    const batch = pending;
    pending = {};
    const name = `c.${outSeq++}`;
    flushing = flushing.then(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await mailbox.put(name, batch);
          return;
        } catch (err) {
          if (attempt >= 4) {
            opts.log?.(`artifacts relay: could not publish ${name}: ${(err as Error).message}`);
            return;
          }
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
        }
      }
    });
    return flushing;
  };
  const queue = (workerId: string, cmd: Command) => {
    (pending[workerId] ??= []).push(cmd);
    // Coalesce what is queued within half a second into one artifact (registration answers
    // arrive over several downloads). A reshard or abort goes to every worker in one
    // synchronous loop: it leaves at once, since every second of a lost share counts.
    const urgent = cmd.type === 'reshard' || cmd.type === 'abort';
    if (urgent && flushTimer) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    flushTimer ??= setTimeout(() => void flush(), urgent ? 0 : 500);
  };

  const heartbeatMs = opts.flushMs ?? ARTIFACT_CAPS.heartbeatMs;
  // A healthy worker's snapshot arrives up to one upload period (plus polling) after its interval.
  const caps: TransportCaps = { live: false, heartbeatMs, lostAfterMs: opts.lostAfterMs ?? ARTIFACT_CAPS.lostAfterMs, deliveryLagMs: heartbeatMs + pollMs + (opts.latencyMs ?? DEFAULT_LATENCY_MS) };
  return {
    caps,
    async start(handler: MessageHandler) {
      if (opts.announce) await mailbox.put(RUN_MARKER, opts.announce).catch((err: Error) => opts.log?.(`artifacts relay: could not leave the start note: ${err.message}`));
      loop = poller(pollMs, async () => {
        let list: { id: number; name: string }[];
        try {
          list = await mailbox.list('w.');
        } catch (err) {
          opts.log?.(`artifacts relay: listing failed (will retry): ${(err as Error).message}`);
          return;
        }
        const fresh = list
          .map((a) => {
            const rest = a.name.slice(a.name.indexOf('w.') + 2);
            return { ...a, worker: rest.slice(0, rest.lastIndexOf('.')), seq: seqOf(a.name) };
          })
          .filter((a) => Number.isInteger(a.seq) && a.seq > (seen.get(a.worker) ?? -1))
          .sort((a, b) => (a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : a.seq - b.seq));
        for (const a of fresh) {
          // In order per worker: stop at a gap (the next batch may still be uploading).
          if (a.seq !== (seen.get(a.worker) ?? -1) + 1) continue;
          const batch = await mailbox.get<unknown[]>(a.name.slice(a.name.indexOf('w.'))).catch(() => undefined);
          if (!Array.isArray(batch)) continue;
          seen.set(a.worker, a.seq);
          for (const raw of batch) {
            let msg: WorkerMessage;
            try {
              msg = parseWorkerMessage(raw);
            } catch (err) {
              opts.log?.(`artifacts relay: ignored a malformed message from ${a.worker}: ${(err as Error).message}`);
              continue;
            }
            const verdict = handler(msg);
            if (verdict && 'refuse' in verdict) queue(msg.workerId, { v: 1, type: 'refused', reason: verdict.refuse });
            else if (msg.type === 'register') accepted.add(msg.workerId);
          }
        }
      });
    },
    send(workerId, cmd) {
      if (!closed) queue(workerId, cmd);
    },
    broadcast(cmd) {
      if (closed) return;
      for (const id of accepted) queue(id, cmd);
    },
    async close(reason = 'the coordinator has stopped') {
      if (closed) return;
      closed = true;
      loop?.stop();
      clearTimeout(flushTimer);
      await flush();
      const marker: EndMarker = { reason, lastSeq: outSeq - 1 };
      await mailbox.put(END_MARKER, marker).catch((err: Error) => opts.log?.(`artifacts relay: could not leave the end marker: ${err.message}`));
    },
  };
}

/** A worker's side. */
export function createArtifactsWorker(opts: ArtifactsTransportOptions): WorkerTransport {
  const { mailbox } = opts;
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  let flushMs = opts.flushMs ?? ARTIFACT_CAPS.heartbeatMs;
  let workerId = '';
  let outSeq = 0;
  let lastCmdSeq = -1;
  let loop: ReturnType<typeof poller> | undefined;
  let lastFlushMs = 0;
  let closed = false;
  let refusal: string | undefined;

  let ended = false;
  let announced = false;
  let watch: AssignmentWatch | undefined;

  return {
    get caps() {
      return { ...ARTIFACT_CAPS, heartbeatMs: flushMs };
    },
    connect(id, onCommand, onError) {
      workerId = id;
      watch = new AssignmentWatch({ coordinatorWaitMs: opts.coordinatorWaitMs, waitName: opts.waitName, pollMs, latencyMs: opts.latencyMs ?? DEFAULT_LATENCY_MS, onTimeout: (err) => onError?.(err) });
      watch.start();
      loop = poller(pollMs, async () => {
        let list: { id: number; name: string }[];
        try {
          list = await mailbox.list('c.');
        } catch {
          return;
        }
        const hasEnd = list.some((a) => a.name === END_MARKER || a.name.endsWith(`.${END_MARKER}`));
        const fresh = list.map((a) => ({ ...a, seq: seqOf(a.name) })).filter((a) => a.seq > lastCmdSeq).sort((a, b) => a.seq - b.seq);
        for (const a of fresh) {
          if (a.seq !== lastCmdSeq + 1) break;
          const batch = await mailbox.get<Record<string, unknown[]>>(a.name.slice(a.name.indexOf('c.'))).catch(() => undefined);
          if (!batch) break;
          lastCmdSeq = a.seq;
          for (const raw of batch[workerId] ?? []) {
            let cmd: Command;
            try {
              cmd = parseCommand(raw);
            } catch {
              continue;
            }
            if (cmd.type === 'refused') refusal = cmd.reason;
            // The run's upload period (artifact-timing.ts) replaces the pre-assignment one.
            if (cmd.type === 'assign' && cmd.heartbeatMs) flushMs = cmd.heartbeatMs;
            watch?.command(cmd.type);
            onCommand(cmd);
          }
        }
        if (!announced && list.some((a) => a.name.endsWith(`.${RUN_MARKER}`))) {
          const note = await mailbox.get<RunAnnouncement>(RUN_MARKER).catch(() => undefined);
          if (note && Number.isFinite(note.waitMs)) {
            announced = true;
            watch?.announcement(note);
          }
        }
        if (hasEnd && !ended) {
          const marker = await mailbox.get<EndMarker>(END_MARKER).catch(() => undefined);
          // Only once every command before it was read: a `done` or `abort` in them says it better.
          if (marker && lastCmdSeq >= marker.lastSeq) {
            ended = true;
            watch?.stop();
            onCommand({ v: 1, type: 'abort', reason: `the coordinator has ended (${marker.reason})` });
          }
        }
      });
    },
    async send(msgs) {
      if (closed) throw new RelayUnavailableError('transport closed');
      if (refusal) throw new RelayRefusedError(refusal);
      const urgent = msgs.some(isUrgent);
      const now = Date.now();
      // Not urgent and the last upload was recent: refuse until the next slot; the outbox
      // keeps the messages and offers them again (with more) then — that is the batching.
      if (!urgent && now - lastFlushMs < flushMs) throw new RelayBatchingError(flushMs - (now - lastFlushMs));
      try {
        await mailbox.put(`w.${safeName(workerId)}.${outSeq}`, msgs);
        outSeq++;
        lastFlushMs = now;
      } catch (err) {
        throw new RelayUnavailableError((err as Error).message, err);
      }
    },
    async close() {
      closed = true;
      watch?.stop();
      loop?.stop();
    },
  };
}

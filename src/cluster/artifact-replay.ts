/**
 * What the artifacts mailbox says about a run whose coordinator is gone (issue 15
 * point 2: `mode: report` must know what was planned). The coordinator's start note
 * `c.run` gives the configured worker count; its command batches `c.<seq>` the
 * assignment (each worker's shard, the start instant) and any redistribution; each
 * worker's batches `w.<id>.<seq>` its registration, clock offset, actual start and the
 * interval snapshots it delivered. From these the same WorkerState records are built
 * that the live coordinator keeps, so the report's worker table and lost shares come
 * from workerRow() and lostShares() (worker-table.ts), as the coordinator's do.
 *
 * A worker that was assigned a shard and left no final result counts as lost at the end
 * of its last delivered interval (when the coordinator would have declared it lost is
 * not in the mailbox); its delivered snapshots are returned so they count as delivered.
 */
import type { Snapshot } from '../metrics/types.js';
import { sharesOf } from './assignment.js';
import { RUN_MARKER, type RunAnnouncement } from './artifact-markers.js';
import type { Mailbox } from './artifacts-transport.js';
import { parseCommand, parseWorkerMessage, type Command, type WorkerMessage } from './protocol.js';
import { countSnapshot, newWorkerState, type WorkerState } from './worker-table.js';

/** What replayMailbox() found. */
export interface MailboxReplay {
  /** The coordinator's start note, when it left one. */
  announcement?: RunAnnouncement;
  /** The start instant of the assignment (coordinator clock); undefined when no assignment was found. */
  startAtMs?: number;
  /** Every registered worker: the assigned ones in shard order, then the others. */
  workers: WorkerState[];
  /** The snapshots each worker without a final result delivered, by worker id, in seq order. */
  orphanSnapshots: Map<string, Snapshot[]>;
}

/** Downloads at once at most this many mailbox artifacts (the report job runs once; a run holds a few hundred). */
const PARALLEL_GETS = 8;

/**
 * Rebuilds the coordinator's view of the workers from the mailbox. `finished` names the
 * workers whose final result the caller has: they are `finished`, the other assigned
 * ones `lost`.
 */
export async function replayMailbox(mailbox: Mailbox, finished: ReadonlySet<string>): Promise<MailboxReplay> {
  const [runList, cmdList, workerList] = await Promise.all([mailbox.list(RUN_MARKER), mailbox.list('c.'), mailbox.list('w.')]);
  const announcement = runList.length ? await mailbox.get<RunAnnouncement>(RUN_MARKER).catch(() => undefined) : undefined;
  const numbered = (list: { name: string }[], kind: string) =>
    list.map((a) => ({ name: a.name.slice(a.name.indexOf(kind)), seq: Number(a.name.slice(a.name.lastIndexOf('.') + 1)) })).filter((a) => Number.isInteger(a.seq)).sort((a, b) => a.seq - b.seq);
  const cmdBatches = await getAll<Record<string, unknown[]>>(mailbox, numbered(cmdList, 'c.').map((a) => a.name));
  const workerBatches = await getAll<unknown[]>(mailbox, numbered(workerList, 'w.').map((a) => a.name));

  const workers = new Map<string, WorkerState>();
  const snapshots = new Map<string, Map<number, Snapshot>>();
  const failed = new Set<string>();
  for (const batch of workerBatches) {
    for (const raw of Array.isArray(batch) ? batch : []) {
      const msg = parse(parseWorkerMessage, raw);
      if (!msg) continue;
      if (msg.type === 'register') {
        if (!workers.has(msg.workerId)) workers.set(msg.workerId, newWorkerState(msg, 0));
        continue;
      }
      const w = workers.get(msg.workerId);
      if (!w) continue;
      if (msg.type === 'ready') w.offsetMs = msg.clockOffsetMs;
      else if (msg.type === 'started') w.actualStartMs = msg.actualStartMs;
      else if (msg.type === 'failed') failed.add(w.id);
      else if (msg.type === 'snapshot') {
        const seen = snapshots.get(w.id) ?? new Map<number, Snapshot>();
        snapshots.set(w.id, seen);
        // A second delivery of a seq (a retried upload) is never counted twice.
        if (seen.has(msg.seq)) continue;
        seen.set(msg.seq, msg.snapshot);
        countSnapshot(w, msg.seq, '', msg.snapshot);
      }
    }
  }

  let startAtMs: number | undefined;
  let weights: number[] | undefined;
  for (const batch of cmdBatches) {
    for (const [id, list] of Object.entries(batch && typeof batch === 'object' ? batch : {})) {
      const w = workers.get(id);
      for (const raw of Array.isArray(list) ? list : []) {
        const cmd = parse(parseCommand, raw);
        if (!cmd || !w) continue;
        if (cmd.type === 'assign') {
          startAtMs ??= cmd.startAtMs;
          w.index = cmd.shard.index;
          w.initialShare = sharesOf(cmd.shard.weights)[cmd.shard.index] ?? 0;
          weights ??= cmd.shard.weights;
        } else if (cmd.type === 'reshard') weights = cmd.shard.weights;
      }
    }
  }

  const orphanSnapshots = new Map<string, Snapshot[]>();
  for (const w of workers.values()) {
    if (w.index === undefined || startAtMs === undefined) continue;
    if (finished.has(w.id)) {
      w.status = 'finished';
      continue;
    }
    w.status = failed.has(w.id) ? 'failed' : 'lost';
    w.lostAtMs = Math.max(startAtMs, w.lastSnapshotEndMs ?? startAtMs);
    w.lostShare = w.initialShare;
    // The coordinator took its share away before it went: the survivors ran it.
    w.redistributed = weights !== undefined && weights[w.index] === 0 && w.initialShare > 0;
    w.notes.push(`no final result in the mailbox: counted from the ${w.seqs.size} snapshot(s) it delivered, up to +${((w.lostAtMs - startAtMs) / 1000).toFixed(1)} s`);
    orphanSnapshots.set(w.id, [...(snapshots.get(w.id)?.values() ?? [])].sort((a, b) => a.seq - b.seq));
  }
  const ordered = [...workers.values()].sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity));
  return { announcement, startAtMs, workers: ordered, orphanSnapshots };
}

function parse<T extends Command | WorkerMessage>(fn: (raw: unknown) => T, raw: unknown): T | undefined {
  try {
    return fn(raw);
  } catch {
    return undefined; // a malformed message: the live coordinator ignores it too
  }
}

/** get() of every name, PARALLEL_GETS at a time, in the names' order; a failed download is undefined. */
async function getAll<T>(mailbox: Mailbox, names: string[]): Promise<(T | undefined)[]> {
  const out: (T | undefined)[] = new Array(names.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < names.length; i = next++) out[i] = await mailbox.get<T>(names[i]).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_GETS, names.length) }, lane));
  return out;
}

/**
 * The coordinator's two notes in the artifacts mailbox beside its command batches
 * (issue 15 points 2 and 8), and how long a worker waits for them:
 *
 * - `<prefix>.c.run`, left when the coordinator starts: how many workers it waits for
 *   and for how long. `mode: report` reads the configured count from it (the report job
 *   has no `workers` input of its own); a worker reads the wait, so that one that
 *   registered gives up when the coordinator can no longer take it, not after 10 min.
 * - `<prefix>.c.end`, left when it stops for any reason: `{ reason, lastSeq }`
 *   (artifacts-transport.ts acts on it).
 *
 * Neither name ends in a number, so neither is mistaken for a command batch `c.<seq>`.
 */
import { LtError } from '../errors.js';
import { relayRoundTripMs } from './artifact-timing.js';

/** The coordinator's start note. */
export const RUN_MARKER = 'c.run';
/** The coordinator's end-of-run marker. */
export const END_MARKER = 'c.end';

/** What the start note holds. */
export interface RunAnnouncement {
  /** Workers the coordinator was configured to wait for. */
  workers: number;
  /** How long it waits for them to register, from when it left this note. */
  waitMs: number;
}

/** What the end marker holds. */
export interface EndMarker {
  reason: string;
  /** Seq of the last command artifact published before it (-1: none). */
  lastSeq: number;
}

/** A worker waited longer than its coordinator could use it. */
export class NoAssignmentError extends LtError {
  constructor(message: string) {
    super('LT_ERR_CLUSTER', message);
    this.name = 'NoAssignmentError';
  }
}

/** Options of AssignmentWatch. */
export interface AssignmentWatchOptions {
  /**
   * How long to wait for any coordinator to answer (this worker's own wait setting):
   * the coordinator's job may start later than the worker's. Undefined: no bound here.
   */
  coordinatorWaitMs?: number;
  /** How the caller names that setting in messages (e.g. "input 'wait'"). */
  waitName?: string;
  pollMs: number;
  latencyMs: number;
  /** Called once when a bound passes; nothing else is called after it. */
  onTimeout: (err: NoAssignmentError) => void;
}

/**
 * A worker's two bounds before its assignment: a coordinator must answer within its
 * own wait, and once the coordinator's start note is seen, the assignment must arrive
 * within the coordinator's wait (without the note: within its own wait of the answer).
 * Each plus one relay round trip (the registration up, the answer down:
 * 2 × (poll + latency), 10 s by default). These bound both of worker.ts's waits (for
 * the clock reply and for the assignment) through the transport's onError.
 */
export class AssignmentWatch {
  private appear?: NodeJS.Timeout;
  private assignTimer?: NodeJS.Timeout;
  private answered = false;
  private announced = false;
  private done = false;
  private readonly marginMs: number;

  constructor(private readonly opts: AssignmentWatchOptions) {
    this.marginMs = relayRoundTripMs(opts.pollMs, opts.latencyMs);
  }

  /** Starts the first bound (call when the worker connects). */
  start(): void {
    const waitMs = this.opts.coordinatorWaitMs;
    if (waitMs === undefined || this.done) return;
    this.appear = setTimeout(() => {
      if (this.answered || this.announced) return;
      this.fire(`no coordinator answered in this workflow run within ${s(waitMs + this.marginMs)} (${this.opts.waitName ?? 'wait'} ${s(waitMs)} + ${s(this.marginMs)} for the relay): is the coordinator job running, with the same run's artifacts?`);
    }, waitMs + this.marginMs);
  }

  /** A command for this worker arrived. */
  command(type: string): void {
    if (type === 'assign' || type === 'abort' || type === 'done' || type === 'refused') return this.stop();
    if (this.answered || this.done) return;
    this.answered = true;
    clearTimeout(this.appear);
    // The coordinator leaves its start note before it answers anyone, so the note normally
    // follows at once; should it be missing (its upload failed), the worker's own wait
    // bounds the assignment instead of worker.ts's 10 min.
    const waitMs = this.opts.coordinatorWaitMs;
    if (waitMs === undefined || this.announced) return;
    this.assignTimer = setTimeout(() => {
      this.fire(`no assignment within ${s(waitMs + this.marginMs)} of the coordinator's answer (${this.opts.waitName ?? 'wait'} ${s(waitMs)} + ${s(this.marginMs)} for the relay; its start note was not found): it started without this worker or has stopped`);
    }, waitMs + this.marginMs);
  }

  /** The coordinator's start note was read. */
  announcement(a: RunAnnouncement): void {
    if (this.announced || this.done) return;
    this.announced = true;
    clearTimeout(this.appear);
    clearTimeout(this.assignTimer);
    this.assignTimer = setTimeout(() => {
      this.fire(`no assignment within ${s(a.waitMs + this.marginMs)} of the coordinator's start note (its wait ${s(a.waitMs)} for ${a.workers} worker(s) + ${s(this.marginMs)} for the relay): it started without this worker or has stopped`);
    }, a.waitMs + this.marginMs);
  }

  /** No more bounds (assigned, ended, or the transport closed). Idempotent. */
  stop(): void {
    this.done = true;
    clearTimeout(this.appear);
    clearTimeout(this.assignTimer);
  }

  private fire(message: string): void {
    if (this.done) return;
    this.stop();
    this.opts.onTimeout(new NoAssignmentError(message));
  }
}

const s = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

/**
 * Timing of the artifacts relay, derived rather than guessed (issue 15: a loss timeout
 * of 30 s outlasted most of a short plan, so a lost share was never redistributed).
 *
 * - **Upload period** `periodMs`: each worker uploads one artifact (its buffered
 *   snapshots, or a heartbeat) per period while it runs. GitHub allows 500 artifacts
 *   per job (research/gha.md §5); a worker also uses ~10 for registration, clock,
 *   `started` and its final result, so the run gets `UPLOAD_BUDGET` (400) uploads:
 *   `periodMs = max(MIN_PERIOD_MS, run duration / 400)`. 2 s for any run up to 13 min,
 *   9 s for an hour.
 * - **Loss timeout** `lostAfterMs = MISSED_PERIODS × periodMs + pollMs + latencyMs`: a
 *   worker is lost after 3 missed uploads, plus one polling period of the coordinator
 *   and the time one message takes through the service (upload, list, download).
 *   Defaults: 3 × 2 s + 2 s + 3 s = 11 s.
 * - **Latency budget** `latencyMs` (default 3 s): against the local fake of the service
 *   (test/support), put + list + get of a snapshot batch takes p50 28 ms, max 290 ms
 *   (60 rounds, 2-core machine under other load); GitHub's Twirp service and blob
 *   storage are not measured here, so the budget is ten times the fake's worst case.
 *   LOADTEST_ARTIFACT_LATENCY_MS changes it.
 */

/** Most uploads a worker makes while its shard runs (of the 500 a job may make). */
export const UPLOAD_BUDGET = 400;
/** Shortest upload period: the service is coarse, and a period below its latency buys nothing. */
export const MIN_PERIOD_MS = 2000;
/** Uploads a worker may miss before it counts as lost. */
export const MISSED_PERIODS = 3;
/** Default allowance for one message's way through the service (see the module comment). */
export const DEFAULT_LATENCY_MS = 3000;
/** Default polling period of list(). */
export const DEFAULT_POLL_MS = 2000;

/** Inputs of artifactPeriods. */
export interface ArtifactTimingInput {
  /** The run's length: last scenario end + graceful stop, ms. */
  runDurationMs: number;
  /** Fixed upload period (tests; otherwise derived from the duration). */
  periodMs?: number;
  pollMs?: number;
  latencyMs?: number;
  /** Fixed loss timeout (tests; otherwise derived). */
  lostAfterMs?: number;
  /** Snapshot interval (default 1000): a worker has news once per interval, so no period is shorter. */
  intervalMs?: number;
}

/** The derived periods; see the module comment. */
export interface ArtifactPeriods {
  periodMs: number;
  pollMs: number;
  latencyMs: number;
  lostAfterMs: number;
}

/** Upload period and loss timeout for a run of `runDurationMs`. */
export function artifactPeriods(input: ArtifactTimingInput): ArtifactPeriods {
  const periodMs = Math.max(input.intervalMs ?? 1000, input.periodMs ?? Math.max(MIN_PERIOD_MS, Math.ceil(input.runDurationMs / UPLOAD_BUDGET / 100) * 100));
  const pollMs = input.pollMs ?? DEFAULT_POLL_MS;
  const latencyMs = input.latencyMs ?? DEFAULT_LATENCY_MS;
  return { periodMs, pollMs, latencyMs, lostAfterMs: input.lostAfterMs ?? MISSED_PERIODS * periodMs + pollMs + latencyMs };
}

/**
 * One exchange through the relay: a worker's upload seen by the coordinator's next poll,
 * and the answer seen by the worker's: 2 × (poll + latency), 10 s by default. The margin
 * a waiting worker adds to a wait (artifact-markers.ts).
 */
export function relayRoundTripMs(pollMs = DEFAULT_POLL_MS, latencyMs = DEFAULT_LATENCY_MS): number {
  return 2 * (pollMs + latencyMs);
}

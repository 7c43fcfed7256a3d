/**
 * Every bound on a plan, in one table (issue 13: absurd and hostile input must be
 * refused with a located message that says the limit and how to raise it, never a
 * timer overflow, an out-of-memory abort or a hang).
 *
 * A plan raises a limit with its `limits:` map, up to a hard ceiling that keeps the
 * process safe whatever the plan says: durations stay below Node's timer range
 * (2^31−1 ms ≈ 596 h), counts stay where one process can hold them. The plan file's
 * own size is checked before parsing, so it cannot come from the plan: the
 * `LOADTEST_MAX_PLAN_SIZE` environment variable raises it.
 *
 * Limits that depend on the plan are enforced by the zod schema (schema.ts) through
 * `activeLimits()`, which `withLimits()` sets for the duration of one synchronous
 * plan load; derived totals (VUs and rates across scenarios, steps across the plan)
 * are checked where they are computed, with the same `limitMessage()`.
 */
import { parseDurationMs, parseSizeBytes } from './units.js';

/** How a limit's value is written and shown. */
type LimitKind = 'duration' | 'count' | 'size' | 'rate';

/** One row of the table. */
export interface LimitSpec {
  kind: LimitKind;
  default: number;
  /** Highest value `limits:` may set. */
  ceiling: number;
  /** What the limit bounds, for messages and the README table. */
  what: string;
  /** Why the default is where it is (evidence), for messages. */
  why?: string;
}

const H = 3_600_000;
const MiB = 1024 * 1024;

/** Memory one VU holds (~24 KB, the figure measured in issue 13's report). */
export const VU_MEMORY_BYTES = 24 * 1024;
/** Arrivals per second one engine process schedules on time (~40k/s, measured in the engine-at-speed work, issue 10). */
export const PROCESS_RATE_PER_SEC = 40_000;

/** The table. Keys are the plan's `limits:` keys. */
export const LIMITS = {
  max_duration: { kind: 'duration', default: 168 * H, ceiling: 576 * H, what: 'durations, start_time, graceful_stop, stage and profile durations, think times' },
  max_timeout: { kind: 'duration', default: 1 * H, ceiling: 576 * H, what: 'request timeouts and max_duration checks' },
  max_vus: {
    kind: 'count',
    default: 100_000,
    ceiling: 10_000_000,
    what: 'VUs at their peak, per scenario and summed over the run',
    why: `each VU holds ~${VU_MEMORY_BYTES / 1024} KB (measured), so 100,000 VUs need ~2.4 GB spread over the run's processes`,
  },
  max_rate: {
    kind: 'rate',
    default: 400_000,
    ceiling: 100_000_000,
    what: 'arrivals per second at their peak, per scenario and summed over the run',
    why: `one process schedules ~${PROCESS_RATE_PER_SEC.toLocaleString('en-US')} arrivals/s (measured), so 400,000/s needs ten worker processes`,
  },
  max_scenarios: { kind: 'count', default: 100, ceiling: 10_000, what: 'scenarios in the plan' },
  max_steps: { kind: 'count', default: 1_000, ceiling: 100_000, what: 'steps and groups in the plan (setup and teardown included, repeats not expanded)' },
  max_iteration_steps: { kind: 'count', default: 100_000, ceiling: 10_000_000, what: 'requests one iteration can make with every repeat expanded' },
  max_stages: { kind: 'count', default: 10_000, ceiling: 1_000_000, what: 'stages of one profile (a step profile makes one per step)' },
  max_thresholds: { kind: 'count', default: 1_000, ceiling: 100_000, what: 'thresholds in the plan' },
  max_headers: { kind: 'count', default: 100, ceiling: 10_000, what: 'headers of one request (defaults included)' },
  max_inline_body: { kind: 'size', default: 256 * 1024, ceiling: 16 * MiB, what: 'an inline body: or json: of one step' },
  max_body_file: { kind: 'size', default: 4 * MiB, ceiling: 64 * MiB, what: 'the body_file: of one step (read once at plan load, held in memory for the run)' },
  max_data_size: { kind: 'size', default: 64 * MiB, ceiling: 512 * MiB, what: 'the size of one data file' },
  max_data_rows: { kind: 'count', default: 1_000_000, ceiling: 100_000_000, what: 'the rows of one data file' },
} as const satisfies Record<string, LimitSpec>;

/** A limit's key (`limits.<key>` in the plan). */
export type LimitKey = keyof typeof LIMITS;
/** The effective limits of one plan. */
export type Limits = Record<LimitKey, number>;

/** Every limit at its default. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.fromEntries(Object.entries(LIMITS).map(([k, s]) => [k, s.default])) as Limits;

/** The plan file's size limit, checked before parsing (raised by LOADTEST_MAX_PLAN_SIZE). */
export const PLAN_SIZE = { default: 256 * 1024, ceiling: 16 * MiB, env: 'LOADTEST_MAX_PLAN_SIZE' } as const;

/** YAML nesting deeper than this is refused before the document is built (the composer recurses). */
export const MAX_NESTING = 64;

/** Hard bounds on numbers that need no `limits:` key (they only have to stay finite and sane). */
export const FIXED = {
  /** `iterations` / `per_vu_iterations`: iteration ids stay exact integers after sharding. */
  iterations: 1_000_000_000,
  /** `repeat` of one group (the product over nested groups is max_iteration_steps). */
  repeat: 1_000_000,
  weight: 1_000_000,
  thinkTimeMultiplier: 1_000,
  poolSize: 100_000,
  /** `http.max_body`: every in-flight response may keep this many bytes. */
  maxBodyBytes: 256 * MiB,
} as const;

/** A value in the limit's own units, as a user would write it. */
export function formatLimit(kind: LimitKind, v: number): string {
  switch (kind) {
    case 'duration':
      return v % H === 0 ? `${v / H}h${v >= 24 * H && v % (24 * H) === 0 ? ` (${v / (24 * H)} days)` : ''}` : v % 1000 === 0 ? `${v / 1000}s` : `${v}ms`;
    case 'size':
      return v % MiB === 0 ? `${v / MiB}MiB` : v % 1024 === 0 ? `${v / 1024}KiB` : `${v} bytes`;
    case 'rate':
      return `${v.toLocaleString('en-US')}/s`;
    default:
      return v.toLocaleString('en-US');
  }
}

/** How to write a limit in the plan (duration limits as durations, sizes as sizes). */
function asPlanValue(kind: LimitKind, v: number): string {
  if (kind === 'duration') return v % H === 0 ? `${v / H}h` : `${v}ms`;
  if (kind === 'size') return v % 1024 === 0 ? formatLimit('size', v) : String(v);
  return String(v);
}

/**
 * The message of a value over limit `key`: the limit, why it is there, and how to raise
 * it. `subject` says what exceeded it when that is not the key's value itself (a sum).
 */
export function limitMessage(key: LimitKey, limits: Readonly<Limits>, subject?: string): string {
  const s: LimitSpec = LIMITS[key];
  const at = limits[key];
  const raise = at < s.ceiling ? `raise it in the plan with limits: { ${key}: ${asPlanValue(s.kind, Math.min(s.ceiling, at * 10))} } (at most ${formatLimit(s.kind, s.ceiling)})` : `this is the ceiling (${key})`;
  return `${subject ? `${subject} ` : ''}is over the limit of ${formatLimit(s.kind, at)} for ${s.what}${s.why ? `; ${s.why}` : ''}; ${raise}`;
}

let active: Readonly<Limits> = DEFAULT_LIMITS;

/** The limits of the plan being loaded (schema refinements read them). */
export function activeLimits(): Readonly<Limits> {
  return active;
}

/**
 * Runs `fn` (a synchronous plan load) with `limits` active. Plan loading is
 * synchronous from parse to resolve, so no other load can observe them.
 */
export function withLimits<T>(limits: Readonly<Limits>, fn: () => T): T {
  const prev = active;
  active = limits;
  try {
    return fn();
  } finally {
    active = prev;
  }
}

/** A limit value as written in `limits:` → number; a message when malformed or above the ceiling. */
export function parseLimit(key: LimitKey, raw: unknown): number | string {
  const s: LimitSpec = LIMITS[key];
  let v: number | undefined;
  if (s.kind === 'duration') v = typeof raw === 'string' ? parseDurationMs(raw) : undefined;
  else if (s.kind === 'size') v = typeof raw === 'string' || typeof raw === 'number' ? parseSizeBytes(raw) : undefined;
  else v = typeof raw === 'number' && Number.isInteger(raw) ? raw : undefined;
  const form = s.kind === 'duration' ? 'a duration like 240h' : s.kind === 'size' ? 'a size like 1MiB' : 'a whole number';
  if (v === undefined || v <= 0) return `must be ${form} above 0`;
  if (v > s.ceiling) return `must be at most ${formatLimit(s.kind, s.ceiling)} (the ceiling of ${key}: ${s.what})`;
  return v;
}

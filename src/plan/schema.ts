/**
 * The plan file's shape, in zod (snake_case, as users write it). Objects are strict:
 * an unknown key is an error with a "did you mean". Steps, profiles and thresholds are
 * checked item by item (see steps.ts, profiles.ts, resolve.ts) so that each error points
 * at its own YAML node. Messages here are the "what is allowed" half of each error; the
 * "where" and "got" halves are added by locate.ts.
 */
import * as z from 'zod';
import { activeLimits, FIXED, formatLimit, LIMITS, limitMessage, type LimitKey } from './limits.js';
import { durationProblem, parseDurationMs, parseSizeBytes } from './units.js';

/** A duration string bounded by limit `key` (`30s`, `250ms`, `1.5s`, `1h30m`); bare numbers are refused. */
function boundedDuration(key: 'max_duration' | 'max_timeout') {
  return z
    .string({ error: (iss) => (typeof iss.input === 'number' ? 'needs a unit (ms, s, m or h), e.g. 30s or 250ms' : 'must be a duration like 30s, 250ms or 1m30s') })
    .refine((v) => parseDurationMs(v) !== undefined, { error: (iss) => durationProblem(String(iss.input)), abort: true })
    .refine((v) => parseDurationMs(v)! <= activeLimits()[key], { error: () => limitMessage(key, activeLimits()) });
}

/** A duration of the load shape (durations, offsets, graceful stops, think times): at most limits.max_duration. */
export const duration = boundedDuration('max_duration');
/** A request timeout or a max_duration check: at most limits.max_timeout. */
export const timeout = boundedDuration('max_timeout');


/** A size (`1MiB`, `512KB`, or a whole number of bytes). */
export const size = z
  .union([z.string(), z.number()], { error: 'must be a size like 1MiB, 512KB or a number of bytes' })
  .refine((v) => parseSizeBytes(v) !== undefined, { error: 'must be a size like 1MiB, 512KB or a whole number of bytes (units: B, KB, KiB, MB, MiB, GB, GiB)', abort: true });

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, number or boolean' });
const headers = z.record(z.string(), scalar, { error: 'must be a map of header names to values' });

/** Named think-time profiles (shared/seeds/design-document.txt, "Realistic Action Profiles"). */
export const THINK_PROFILES = ['navigation', 'reading', 'form', 'search', 'purchase'] as const;

const THINK_FORMS = `a duration (2s), a profile (${THINK_PROFILES.join(', ')}), {uniform: [1s, 3s]}, {normal: {mean: 2s, stddev: 500ms}} or {exponential: {mean: 2s}}`;
/** Allowed think-time forms, for messages. */
export const THINK_TIME_HELP = THINK_FORMS;

/** Think time: one of the forms in THINK_TIME_HELP. Maps are told apart by their key (see steps.ts). */
export const thinkTimeForms = {
  uniform: z.strictObject({ uniform: z.tuple([duration, duration], { error: 'must be a list of two durations [min, max]' }) }),
  normal: z.strictObject({ normal: z.strictObject({ mean: duration, stddev: duration }, { error: 'must be a map {mean, stddev}' }) }),
  exponential: z.strictObject({ exponential: z.strictObject({ mean: duration }, { error: 'must be a map {mean}' }) }),
} as const;

/** HTTP methods a step may use (any case in the file). */
export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

export const extractor = z.strictObject(
  {
    json: z.string({ error: 'must be a JSONPath string like $.auth.token' }).optional(),
    regex: z.string({ error: 'must be a regular expression string' }).optional(),
    group: z.number({ error: 'must be a capture group number' }).int('must be a whole number').nonnegative('must not be negative').optional(),
    header: z.string({ error: 'must be a header name' }).min(1, 'must not be empty').optional(),
    cookie: z.string({ error: 'must be a cookie name' }).min(1, 'must not be empty').optional(),
  },
  { error: 'must be a map with one of json, regex, header, cookie' },
);

/** Comparisons of JSON checks. */
export const JSON_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'contains'] as const;

const statusCode = z.number({ error: 'must be an HTTP status code (100-599)' }).int('must be a whole number').min(100, 'must be an HTTP status code (100-599)').max(599, 'must be an HTTP status code (100-599)');

export const checks = z.strictObject(
  {
    status: z.union([statusCode, z.array(statusCode, { error: 'must be a status code or a list of them' }).min(1, 'must list at least one status code')], { error: 'must be an HTTP status code (100-599) or a list of them' }).optional(),
    body_contains: z.string({ error: 'must be a string' }).optional(),
    body_matches: z.string({ error: 'must be a regular expression string' }).optional(),
    json: z.record(z.string(), z.unknown(), { error: 'must be a map of JSONPaths to values or comparisons, e.g. {"$.items.length": {gt: 0}}' }).optional(),
    header: z.record(z.string(), z.string({ error: 'must be a string' }), { error: 'must be a map of header names to expected values' }).optional(),
    max_duration: timeout.optional(),
  },
  { error: 'must be a map of checks (status, body_contains, body_matches, json, header, max_duration)' },
);

export const requestStep = z.strictObject({
  name: z.string({ error: 'must be a string (a step name)' }).min(1, 'must not be empty'),
  method: z.string({ error: `must be one of ${METHODS.join(', ')}` }).optional(),
  url: z.string({ error: 'must be a URL string' }).min(1, 'must not be empty'),
  timeout: timeout.optional(),
  headers: headers.optional(),
  query: z.record(z.string(), scalar, { error: 'must be a map of query parameter names to values' }).optional(),
  body: z.string({ error: 'must be a string (use json: for structured bodies)' }).optional(),
  body_file: z.string({ error: "must be a file path (relative to the plan file's folder)" }).min(1, 'must not be empty').optional(),
  json: z.unknown().optional(),
  tags: z.record(z.string(), scalar, { error: 'must be a map of tag names to values' }).optional(),
  think_time: z.unknown().optional(),
  probability: z.number({ error: 'must be a number from 0 to 1' }).min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1').optional(),
  follow_redirects: z.boolean({ error: 'must be true or false' }).optional(),
  extract: z.record(z.string(), z.unknown(), { error: 'must be a map of variable names to extractors' }).optional(),
  checks: z.unknown().optional(),
});

export const groupStep = z.strictObject({
  group: z.string({ error: 'must be a string (the group name)' }).min(1, 'must not be empty'),
  repeat: z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer').max(FIXED.repeat, `must be at most ${formatLimit('count', FIXED.repeat)}`).optional(),
  probability: z.number({ error: 'must be a number from 0 to 1' }).min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1').optional(),
  steps: z.array(z.unknown(), { error: 'must be a list of steps' }).min(1, 'must list at least one step'),
});

/** A count bounded by limit `key` (VUs: the per-scenario peak is checked again after resolution, see profiles.ts). */
const limited = (schema: z.ZodNumber, key: LimitKey) => schema.refine((v) => v <= activeLimits()[key], { error: () => limitMessage(key, activeLimits()) });
const posInt = z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer');
const nonNegInt = z.number({ error: 'must be a whole number ≥ 0' }).int('must be a whole number ≥ 0').nonnegative('must be a whole number ≥ 0');
const vus = limited(posInt, 'max_vus');
const vus0 = limited(nonNegInt, 'max_vus');
const iterations = posInt.max(FIXED.iterations, `must be at most ${formatLimit('count', FIXED.iterations)}`);
// Rates and stage targets are bounded after time_unit is applied (profiles.ts); here they only have to be finite.
const rate = z.number({ error: 'must be a number > 0' }).positive('must be a number > 0').max(LIMITS.max_rate.ceiling * 1000, 'is too large to be a rate');
const stage = z.strictObject({ duration, target: z.number({ error: 'must be a number ≥ 0' }).nonnegative('must be a number ≥ 0').max(LIMITS.max_rate.ceiling * 1000, 'is too large to be a target') }, { error: 'must be a map {duration, target}' });
const stages = z
  .array(stage, { error: 'must be a list of {duration, target}' })
  .min(1, 'must list at least one stage')
  .refine((l) => l.length <= activeLimits().max_stages, { error: () => limitMessage('max_stages', activeLimits()) });

/** Profiles by type (k6's executors under the seed's names). */
export const PROFILES = {
  constant: z.strictObject({ type: z.literal('constant'), vus: vus }),
  ramp_up: z.strictObject({ type: z.literal('ramp_up'), start_vus: vus0, end_vus: vus }),
  ramp_down: z.strictObject({ type: z.literal('ramp_down'), start_vus: vus, end_vus: vus0 }),
  step: z.strictObject({ type: z.literal('step'), start_vus: vus, step_vus: vus, step_duration: duration }),
  spike: z.strictObject({ type: z.literal('spike'), base_vus: vus0, spike_vus: vus, spike_at: duration, spike_duration: duration }),
  stages: z.strictObject({ type: z.literal('stages'), start_vus: vus0.optional(), stages }),
  iterations: z.strictObject({ type: z.literal('iterations'), vus: vus, iterations: iterations.optional(), per_vu_iterations: iterations.optional(), max_duration: duration.optional() }),
  constant_rate: z.strictObject({ type: z.literal('constant_rate'), rate, time_unit: duration.optional(), pre_allocated_vus: vus.optional(), max_vus: vus.optional() }),
  ramping_rate: z.strictObject({
    type: z.literal('ramping_rate'),
    start_rate: z.number({ error: 'must be a number ≥ 0' }).nonnegative('must be a number ≥ 0').max(LIMITS.max_rate.ceiling * 1000, 'is too large to be a rate').optional(),
    time_unit: duration.optional(),
    stages,
    pre_allocated_vus: vus.optional(),
    max_vus: vus.optional(),
  }),
  capacity: z.strictObject({
    type: z.literal('capacity'),
    start_rate: rate,
    step_rate: rate.optional(),
    step_factor: z.number({ error: 'must be a number > 1 (1.25 raises the rate by 25 % per step)' }).gt(1, 'must be a number > 1 (1.25 raises the rate by 25 % per step)').max(1000, 'must be at most 1000').optional(),
    step_duration: duration,
    max_rate: rate,
    time_unit: duration.optional(),
    criteria: z.array(z.unknown(), { error: 'must be a list of thresholds, e.g. ["p95 < 300", "error_rate < 0.01"]' }).min(1, 'must list at least one criterion, e.g. "p95 < 300"'),
    pre_allocated_vus: vus.optional(),
    max_vus: vus.optional(),
  }),
} as const;

export type ProfileType = keyof typeof PROFILES;

export const scenario = z.strictObject(
  {
    duration: duration.optional(),
    start_time: duration.optional(),
    graceful_stop: duration.optional(),
    think_time: z.unknown().optional(),
    profile: z.record(z.string(), z.unknown(), { error: 'must be a map with a type, e.g. {type: constant, vus: 10}' }),
    steps: z.array(z.unknown(), { error: 'must be a list of steps' }).min(1, 'must list at least one step'),
    weight: z.number({ error: 'must be a number > 0' }).positive('must be a number > 0').max(FIXED.weight, `must be at most ${formatLimit('count', FIXED.weight)}`).optional(),
    cookies: z.enum(['per_vu', 'per_iteration', 'off']).optional(),
    on_check_failure: z.enum(['continue', 'stop_iteration']).optional(),
    data: z.string({ error: 'must be the name of a data source' }).optional(),
    tags: z.record(z.string(), scalar, { error: 'must be a map of tag names to values' }).optional(),
  },
  { error: 'must be a map with profile, steps and (usually) duration' },
);

export const plan = z.strictObject({
  name: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
  target: z.string({ error: 'must be an absolute http(s) URL' }).optional(),
  seed: z.number({ error: 'must be an integer' }).int('must be an integer').optional(),
  think_time_multiplier: z.number({ error: 'must be a number ≥ 0' }).nonnegative('must be a number ≥ 0').max(FIXED.thinkTimeMultiplier, `must be at most ${FIXED.thinkTimeMultiplier}`).optional(),
  env: z.array(z.string({ error: 'must be an environment variable name' }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, _)'), { error: 'must be a list of environment variable names' }).optional(),
  defaults: z.strictObject({ timeout: timeout.optional(), headers: headers.optional(), think_time: z.unknown().optional() }, { error: 'must be a map {timeout, headers, think_time}' }).optional(),
  http: z
    .strictObject(
      {
        connections: z.enum(['per_vu', 'shared']).optional(),
        pool_size: nonNegInt.max(FIXED.poolSize, `must be at most ${formatLimit('count', FIXED.poolSize)}`).optional(),
        max_body: size.refine((v) => parseSizeBytes(v)! <= FIXED.maxBodyBytes, { error: `must be at most ${formatLimit('size', FIXED.maxBodyBytes)} (every in-flight response may keep this much)` }).optional(),
        insecure: z.boolean({ error: 'must be true or false' }).optional(),
      },
      { error: 'must be a map {connections, pool_size, max_body, insecure}' },
    )
    .optional(),
  warmup: z.boolean({ error: 'must be true or false (false: no warm-up requests before the start)' }).optional(),
  on_worker_loss: z.enum(['fail', 'continue'], { error: 'must be fail or continue (continue: a run that lost load to a lost worker is reported partial but not failed)' }).optional(),
  load_tolerance: z.number({ error: 'must be a fraction between 0 and 1 (default 0.05: a run may deliver 5 % less than planned)' }).min(0, 'must be at least 0').max(1, 'must be at most 1').optional(),
  generator: z
    .strictObject(
      {
        max_lag_p99: duration.optional(),
        max_event_loop_p99: duration.optional(),
        on_saturation: z.enum(['warn', 'fail'], { error: 'must be warn or fail' }).optional(),
      },
      { error: 'must be a map {max_lag_p99, max_event_loop_p99, on_saturation}' },
    )
    .optional(),
  data: z
    .record(
      z.string(),
      z.strictObject({ file: z.string({ error: 'must be a file path (CSV with a header row, or a JSON array)' }).min(1, 'must not be empty'), order: z.enum(['sequential', 'random', 'unique']).optional() }, { error: 'must be a map {file, order}' }),
      { error: 'must be a map of data source names to {file, order}' },
    )
    .optional(),
  setup: z.array(z.unknown(), { error: 'must be a list of steps' }).optional(),
  teardown: z.array(z.unknown(), { error: 'must be a list of steps' }).optional(),
  scenarios: z.record(z.string(), z.unknown(), { error: 'must be a map of scenario names to scenarios' }).refine((s) => Object.keys(s).length > 0, 'must define at least one scenario'),
  thresholds: z.array(z.unknown(), { error: 'must be a list of thresholds' }).optional(),
  limits: z.strictObject(Object.fromEntries(Object.keys(LIMITS).map((k) => [k, z.unknown().optional()])), { error: `must be a map of limits (${Object.keys(LIMITS).join(', ')})` }).optional(),
});

export type RawPlan = z.infer<typeof plan>;
export type RawScenario = z.infer<typeof scenario>;
export type RawStep = z.infer<typeof requestStep>;
export type RawGroup = z.infer<typeof groupStep>;

/**
 * The plan file's shape, in zod (snake_case, as users write it). Objects are strict:
 * an unknown key is an error with a "did you mean". Steps and profiles are checked
 * item by item (see resolve.ts) so that each error points at its own YAML node.
 */
import { z } from 'zod';
import { parseDurationMs, parseSizeBytes } from './units.js';

/** A duration string (`30s`, `250ms`, `1m30s`). */
export const duration = z.string({ error: 'must be a duration string like 30s, 500ms or 1m30s' }).refine((v) => parseDurationMs(v) !== undefined, {
  message: 'must be a duration like 30s, 500ms or 1m30s (a number with a unit: ms, s, m, h)',
});

/** A size (`1MiB`, `512KB`, or bytes). */
export const size = z.union([z.string(), z.number()]).refine((v) => parseSizeBytes(v) !== undefined, { message: 'must be a size like 1MiB, 512KB or a number of bytes' });

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const headers = z.record(z.string(), scalar, { error: 'must be a map of header names to values' });

/** Named think-time profiles (shared/seeds/design-document.txt, "Realistic Action Profiles"). */
export const THINK_PROFILES = ['navigation', 'reading', 'form', 'search', 'purchase'] as const;

export const thinkTime = z.union(
  [
    z.string(),
    z.strictObject({ uniform: z.tuple([duration, duration]) }),
    z.strictObject({ normal: z.strictObject({ mean: duration, stddev: duration }) }),
    z.strictObject({ exponential: z.strictObject({ mean: duration }) }),
  ],
  { error: `must be a duration (2s), a profile (${THINK_PROFILES.join(', ')}), or one of {uniform: [1s, 3s]}, {normal: {mean, stddev}}, {exponential: {mean}}` },
);

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

export const extractor = z.strictObject({
  json: z.string().min(1).optional(),
  regex: z.string().min(1).optional(),
  group: z.number().int().nonnegative().optional(),
  header: z.string().min(1).optional(),
  cookie: z.string().min(1).optional(),
});

export const JSON_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'contains'] as const;

export const checks = z.strictObject({
  status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)], { error: 'must be a status code (100-599) or a list of them' }).optional(),
  body_contains: z.string().optional(),
  body_matches: z.string().optional(),
  json: z.record(z.string(), z.union([scalar, z.null(), z.record(z.string(), z.unknown())])).optional(),
  header: z.record(z.string(), z.string()).optional(),
  max_duration: duration.optional(),
});

export const requestStep = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  method: z.string().optional(),
  url: z.string().min(1, 'must not be empty'),
  timeout: duration.optional(),
  headers: headers.optional(),
  query: z.record(z.string(), scalar).optional(),
  body: z.string().optional(),
  json: z.unknown().optional(),
  tags: z.record(z.string(), scalar).optional(),
  think_time: thinkTime.optional(),
  probability: z.number().min(0).max(1).optional(),
  follow_redirects: z.boolean().optional(),
  extract: z.record(z.string(), extractor).optional(),
  checks: checks.optional(),
});

export const groupStep = z.strictObject({
  group: z.string().min(1),
  repeat: z.number().int().positive().optional(),
  probability: z.number().min(0).max(1).optional(),
  steps: z.array(z.unknown()).min(1, 'must list at least one step'),
});

const posInt = z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be greater than 0');
const nonNegInt = z.number({ error: 'must be a number' }).int('must be a whole number').nonnegative('must not be negative');
const rate = z.number({ error: 'must be a number' }).positive('must be greater than 0');
const stage = z.strictObject({ duration, target: z.number().nonnegative('must not be negative') });

/** Profiles by type. */
export const PROFILES = {
  constant: z.strictObject({ type: z.literal('constant'), vus: posInt }),
  ramp_up: z.strictObject({ type: z.literal('ramp_up'), start_vus: nonNegInt, end_vus: posInt }),
  ramp_down: z.strictObject({ type: z.literal('ramp_down'), start_vus: posInt, end_vus: nonNegInt }),
  step: z.strictObject({ type: z.literal('step'), start_vus: posInt, step_vus: posInt, step_duration: duration }),
  spike: z.strictObject({ type: z.literal('spike'), base_vus: nonNegInt, spike_vus: posInt, spike_at: duration, spike_duration: duration }),
  stages: z.strictObject({ type: z.literal('stages'), start_vus: nonNegInt.optional(), stages: z.array(stage).min(1, 'must list at least one stage') }),
  iterations: z.strictObject({ type: z.literal('iterations'), vus: posInt, iterations: posInt.optional(), per_vu_iterations: posInt.optional(), max_duration: duration.optional() }),
  constant_rate: z.strictObject({ type: z.literal('constant_rate'), rate, time_unit: duration.optional(), pre_allocated_vus: posInt.optional(), max_vus: posInt.optional() }),
  ramping_rate: z.strictObject({
    type: z.literal('ramping_rate'),
    start_rate: z.number().nonnegative('must not be negative').optional(),
    time_unit: duration.optional(),
    stages: z.array(stage).min(1, 'must list at least one stage'),
    pre_allocated_vus: posInt.optional(),
    max_vus: posInt.optional(),
  }),
} as const;

export type ProfileType = keyof typeof PROFILES;

export const scenario = z.strictObject({
  duration: duration.optional(),
  start_time: duration.optional(),
  graceful_stop: duration.optional(),
  think_time: thinkTime.optional(),
  profile: z.record(z.string(), z.unknown(), { error: 'must be a map with a type, e.g. {type: constant, vus: 10}' }),
  steps: z.array(z.unknown(), { error: 'must be a list of steps' }).min(1, 'must list at least one step'),
  weight: z.number().positive('must be greater than 0').optional(),
  cookies: z.enum(['per_vu', 'per_iteration', 'off']).optional(),
  on_check_failure: z.enum(['continue', 'stop_iteration']).optional(),
  data: z.string().optional(),
});

export const thresholdObject = z.strictObject({
  metric: z.string(),
  condition: z.string(),
  value: z.number({ error: 'must be a number' }),
  scenario: z.string().optional(),
  step: z.string().optional(),
  abort_on_fail: z.boolean().optional(),
  delay_abort_eval: duration.optional(),
});

export const plan = z.strictObject({
  name: z.string().min(1).optional(),
  target: z.string().optional(),
  seed: z.number().int().optional(),
  think_time_multiplier: z.number().nonnegative('must not be negative').optional(),
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be environment variable names')).optional(),
  defaults: z.strictObject({ timeout: duration.optional(), headers: headers.optional(), think_time: thinkTime.optional() }).optional(),
  http: z.strictObject({ connections: z.enum(['per_vu', 'shared']).optional(), pool_size: nonNegInt.optional(), max_body: size.optional(), insecure: z.boolean().optional() }).optional(),
  data: z.record(z.string(), z.strictObject({ file: z.string().min(1), order: z.enum(['sequential', 'random', 'unique']).optional() })).optional(),
  setup: z.array(z.unknown()).optional(),
  teardown: z.array(z.unknown()).optional(),
  scenarios: z.record(z.string(), scenario, { error: 'must be a map of scenario names to scenarios' }).refine((s) => Object.keys(s).length > 0, 'must define at least one scenario'),
  thresholds: z.array(z.union([z.string(), z.record(z.string(), z.unknown())]), { error: 'must be a list' }).optional(),
});

export type RawPlan = z.infer<typeof plan>;
export type RawScenario = z.infer<typeof scenario>;
export type RawStep = z.infer<typeof requestStep>;
export type RawGroup = z.infer<typeof groupStep>;

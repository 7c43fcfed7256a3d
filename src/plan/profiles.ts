/**
 * Profile sugar → executors. Every closed profile becomes `{type: 'vus', startVus,
 * stages}` where a stage means "linear from the previous target to `target` over
 * `durationMs`; 0 = jump" (types.ts Stage). `iterations` and the open-model rates keep
 * their own executor types; rates are converted to arrivals per second with
 * `time_unit`. Profiles that cannot run are errors at the key that makes them so.
 */
import * as S from './schema.js';
import { limitMessage, type Limits } from './limits.js';
import { check, fail, show, type Locator, type Path } from './locate.js';
import { didYouMean, parseDurationMs } from './units.js';
import type { CapacitySearch, Executor, Scenario, Stage } from './types.js';

/** An iterations profile without max_duration or duration stops after this long (k6: 10m). */
export const DEFAULT_MAX_DURATION_MS = 600_000;
/** VUs pre-allocated for an arrival-rate profile that names neither pre_allocated_vus nor max_vus. */
export const DEFAULT_RATE_VUS = 10;

const ms = (d: string): number => parseDurationMs(d)!;

/** Profile types, in the order users meet them. */
export const PROFILE_TYPES = Object.keys(S.PROFILES) as S.ProfileType[];

/** "start_vus belongs to ramp_up, ramp_down, step, stages": a better hint than edit distance. */
function otherProfileHint(type: S.ProfileType, key: string): string | undefined {
  const owners = PROFILE_TYPES.filter((t) => t !== type && key in S.PROFILES[t].shape);
  return owners.length ? `'${key}' belongs to the ${owners.join(', ')} profile${owners.length > 1 ? 's' : ''}, not '${type}'` : undefined;
}

/** The resolved load shape of one scenario. */
export interface ResolvedProfile {
  executor: Executor;
  /** Active duration: the stages' sum, or max_duration for iterations. */
  durationMs: number;
  /** A capacity profile: its steps, and its criteria as written (resolve.ts reads them once the steps are known). */
  capacity?: Omit<CapacitySearch, 'criteria'> & { rawCriteria: unknown[] };
}

/**
 * Resolves `scenarios.<name>.profile`. `duration` is the scenario's `duration:` text
 * (profiles other than stages/ramping_rate/iterations need it).
 */
export function resolveProfile(loc: Locator, raw: Record<string, unknown>, duration: string | undefined, path: Path, limits: Readonly<Limits>): ResolvedProfile {
  const resolved = resolveShape(loc, raw, duration, path, limits);
  checkPeak(loc, resolved.executor, raw, [...path, 'profile'], limits);
  return resolved;
}

/** VUs a scenario holds at its peak (an arrival-rate scenario: its max_vus). */
export function peakVus(e: Executor): number {
  if (e.type === 'vus') return e.stages.reduce((m, s) => Math.max(m, s.target), e.startVus);
  return e.type === 'iterations' ? e.vus : e.maxVus;
}

/** Arrivals per second at a rate scenario's peak (0 for closed models). */
export function peakRatePerSec(e: Executor): number {
  return e.type === 'rate' ? e.stages.reduce((m, s) => Math.max(m, s.target), e.startRatePerSec) : 0;
}

/** The profile key that holds a peak value, for the message's location. */
function keyOfPeak(raw: Record<string, unknown>, keys: string[], value: number, scale = 1): Path {
  for (const k of keys) if (typeof raw[k] === 'number' && (raw[k] as number) * scale === value) return [k];
  const stages = Array.isArray(raw.stages) ? (raw.stages as { target?: unknown }[]) : [];
  const i = stages.findIndex((s) => typeof s?.target === 'number' && s.target * scale === value);
  return i >= 0 ? ['stages', i, 'target'] : [];
}

/** One scenario's peak VUs and rate against the limits. */
function checkPeak(loc: Locator, e: Executor, raw: Record<string, unknown>, pp: Path, limits: Readonly<Limits>): void {
  const vus = peakVus(e);
  if (vus > limits.max_vus) fail(loc, [...pp, ...keyOfPeak(raw, ['vus', 'max_vus', 'pre_allocated_vus', 'end_vus', 'start_vus', 'spike_vus', 'step_vus'], vus)], limitMessage('max_vus', limits, `this scenario's peak of ${vus.toLocaleString('en-US')} VUs`));
  const rate = peakRatePerSec(e);
  if (rate > limits.max_rate) {
    const unit = typeof raw.time_unit === 'string' ? parseDurationMs(raw.time_unit) : undefined;
    const scale = 1000 / (unit || 1000); // as resolveShape converts, so the comparison is exact
    fail(loc, [...pp, ...keyOfPeak(raw, ['rate', 'start_rate', 'max_rate'], rate, scale)], limitMessage('max_rate', limits, `this scenario's peak of ${Math.round(rate).toLocaleString('en-US')} arrivals/s`));
  }
}

/** A run-wide sum over a limit: which limit, the sum, and the scenario whose start took it over. */
export interface RunLoadExcess {
  key: 'max_vus' | 'max_rate';
  total: number;
  scenario: string;
}

/**
 * VUs and arrival rates summed over the scenarios that run at the same time (windows
 * [start_time, start_time + duration + graceful_stop)), against limits.max_vus and
 * max_rate; the first excess in time, or undefined.
 */
export function runLoadExcess(scenarios: readonly Scenario[], limits: Readonly<Limits>): RunLoadExcess | undefined {
  const edges: { at: number; vus: number; rate: number; name: string }[] = [];
  for (const s of scenarios) {
    const vus = peakVus(s.executor);
    const rate = peakRatePerSec(s.executor);
    edges.push({ at: s.startTimeMs, vus, rate, name: s.name }, { at: s.startTimeMs + s.durationMs + s.gracefulStopMs, vus: -vus, rate: -rate, name: s.name });
  }
  // Ends before starts at the same instant: back-to-back scenarios do not overlap.
  edges.sort((a, b) => a.at - b.at || Math.sign(a.vus + a.rate) - Math.sign(b.vus + b.rate));
  let vus = 0;
  let rate = 0;
  for (const e of edges) {
    vus += e.vus;
    rate += e.rate;
    if (vus > limits.max_vus) return { key: 'max_vus', total: vus, scenario: e.name };
    if (rate > limits.max_rate) return { key: 'max_rate', total: rate, scenario: e.name };
  }
  return undefined;
}

/** The words for a run-wide excess, for limitMessage's subject. */
export function runLoadSubject(x: RunLoadExcess): string {
  return `the run's ${Math.round(x.total).toLocaleString('en-US')} ${x.key === 'max_vus' ? 'VUs' : 'arrivals/s'} at once`;
}

/** Fails at the profile of the scenario whose start takes the run's VUs or rate over the limit. */
export function checkRunLoad(loc: Locator, scenarios: readonly Scenario[], limits: Readonly<Limits>): void {
  const x = runLoadExcess(scenarios, limits);
  if (x) fail(loc, ['scenarios', x.scenario, 'profile'], limitMessage(x.key, limits, `${runLoadSubject(x)} (this scenario's start takes the sum over)`));
}

function resolveShape(loc: Locator, raw: Record<string, unknown>, duration: string | undefined, path: Path, limits: Readonly<Limits>): ResolvedProfile {
  const pp = [...path, 'profile'];
  const type = raw.type;
  if (type === undefined) return fail(loc, pp, `needs a type; allowed: ${PROFILE_TYPES.join(', ')}`);
  if (typeof type !== 'string' || !(type in S.PROFILES)) {
    const guess = typeof type === 'string' ? didYouMean(type, PROFILE_TYPES) : undefined;
    return fail(loc, [...pp, 'type'], `unknown profile type${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${PROFILE_TYPES.join(', ')} (got ${show(type)})`);
  }
  const t = type as S.ProfileType;
  const dur = duration !== undefined ? ms(duration) : undefined;
  const hint = (key: string) => otherProfileHint(t, key);
  const needDuration = (): number => {
    if (dur === undefined) return fail(loc, path, `needs a duration for a '${t}' profile (e.g. duration: 30s)`);
    if (dur === 0) fail(loc, [...path, 'duration'], `must be longer than 0s (got ${show(duration)})`);
    return dur;
  };
  const stagesOf = (list: { duration: string; target: number }[], scale = 1): Stage[] => list.map((s) => ({ durationMs: ms(s.duration), target: s.target * scale }));
  const stagesTotal = (st: Stage[]): number => {
    const total = st.reduce((a, s) => a + s.durationMs, 0);
    if (total === 0) fail(loc, [...pp, 'stages'], 'must add up to more than 0s (every stage has duration 0s)');
    if (dur !== undefined && dur !== total) fail(loc, [...path, 'duration'], `is ${duration} but the stages add up to ${total / 1000}s; remove duration or make them agree`);
    return total;
  };
  const timeUnitMs = (text: string | undefined): number => {
    const unit = text !== undefined ? ms(text) : 1000;
    if (unit <= 0) fail(loc, [...pp, 'time_unit'], `must be longer than 0s (got ${show(text)})`);
    return unit;
  };
  const rateVus = (p: { pre_allocated_vus?: number; max_vus?: number }) => {
    const pre = p.pre_allocated_vus ?? p.max_vus ?? DEFAULT_RATE_VUS;
    const max = p.max_vus ?? pre;
    if (pre > max) fail(loc, [...pp, 'pre_allocated_vus'], `must not exceed max_vus (got ${pre} > ${max})`);
    return { preAllocatedVus: pre, maxVus: max };
  };

  switch (t) {
    case 'constant': {
      const p = check(loc, S.PROFILES.constant, raw, pp, hint);
      const d = needDuration();
      return { executor: { type: 'vus', startVus: p.vus, stages: [{ durationMs: d, target: p.vus }] }, durationMs: d };
    }
    case 'ramp_up':
    case 'ramp_down': {
      const p = check(loc, S.PROFILES[t] as typeof S.PROFILES.ramp_up, raw, pp, hint);
      const d = needDuration();
      if (t === 'ramp_up' && p.end_vus < p.start_vus) fail(loc, [...pp, 'end_vus'], `must not be below start_vus for ramp_up (got ${p.end_vus} < ${p.start_vus}); use ramp_down`);
      if (t === 'ramp_down' && p.end_vus > p.start_vus) fail(loc, [...pp, 'end_vus'], `must not be above start_vus for ramp_down (got ${p.end_vus} > ${p.start_vus}); use ramp_up`);
      return { executor: { type: 'vus', startVus: p.start_vus, stages: [{ durationMs: d, target: p.end_vus }] }, durationMs: d };
    }
    case 'step': {
      const p = check(loc, S.PROFILES.step, raw, pp, hint);
      const d = needDuration();
      const sd = ms(p.step_duration);
      if (sd <= 0) fail(loc, [...pp, 'step_duration'], `must be longer than 0s (got ${show(p.step_duration)})`);
      if (sd >= d) fail(loc, [...pp, 'step_duration'], `must be shorter than the scenario's duration (${duration}), else no step happens (got ${show(p.step_duration)})`);
      // Two stages per step: 1ms steps over 168h would be 1.2 billion of them.
      const count = 2 * Math.ceil(d / sd);
      if (count > limits.max_stages) fail(loc, [...pp, 'step_duration'], limitMessage('max_stages', limits, `${show(p.step_duration)} steps over ${duration} make ${count.toLocaleString('en-US')} stages, which`));
      const levels: { target: number; holdMs: number }[] = [];
      for (let at = 0, vus = p.start_vus; at < d; at += sd, vus += p.step_vus) levels.push({ target: vus, holdMs: Math.min(sd, d - at) });
      return { executor: { type: 'vus', startVus: p.start_vus, stages: plateaus(levels) }, durationMs: d };
    }
    case 'spike': {
      const p = check(loc, S.PROFILES.spike, raw, pp, hint);
      const d = needDuration();
      const at = ms(p.spike_at);
      const sd = ms(p.spike_duration);
      if (p.spike_vus <= p.base_vus) fail(loc, [...pp, 'spike_vus'], `must be above base_vus (got ${p.spike_vus} ≤ ${p.base_vus})`);
      if (sd <= 0) fail(loc, [...pp, 'spike_duration'], `must be longer than 0s (got ${show(p.spike_duration)})`);
      if (at + sd > d) fail(loc, [...pp, 'spike_duration'], `the spike (at ${p.spike_at} for ${p.spike_duration}) ends after the scenario's duration (${duration})`);
      const stages: Stage[] = [];
      if (at > 0) stages.push({ durationMs: at, target: p.base_vus });
      stages.push({ durationMs: 0, target: p.spike_vus }, { durationMs: sd, target: p.spike_vus });
      if (at + sd < d) stages.push({ durationMs: 0, target: p.base_vus }, { durationMs: d - at - sd, target: p.base_vus });
      return { executor: { type: 'vus', startVus: p.base_vus, stages }, durationMs: d };
    }
    case 'stages': {
      const p = check(loc, S.PROFILES.stages, raw, pp, hint);
      const stages = stagesOf(p.stages);
      return { executor: { type: 'vus', startVus: p.start_vus ?? 0, stages }, durationMs: stagesTotal(stages) };
    }
    case 'iterations': {
      const p = check(loc, S.PROFILES.iterations, raw, pp, hint);
      if (p.iterations !== undefined && p.per_vu_iterations !== undefined) fail(loc, [...pp, 'per_vu_iterations'], 'give either iterations (shared by all VUs) or per_vu_iterations, not both');
      if (p.iterations === undefined && p.per_vu_iterations === undefined) fail(loc, pp, 'needs iterations (shared by all VUs) or per_vu_iterations');
      const max = p.max_duration !== undefined ? ms(p.max_duration) : (dur ?? DEFAULT_MAX_DURATION_MS);
      if (max <= 0) fail(loc, p.max_duration !== undefined ? [...pp, 'max_duration'] : [...path, 'duration'], `must be longer than 0s (got ${show(p.max_duration ?? duration)})`);
      if (p.iterations !== undefined && p.iterations < p.vus) fail(loc, [...pp, 'iterations'], `is fewer than vus (got ${p.iterations} < ${p.vus}); some VUs would never run — lower vus or use per_vu_iterations`);
      return {
        executor: { type: 'iterations', vus: p.vus, iterations: (p.iterations ?? p.per_vu_iterations)!, perVu: p.per_vu_iterations !== undefined, maxDurationMs: max },
        durationMs: max,
      };
    }
    case 'constant_rate': {
      const p = check(loc, S.PROFILES.constant_rate, raw, pp, hint);
      const d = needDuration();
      const perSec = p.rate * (1000 / timeUnitMs(p.time_unit));
      return { executor: { type: 'rate', startRatePerSec: perSec, stages: [{ durationMs: d, target: perSec }], ...rateVus(p) }, durationMs: d };
    }
    case 'ramping_rate': {
      const p = check(loc, S.PROFILES.ramping_rate, raw, pp, hint);
      const scale = 1000 / timeUnitMs(p.time_unit);
      const stages = stagesOf(p.stages, scale);
      const durationMs = stagesTotal(stages);
      if ((p.start_rate ?? 0) === 0 && stages.every((s) => s.target === 0)) fail(loc, [...pp, 'stages'], 'every target is 0: no iteration would ever start');
      return { executor: { type: 'rate', startRatePerSec: (p.start_rate ?? 0) * scale, stages, ...rateVus(p) }, durationMs };
    }
    case 'capacity': {
      const p = check(loc, S.PROFILES.capacity, raw, pp, hint);
      const scale = 1000 / timeUnitMs(p.time_unit);
      if (p.step_rate === undefined && p.step_factor === undefined) fail(loc, pp, 'needs step_rate (added to the rate each step, e.g. 100) or step_factor (multiplied each step, e.g. 1.25)');
      if (p.step_rate !== undefined && p.step_factor !== undefined) fail(loc, [...pp, 'step_factor'], 'give either step_rate (added each step) or step_factor (multiplied each step), not both');
      if (p.max_rate < p.start_rate) fail(loc, [...pp, 'max_rate'], `must not be below start_rate (got ${p.max_rate} < ${p.start_rate})`);
      const sd = ms(p.step_duration);
      // Each step is judged on the whole snapshot intervals (1 s) inside it.
      if (sd < 1000) fail(loc, [...pp, 'step_duration'], `must be at least 1s: each step is judged on the whole 1 s intervals inside it (got ${show(p.step_duration)})`);
      const step: CapacitySearch['step'] = p.step_rate !== undefined ? { kind: 'rate', value: p.step_rate } : { kind: 'factor', value: p.step_factor! };
      const rates = capacityRates(p.start_rate, step, p.max_rate, Math.floor(limits.max_stages / 2) + 1);
      // Two stages per step (a jump, then a hold), as plateaus() makes them.
      if (2 * rates.length - 1 > limits.max_stages) fail(loc, [...pp, step.kind === 'rate' ? 'step_rate' : 'step_factor'], limitMessage('max_stages', limits, `steps from ${p.start_rate} to ${p.max_rate} make more than ${(limits.max_stages / 2).toLocaleString('en-US')} steps, which`));
      const ratesPerSec = rates.map((r) => r * scale);
      const stages = plateaus(ratesPerSec.map((target) => ({ target, holdMs: sd })));
      const durationMs = sd * rates.length;
      if (dur !== undefined && dur !== durationMs) fail(loc, [...path, 'duration'], `is ${duration} but the ${rates.length} steps of ${p.step_duration} add up to ${durationMs / 1000}s; remove duration (a capacity search's length follows from its steps)`);
      const peak = ratesPerSec[ratesPerSec.length - 1];
      // Without a VU count: one VU per arrival/s at the peak, enough while responses take up
      // to 1 s (Little's law); more would only hide a target that is already failing.
      const vus = p.pre_allocated_vus !== undefined || p.max_vus !== undefined ? rateVus(p) : { preAllocatedVus: DEFAULT_RATE_VUS, maxVus: Math.min(limits.max_vus, Math.max(DEFAULT_RATE_VUS, Math.ceil(peak))) };
      return {
        executor: { type: 'rate', startRatePerSec: ratesPerSec[0], stages, ...vus },
        durationMs,
        capacity: { ratesPerSec, stepDurationMs: sd, step: step.kind === 'rate' ? { kind: 'rate', value: step.value * scale } : step, rawCriteria: p.criteria },
      };
    }
  }
}

/**
 * Plateaus joined by jumps (the step and capacity profiles): each level after the
 * first is reached by a 0 ms stage, then held for its holdMs.
 */
function plateaus(levels: { target: number; holdMs: number }[]): Stage[] {
  return levels.flatMap((l, i) => (i === 0 ? [{ durationMs: l.holdMs, target: l.target }] : [{ durationMs: 0, target: l.target }, { durationMs: l.holdMs, target: l.target }]));
}

/**
 * The rates of a capacity search: from `start`, adding or multiplying by `step`, while
 * at most `max` (a float's rounding never drops the last step); stops past `cap` rates.
 */
export function capacityRates(start: number, step: CapacitySearch['step'], max: number, cap: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length <= cap; i++) {
    // From the start each time (not the previous rate), so rounding never accumulates.
    const r = step.kind === 'rate' ? start + i * step.value : start * step.value ** i;
    if (r > max * (1 + 1e-9)) break;
    out.push(r);
  }
  return out;
}

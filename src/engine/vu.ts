/**
 * A virtual user: runs one scenario's steps as an iteration, the way a person would
 * walk an application — its own cookie jar and connections (per_vu), variables
 * extracted from responses, checks, funnels (step probability) and think time.
 */
import type { Dispatcher } from 'undici';
import type { Recorder, ScenarioKey, StepKey } from '../metrics/recorder.js';
import type { ErrorClass } from '../metrics/types.js';
import type { Scenario } from '../plan/types.js';
import { monoMs, type Sleeper } from './clock.js';
import { buildUrl, type CompiledNode, type CompiledStep } from './compile.js';
import { send, statusClass, type HttpOutcome } from './http.js';
import { createCookieJar, type VuCookieJar } from './cookies.js';
import type { Rng } from './journey/random.js';
import type { ThinkTimeSampler } from './journey/think-time.js';
import { createTemplateContext, type TemplateContext } from './journey/template.js';
import type { DataCursor } from './journey/data-cursor.js';

/** What a VU shares with the rest of its scenario (built once per scenario). */
export interface ScenarioRuntime {
  scenario: Scenario;
  steps: CompiledNode[];
  recorder: Recorder;
  scenarioKey: ScenarioKey;
  stepKeys: Map<CompiledStep, StepKey>;
  target: string | undefined;
  /** The scenario's pause after each iteration, compiled once (think_time × multiplier). */
  iterationThink?: ThinkTimeSampler;
  maxBodyBytes: number;
  env: Record<string, string>;
  /** Variables extracted by setup steps, visible to every VU. */
  sharedVars: Record<string, unknown>;
  data?: DataCursor;
  sleeper: Sleeper;
  /** Shared dispatcher, or undefined for per-VU connections. */
  sharedDispatcher?: Dispatcher;
  newDispatcher: () => Dispatcher & { close(): Promise<void>; destroy(): Promise<void> };
  /** Forgets a per-VU dispatcher the VU has destroyed. */
  releaseDispatcher: (d: Dispatcher) => void;
  /** True once the run (or this scenario) is stopping: start no new work. */
  stopping: () => boolean;
  /** Reports a runtime condition once per message (e.g. unique data exhausted). */
  notice: (message: string) => void;
}

const MAX_REDIRECTS = 10;

/** Per-iteration state threaded through the steps. */
interface IterationState {
  /** Open model: the scheduled start, consumed by the first request. */
  first?: number;
  /** Set by on_check_failure: stop_iteration. */
  stop: boolean;
  /** Variables extracted so far. */
  extracted: Record<string, unknown>;
}

/** How an iteration ended. */
export type IterationEnd = 'done' | 'stopped' | 'no_data';

/** A virtual user bound to one scenario. */
export class VirtualUser {
  readonly id: number;
  private readonly rt: ScenarioRuntime;
  private readonly rng: Rng;
  private readonly jar?: VuCookieJar;
  private dispatcher?: Dispatcher & { close(): Promise<void>; destroy(): Promise<void> };
  private abortInFlight: (() => void) | undefined;
  /** Set to make the VU leave after its current iteration. */
  stopRequested = false;
  iterations = 0;

  constructor(id: number, rt: ScenarioRuntime, rng: Rng) {
    this.id = id;
    this.rt = rt;
    this.rng = rng;
    if (rt.scenario.cookies !== 'off') this.jar = createCookieJar();
  }

  private get client(): Dispatcher {
    if (this.rt.sharedDispatcher) return this.rt.sharedDispatcher;
    return (this.dispatcher ??= this.rt.newDispatcher());
  }

  /**
   * Runs one iteration. `intendedStartMs` (monotonic) is the open model's scheduled
   * start: the first request's latency is measured from it (coordinated omission).
   */
  async iterate(iteration: number, intendedStartMs?: number): Promise<IterationEnd> {
    return (await this.runIteration(iteration, intendedStartMs)).end;
  }

  /** Runs one iteration and returns the variables it extracted (setup steps). */
  async iterateCollect(iteration: number): Promise<Record<string, unknown>> {
    return (await this.runIteration(iteration)).extracted;
  }

  private async runIteration(iteration: number, intendedStartMs?: number): Promise<{ end: IterationEnd; extracted: Record<string, unknown> }> {
    const rt = this.rt;
    const t0 = intendedStartMs ?? monoMs();
    if (this.jar && rt.scenario.cookies === 'per_iteration') this.jar.clear();
    const row = rt.data?.next();
    if (rt.data && row === undefined) return { end: 'no_data', extracted: {} };
    const ctx = createTemplateContext({ vuId: this.id, iteration, env: rt.env, rng: this.rng, vars: rt.sharedVars, data: row });
    const state = { first: intendedStartMs, stop: false, extracted: {} as Record<string, unknown> };
    const end = await this.runNodes(rt.steps, ctx, state);
    this.iterations++;
    if (end !== 'stopped') rt.recorder.iteration(rt.scenarioKey, Math.round((monoMs() - t0) * 1000));
    return { end, extracted: state.extracted };
  }

  private async runNodes(nodes: CompiledNode[], ctx: TemplateContext, state: IterationState): Promise<IterationEnd> {
    for (const node of nodes) {
      if (state.stop) return 'done';
      if (this.rt.stopping() && this.stopRequestedHard) return 'stopped';
      if (node.probability < 1 && this.rng.next() >= node.probability) {
        // Funnel semantics: a skipped step ends the iteration (100% → 70% → 14% …).
        return 'done';
      }
      if (node.kind === 'group') {
        for (let r = 0; r < node.repeat; r++) {
          const end = await this.runNodes(node.steps, ctx, state);
          if (end !== 'done' || state.stop) return end;
        }
        continue;
      }
      const end = await this.runStep(node, ctx, state);
      if (end !== 'done') return end;
      if (node.think) await this.rt.sleeper.sleep(node.think(this.rng));
    }
    return 'done';
  }

  /** Set by the executor at a hard stop: in-flight work is being cut. */
  stopRequestedHard = false;

  /** Cuts the in-flight request (hard stop). */
  interrupt(): void {
    this.stopRequestedHard = true;
    this.abortInFlight?.();
  }

  private async runStep(s: CompiledStep, ctx: TemplateContext, state: IterationState): Promise<IterationEnd> {
    const rt = this.rt;
    const key = rt.stepKeys.get(s)!;
    const where = `scenario '${rt.scenario.name}' step '${s.name}'`;
    let target: { origin: string; path: string; href: string };
    let headers: Record<string, string>;
    let body: string | undefined;
    try {
      target = buildUrl(s, ctx, rt.target, where);
      headers = s.dynamicHeaders.length ? { ...s.staticHeaders } : s.staticHeaders;
      for (const [k, fn] of s.dynamicHeaders) headers[k] = fn(ctx);
      body = s.body?.(ctx);
    } catch (err) {
      // A template or URL that fails at run time is the user's error, counted per step.
      rt.recorder.request(key, { latencyUs: 0, serviceUs: 0, ttfbUs: 0, status: 0, errorClass: 'client', bytesIn: 0, bytesOut: 0, message: `${where}: ${(err as Error).message}` });
      return 'done';
    }
    let method = s.method;
    let out: HttpOutcome | undefined;
    // Only the iteration's first request is measured from the scheduled start.
    let intended = state.first;
    state.first = undefined;
    for (let hop = 0; ; hop++) {
      const h = this.jar ? this.withCookies(headers, target.href) : headers;
      out = await send(
        this.client,
        { origin: target.origin, path: target.path, method, headers: h, body, timeoutMs: s.timeoutMs, keepBodyBytes: s.needsBody ? rt.maxBodyBytes : 0, wantHeaders: s.needsHeaders },
        (abort) => (this.abortInFlight = abort),
      );
      if (out.interrupted) return 'stopped';
      if (this.jar && out.headers) this.jar.store(target.href, out.headers['set-cookie']);
      const loc = out.headers?.location;
      if (s.followRedirects && out.status >= 300 && out.status < 400 && out.status !== 304 && typeof loc === 'string' && hop < MAX_REDIRECTS) {
        // Record the hop, then follow it (303, and 301/302 after POST, become GET as browsers do).
        this.record(key, out, intended);
        intended = undefined;
        if (out.status === 303 || ((out.status === 301 || out.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        try {
          const next = new URL(loc, target.href);
          target = { origin: next.origin, path: next.pathname + next.search, href: next.href };
        } catch {
          break;
        }
        continue;
      }
      break;
    }
    return this.finishStep(s, key, out!, ctx, intended, target.href, state);
  }

  /** Adds the jar's Cookie header; copies the (possibly shared) headers only when there is one. */
  private withCookies(headers: Record<string, string>, href: string): Record<string, string> {
    const cookie = this.jar!.cookieHeader(href);
    return cookie ? { ...headers, cookie } : headers;
  }

  private finishStep(s: CompiledStep, key: StepKey, out: HttpOutcome, ctx: TemplateContext, intended: number | undefined, href: string, state: IterationState): IterationEnd {
    const rt = this.rt;
    let errorClass: ErrorClass | undefined = out.errorClass ?? statusClass(out.status);
    let message = out.errorMessage ?? (errorClass ? `HTTP ${out.status}` : undefined);
    if (!out.errorClass && (s.checks || s.extract)) {
      let failures: { name: string; message: string }[] = [];
      let passed = 0;
      // One JSON parse of the body, shared by checks and extractors.
      const jsonCache = {};
      if (s.checks) {
        const r = s.checks.run({ status: out.status, headers: out.headers ?? {}, body: out.body, durationMs: out.endAtMs - out.sentAtMs, jsonCache });
        passed += r.passed;
        failures = r.failed.map((f) => ({ name: f.check, message: f.message }));
        // An explicit status list decides what a good status is (e.g. an expected 401).
        if (s.step.checks?.status && errorClass && errorClass.startsWith('http_') && !r.failed.some((f) => f.check === 'status')) {
          errorClass = undefined;
          message = undefined;
        }
      }
      if (s.extract) {
        const r = s.extract.run({ headers: out.headers ?? {}, body: out.body, bodyTruncated: out.bodyTruncated, cookie: (name) => this.jar?.get(name, href), jsonCache });
        Object.assign(ctx, r.values);
        Object.assign(state.extracted, r.values);
        for (const f of r.failures) failures.push({ name: `extract ${f.name}`, message: f.message });
        passed += Object.keys(r.values).length;
      }
      if (passed || failures.length) rt.recorder.checks(key, passed, failures.length);
      if (failures.length) {
        // An HTTP error keeps its class; the failed checks say why, in either case.
        errorClass ??= 'check_failed';
        message = failures.map((f) => f.message).join('; ');
      }
      if (failures.length && rt.scenario.onCheckFailure === 'stop_iteration') state.stop = true;
    }
    this.record(key, out, intended, errorClass, message);
    return 'done';
  }

  private record(key: StepKey, out: HttpOutcome, intended: number | undefined, errorClass?: ErrorClass, message?: string): void {
    const serviceUs = Math.max(1, Math.round((out.endAtMs - out.sentAtMs) * 1000));
    const latencyUs = intended === undefined ? serviceUs : Math.max(serviceUs, Math.round((out.endAtMs - intended) * 1000));
    this.rt.recorder.request(key, {
      latencyUs,
      serviceUs,
      ttfbUs: Math.max(0, Math.round((out.headersAtMs - out.sentAtMs) * 1000)),
      status: out.status,
      errorClass: errorClass ?? (out.errorClass || statusClass(out.status)),
      bytesIn: out.bytesIn,
      bytesOut: out.bytesOut,
      message: message ?? out.errorMessage,
    });
  }

  /** Random start offset within one think time, so VUs do not move in lock-step. */
  startDelay(): Promise<void> {
    const think = this.rt.iterationThink;
    return think ? this.rt.sleeper.sleep(this.rng.next() * think(this.rng)) : Promise.resolve();
  }

  /** Pause after an iteration (closed model). */
  thinkAfterIteration(): Promise<void> {
    const think = this.rt.iterationThink;
    return think ? this.rt.sleeper.sleep(think(this.rng)) : Promise.resolve();
  }

  /** Closes this VU's own connections. */
  async close(): Promise<void> {
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d) {
      await d.destroy().catch(() => undefined);
      this.rt.releaseDispatcher(d);
    }
  }
}

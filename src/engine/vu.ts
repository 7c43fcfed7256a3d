/**
 * A virtual user: runs one scenario's steps as an iteration, the way a person would
 * walk an application — its own cookie jar and connections (per_vu), variables
 * extracted from responses, checks, funnels (step probability) and think time.
 *
 * 10,000 VUs in think time, per_vu mode, peak at 229 MB RSS (`npm run bench -- rss`;
 * 382 MB before this layout), most of it each VU's undici Client and socket.
 */
import type { Client, Dispatcher } from 'undici';
import type { Recorder, ScenarioKey, StepKey } from '../metrics/recorder.js';
import type { ErrorClass } from '../metrics/types.js';
import type { Scenario } from '../plan/types.js';
import { monoMs, type Sleeper } from './clock.js';
import { buildUrl, type CompiledNode, type CompiledStep } from './compile.js';
import { send, statusClass, type Exchange, type HttpOutcome, type InFlightSlot, type Sender } from './http.js';
import { createCookieJar, type VuCookieJar } from './cookies.js';
import { headersForHop } from './redirect.js';
import type { Rng } from './journey/random.js';
import type { ThinkTimeSampler } from './journey/think-time.js';
import { createTemplateContext, type TemplateContext } from './journey/template.js';
import type { JsonCache } from './journey/json-path.js';
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
  /** Per-VU connections: a new Client (one connection) for an origin. */
  newClient: (origin: string) => Client;
  /** Destroys a per-VU Client (the VU is leaving); the run waits for it before it ends. */
  destroyClient: (c: Client) => void;
  /** True once the run (or this scenario) is stopping: start no new work. */
  stopping: () => boolean;
  /** Reports a runtime condition once per message (e.g. unique data exhausted). */
  notice: (message: string) => void;
  /** Stops the run as a plan error (exit 2): a step can never be sent. */
  fatal: (message: string) => void;
}

/**
 * A step whose request cannot even be built (unset env var, unknown variable, bad
 * partial) this many times in a row, with the same message, will never work: the run
 * stops as a plan error instead of counting client errors until its end (issue 16).
 */
export const REPEATED_CLIENT_FAILURES = 20;

const MAX_REDIRECTS = 10;

/** A sender whose every request fails with `err` (through the handler, like a dispatcher's). */
function failingSender(err: Error): Sender {
  return {
    dispatch(_opts, handler) {
      handler.onError?.(err);
      return false;
    },
  };
}

/** Cookie lookup for steps whose extractors read no cookie (or VUs without a jar). */
const noCookie = (): undefined => undefined;

/** Per-iteration state threaded through the steps. */
interface IterationState {
  /** Open model: the scheduled start, consumed by the first request. */
  first: number | undefined;
  /** Set by on_check_failure: stop_iteration. */
  stop: boolean;
  /** Variables extracted so far, when the caller collects them (setup). */
  extracted: Record<string, unknown> | undefined;
}

/** Stands in for absent response headers (read-only). */
const NO_HEADERS: Record<string, string | string[] | undefined> = Object.freeze({}) as Record<string, never>;

/** How an iteration ended. */
export type IterationEnd = 'done' | 'stopped' | 'no_data';

/**
 * A virtual user bound to one scenario.
 *
 * Memory (issue 2): 10,000 of these idle through think time, so a VU holds only what
 * it must — no closures, its cookie jar only when the scenario uses cookies, and its
 * connection as one undici Client made on its first request.
 */
export class VirtualUser implements InFlightSlot {
  readonly id: number;
  private readonly rt: ScenarioRuntime;
  private readonly rng: Rng;
  private readonly jar?: VuCookieJar;
  /** Per-VU connection to the first origin this VU talked to (the target, nearly always). */
  private conn: Client | undefined;
  private connOrigin: string | undefined;
  /** Connections to further origins (absolute URLs, redirects), made on first use. */
  private moreConns: Map<string, Client> | undefined;
  /** The request in flight, cut by interrupt(). */
  inFlight: Exchange | undefined;
  /** Set to make the VU leave after its current iteration. */
  stopRequested = false;
  iterations = 0;
  /** Consecutive build failures (same message) and that message. */
  private buildFailures = 0;
  private buildFailure: string | undefined;

  constructor(id: number, rt: ScenarioRuntime, rng: Rng) {
    this.id = id;
    this.rt = rt;
    this.rng = rng;
    if (rt.scenario.cookies !== 'off') this.jar = createCookieJar();
  }

  /** Where a request to `origin` goes: the shared pool, or this VU's own connection. */
  private sender(origin: string): Sender {
    const shared = this.rt.sharedDispatcher;
    if (shared !== undefined) return shared;
    if (origin === this.connOrigin) return this.conn!;
    const known = this.moreConns?.get(origin);
    if (known !== undefined) return known;
    let c: Client;
    try {
      c = this.rt.newClient(origin);
    } catch (err) {
      // An origin undici cannot connect to (e.g. a redirect to ftp://): the request
      // fails as a client error, as an Agent's dispatch() would have failed it.
      return failingSender(err as Error);
    }
    if (this.conn === undefined) {
      this.connOrigin = origin;
      this.conn = c;
    } else (this.moreConns ??= new Map()).set(origin, c);
    return c;
  }

  /**
   * Runs one iteration. `intendedStartMs` (monotonic) is the open model's scheduled
   * start: the first request's latency is measured from it (coordinated omission).
   */
  iterate(iteration: number, intendedStartMs?: number): Promise<IterationEnd> {
    return this.runIteration(iteration, intendedStartMs, undefined);
  }

  /** Runs one iteration and returns the variables it extracted (setup steps). */
  async iterateCollect(iteration: number): Promise<Record<string, unknown>> {
    const extracted: Record<string, unknown> = {};
    await this.runIteration(iteration, undefined, extracted);
    return extracted;
  }

  private async runIteration(iteration: number, intendedStartMs: number | undefined, extracted: Record<string, unknown> | undefined): Promise<IterationEnd> {
    const rt = this.rt;
    const t0 = intendedStartMs ?? monoMs();
    if (this.jar && rt.scenario.cookies === 'per_iteration') this.jar.clear();
    const row = rt.data?.next();
    if (rt.data && row === undefined) return 'no_data';
    const ctx = createTemplateContext({ vuId: this.id, iteration, env: rt.env, rng: this.rng, vars: rt.sharedVars, data: row });
    const state: IterationState = { first: intendedStartMs, stop: false, extracted };
    const end = await this.runNodes(rt.steps, ctx, state);
    this.iterations++;
    if (end !== 'stopped') rt.recorder.iteration(rt.scenarioKey, Math.round((monoMs() - t0) * 1000));
    return end;
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
    this.inFlight?.interrupt();
  }

  private async runStep(s: CompiledStep, ctx: TemplateContext, state: IterationState): Promise<IterationEnd> {
    const rt = this.rt;
    const key = rt.stepKeys.get(s)!;
    const where = s.label;
    let target: { origin: string; path: string; href: string };
    let headers: Record<string, string>;
    let body: string | Buffer | undefined;
    try {
      target = buildUrl(s, ctx, rt.target, where);
      headers = s.dynamicHeaders.length ? { ...s.staticHeaders } : s.staticHeaders;
      for (const [k, fn] of s.dynamicHeaders) headers[k] = fn(ctx);
      body = s.staticBody ?? s.body?.(ctx);
    } catch (err) {
      // A template or URL that fails at run time is the user's error, counted per step.
      const message = `${where}: ${(err as Error).message}`;
      rt.recorder.request(key, { latencyUs: 0, serviceUs: 0, ttfbUs: 0, status: 0, errorClass: 'client', bytesIn: 0, bytesOut: 0, message });
      this.buildFailures = message === this.buildFailure ? this.buildFailures + 1 : 1;
      this.buildFailure = message;
      if (this.buildFailures >= REPEATED_CLIENT_FAILURES) rt.fatal(`${message} (failed ${this.buildFailures} times in a row before sending; the plan cannot work)`);
      return 'done';
    }
    if (this.buildFailures !== 0) this.buildFailures = 0;
    let method = s.method;
    let out: HttpOutcome | undefined;
    // Only the iteration's first request is measured from the scheduled start.
    let intended = state.first;
    state.first = undefined;
    for (let hop = 0; ; hop++) {
      const h = this.jar ? this.withCookies(headers, target.href) : headers;
      out = await send(
        this.sender(target.origin),
        { origin: target.origin, path: target.path, method, headers: h, body, timeoutMs: s.timeoutMs, keepBodyBytes: s.needsBody ? rt.maxBodyBytes : 0, wantHeaders: s.needsHeaders },
        this,
      );
      if (out.interrupted) {
        // Cut at the hard stop: still a request that got no (complete) answer in time,
        // counted as a timeout so the result and the partial result hold it (issue 16).
        this.record(key, out, intended, 'timeout', 'cut by the run stopping (graceful_stop ended)');
        return 'stopped';
      }
      if (this.jar && out.headers) this.jar.store(target.href, out.headers['set-cookie']);
      const loc = out.headers?.location;
      const redirect = s.followRedirects && out.status >= 300 && out.status < 400 && out.status !== 304 && typeof loc === 'string';
      if (redirect && hop === MAX_REDIRECTS) {
        // A loop (or a chain longer than browsers follow): the step fails, naming it.
        out.errorClass = 'client';
        out.errorMessage = `redirect loop: more than ${MAX_REDIRECTS} redirects (the last from ${target.href} to ${loc})`;
      }
      if (redirect && hop < MAX_REDIRECTS) {
        // Record the hop, then follow it (303, and 301/302 after POST, become GET as browsers do).
        this.record(key, out, intended);
        intended = undefined;
        if (out.status === 303 || ((out.status === 301 || out.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        try {
          const next = new URL(loc, target.href);
          headers = headersForHop(headers, target.origin, next.origin);
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
      let failures: { name: string; message: string }[] | undefined;
      let passed = 0;
      // One JSON parse of the body, shared by checks and extractors.
      const jsonCache: JsonCache = { parsed: undefined };
      const headers = out.headers ?? NO_HEADERS;
      if (s.checks) {
        const r = s.checks.run({ status: out.status, headers, body: out.body, bodyTruncated: out.bodyTruncated, durationMs: out.endAtMs - out.sentAtMs, jsonCache });
        passed += r.passed;
        if (r.failed.length) failures = r.failed.map((f) => ({ name: f.check, message: f.message }));
        // An explicit status list decides what a good status is (e.g. an expected 401).
        if (s.step.checks?.status && errorClass && errorClass.startsWith('http_') && !r.failed.some((f) => f.check === 'status')) {
          errorClass = undefined;
          message = undefined;
        }
      }
      if (s.extract) {
        const jar = this.jar;
        const cookie = s.extract.needsCookies && jar ? (name: string) => jar.get(name, href) : noCookie;
        const r = s.extract.run({ headers, body: out.body, bodyTruncated: out.bodyTruncated, cookie, jsonCache });
        Object.assign(ctx, r.values);
        if (state.extracted) Object.assign(state.extracted, r.values);
        for (const f of r.failures) (failures ??= []).push({ name: `extract ${f.name}`, message: f.message });
        // Every extractor either yields its variable or fails.
        passed += s.extract.names.length - r.failures.length;
      }
      const failed = failures?.length ?? 0;
      if (passed || failed) rt.recorder.checks(key, passed, failed);
      if (failures) {
        // An HTTP error keeps its class; the failed checks say why, in either case.
        errorClass ??= 'check_failed';
        message = failures.map((f) => f.message).join('; ');
        if (rt.scenario.onCheckFailure === 'stop_iteration') state.stop = true;
      }
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

  /** Hands this VU's own connections over to be destroyed (the run waits for that before it ends). */
  close(): Promise<void> {
    if (this.conn !== undefined) this.rt.destroyClient(this.conn);
    if (this.moreConns !== undefined) for (const c of this.moreConns.values()) this.rt.destroyClient(c);
    this.conn = this.connOrigin = this.moreConns = undefined;
    return Promise.resolve();
  }
}

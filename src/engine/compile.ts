/**
 * Turns the plan's steps into executable form once, at run start, so the hot path
 * does no parsing: static URLs are split into origin + path ahead of time, static
 * headers are one shared object, templates are compiled functions, checks and
 * extractors are precompiled, and each step knows whether it needs the response
 * headers or body at all.
 */
import type { Plan, Scenario, Step, StepNode } from '../plan/types.js';
import { compileThinkTime, type ThinkTimeSampler } from './journey/think-time.js';
import { LtError } from '../errors.js';
import { compileJsonText, compileText, type TemplateContext } from './journey/template.js';
import { compileChecks, type CompiledChecks } from './journey/checks.js';
import { compileExtractors, type CompiledExtractors } from './journey/extract.js';

/** A template-free or compiled text. */
export type TextFn = (ctx: TemplateContext) => string;

/** One executable request step. */
export interface CompiledStep {
  kind: 'request';
  name: string;
  /** `scenario 'x' step 'y'`, for run-time error messages (built once, not per request). */
  label: string;
  step: Step;
  method: string;
  /** Present when url and query are static: precomputed target. */
  staticTarget?: { origin: string; path: string; href: string };
  /** The target's origin when the target has no path of its own (fast path for rendered `/paths`). */
  targetOrigin?: string;
  url: TextFn;
  query: [string, TextFn][];
  /** Static headers (plan defaults merged), shared object — copy before adding. */
  staticHeaders: Record<string, string>;
  dynamicHeaders: [string, TextFn][];
  body?: TextFn;
  /**
   * A body that is the same for every request (no template: an inline literal or a
   * `body_file:`), encoded once at run start: as a string it was encoded to UTF-8 and
   * measured again on every request, 4 MiB each time for the largest body file.
   */
  staticBody?: Buffer;
  timeoutMs: number;
  followRedirects: boolean;
  /** Pause after this step, compiled once with the plan's think_time_multiplier. */
  think?: ThinkTimeSampler;
  probability: number;
  extract?: CompiledExtractors;
  checks?: CompiledChecks;
  needsBody: boolean;
  /** Which response headers the step reads (see HttpRequest.wantHeaders). */
  needsHeaders: 'all' | 'session' | 'none';
}

/** `repeat:` group. */
export interface CompiledGroup {
  kind: 'group';
  name: string;
  repeat: number;
  probability: number;
  steps: CompiledNode[];
}

export type CompiledNode = CompiledStep | CompiledGroup;

/** Request step names of a tree, depth first (the recorder's step keys). */
export function stepNames(nodes: StepNode[]): string[] {
  const out: string[] = [];
  const walk = (list: StepNode[]) => {
    for (const n of list) {
      if (n.kind === 'group') walk(n.steps);
      else out.push(n.name);
    }
  };
  walk(nodes);
  return out;
}

function splitUrl(href: string): { origin: string; path: string; href: string } {
  const u = new URL(href);
  return { origin: u.origin, path: (u.pathname || '/') + u.search, href: u.href };
}

/** Resolves a (possibly relative) URL against the base; throws a clear error. */
export function resolveUrl(text: string, base: string | undefined, where: string): string {
  try {
    return new URL(text, base).href;
  } catch (err) {
    throw new LtError('LT_ERR_PLAN_INVALID', `${where}: URL '${text}' is not valid${base ? ` relative to '${base}'` : ' (and the plan has no target)'}`, { cause: err });
  }
}

function compileStep(step: Step, plan: Plan, target: string | undefined, scenario: string, cookies: boolean): CompiledStep {
  const where = `scenarios.${scenario}.steps.${step.name}`;
  const headerEntries = { ...plan.defaults.headers, ...step.headers };
  const staticHeaders: Record<string, string> = {};
  const dynamicHeaders: [string, TextFn][] = [];
  for (const [k, v] of Object.entries(headerEntries)) {
    if (v.dynamic) dynamicHeaders.push([k, compileText(v, `${where}.headers.${k}`)]);
    else staticHeaders[k] = v.raw;
  }
  const queryEntries = Object.entries(step.query);
  const query: [string, TextFn][] = queryEntries.map(([k, v]) => [k, compileText(v, `${where}.query.${k}`)]);
  const staticQuery = queryEntries.every(([, v]) => !v.dynamic);
  let staticTarget: CompiledStep['staticTarget'];
  if (!step.url.dynamic && staticQuery) {
    const u = new URL(resolveUrl(step.url.raw, target, where));
    for (const [k, v] of queryEntries) u.searchParams.append(k, v.raw);
    staticTarget = splitUrl(u.href);
  }
  const extract = Object.keys(step.extract).length > 0 ? compileExtractors(step.extract, `${where}.extract`) : undefined;
  const checks = step.checks ? compileChecks(step.checks, `${where}.checks`) : undefined;
  const needsBody = Boolean(extract?.needsBody || checks?.needsBody);
  // Header checks and header extractors read any header; cookies and redirects only two.
  const readsHeaders = Boolean(checks?.needsHeaders) || Object.values(step.extract).some((e) => e.from === 'header');
  const needsHeaders = readsHeaders ? 'all' : step.followRedirects || cookies ? 'session' : 'none';
  return {
    kind: 'request',
    name: step.name,
    label: `scenario '${scenario}' step '${step.name}'`,
    step,
    method: step.method,
    staticTarget,
    targetOrigin: targetOriginOf(target),
    url: compileText(step.url, `${where}.url`),
    query,
    staticHeaders,
    dynamicHeaders,
    body: step.body ? (step.body.json ? compileJsonText(step.body.raw, `${where}.json`) : compileText(step.body, `${where}.body`)) : undefined,
    staticBody: step.body && !step.body.dynamic && !step.body.json ? Buffer.from(step.body.raw) : undefined,
    timeoutMs: step.timeoutMs,
    followRedirects: step.followRedirects,
    think: step.thinkTime ? compileThinkTime(step.thinkTime, plan.thinkTimeMultiplier) : undefined,
    probability: step.probability,
    extract,
    checks,
    needsBody,
    needsHeaders,
  };
}

/** The origin of a target whose path is empty or `/` (else undefined). */
function targetOriginOf(target: string | undefined): string | undefined {
  if (!target) return undefined;
  try {
    const u = new URL(target);
    return u.pathname === '/' && !u.search ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Compiles a step tree. */
export function compileNodes(nodes: StepNode[], plan: Plan, target: string | undefined, scenario: string, cookies = true): CompiledNode[] {
  return nodes.map((n) =>
    n.kind === 'group'
      ? { kind: 'group', name: n.name, repeat: n.repeat, probability: n.probability, steps: compileNodes(n.steps, plan, target, scenario, cookies) }
      : compileStep(n, plan, target, scenario, cookies),
  );
}

/** Builds the final URL of a step for one request. */
export function buildUrl(s: CompiledStep, ctx: TemplateContext, target: string | undefined, where: string): { origin: string; path: string; href: string } {
  if (s.staticTarget) return s.staticTarget;
  const text = s.url(ctx);
  // A rendered absolute path under a path-less target needs no URL parsing (the common
  // `/items/{{ id }}` case); anything else goes through WHATWG URL resolution.
  if (s.query.length === 0 && s.targetOrigin && text.charCodeAt(0) === 47 && text.charCodeAt(1) !== 47 && !/[\s#\\%]/.test(text)) {
    return { origin: s.targetOrigin, path: text, href: s.targetOrigin + text };
  }
  const u = new URL(resolveUrl(text, target, where));
  for (const [k, fn] of s.query) u.searchParams.append(k, fn(ctx));
  return splitUrl(u.href);
}

/** The scenario names and their step names, for the recorder. */
export function recorderLayout(plan: Plan): { name: string; steps: string[] }[] {
  const layout = plan.scenarios.map((s: Scenario) => ({ name: s.name, steps: stepNames(s.steps) }));
  if (plan.setup.length) layout.push({ name: SETUP, steps: stepNames(plan.setup) });
  if (plan.teardown.length) layout.push({ name: TEARDOWN, steps: stepNames(plan.teardown) });
  return layout;
}

/** Pseudo-scenario names under which setup/teardown requests are recorded. */
export const SETUP = '(setup)';
export const TEARDOWN = '(teardown)';

/**
 * The scopes a comparison looks at (overall, each scenario, each step), each shown
 * once: a scenario with one step has the same figures as that step, and a plan with
 * one scenario the same as the whole run, so comparing both would print identical
 * rows and count one change two or three times (issue 15 point 6: one slowdown read
 * as "9 regressions").
 */
import type { Result, ScenarioResult, Stats, TimePoint } from './result-schema.js';

/** Figures and series of one scope of one result. */
export type ScopeData = Stats & { timeseries: TimePoint[] };

/** A scope present in both results, with the scopes whose figures it also stands for. */
export interface ComparedScope {
  /** `overall`, a scenario name, or `scenario / step`. */
  scope: string;
  base: ScopeData;
  head: ScopeData;
  /** Child scopes with the same figures on both sides, not compared again. */
  same: string[];
}

/** What a comparison row is read from: equal here means an identical row. */
function sameFigures(a: ScopeData, b: ScopeData): boolean {
  const l = (s: ScopeData) => [s.requests, s.errors, s.rps, s.error_rate, s.latency_ms.p50, s.latency_ms.p95, s.latency_ms.p99];
  const pts = (s: ScopeData) => s.timeseries.map((p) => [p.t, p.requests, p.errors, p.p50, p.p95, p.p99]);
  return JSON.stringify([l(a), pts(a)]) === JSON.stringify([l(b), pts(b)]);
}

/**
 * The scopes to compare, parents first. A child (a scenario of the run, a step of a
 * scenario) whose figures equal its parent's in both results is folded into the
 * parent's `same` list instead of getting rows of its own. Equality of the figures,
 * not the count of children, decides: setup and teardown are scenarios of their own
 * in a result, so "one scenario" in a plan is not always one in the result.
 */
export function comparedScopes(base: Result, head: Result): ComparedScope[] {
  const out: ComparedScope[] = [];
  const overall: ComparedScope = {
    scope: 'overall',
    base: { ...base.summary, timeseries: base.timeseries },
    head: { ...head.summary, timeseries: head.timeseries },
    same: [],
  };
  out.push(overall);
  const visit = (parent: ComparedScope, scope: string, b: ScopeData, h: ScopeData): ComparedScope => {
    if (sameFigures(parent.base, b) && sameFigures(parent.head, h)) {
      parent.same.push(scope);
      return parent;
    }
    const s: ComparedScope = { scope, base: b, head: h, same: [] };
    out.push(s);
    return s;
  };
  for (const [name, hs] of Object.entries(head.scenarios) as [string, ScenarioResult][]) {
    const bsc = base.scenarios[name];
    if (!bsc) continue;
    const parent = visit(overall, name, bsc, hs);
    for (const [step, st] of Object.entries(hs.steps)) {
      const bst = bsc.steps[step];
      if (bst) visit(parent, `${name} / ${step}`, bst, st);
    }
  }
  return out;
}

/**
 * How many requests a worker's share of the plan can have made by now (issue 16,
 * point 8): a client holding the relay token could otherwise forge snapshots
 * (5,000,000,008 requests, PASSED). The coordinator refuses a snapshot or result that
 * claims more than this bound, so forged totals never reach the Result.
 *
 * The bound is generous on purpose — an honest worker must never reach it:
 * - open model (`rate`): arrivals ≤ share × peak rate × elapsed, plus one per VU;
 * - closed model: VUs ≤ share × peak VUs, each at most PER_VU_PER_SEC requests a second
 *   (one request at a time; 10 µs each would already be ~100× a loopback round trip);
 * - every iteration at most its requests × (1 + MAX_REDIRECTS) hops (each hop is
 *   recorded), and a worker process at most PER_WORKER_PER_SEC requests a second
 *   (~20× the single-process peak in research/perf.md);
 * - plus SLACK for setup/teardown requests and clock skew at the edges.
 */
import type { Plan, StepNode } from '../plan/types.js';
import { requestsPerIteration } from '../plan/steps.js';

const PER_VU_PER_SEC = 100_000;
const PER_WORKER_PER_SEC = 1_000_000;
/** Hops per request: the first plus the engine's redirect limit (src/engine/vu.ts MAX_REDIRECTS). */
const HOPS = 11;
const SLACK = 1000;

/** Peak arrivals per second of a rate executor. */
const peakRate = (e: Extract<Plan['scenarios'][number]['executor'], { type: 'rate' }>): number => Math.max(e.startRatePerSec, ...e.stages.map((s) => s.target));

/** Peak VUs of any executor. */
function peakVus(e: Plan['scenarios'][number]['executor']): number {
  if (e.type === 'vus') return Math.max(e.startVus, ...e.stages.map((s) => s.target));
  return e.type === 'rate' ? e.maxVus : e.vus;
}

/** Most requests a worker holding `share` (0..1) of `plan` can have made in `elapsedMs`. */
export function maxRequests(plan: Pick<Plan, 'scenarios' | 'setup' | 'teardown'>, share: number, elapsedMs: number): number {
  const sec = Math.max(0, elapsedMs) / 1000;
  let total = 0;
  for (const s of plan.scenarios) {
    const perIteration = requestsPerIteration(s.steps as StepNode[]) * HOPS;
    const vus = Math.ceil(share * peakVus(s.executor));
    const iterations = s.executor.type === 'rate' ? Math.ceil(share * peakRate(s.executor) * sec) + vus : vus * PER_VU_PER_SEC * sec;
    total += iterations * perIteration;
  }
  const setup = (requestsPerIteration(plan.setup as StepNode[]) + requestsPerIteration(plan.teardown as StepNode[])) * HOPS;
  return Math.ceil(Math.min(total, PER_WORKER_PER_SEC * sec) + setup + SLACK);
}

/**
 * Synthetic, schema-valid Results for statistics and rendering tests: `intervals`
 * one-second points whose latency percentiles and rates are drawn from seeded
 * distributions (lognormal latency, normal rate), optionally scaled.
 */
import { createRng, type Rng } from '../../src/engine/journey/random.js';
import type { Result, Stats, TimePoint } from '../../src/report/result-schema.js';
import { Result as ResultSchema } from '../../src/report/result-schema.js';

export interface SyntheticOptions {
  seed: number | string;
  intervals?: number;
  /** Multiplies every latency (1.2 = +20%). */
  latencyScale?: number;
  rps?: number;
  p95Ms?: number;
  /** Relative spread of per-interval values (coefficient of variation). */
  cv?: number;
  names?: { scenario: string; step: string; message?: string; event?: string; worker?: string };
}

const lognormal = (rng: Rng, median: number, cv: number) => median * Math.exp(cv * rng.normal());

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function series(rng: Rng, o: Required<Pick<SyntheticOptions, 'intervals' | 'latencyScale' | 'rps' | 'p95Ms' | 'cv'>>): TimePoint[] {
  return Array.from({ length: o.intervals }, (_, i) => {
    const p95 = lognormal(rng, o.p95Ms * o.latencyScale, o.cv);
    const rps = Math.max(1, o.rps * (1 + o.cv * 0.3 * rng.normal()));
    const requests = Math.round(rps);
    const errors = rng.next() < 0.05 ? 1 : 0;
    return { t: i, requests, rps: requests, errors, errors_by_class: (errors ? { http_5xx: errors } : {}) as Record<string, number>, active_vus: 50, dropped_iterations: 0, iterations: requests, checks_failed: 0, p50: p95 * 0.4, p90: p95 * 0.85, p95, p99: p95 * 1.4, max: p95 * 2, mean: p95 * 0.5 };
  });
}

function statsOf(ts: TimePoint[]): Stats {
  const requests = ts.reduce((a, p) => a + p.requests, 0);
  const errors = ts.reduce((a, p) => a + p.errors, 0);
  const m = (k: 'p50' | 'p90' | 'p95' | 'p99' | 'max' | 'mean') => median(ts.map((p) => p[k]));
  const lat = { min: m('p50') * 0.2, mean: m('mean'), p50: m('p50'), p90: m('p90'), p95: m('p95'), p99: m('p99'), p99_9: m('p99') * 1.2, max: Math.max(...ts.map((p) => p.max)) };
  return {
    requests, errors, error_rate: requests ? errors / requests : 0, rps: requests / ts.length, iterations: requests, dropped_iterations: 0, bytes_in: requests * 100, bytes_out: requests * 50,
    checks: { passes: requests, fails: 0, rate: 1 }, status: { '200': requests - errors, ...(errors ? { '500': errors } : {}) } as Record<string, number>, errors_by_class: (errors ? { http_5xx: errors } : {}) as Record<string, number>,
    latency_ms: lat, service_ms: lat,
  };
}

/** A Result drawn from the options (validated against the schema). */
export function syntheticResult(opts: SyntheticOptions): Result {
  const rng = createRng(`synthetic:${opts.seed}`);
  const o = { intervals: opts.intervals ?? 40, latencyScale: opts.latencyScale ?? 1, rps: opts.rps ?? 1000, p95Ms: opts.p95Ms ?? 100, cv: opts.cv ?? 0.1 };
  const n = opts.names ?? { scenario: 'browse', step: 'list' };
  const ts = series(rng, o);
  const stepTs = series(rng, o);
  const stats = statsOf(ts);
  const result: Result = {
    schema: 'loadtest-result', version: 1, tool: { name: 'loadtest-action', version: 'test' },
    plan: { name: 'synthetic', file: 'synthetic.yaml', hash: 'x'.repeat(64) },
    run: { id: String(opts.seed), started_at: '2026-01-01T00:00:00.000Z', ended_at: '2026-01-01T00:00:40.000Z', duration_ms: o.intervals * 1000, status: 'passed', exit_code: 0, start_skew_ms: null },
    summary: stats,
    scenarios: { [n.scenario]: { ...stats, timeseries: ts, steps: { [n.step]: { ...statsOf(stepTs), timeseries: stepTs } } } },
    thresholds: [{ expression: `p95 < 500 [${n.scenario}/${n.step}]`, metric: 'p95', op: '<', limit: 500, scenario: n.scenario, step: n.step, actual: stats.latency_ms.p95, passed: true, abort_on_fail: false }],
    timeseries: ts,
    workers: n.worker ? [{ id: n.worker, share: 1, requests: stats.requests, errors: stats.errors, start_skew_ms: 1.5, clock_offset_ms: 0.2, status: 'ok', events: [] }] : [],
    events: n.event ? [{ t: 1, at: '2026-01-01T00:00:01.000Z', type: 'info', message: n.event }] : [],
    error_samples: n.message ? [{ scenario: n.scenario, step: n.step, error_class: 'http_5xx', message: n.message, count: 3 }] : [],
  };
  return ResultSchema.parse(result);
}

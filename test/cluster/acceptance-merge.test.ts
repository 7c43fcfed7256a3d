/**
 * Issue 4 acceptance 1 and 5, end to end: `loadtest run --workers 3` semantics
 * (coordinator here, three real worker processes over the HTTP relay on loopback).
 * Merged counts equal the sum of the workers' own counts; merged percentiles equal a
 * merge of the workers' own final histograms; every worker's start skew is reported
 * and small. Also scrapes the Prometheus endpoint mid-run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startDemoTarget } from '../../src/demo/target.js';
import { runDistributedLocalDetailed } from '../../src/cluster/local-cluster.js';
import { mergeRunMetrics } from '../../src/metrics/merge.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { Result } from '../../src/report/result-schema.js';
import { planFile } from '../helpers.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

test('acceptance 1 + 5: 3 worker processes — merged = sum of workers, percentiles exact, skew reported', async () => {
  const path = planFile(`
name: merge
target: ${target.url}
scenarios:
  s:
    duration: 4s
    profile: { type: constant_rate, rate: 90, pre_allocated_vus: 10, max_vus: 50 }
    steps:
      - { name: lat, method: GET, url: "/latency?ms=2" }
thresholds:
  - "error_rate < 0.05"
`);
  let metricsText = '';
  let relay: { url: string; token: string } | undefined;
  const scrape = async () => {
    const res = await request(`${relay!.url}/metrics`, { headers: { authorization: `Bearer ${relay!.token}` } });
    metricsText = await res.body.text();
  };
  let scraped: Promise<void> | undefined;
  const outcome = await runDistributedLocalDetailed(path, {
    workers: 3,
    onRelay: (url, token) => (relay = { url, token }),
    onSnapshot: (snap) => {
      if (snap.seq === 2) scraped ??= scrape();
    },
  });
  await scraped;
  const r = Result.parse(outcome.result);
  assert.equal(r.workers.length, 3);
  const own = outcome.workers.map((w) => w.fromResult!);
  assert.equal(r.summary.requests, own.reduce((a, m) => a + m.total.counters.requests, 0), 'merged requests = Σ workers');
  assert.equal(r.summary.iterations, own.reduce((a, m) => a + m.total.counters.iterations, 0));
  for (const w of r.workers) assert.ok(w.requests > 0 && Math.abs(w.share - 1 / 3) < 0.01, `${w.id}: ${w.requests} requests, share ${w.share}`);
  // Percentiles: the Result's histogram is exactly the merge of the workers' own histograms.
  const ref = mergeRunMetrics(own);
  const a = decodeHistogram(r.summary.histogram!);
  const b = decodeHistogram(ref.total.hist.latency!);
  for (const p of [50, 90, 95, 99, 99.9, 100]) assert.equal(a.getValueAtPercentile(p), b.getValueAtPercentile(p), `p${p}`);
  assert.equal(a.totalCount, r.summary.requests);
  // Start skew: reported per worker. The target (p99 < 10 ms on loopback) is a
  // timing figure, so the strict bound only applies with LOADTEST_STRICT_TIMING=1 (an
  // idle machine); otherwise the bound only catches a wrong offset sign or unit (s vs
  // ms), which would show up as seconds.
  const skews = r.workers.map((w) => w.start_skew_ms);
  assert.ok(skews.every((s) => s !== null), 'skew reported for every worker');
  const bound = process.env.LOADTEST_STRICT_TIMING === '1' ? 10 : 250;
  assert.ok(Math.max(...skews.map((s) => Math.abs(s!))) < bound, `start skews ${skews.join(', ')} ms (bound ${bound} ms)`);
  assert.equal(r.run.start_skew_ms, Math.max(...skews.map((s) => Math.abs(s!))));
  console.log(`# start skews (ms): ${skews.join(', ')}; clock offsets (ms): ${r.workers.map((w) => w.clock_offset_ms).join(', ')}`);
  // Prometheus, mid-run.
  assert.match(metricsText, /loadtest_requests_total \d+/);
  assert.match(metricsText, /loadtest_workers_connected 3/);
  assert.match(metricsText, /loadtest_active_vus\{worker="w1"\}/);
  assert.match(metricsText, /loadtest_latency_ms\{quantile="0.99"\}/);
  assert.match(metricsText, /loadtest_run_state\{state="running"\} 1/);
  const mergeCpu = Number(/loadtest_coordinator_merge_cpu_seconds_total ([\d.e-]+)/.exec(metricsText)?.[1]);
  assert.ok(mergeCpu > 0, `merge CPU is counted (${mergeCpu} s)`);
  assert.equal(r.run.exit_code, 0);
});

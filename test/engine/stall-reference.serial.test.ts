/**
 * Issue 10, target 2: against a stalling target (500 ms every 2 s) the open model's
 * corrected p90/p95/p99 are those of an exact reference — a minimal client on the same
 * target and schedule that stamps each request against its scheduled send time with
 * process.hrtime (test/support/exact-reference.ts) — within ±5 %. Serial: both measure
 * the generator's own timing, so other tests' CPU load must not run beside them. The
 * target runs in a child process (startStallTarget says why).
 *
 * The verdict is the median of up to 3 alternating rounds (reference, ours, reference,
 * ours, …), per percentile. One round against one reference is at the mercy of the
 * release burst: p90 falls ~400 replies into the target's 1,000-reply end-of-stall
 * release, and how long that takes moved one side's p90 by up to 7 % between rounds (in
 * CI the reference's once, ours' on a quiet machine), while the other side held. When
 * the first two rounds both pass, the median of any three does: the third is skipped.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/engine/run.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { planFrom } from '../helpers.js';
import { exactPercentile, exactReference, startStallTarget } from '../support/exact-reference.js';

let target: Awaited<ReturnType<typeof startStallTarget>>;
before(async () => {
  target = await startStallTarget();
});
after(() => target.stop());

const RATE = 2000;
// Two whole stall periods: every run, whatever its phase against the target's clock,
// sends the same share of its arrivals into a stall (a quarter).
const DURATION_MS = 4000;
const PATH = '/stall?every=2000&for=500';
const PERCENTILES = [90, 95, 99] as const;
const ROUNDS = 3;
const within = (ratio: number): boolean => ratio >= 0.95 && ratio <= 1.05;

/** One reference run then one engine run: ours / exact per percentile. */
async function round(t: { diagnostic(msg: string): void }, n: number): Promise<number[]> {
  // 1,000 arrivals wait in each stall: enough VUs (and reference connections) for all.
  const reference = await exactReference({ origin: target.url, path: PATH, ratePerSec: RATE, durationMs: DURATION_MS, warmConnections: 1200, holdPath: '/slow?ms=1000', fastPath: '/' });
  assert.equal(reference.length, (RATE * DURATION_MS) / 1000);
  const plan = planFrom(`
name: stall-reference
target: ${target.url}
scenarios:
  s:
    duration: ${DURATION_MS}ms
    profile: { type: constant_rate, rate: ${RATE}, pre_allocated_vus: 1200, max_vus: 2000 }
    steps:
      - { name: stall, method: GET, url: "${PATH}" }
`);
  const out = await run(plan);
  const total = out.metrics.total;
  assert.equal(total.counters.droppedIterations, 0);
  assert.equal(total.counters.errors, 0);
  assert.equal(total.counters.requests, reference.length);
  const h = decodeHistogram(total.hist.latency!);
  try {
    return PERCENTILES.map((p) => {
      const ours = h.getValueAtPercentile(p) / 1000;
      const exact = exactPercentile(reference, p);
      // The stall puts these percentiles at 100–500 ms: a quarter of the arrivals wait.
      assert.ok(exact > 50, `reference p${p} ${exact.toFixed(1)} ms should show the stall`);
      t.diagnostic(`round ${n} p${p}: ours ${ours.toFixed(1)} ms, exact ${exact.toFixed(1)} ms, ratio ${(ours / exact).toFixed(3)}`);
      return ours / exact;
    });
  } finally {
    h.destroy();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('a stalling target at 2,000/s: p90/p95/p99 within ±5 % of the exact reference (median of alternating rounds)', async (t) => {
  const rounds: number[][] = [];
  while (rounds.length < ROUNDS) {
    rounds.push(await round(t, rounds.length + 1));
    if (rounds.length === 2 && rounds.every((r) => r.every(within))) break;
  }
  PERCENTILES.forEach((p, k) => {
    const ratios = rounds.map((r) => r[k]);
    // Two passing rounds bound the median of any third; with three, it is the middle one.
    const holds = ratios.length === 2 ? ratios.every(within) : within(median(ratios));
    assert.ok(holds, `p${p}: ours / exact ${ratios.map((x) => x.toFixed(3)).join(', ')} over ${ratios.length} rounds (median ${median(ratios).toFixed(3)})`);
  });
});

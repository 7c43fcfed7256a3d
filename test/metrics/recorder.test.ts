/**
 * Recorder: intervals line up on the start instant, counters are exact, steps roll
 * up into scenario and global totals (histograms included), snapshots add up to the
 * final metrics, error samples are capped, and misuse fails loudly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HdrCounts } from '../../src/metrics/hdr-counts.js';
import { MAX_ERROR_MESSAGE, MAX_ERROR_SAMPLES, Recorder, type RequestSample } from '../../src/metrics/recorder.js';
import { mergeRunMetrics, mergeSnapshots } from '../../src/metrics/merge.js';
import type { RunMetrics, Snapshot } from '../../src/metrics/types.js';

const layout = [
  { name: 'browse', steps: ['list', 'item'] },
  { name: 'buy', steps: ['cart'] },
];
const ok = (latencyUs: number, extra: Partial<RequestSample> = {}): RequestSample => ({ latencyUs, serviceUs: latencyUs - 1, ttfbUs: latencyUs - 2, status: 200, bytesIn: 100, bytesOut: 10, ...extra });
const enc = (h: HdrCounts) => h.encode();

test('snapshots: seq 0,1,2… and startMs = startAtMs + seq × intervalMs', () => {
  const rec = new Recorder({ scenarios: layout, intervalMs: 250, startAtMs: 1_000_000 });
  const snaps = [rec.cut(3), rec.cut(4), rec.cut(0)];
  assert.deepEqual(snaps.map((s) => [s.seq, s.startMs, s.intervalMs, s.activeVus]), [
    [0, 1_000_000, 250, 3],
    [1, 1_000_250, 250, 4],
    [2, 1_000_500, 250, 0],
  ]);
  // every key is present even when idle, with zero counters and no histograms
  assert.deepEqual(Object.keys(snaps[0].scenarios), ['browse', 'buy']);
  assert.deepEqual(Object.keys(snaps[0].scenarios.browse.steps), ['list', 'item']);
  assert.equal(snaps[0].total.counters.requests, 0);
  assert.deepEqual(snaps[0].total.hist, {});
  rec.destroy();
});

test('counters are exact and roll up step → scenario → global; histograms equal one holding every value', () => {
  const rec = new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs: 0 });
  const list = rec.stepKey('browse', 'list');
  const item = rec.stepKey('browse', 'item');
  const cart = rec.stepKey('buy', 'cart');
  const browse = rec.scenarioKey('browse');
  const buy = rec.scenarioKey('buy');
  const all = new HdrCounts();
  const browseRef = new HdrCounts();
  for (let i = 1; i <= 300; i++) {
    const key = [list, item, cart][i % 3];
    rec.request(key, ok(i * 97));
    all.record(i * 97);
    if (key !== cart) browseRef.record(i * 97);
  }
  rec.request(list, ok(5000, { status: 404, errorClass: 'http_4xx' }));
  rec.request(cart, { latencyUs: 0, serviceUs: 0, ttfbUs: 0, status: 0, errorClass: 'network', bytesIn: 0, bytesOut: 7, message: 'ECONNREFUSED' });
  all.record(5000);
  browseRef.record(5000);
  rec.checks(list, 3, 1);
  rec.iteration(browse, 12_000);
  rec.iteration(buy, 30_000);
  rec.lag(buy, 150);
  rec.dropped(buy, 2);
  rec.dropped(buy);
  const snap = rec.cut(7);
  const t = snap.total.counters;
  assert.equal(t.requests, 302);
  assert.equal(t.errors, 2);
  assert.deepEqual(t.errorsByClass, { http_4xx: 1, network: 1 });
  assert.deepEqual(t.status, { '200': 300, '404': 1 });
  assert.equal(t.bytesIn, 301 * 100);
  assert.equal(t.bytesOut, 301 * 10 + 7);
  assert.equal(t.iterations, 2);
  assert.equal(t.droppedIterations, 3);
  assert.deepEqual([t.checksPassed, t.checksFailed], [3, 1]);
  assert.equal(snap.scenarios.browse.total.counters.requests, 201);
  assert.equal(snap.scenarios.browse.steps.list.counters.requests, 101);
  assert.equal(snap.scenarios.buy.total.counters.droppedIterations, 3);
  // the network error (no response) is counted but not in the time histograms
  assert.equal(HdrCounts.decode(snap.total.hist.latency!).totalCount, 301);
  assert.equal(HdrCounts.decode(snap.total.hist.latency!).encode(), enc(all));
  assert.equal(HdrCounts.decode(snap.scenarios.browse.total.hist.latency!).encode(), enc(browseRef));
  assert.equal(HdrCounts.decode(snap.total.hist.iteration!).totalCount, 2);
  assert.equal(HdrCounts.decode(snap.total.hist.lag!).totalCount, 1);
  for (const name of ['latency', 'service', 'ttfb'] as const) assert.ok(snap.scenarios.browse.steps.item.hist[name], `step ${name} in snapshot`);
  // the final metrics hold the same
  const fin = rec.final();
  assert.equal(fin.total.counters.requests, 302);
  assert.equal(HdrCounts.decode(fin.total.hist.latency!).encode(), enc(all));
  assert.equal(HdrCounts.decode(fin.scenarios.browse.steps.list.hist.ttfb!).totalCount, 101);
  rec.destroy();
});

test('interval counters reset at each cut; the snapshots add up to the final metrics', () => {
  const rec = new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs: 0 });
  const keys = [rec.stepKey('browse', 'list'), rec.stepKey('browse', 'item'), rec.stepKey('buy', 'cart')];
  const snaps: Snapshot[] = [];
  let n = 0;
  for (let interval = 0; interval < 5; interval++) {
    for (let i = 0; i < 50 * (interval + 1); i++) rec.request(keys[n++ % 3], ok(100 + ((n * 7919) % 400_000), n % 10 === 0 ? { status: 503, errorClass: 'http_5xx' } : {}));
    rec.iteration(rec.scenarioKey('browse'), 1000 * (interval + 1));
    snaps.push(rec.cut(interval));
  }
  assert.deepEqual(snaps.map((s) => s.total.counters.requests), [50, 100, 150, 200, 250]);
  // what happens after the last cut is in final() only
  rec.request(keys[0], ok(1234));
  const fin = rec.final();
  assert.equal(fin.total.counters.requests, 751);
  const asRun = (s: Snapshot): RunMetrics => ({ v: 1, total: s.total, scenarios: s.scenarios, errorSamples: [] });
  const summed = mergeRunMetrics([...snaps.map(asRun)]);
  const lastOnly = new HdrCounts();
  lastOnly.record(1234);
  const withLast = HdrCounts.decode(summed.scenarios.browse.steps.list.hist.latency!);
  withLast.add(lastOnly);
  assert.equal(withLast.encode(), HdrCounts.decode(fin.scenarios.browse.steps.list.hist.latency!).encode());
  assert.equal(HdrCounts.decode(summed.total.hist.iteration!).encode(), HdrCounts.decode(fin.total.hist.iteration!).encode());
  assert.equal(summed.total.counters.errors, fin.total.counters.errors);
  assert.deepEqual(mergeSnapshots([snaps[2]]).total.counters, snaps[2].total.counters);
  rec.destroy();
});

test(`error samples: first ${MAX_ERROR_SAMPLES} distinct messages per (scenario, step, class), with counts`, () => {
  const rec = new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs: 0 });
  const list = rec.stepKey('browse', 'list');
  const cart = rec.stepKey('buy', 'cart');
  for (let i = 0; i < 40; i++) rec.request(list, ok(10, { status: 500, errorClass: 'http_5xx', message: `boom ${i % 8}` }));
  rec.request(list, ok(10, { status: 404, errorClass: 'http_4xx' })); // no message → "HTTP 404"
  rec.request(cart, { ...ok(0), status: 0, errorClass: 'timeout' }); // no message, no status → class name
  const long = 'x'.repeat(MAX_ERROR_MESSAGE + 100);
  rec.request(cart, { ...ok(0), status: 0, errorClass: 'network', message: long });
  rec.request(cart, { ...ok(0), status: 0, errorClass: 'network', message: long });
  const snap = rec.cut(0);
  const fin = rec.final();
  for (const samples of [snap.errorSamples!, fin.errorSamples]) {
    const boom = samples.filter((s) => s.errorClass === 'http_5xx');
    assert.equal(boom.length, MAX_ERROR_SAMPLES);
    assert.deepEqual(boom.map((s) => [s.message, s.count]), [0, 1, 2, 3, 4].map((k) => [`boom ${k}`, 5]));
    assert.deepEqual(samples.find((s) => s.errorClass === 'http_4xx'), { scenario: 'browse', step: 'list', errorClass: 'http_4xx', message: 'HTTP 404', count: 1 });
    assert.equal(samples.find((s) => s.errorClass === 'timeout')?.message, 'timeout');
    const net = samples.find((s) => s.errorClass === 'network')!;
    assert.equal(net.message.length, MAX_ERROR_MESSAGE);
    assert.equal(net.count, 2);
  }
  // the next interval starts with no samples
  assert.equal(rec.cut(0).errorSamples, undefined);
  rec.destroy();
});

test('misuse: unknown keys and a bad interval throw clearly; destroy is idempotent and final after it throws', () => {
  assert.throws(() => new Recorder({ scenarios: layout, intervalMs: 0, startAtMs: 0 }), /intervalMs must be > 0/);
  const rec = new Recorder({ scenarios: layout, intervalMs: 1000, startAtMs: 0 });
  assert.throws(() => rec.stepKey('browse', 'nope'), /no step 'browse\/nope'/);
  assert.throws(() => rec.stepKey('nope', 'list'), /no step 'nope\/list'/);
  assert.throws(() => rec.scenarioKey('nope'), /no scenario 'nope'/);
  rec.destroy();
  rec.destroy();
  assert.throws(() => rec.final(), /after destroy/);
  assert.throws(() => rec.cut(0), /after destroy/);
});

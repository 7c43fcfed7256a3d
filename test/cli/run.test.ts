/**
 * Issue 2 acceptance 4–6 through the real CLI: threshold exit codes, abort_on_fail,
 * SIGINT → partial result + 105, target down → network errors counted, and the
 * seed's example plans running unchanged against the demo target.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startDemoTarget } from '../../src/demo/target.js';
import { Result } from '../../src/report/result-schema.js';
import { planFile, runCli, tempDir, ROOT } from '../helpers.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

const plan = (thresholds: string, duration = '2s', extra = '') => `
name: gate
target: ${target.url}
scenarios:
  s:
    duration: ${duration}
    profile: { type: constant, vus: 4 }
    think_time: 10ms
    steps:
      - { name: fast, method: GET, url: /fast }
${extra}
thresholds:
${thresholds}
`;

test('passing thresholds → exit 0, result written and valid', async () => {
  const dir = tempDir();
  const out = join(dir, 'r.json');
  const r = await runCli(['run', planFile(plan('  - "p95 < 5000"\n  - "error_rate < 0.01"'), dir), '--out', out, '--quiet']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = Result.parse(JSON.parse(readFileSync(out, 'utf8')));
  assert.equal(result.run.status, 'passed');
  assert.ok(result.summary.requests > 10);
  assert.match(r.stdout, /✓ p95 < 5000/);
});

test('a failing threshold → exit 99 and a message naming it', async () => {
  const r = await runCli(['run', planFile(plan('  - "rps > 1000000"')), '--quiet']);
  assert.equal(r.code, 99, r.stderr + r.stdout);
  assert.match(r.stdout, /✗ rps > 1000000/);
  assert.match(r.stdout, /FAILED: 1 threshold\(s\) failed/);
});

test('abort_on_fail stops the run early with exit 99', async () => {
  const dir = tempDir();
  const out = join(dir, 'r.json');
  const yaml = plan('  - { metric: error_rate, condition: "<", value: 0.01, abort_on_fail: true }', '30s').replace('url: /fast', 'url: "/status/500"');
  const t0 = Date.now();
  const r = await runCli(['run', planFile(yaml, dir), '--out', out, '--quiet']);
  assert.equal(r.code, 99, r.stderr + r.stdout);
  assert.ok(Date.now() - t0 < 20_000, 'stopped well before the 30 s duration');
  const result = Result.parse(JSON.parse(readFileSync(out, 'utf8')));
  assert.ok(result.run.duration_ms < 15_000, `ran ${result.run.duration_ms} ms`);
  assert.ok(result.events.some((e) => e.type === 'threshold_failed' || e.type === 'abort'));
});

test('SIGINT mid-run → partial result written, exit 105', async () => {
  const dir = tempDir();
  const out = join(dir, 'r.json');
  let sent = false;
  const r = await runCli(['run', planFile(plan('  - "p95 < 5000"', '60s'), dir), '--out', out], {
    onStdout: (text, child) => {
      // Progress lines come every 5 s off a TTY; the first one means load is flowing.
      if (!sent && /\n\d+s\s+\d+/.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.ok(sent, 'progress appeared');
  assert.equal(r.code, 105, r.stderr + r.stdout);
  assert.match(r.stderr, /^loadtest: SIGINT received, stopping \(partial results will be written/m, 'the stop is announced');
  assert.ok(existsSync(out), 'partial result written');
  const result = Result.parse(JSON.parse(readFileSync(out, 'utf8')));
  assert.equal(result.run.status, 'aborted');
  assert.ok(result.summary.requests > 0);
});

test('target down → network errors counted, the run completes, thresholds evaluated', async () => {
  // A port with nothing listening: bind, note it, close.
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const dir = tempDir();
  const out = join(dir, 'r.json');
  const yaml = plan('  - "error_rate < 0.5"', '2s').replace(target.url, `http://127.0.0.1:${port}`);
  const r = await runCli(['run', planFile(yaml, dir), '--out', out, '--quiet']);
  assert.equal(r.code, 99, r.stderr + r.stdout);
  const result = Result.parse(JSON.parse(readFileSync(out, 'utf8')));
  assert.ok(result.summary.errors_by_class.network > 0, JSON.stringify(result.summary.errors_by_class));
  assert.equal(result.summary.errors, result.summary.requests);
  assert.equal(result.thresholds[0].passed, false);
});

test('usage errors exit 2 without a stack trace', async () => {
  const [r1, r2, r3] = await Promise.all([runCli(['run']), runCli(['run', 'x.yaml', '--vus', 'many']), runCli(['run', 'x.yaml', '--bogus'])]);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /exactly one plan file/);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /--vus/);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /bogus/);
  for (const r of [r1, r2, r3]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("the seed's example plans run unchanged against the demo target on :8080", async (t) => {
  const demo = await startDemoTarget({ port: 8080, quiet: true }).catch(() => undefined);
  if (!demo) return t.skip('port 8080 is busy on this machine');
  try {
    const names = ['basic', 'ramp-stress', 'spike', 'step-load'];
    // Independent runs against one target: side by side.
    const runs = await Promise.all(names.map((name) => runCli(['run', join(ROOT, 'examples', `${name}.yaml`), '--duration', '2s', '--quiet'])));
    for (const [i, name] of names.entries()) {
      const r = runs[i];
      assert.ok(r.code === 0 || r.code === 99, `${name}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stdout, /TOTAL\s+\d+/, name);
      const total = Number(/TOTAL\s+(\d+)/.exec(r.stdout)![1]);
      assert.ok(total > 0, `${name} sent requests`);
      assert.doesNotMatch(r.stdout, /network/);
    }
  } finally {
    await demo.close();
  }
});

test('run --baseline compares with a previous result; --fail-on-regression exits 99 on a clear slowdown', async () => {
  const dir = tempDir();
  const base = join(dir, 'base.json');
  const yaml = (url: string) => `
name: cmp
target: ${target.url}
# Limits far above a loaded machine's: this checks the plumbing of --fail-on-regression,
# not the machine (a saturated interval makes its latencies 'not compared').
generator: { max_lag_p99: 5s, max_event_loop_p99: 5s }
scenarios:
  s:
    duration: 8s
    profile: { type: constant, vus: 4 }
    steps:
      - { name: page, method: GET, url: "${url}" }
`;
  const r1 = await runCli(['run', planFile(yaml('/fast'), dir), '--out', base, '--quiet']);
  assert.equal(r1.code, 0, r1.stderr);
  const summary = join(dir, 'summary.md');
  const r2 = await runCli(['run', planFile(yaml('/slow?ms=25'), tempDir()), '--baseline', base, '--fail-on-regression', '--summary', summary, '--quiet']);
  assert.equal(r2.code, 99, r2.stdout + r2.stderr);
  assert.match(r2.stdout, /Compared with .*base\.json: \d+ regressed/);
  assert.match(readFileSync(summary, 'utf8'), /Compared with the baseline/);
});

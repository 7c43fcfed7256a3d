/**
 * Issue 16 point 6: `timeout` was undici's idle timers only, so a server dripping a
 * byte at a time or sending an endless body gave `requests 0, errors 0, passed`; and
 * requests in flight when the run stopped were missing from the (partial) result.
 * Now the timeout covers headers and body, and requests cut at the stop are counted
 * as `timeout` errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPlan } from '../../src/runner.js';
import { planFile, planFrom, runCli, tempDir } from '../helpers.js';

const BOUND = { timeout: 30_000 };

async function target() {
  const timers = new Set<NodeJS.Timeout>();
  const state = { hanging: 0 };
  const server = createServer((req, res: ServerResponse) => {
    if (req.url === '/hang') return void state.hanging++; // never answers
    res.writeHead(200, { 'content-type': 'text/plain' });
    // /stall-late: bytes until just before the 1 s timeout, then silence (undici's idle
    // timer alone would cut it only at ~1.9 s).
    if (req.url === '/stall-late') {
      res.write('a');
      const late = setTimeout(() => res.write('b'), 900);
      timers.add(late);
      return void res.on('close', () => (clearTimeout(late), timers.delete(late)));
    }
    // /drip: one byte every 50 ms (never idle for long); /endless: 16 KB chunks forever.
    const chunk = req.url === '/drip' ? 'a' : 'x'.repeat(16_384);
    const t = setInterval(() => res.write(chunk), req.url === '/drip' ? 50 : 5);
    timers.add(t);
    res.on('close', () => (clearInterval(t), timers.delete(t)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close() {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      server.close();
    },
  };
}

test('timeout is a total deadline: a dripping server and an endless body end as timeout errors', BOUND, async () => {
  const t = await target();
  try {
    for (const needsBody of [false, true]) {
      const check = needsBody ? ', checks: { body_contains: zzz }' : '';
      const r = await runPlan(
        planFrom(`
target: ${t.url}
scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: 2 }
    steps:
      - { name: drip, url: /drip, timeout: 400ms${check} }
      - { name: endless, url: /endless, timeout: 400ms${check} }
`),
      );
      for (const step of ['drip', 'endless']) {
        const s = r.scenarios.s.steps[step];
        assert.equal(s.requests, 2, `${step} (body kept: ${needsBody})`);
        assert.equal(s.errors_by_class.timeout, 2, `${step}: ${JSON.stringify(r.error_samples)}`);
      }
      assert.equal(r.summary.errors, 4);
      assert.match(JSON.stringify(r.error_samples), /within the 400 ms timeout/);
    }
  } finally {
    t.close();
  }
});

test('timeout is a total deadline: requests in flight at the stop are counted, also in the SIGINT partial result', BOUND, async () => {
  const t = await target();
  try {
    // The run's own end: 2 VUs wait on /hang (timeout 60 s) past duration + graceful_stop.
    // warmup: false — the warm-up's own requests would be the ones hanging on /hang.
    const r = await runPlan(planFrom(`
target: ${t.url}
warmup: false
scenarios:
  s:
    duration: 500ms
    graceful_stop: 200ms
    profile: { type: constant, vus: 2 }
    steps: [{ name: hang, url: /hang, timeout: 60s }]
`));
    assert.equal(r.scenarios.s.steps.hang.requests, 2);
    assert.equal(r.scenarios.s.steps.hang.errors_by_class.timeout, 2);

    // SIGINT through the CLI: exit 105 and the partial result holds the cut requests.
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const path = planFile(`target: ${t.url}\nwarmup: false\nscenarios:\n  s:\n    duration: 60s\n    graceful_stop: 300ms\n    profile: { type: constant, vus: 3 }\n    steps: [{ name: hang, url: /hang, timeout: 60s }]\n`, dir);
    let sent = false;
    t.state.hanging = 0;
    const started = Date.now();
    const run = await runCli(['run', path, '--out', out], {
      timeoutMs: 20_000,
      onStdout: (_text, child) => {
        if (sent) return;
        sent = true;
        // SIGINT once the three requests are in flight (polled, bounded by the CLI timeout).
        const poll = setInterval(() => {
          if (t.state.hanging < 3) return;
          clearInterval(poll);
          child.kill('SIGINT');
        }, 20);
        child.on('exit', () => clearInterval(poll));
      },
    });
    assert.equal(run.code, 105, run.stdout + run.stderr);
    const partial = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(partial.scenarios.s.steps.hang.requests, 3, 'the three requests in flight are in the partial result');
    assert.equal(partial.scenarios.s.steps.hang.errors_by_class.timeout, 3);
    assert.ok(Date.now() - started < 15_000, 'the stop did not wait for the 60 s timeout');
  } finally {
    t.close();
  }
});

test('a body that goes silent just before the deadline is cut at the deadline (+ one sweep), not after another idle timeout', BOUND, async () => {
  const t = await target();
  try {
    const r = await runPlan(
      planFrom(`
target: ${t.url}
scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: 1 }
    steps:
      - { name: late, url: /stall-late, timeout: 1s }
`),
    );
    const step = r.scenarios.s.steps.late;
    assert.equal(step.errors_by_class.timeout, 1, JSON.stringify(step.errors_by_class));
    // Cut at 1 s + SWEEP_MS; undici's idle timer alone ends it at ~1.9 s.
    assert.ok(step.latency_ms.max < 1500, `the request lasted ${step.latency_ms.max} ms`);
  } finally {
    t.close();
  }
});

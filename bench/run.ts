/**
 * `npm run bench` — measured side by side with a peer tool in the same run.
 *
 *  throughput  loadtest (50 VUs, no think time, metrics on) vs `autocannon -c 50`,
 *              alternating, same target, same duration → req/s of each and the ratio.
 *  journey     a step with one template, one JSON extract and one check vs a plain
 *              step, alternating → throughput cost in %.
 *  startup     process start → first request at the target, loadtest vs autocannon.
 *  rss         max RSS of 10,000 VUs with 5 s think time.
 *  open        open-model rate ladder (BENCH_RATES, default 5000,10000,20000,40000/s):
 *              achieved rate, dropped, lag p99, p99 of second 0 and of the steady
 *              seconds, event-loop p99, CPU — the generator's own truth at speed.
 *  stall       stall target (500 ms every 2 s, BENCH_STALL_RATES, default 2000,5000/s, 4 s):
 *              our p90/p95/p99 against an exact reference (test/support/exact-reference.ts:
 *              same target and schedule, each request stamped against its scheduled
 *              send with process.hrtime), target ±5 %.
 *  merge       coordinator CPU per merge interval and memory, 256 workers (bench/coordinator.ts).
 *
 * Usage: npm run bench [-- section…] ; env BENCH_SECONDS (default 10), BENCH_ROUNDS (2).
 * The target is nginx (one worker, `return 200`) when installed — it has spare CPU,
 * so the figures compare generators — else a Node server in a child process.
 * Everything runs on 127.0.0.1 and every load run is bounded by its duration.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { exactPercentile, exactReference, startStallTarget } from '../test/support/exact-reference.js';

const ROOT = resolve(import.meta.dirname, '..');
// BENCH_CLI: bench another build (e.g. a private one while dist/ is being rebuilt).
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'cli.mjs');
const AUTOCANNON = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const tmp = mkdtempSync(join(tmpdir(), 'lt-bench-'));

/** Quiet time before each result run (loadtestResult). */
const SETTLE_MS = 2000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function startTarget(): Promise<{ url: string; kind: string; stop(): void }> {
  const port = await freePort();
  if (spawnSync('sh', ['-c', 'command -v nginx']).status === 0) {
    const conf = join(tmp, 'nginx.conf');
    writeFileSync(
      conf,
      `worker_processes 1; daemon off; pid ${tmp}/nginx.pid; error_log ${tmp}/nginx.err;
events { worker_connections 20000; }
http { access_log off; keepalive_timeout 65; keepalive_requests 1000000;
  client_body_temp_path ${tmp}; proxy_temp_path ${tmp}; fastcgi_temp_path ${tmp}; uwsgi_temp_path ${tmp}; scgi_temp_path ${tmp};
  server { listen 127.0.0.1:${port}; location / { return 200 'ok'; } location /json { default_type application/json; return 200 '{"items":[{"id":1,"name":"a"},{"id":2,"name":"b"}],"token":"abc"}'; } } }
`,
    );
    const p = spawn('nginx', ['-c', conf, '-p', tmp], { stdio: 'ignore' });
    await waitForPort(port);
    return { url: `http://127.0.0.1:${port}`, kind: 'nginx (1 worker)', stop: () => p.kill('SIGQUIT') };
  }
  const code = `require('http').createServer((q,s)=>{ if(q.url==='/json'){s.setHeader('content-type','application/json');s.end('{"items":[{"id":1,"name":"a"},{"id":2,"name":"b"}],"token":"abc"}')} else s.end('ok') }).listen(${port},'127.0.0.1')`;
  const p = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  await waitForPort(port);
  return { url: `http://127.0.0.1:${port}`, kind: 'node http server', stop: () => p.kill() };
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      await r.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`target on port ${port} did not start`);
}

function plan(name: string, body: string): string {
  const p = join(tmp, `${name}.yaml`);
  writeFileSync(p, body);
  return p;
}

interface Measured {
  rps: number;
  maxRssMb: number;
}

/**
 * Runs a child to completion, sampling its RSS unless `sampleRss` is false (the open
 * and stall sections: their figures are the generator's timing, and the sampler is one
 * more process waking ten times a second on the two cores the generator and the
 * target share).
 */
async function runChild(cmd: string, args: string[], timeoutMs: number, sampleRss = true): Promise<{ stdout: string; maxRssMb: number; code: number | null }> {
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', () => undefined);
  let maxKb = 0;
  const sampler = !sampleRss ? undefined : setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) maxKb = Math.max(maxKb, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 100);
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  clearTimeout(killer);
  return { stdout, maxRssMb: maxKb / 1024, code };
}

async function loadtest(planPath: string): Promise<Measured> {
  const out = join(tmp, 'result.json');
  const r = await runChild(process.execPath, [CLI, 'run', planPath, '--quiet', '--out', out], (SECONDS + 60) * 1000);
  if (r.code !== 0) throw new Error(`loadtest exited ${r.code}: ${r.stdout.slice(-2000)}`);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  return { rps: result.summary.requests / (result.run.duration_ms / 1000), maxRssMb: r.maxRssMb };
}

async function autocannon(url: string): Promise<Measured> {
  const r = await runChild(process.execPath, [AUTOCANNON, '-c', '50', '-d', String(SECONDS), '--json', url], (SECONDS + 30) * 1000);
  const j = JSON.parse(r.stdout);
  return { rps: j.requests.total / (j.duration || SECONDS), maxRssMb: r.maxRssMb };
}

/** `wrk -t1 -c50` (Debian's wrk) → req/s. */
async function wrk(url: string): Promise<number> {
  const r = await runChild('wrk', ['-t1', '-c50', `-d${SECONDS}s`, url], (SECONDS + 30) * 1000);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  return m ? Number(m[1]) : NaN;
}

async function throughput(url: string): Promise<void> {
  const p = plan('throughput', `name: bench\ntarget: ${url}\nscenarios:\n  hammer:\n    duration: ${SECONDS}s\n    profile: { type: constant, vus: 50 }\n    steps:\n      - { name: root, method: GET, url: / }\n`);
  const lt: number[] = [];
  const ac: number[] = [];
  const wk: number[] = [];
  const hasWrk = spawnSync('sh', ['-c', 'command -v wrk']).status === 0;
  for (let r = 0; r < ROUNDS; r++) {
    lt.push((await loadtest(p)).rps);
    ac.push((await autocannon(`${url}/`)).rps);
    if (hasWrk) wk.push(await wrk(`${url}/`));
    console.log(`  round ${r + 1}: loadtest ${lt[r].toFixed(0)} req/s, autocannon ${ac[r].toFixed(0)} req/s${hasWrk ? `, wrk -t1 ${wk[r].toFixed(0)} req/s` : ''}`);
  }
  const mm = (xs: number[]) => `min ${Math.min(...xs).toFixed(0)} / median ${median(xs).toFixed(0)} / max ${Math.max(...xs).toFixed(0)}`;
  console.log(`throughput (50 connections, ${SECONDS}s, ${ROUNDS} alternating rounds): loadtest ${mm(lt)} req/s, autocannon ${mm(ac)} req/s, ratio ${(median(lt) / median(ac)).toFixed(3)}x${hasWrk ? `; wrk -t1 ${mm(wk)} req/s, ratio ${(median(lt) / median(wk)).toFixed(3)}x` : ''}`);
}

async function journey(url: string): Promise<void> {
  const head = `target: ${url}\nscenarios:\n  s:\n    duration: ${SECONDS}s\n    profile: { type: constant, vus: 50 }\n    steps:\n`;
  const plain = plan('plain', `name: plain\n${head}      - { name: json, method: GET, url: /json }\n`);
  const rich = plan(
    'rich',
    `name: rich\n${head}      - name: json\n        method: GET\n        url: "/json?vu={{ vu.id }}"\n        extract: { token: { json: "$.token" } }\n        checks: { status: [200] }\n`,
  );
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push((await loadtest(plain)).rps);
    b.push((await loadtest(rich)).rps);
    console.log(`  round ${r + 1}: plain ${a[r].toFixed(0)} req/s, template+extract+check ${b[r].toFixed(0)} req/s`);
  }
  const cost = 1 - median(b) / median(a);
  console.log(`journey step cost: plain ${median(a).toFixed(0)} req/s, template+extract+check ${median(b).toFixed(0)} req/s → ${(cost * 100).toFixed(1)}% slower`);
}

/**
 * Spawn → first request at a local server. The two tools alternate, run for run, so a
 * drift in the machine's speed (seen here: ±30 % within minutes) hits both alike;
 * median of STARTUP_RUNS (default 11) each.
 */
async function startup(): Promise<void> {
  let first = 0;
  const server = createServer((req, res) => {
    if (!first) first = performance.now();
    res.end('ok');
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const p = plan('startup', `name: startup\ntarget: ${url}\nscenarios:\n  s:\n    profile: { type: iterations, vus: 1, iterations: 1 }\n    steps:\n      - { name: root, method: GET, url: / }\n`);
  const spawnToFirstRequest = async (cmd: string, args: string[]) => {
    first = 0;
    const t0 = performance.now();
    await runChild(cmd, args, 30_000);
    return first ? first - t0 : NaN;
  };
  const runs = Number(process.env.STARTUP_RUNS ?? 11);
  const lts: number[] = [];
  const acs: number[] = [];
  for (let i = 0; i < runs; i++) {
    lts.push(await spawnToFirstRequest(process.execPath, [CLI, 'run', p, '--quiet']));
    acs.push(await spawnToFirstRequest(process.execPath, [AUTOCANNON, '-c', '1', '-a', '1', url]));
  }
  const [lt, ac] = [median(lts), median(acs)];
  server.closeAllConnections();
  server.close();
  console.log(`startup (spawn → first request, alternating, median of ${runs}): loadtest ${lt.toFixed(0)} ms (min ${Math.min(...lts).toFixed(0)}), autocannon ${ac.toFixed(0)} ms (min ${Math.min(...acs).toFixed(0)}), ratio ${(lt / ac).toFixed(3)}x`);
}

/**
 * One loadtest run's Result JSON. Each run starts after SETTLE_MS of quiet: the
 * previous run's process has just closed up to 2,000 connections and the target is
 * still tearing them down, which a back-to-back run's second 0 would pay for.
 */
async function loadtestResult(planPath: string): Promise<{ result: any; maxRssMb: number }> {
  const out = join(tmp, 'result.json');
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const r = await runChild(process.execPath, [CLI, 'run', planPath, '--quiet', '--out', out], (SECONDS + 60) * 1000, false);
  if (r.code !== 0 && r.code !== 99) throw new Error(`loadtest exited ${r.code}: ${r.stdout.slice(-2000)}`);
  return { result: JSON.parse(readFileSync(out, 'utf8')), maxRssMb: r.maxRssMb };
}

async function open(url: string): Promise<void> {
  const rates = (process.env.BENCH_RATES ?? '5000,10000,20000,40000').split(',').map(Number);
  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
  // The plans stay in tmp: any row can be rerun outside the bench, as `node dist/cli.mjs run <plan>`.
  console.log(`  plans: ${tmp}/open-<rate>.yaml`);
  console.log('  rate/s  round  achieved/s  dropped  lag p99  p99 s0  p99 steady  whole p99  loop p99  cpu %');
  for (let round = 0; round < ROUNDS; round++) {
    for (const rate of rates) {
      const p = plan(`open-${rate}`, `name: open\ntarget: ${url}\nscenarios:\n  s:\n    duration: ${SECONDS}s\n    profile: { type: constant_rate, rate: ${rate}, pre_allocated_vus: 200, max_vus: 2000 }\n    steps:\n      - { name: root, method: GET, url: / }\n`);
      const { result } = await loadtestResult(p);
      const ts = result.timeseries.filter((x: any) => x.t < SECONDS);
      const steady = ts.slice(1).map((x: any) => x.p99).sort((a: number, b: number) => a - b);
      const g = result.generator;
      console.log(
        `  ${String(rate).padStart(6)}  ${String(round + 1).padStart(5)}  ${f(result.summary.requests / SECONDS).padStart(10)}  ${String(result.summary.dropped_iterations).padStart(7)}  ${f(result.generator_lag_ms?.p99 ?? 0).padStart(7)}  ${f(ts[0]?.p99 ?? 0).padStart(6)}  ${f(median(steady) ?? 0).padStart(10)}  ${f(result.summary.latency_ms.p99).padStart(9)}  ${f(g?.event_loop_p99_ms ?? 0).padStart(8)}  ${f(g?.cpu_pct_max ?? 0).padStart(5)}`,
      );
    }
  }
}

async function stall(): Promise<void> {
  const rates = (process.env.BENCH_STALL_RATES ?? '2000,5000').split(',').map(Number);
  const path = '/stall?every=2000&for=500';
  // Two whole stall periods: every run sends a quarter of its arrivals into a stall.
  const durationMs = 4000;
  const demo = await startStallTarget();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const rate of rates) {
        // Each stall holds rate/2 arrivals: VUs (and reference connections) for all of them.
        const vus = Math.ceil(rate * 0.6);
        const ref = await exactReference({ origin: demo.url, path, ratePerSec: rate, durationMs, warmConnections: vus, holdPath: `/slow?ms=${Math.ceil(vus / 100) * 20 + 500}`, fastPath: "/" });
        const p = plan(`stall-${rate}`, `name: stall\ntarget: ${demo.url}\nscenarios:\n  s:\n    duration: ${durationMs}ms\n    profile: { type: constant_rate, rate: ${rate}, pre_allocated_vus: ${vus}, max_vus: ${vus * 2} }\n    steps:\n      - { name: stall, method: GET, url: "${path}" }\n`);
        const { result } = await loadtestResult(p);
        const cells = [90, 95, 99].map((q) => {
          const ours = result.summary.latency_ms[`p${q}`] as number;
          const exact = exactPercentile(ref, q);
          return `p${q} ${ours.toFixed(1)} vs ${exact.toFixed(1)} ms (${(100 * (ours / exact - 1)).toFixed(1)} %)`;
        });
        console.log(`stall ${rate}/s round ${round + 1}: ours vs exact reference: ${cells.join(', ')}; dropped ${result.summary.dropped_iterations}`);
      }
    }
  } finally {
    demo.stop();
  }
}

async function rss(url: string): Promise<void> {
  const secs = Math.max(SECONDS, 15);
  // Per-VU connections (the default, browser-like: 10,000 sockets) and one shared pool.
  for (const connections of ['per_vu', 'shared']) {
    const p = plan(`rss-${connections}`, `name: rss\ntarget: ${url}\nhttp: { connections: ${connections} }\nscenarios:\n  s:\n    duration: ${secs}s\n    think_time: 5s\n    profile: { type: constant, vus: 10000 }\n    steps:\n      - { name: root, method: GET, url: / }\n`);
    const m = await loadtest(p);
    console.log(`rss: 10,000 VUs with 5 s think time for ${secs}s, connections ${connections}: max RSS ${m.maxRssMb.toFixed(0)} MB (${m.rps.toFixed(0)} req/s)`);
  }
}

const sections = process.argv.slice(2);
const want = (s: string) => sections.length === 0 || sections.includes(s);
if (!existsSync(CLI)) {
  console.error('dist/cli.mjs is missing: run `npm run build` first');
  process.exit(2);
}
const target = await startTarget();
console.log(`target: ${target.kind} at ${target.url}; ${SECONDS}s per run, ${ROUNDS} rounds`);
try {
  if (want('throughput')) await throughput(target.url);
  if (want('journey')) await journey(target.url);
  if (want('startup')) await startup();
  if (want('rss')) await rss(target.url);
  if (want('open')) await open(target.url);
  if (want('stall')) await stall();
} finally {
  target.stop();
}
if (want('merge')) {
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'coordinator.ts')], { stdio: 'inherit' });
}

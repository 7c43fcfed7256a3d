/**
 * `loadtest coordinator --dashboard`: the live page of a distributed run is fed by the
 * merged intervals (its event stream shows the workers' requests while the run goes
 * on), and the coordinator still exits when the run ends.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startDemoTarget } from '../../src/demo/target.js';
import { ROOT, planFile, runCli } from '../helpers.js';

let target: Awaited<ReturnType<typeof startDemoTarget>>;
before(async () => {
  target = await startDemoTarget({ port: 0, quiet: true });
});
after(() => target.close());

/** Data lines of a server-sent event stream, until `enough` says stop or `ms` pass. */
async function readEvents(url: string, enough: (events: unknown[]) => boolean, ms: number): Promise<unknown[]> {
  const events: unknown[] = [];
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), ms);
  try {
    const res = await fetch(url, { signal: ctl.signal });
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += Buffer.from(chunk).toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
      }
      if (enough(events)) break;
    }
  } catch (err) {
    if (!ctl.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
  return events;
}

test('coordinator --dashboard streams the merged intervals while workers run, then exits', async () => {
  const plan = planFile(`
name: live-cluster
target: ${target.url}
scenarios:
  s:
    duration: 5s
    profile: { type: constant_rate, rate: 50, pre_allocated_vus: 5, max_vus: 20 }
    steps:
      - { name: fast, method: GET, url: /fast }
`);
  const token = 'dashboard-test-token';
  const coord = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'coordinator', plan, '--workers', '1', '--token', token, '--dashboard', '--dashboard-port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  coord.stdout.on('data', (d) => (out += d));
  coord.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((res) => coord.on('exit', (code) => res(code)));
  try {
    const waitFor = async (re: RegExp, text: () => string) => {
      for (let i = 0; i < 300 && !re.test(text()); i++) await new Promise((r) => setTimeout(r, 50));
      const m = re.exec(text());
      assert.ok(m, `expected ${re} in: ${text()}`);
      return m;
    };
    const relay = (await waitFor(/relay: (http:\/\/\S+) token: (\S+)/, () => out))[1];
    const dashboard = (await waitFor(/dashboard: (http:\/\/\S+)/, () => err))[1];
    const worker = runCli(['worker', '--relay', relay, '--token', token, '--id', 'w1'], { timeoutMs: 60_000 });
    const events = await readEvents(`${dashboard}events`, (evs) => evs.filter((e) => JSON.stringify(e).includes('"requests"')).length >= 2, 20_000);
    const withRequests = events.map((e) => JSON.stringify(e)).filter((t) => /"requests":[1-9]/.test(t));
    assert.ok(withRequests.length >= 1, `live events carry the workers' requests: ${JSON.stringify(events).slice(0, 500)}`);
    const w = await worker;
    assert.equal(w.code, 0, w.stderr);
    assert.equal(await exited, 0, err);
  } finally {
    coord.kill('SIGKILL');
  }
});

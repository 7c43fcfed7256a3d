/** `loadtest demo-target` as a user runs it: a child process, real requests, real signals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers.js';
import { spawnDemoTarget } from './spawn-target.js';

test('prints its URL, serves /healthz (also via localhost), and exits 0 on SIGTERM', async () => {
  const t = await spawnDemoTarget(['--port', '0']);
  let exited = false;
  try {
    assert.match(t.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await fetch(`${t.url}/healthz`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'ok');
    const port = new URL(t.url).port;
    const viaName = await fetch(`http://localhost:${port}/fast`);
    assert.deepEqual(await viaName.json(), { ok: true });
    t.child.kill('SIGTERM');
    const { code, signal } = await t.exited;
    exited = true;
    assert.equal(signal, null);
    assert.equal(code, 0, t.output().stderr);
    assert.match(t.output().stderr, /demo target stopped/);
  } finally {
    if (!exited) {
      t.child.kill('SIGKILL');
      await t.exited;
    }
  }
});

test('SIGINT stops it the same way', async () => {
  const t = await spawnDemoTarget(['--port', '0', '--quiet']);
  t.child.kill('SIGINT');
  const { code } = await t.exited;
  assert.equal(code, 0, t.output().stderr);
  assert.doesNotMatch(t.output().stderr, /demo target stopped/, '--quiet keeps stderr quiet');
});

/** Runs `loadtest …` in-process through main(), capturing output (fast; same code path as the binary). */
async function inProcess(argv: string[], signal = new AbortController().signal): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (append(String(chunk)), cb()) });
  const code = await main(argv, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), signal, env: {}, cwd: process.cwd() });
  return { code, stdout, stderr };
}

test('bad flags are usage errors (exit 2) naming the flag', async () => {
  const cases: [string[], RegExp][] = [
    [['--port', 'abc'], /--port must be an integer from 0 to 65535 \(got 'abc'\)/],
    [['--port', '70000'], /--port must be an integer/],
    [['--port', '1.5'], /--port must be an integer/],
    [['--port', '-1'], /--port/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /takes no positional arguments \(got 'extra'\)/],
    [['--host', ''], /--host must not be empty/],
  ];
  for (const [args, message] of cases) {
    const r = await inProcess(['demo-target', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  // And once through the real binary, for the exit status itself.
  const r = await runCli(['demo-target', '--port', 'abc'], { timeoutMs: 20_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--port must be an integer/);
});

test('a port already in use is a clear error, exit 1, no stack trace', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = await inProcess(['demo-target', '--port', String(port)]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});

test('in-process: an aborted signal closes the target and returns 0', async () => {
  const ac = new AbortController();
  let url = '';
  let stdout = '';
  const out = new Writable({
    write: (chunk, _enc, cb) => {
      stdout += String(chunk);
      url = /listening on (\S+)/.exec(stdout)?.[1] ?? url;
      cb();
    },
  });
  const running = main(['demo-target', '--port', '0', '--quiet'], { stdout: out, stderr: new Writable({ write: (_c, _e, cb) => cb() }), signal: ac.signal, env: {}, cwd: process.cwd() });
  for (let i = 0; i < 200 && !url; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(url, 'printed its URL');
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  ac.abort();
  assert.equal(await running, 0);
  await assert.rejects(fetch(`${url}/healthz`), 'closed after abort');
});

test('--help shows the usage', async () => {
  const r = await inProcess(['demo-target', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: loadtest demo-target \[--port 8080\]/);
  const top = await inProcess(['--help']);
  assert.match(top.stdout, /demo-target\s+Serve the built-in demo target/);
});

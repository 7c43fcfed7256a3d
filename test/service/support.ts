/** Real controller and agent processes for the service tests (spawned from source). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

/** A spawned `loadtest` process with its output so far. */
export interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `loadtest <args>` from source. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, out: () => out, err: () => err, exited };
}

/** Polls `cond` every 100 ms, at most `maxMs`; throws naming `what` when it never holds. */
export async function until<T>(what: string, cond: () => T | undefined | false | Promise<T | undefined | false>, maxMs = 20_000): Promise<T> {
  for (let i = 0; i < maxMs / 100; i++) {
    const v = await cond();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts `loadtest serve` on port 0 and waits for its URL line. */
export async function startServe(db: string, token = 'test-token'): Promise<Proc & { url: string; token: string }> {
  const p = spawnCli(['serve', '--listen', '127.0.0.1:0', '--db', db, '--token', token]);
  const m = await until('the controller URL', () => /controller: (http:\/\/\S+) token: (\S+)/.exec(p.out()) ?? (p.child.exitCode !== null ? (() => { throw new Error(`serve exited: ${p.err()}`); })() : undefined));
  return { ...p, url: m[1], token: m[2] };
}

/** Starts `loadtest agent` processes. */
export function startAgent(url: string, token: string, id: string): Proc {
  return spawnCli(['agent', '--controller', url, '--token', token, '--id', id]);
}

/** Calls the API with the token. */
export async function api<T = unknown>(url: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, text };
}

/** Reads SSE snapshot events of a run until `n` arrived or the stream ended; records arrival times. */
export async function readSse(url: string, token: string, runId: string, n: number): Promise<{ events: { atMs: number; data: { snapshot: { seq: number }; activeVus: number } }[]; ended: boolean }> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 30_000);
  const res = await fetch(`${url}/runs/${runId}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: ctl.signal });
  const events: { atMs: number; data: { snapshot: { seq: number }; activeVus: number } }[] = [];
  let buf = '';
  let ended = false;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += Buffer.from(chunk).toString();
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (block.startsWith('event: end')) ended = true;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (block.startsWith('event: snapshot') && data) events.push({ atMs: Date.now(), data: JSON.parse(data) });
      }
      if (ended || events.length >= n) break;
    }
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
  return { events, ended };
}

/**
 * A demo target started for one test file, and the one request helper its tests use:
 * undici `request()` through a keep-alive agent, optionally with a VU cookie jar
 * (cookies sent and stored as a VU does), timed.
 */
import { after, before } from 'node:test';
import { Agent, request } from 'undici';
import { startDemoTarget, type DemoTarget } from '../../src/demo/target.js';
import type { VuCookieJar } from '../../src/engine/cookies.js';

/** One response, read whole. */
export interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  ms: number;
  json: () => any;
}

export interface CallInit {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  jar?: VuCookieJar;
  /** Another base URL than the target's (e.g. http://localhost:PORT). */
  base?: string;
}

/** Starts a demo target before the file's tests and closes it (and the agent) after. */
export function useDemoTarget(opts: { connections?: number } = {}): { target: () => DemoTarget; agent: Agent; call: (path: string, init?: CallInit) => Promise<Got> } {
  let target: DemoTarget;
  const agent = new Agent(opts.connections ? { connections: opts.connections } : {});
  before(async () => {
    target = await startDemoTarget({ port: 0, quiet: true });
  });
  after(async () => {
    await agent.close();
    await target.close();
  });
  async function call(path: string, init: CallInit = {}): Promise<Got> {
    const url = `${init.base ?? target.url}${path}`;
    const headers = { ...init.headers };
    const cookie = init.jar?.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    const t0 = performance.now();
    const res = await request(url, { method: (init.method ?? 'GET') as 'GET', body: init.body, headers, dispatcher: agent });
    init.jar?.store(url, res.headers['set-cookie']);
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, ms: performance.now() - t0, json: () => JSON.parse(text) };
  }
  return { target: () => target, agent, call };
}

/** The CLI's side of the controller API: one bounded request, errors as LtError naming the controller. */
import { request } from 'undici';
import { LtError, UsageError } from '../errors.js';

/** Where the controller is and how to authenticate (flags, then LOADTEST_CONTROLLER / LOADTEST_TOKEN). */
export interface ControllerRef {
  url: string;
  token: string;
}

/** Resolves the controller from flags and environment; UsageError when either is missing. */
export function controllerRef(values: { controller?: unknown; token?: unknown }, env: NodeJS.ProcessEnv, command: string): ControllerRef {
  const url = (values.controller as string | undefined) ?? env.LOADTEST_CONTROLLER;
  const token = (values.token as string | undefined) ?? env.LOADTEST_TOKEN;
  if (!url) throw new UsageError(`${command} needs --controller URL (or LOADTEST_CONTROLLER)`);
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--controller: not an http(s) URL (got '${url}')`);
  if (!token) throw new UsageError(`${command} needs --token T (or LOADTEST_TOKEN)`);
  return { url: url.replace(/\/+$/, ''), token };
}

/** Calls the API; resolves to the body text, throws LtError('LT_ERR_API') with the API's message on non-2xx. */
export async function callApi(ref: ControllerRef, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<string> {
  let res;
  try {
    res = await request(`${ref.url}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${ref.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new LtError('LT_ERR_API', `controller ${ref.url} unreachable: ${(err as Error).message}`, { cause: err });
  }
  const text = await res.body.text();
  if (res.statusCode >= 200 && res.statusCode < 300) return text;
  let message = text.slice(0, 500);
  try {
    const e = (JSON.parse(text) as { error?: { code: string; message: string } }).error;
    if (e) message = `${e.message} (${e.code})`;
  } catch {
    /* keep the raw text */
  }
  throw new LtError('LT_ERR_API', `controller answered ${res.statusCode} to ${method} ${path}: ${message}`, { exitCode: res.statusCode === 400 ? 2 : 1 });
}

/** callApi, parsed as JSON. */
export async function callJson<T>(ref: ControllerRef, method: string, path: string, body?: unknown): Promise<T> {
  return JSON.parse(await callApi(ref, method, path, body)) as T;
}

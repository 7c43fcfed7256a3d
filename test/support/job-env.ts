/**
 * The runner environment of one job, for the real @actions/* clients in-process.
 *
 * @actions/artifact reads ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, GITHUB_SERVER_URL
 * and GITHUB_WORKSPACE from process.env at call time (config.ts), several times per
 * call (token → ids, then the Twirp client). Two "jobs" in one test process therefore
 * take turns: `jobArtifactClient` runs each call under a process-wide lock with that
 * job's env in place, and restores the env after. Child processes (action-harness.ts)
 * need none of this.
 */
import { DefaultArtifactClient, type ArtifactClient } from '@actions/artifact';
import { fakeRuntimeToken } from './jwt.js';

/** The variables the runner gives a JavaScript action for the artifact and REST clients. */
export function actionsRuntimeEnv(opts: { resultsUrl: string; runId: string | number; jobId: string | number; workspace?: string; apiUrl?: string }): Record<string, string> {
  return {
    ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(opts.runId, opts.jobId),
    // Only the origin is used (config.ts getResultsServiceUrl); the runner's value ends in '/'.
    ACTIONS_RESULTS_URL: `${opts.resultsUrl}/`,
    // Loopback never goes through a proxy: the Azure SDK has no loopback bypass of its own.
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...(opts.workspace ? { GITHUB_WORKSPACE: opts.workspace } : {}),
    ...(opts.apiUrl ? { GITHUB_API_URL: opts.apiUrl } : {}),
  };
}

/** Variables that must be absent: a GHES-looking server URL makes every artifact call throw; proxies would catch loopback. */
export const UNSET_VARS = ['GITHUB_SERVER_URL', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'] as const;

let lock: Promise<unknown> = Promise.resolve();

/** Runs `fn` with `env` applied to process.env (and UNSET_VARS removed), one caller at a time. */
export function withJobEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const saved = new Map<string, string | undefined>();
    for (const k of [...Object.keys(env), ...UNSET_VARS]) saved.set(k, process.env[k]);
    for (const k of UNSET_VARS) delete process.env[k];
    Object.assign(process.env, env);
    try {
      return await fn();
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
  const result = lock.then(run, run);
  lock = result.catch(() => undefined);
  return result;
}

/** The real DefaultArtifactClient, every call made as job `jobId` of run `runId`. */
export function jobArtifactClient(opts: { resultsUrl: string; runId: string | number; jobId: string | number; workspace?: string }): ArtifactClient {
  const inner = new DefaultArtifactClient();
  const env = actionsRuntimeEnv(opts);
  return {
    uploadArtifact: (...a) => withJobEnv(env, () => inner.uploadArtifact(...a)),
    listArtifacts: (...a) => withJobEnv(env, () => inner.listArtifacts(...a)),
    getArtifact: (...a) => withJobEnv(env, () => inner.getArtifact(...a)),
    downloadArtifact: (...a) => withJobEnv(env, () => inner.downloadArtifact(...a)),
    deleteArtifact: (...a) => withJobEnv(env, () => inner.deleteArtifact(...a)),
  };
}

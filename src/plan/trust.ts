/**
 * What a plan from an untrusted source may touch (issue 16, point 4; README "Trust
 * model"). A plan is text anyone can write (a fork's pull request, a coordinator at the
 * other end of a relay), so what it may read of the machine running it is decided by
 * whoever runs it, never by the plan:
 *
 * - `env:` names: only those in the runner's allow-list (CLI `--allow-env`, Action
 *   input `env-allow`, a worker's own `--allow-env`), and never the CI runner's own
 *   credentials and inputs, whatever any list says;
 * - data files and body files: only inside the plan's folder (the base directory) or a folder the
 *   runner allowed (`--allow-path`, input `allow-path`), symlinks resolved.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Names a plan can never read: the runner's job credentials (ACTIONS_RUNTIME_TOKEN,
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN…), the Action's inputs (INPUT_TOKEN, INPUT_GITHUB-TOKEN),
 * the runner's own variables, the GitHub token, and the relay token of this tool.
 */
const NEVER = /^(?:ACTIONS_|INPUT_|RUNNER_)|^(?:GITHUB_TOKEN|GH_TOKEN|LOADTEST_RELAY_TOKEN)$/i;

/** Why no plan may read `name`, or undefined when an allow-list may grant it. */
export function neverReadable(name: string): string | undefined {
  if (!NEVER.test(name)) return undefined;
  return `${name} is never readable by a plan (the runner's credentials and inputs: ACTIONS_*, INPUT_*, RUNNER_*, GITHUB_TOKEN, GH_TOKEN, LOADTEST_RELAY_TOKEN), whatever an allow-list says`;
}

/** The allow-lists a run was given, and how to name them in messages. */
export interface TrustOptions {
  /** Env names the plan may read; undefined = whatever the plan lists (the CLI running one's own plan). */
  allowEnv?: readonly string[];
  /** Where `allowEnv` came from, for messages (default `--allow-env`). */
  allowEnvFrom?: string;
  /** Confine data files to the base directory plus these folders; undefined = no confinement. */
  allowPaths?: readonly string[];
  /** Where `allowPaths` came from, for messages (default `--allow-path`). */
  allowPathsFrom?: string;
}

/** Parses `A,B C` (commas or white space) into env names; throws UsageError naming `label`. */
export function parseEnvNames(text: string | undefined, label: string): string[] {
  const names = (text ?? '').split(/[\s,]+/).filter(Boolean);
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new UsageError(`${label}: '${n}' is not an environment variable name (letters, digits, _)`);
  }
  return names;
}

/** Parses a list of folders (commas or newlines), resolved against `cwd`. */
export function parsePaths(text: string | undefined, cwd: string): string[] {
  return (text ?? '')
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((p) => resolve(cwd, p));
}

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

const inside = (dir: string, file: string): boolean => {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * Why `file` (absolute; a `what`, default "data file") may not be read under `opts`, or undefined. Symlinks are
 * resolved on both sides, so a link inside the folder pointing out of it is refused.
 */
export function dataPathProblem(file: string, baseDir: string, opts: TrustOptions, what = 'data file'): string | undefined {
  if (!opts.allowPaths) return undefined;
  const target = real(file);
  const roots = [baseDir, ...opts.allowPaths].map(real);
  if (roots.some((r) => inside(r, target))) return undefined;
  return `${what} ${file} is outside the plan's folder (${baseDir})${opts.allowPaths.length ? ` and the allowed folders (${opts.allowPaths.join(', ')})` : ''}; allow its folder with ${opts.allowPathsFrom ?? '--allow-path'}`;
}

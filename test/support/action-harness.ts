/**
 * Runs an Action entry (default dist/index.js) in a child process with the
 * environment a GitHub runner gives a node action (gha.md §4, §6): INPUT_* variables,
 * file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_STATE,
 * GITHUB_PATH), the event payload file, the GITHUB_* context, and the runtime token
 * and URLs pointing at the local fakes. The child runs the real @actions/* code over
 * real HTTP; nothing is stubbed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeGitHub } from './fake-github-api.js';
import type { FakeResults } from './fake-results-service.js';
import { actionsRuntimeEnv } from './job-env.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** What to run and as which job. */
export interface RunActionOptions {
  inputs: Record<string, string>;
  /** Extra or overriding environment variables (applied last). */
  env?: Record<string, string>;
  /** Event payload written to GITHUB_EVENT_PATH (default `{}`). */
  event?: object;
  /** GITHUB_EVENT_NAME (default `push`). */
  eventName?: string;
  runId: number | string;
  /** This job's backend id (also GITHUB_JOB unless env overrides it). */
  jobId: string;
  runAttempt?: number;
  results: FakeResults;
  github?: FakeGitHub;
  /** Script to run (default $LT_ACTION_ENTRY, else dist/index.js); `.ts` entries run through tsx. */
  entry?: string;
  /** An existing workspace (left alone); default a fresh temp dir, removed afterwards unless keepWorkspace. */
  workspace?: string;
  keepWorkspace?: boolean;
  /** The child is SIGKILLed after this long (bounded: default 60 s). */
  timeoutMs?: number;
  /** Called with each stdout chunk as it arrives. */
  onStdout?: (chunk: string) => void;
}

/** How a run ended and what it left behind. */
export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Parsed GITHUB_OUTPUT (both `name=value` and `name<<delim` forms). */
  outputs: Record<string, string>;
  /** Contents of GITHUB_STEP_SUMMARY. */
  summary: string;
  /** Parsed GITHUB_ENV (exportVariable). */
  exportedEnv: Record<string, string>;
  /** The workspace used (removed already unless given or keepWorkspace). */
  workspace: string;
}

/** A started action: kill it, read its output so far, await its end. */
export interface ActionHandle {
  readonly child: ChildProcess;
  readonly done: Promise<ActionRun>;
  kill(signal?: NodeJS.Signals): void;
  stdoutSoFar(): string;
  /** Resolves with the stdout so far once it matches `re`; rejects after `timeoutMs` or if the child ends first. */
  waitForStdout(re: RegExp, timeoutMs?: number): Promise<string>;
}

/** INPUT_<NAME> as the runner names it: uppercased, spaces → `_`, dashes kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parses a file-command file (GITHUB_OUTPUT/GITHUB_ENV): `k=v` lines and `k<<DELIM … DELIM` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end < 0) throw new Error(`file command ${heredoc[1]}: delimiter ${heredoc[2]} never closes`);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`file command line without = or <<: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** A workflow command annotation (`::error file=…,line=…::message`). */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
  title?: string;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProp = (s: string) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));

/** Every `::error|warning|notice …::msg` line of stdout, unescaped as the runner does. */
export function parseAnnotations(stdout: string): Annotation[] {
  const out: Annotation[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const a: Annotation = { level: m[1] as Annotation['level'], message: unescapeData(m[3]) };
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      const k = pair.slice(0, eq);
      const v = unescapeProp(pair.slice(eq + 1));
      if (k === 'file' || k === 'title') a[k] = v;
      else if (k === 'line' || k === 'col' || k === 'endLine' || k === 'endColumn') a[k] = Number(v);
    }
    out.push(a);
  }
  return out;
}

/** Starts the action; see RunActionOptions. */
export function startAction(opts: RunActionOptions): ActionHandle {
  const root = mkdtempSync(join(tmpdir(), 'lt-action-'));
  const files = join(root, 'file-commands');
  const runnerTemp = join(root, 'runner-temp');
  const workspace = opts.workspace ?? join(root, 'workspace');
  for (const d of [files, runnerTemp, workspace]) mkdirSync(d, { recursive: true });
  const paths = { output: join(files, 'output'), summary: join(files, 'summary'), env: join(files, 'env'), state: join(files, 'state'), path: join(files, 'path'), event: join(files, 'event.json') };
  for (const p of [paths.output, paths.summary, paths.env, paths.state, paths.path]) writeFileSync(p, '');
  writeFileSync(paths.event, JSON.stringify(opts.event ?? {}));
  const repo = 'octo-org/octo-repo';
  // Only what a runner passes through; never the test process's proxies or GitHub vars.
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SystemRoot']) if (process.env[k]) base[k] = process.env[k]!;
  const env: Record<string, string> = {
    ...base,
    CI: 'true', GITHUB_ACTIONS: 'true', RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64', RUNNER_NAME: 'fake-runner', RUNNER_TEMP: runnerTemp, RUNNER_TOOL_CACHE: join(root, 'tool-cache'),
    GITHUB_REPOSITORY: repo, GITHUB_REPOSITORY_OWNER: 'octo-org', GITHUB_ACTOR: 'octocat', GITHUB_RUN_ID: String(opts.runId), GITHUB_RUN_NUMBER: '1', GITHUB_RUN_ATTEMPT: String(opts.runAttempt ?? 1),
    GITHUB_JOB: opts.jobId, GITHUB_ACTION: '__loadtest', GITHUB_WORKFLOW: 'loadtest', GITHUB_WORKFLOW_REF: `${repo}/.github/workflows/loadtest.yml@refs/heads/main`,
    GITHUB_EVENT_NAME: opts.eventName ?? 'push', GITHUB_EVENT_PATH: paths.event, GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567', GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main',
    GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: paths.output, GITHUB_STEP_SUMMARY: paths.summary, GITHUB_ENV: paths.env, GITHUB_STATE: paths.state, GITHUB_PATH: paths.path,
    // GITHUB_SERVER_URL stays unset: anything but github.com/*.ghe.com/*.localhost reads as GHES and every artifact call throws.
    ...actionsRuntimeEnv({ resultsUrl: opts.results.url, runId: opts.runId, jobId: opts.jobId, apiUrl: opts.github?.url }),
  };
  for (const [k, v] of Object.entries(opts.inputs)) env[inputEnvName(k)] = v;
  Object.assign(env, opts.env ?? {});
  const entry = resolve(ROOT, opts.entry ?? process.env.LT_ACTION_ENTRY ?? 'dist/index.js');
  // The child's cwd is the workspace (no node_modules there), so tsx is named by its absolute URL.
  const tsx = () => pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;
  const argv = entry.endsWith('.ts') ? ['--import', tsx(), entry] : [entry];
  const child = spawn(process.execPath, argv, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    opts.onStdout?.(d);
    for (const w of watchers) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const done = new Promise<ActionRun>((resolveRun, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of watchers) w();
      try {
        const run: ActionRun = { code, signal, timedOut, stdout, stderr, outputs: parseFileCommands(readFileSync(paths.output, 'utf8')), summary: readFileSync(paths.summary, 'utf8'), exportedEnv: parseFileCommands(readFileSync(paths.env, 'utf8')), workspace };
        resolveRun(run);
      } catch (err) {
        reject(err);
      } finally {
        rmSync(files, { recursive: true, force: true });
        rmSync(runnerTemp, { recursive: true, force: true });
        if (!opts.workspace && !opts.keepWorkspace) rmSync(root, { recursive: true, force: true });
      }
    });
  });
  let exited = false;
  void done.then(() => (exited = true), () => (exited = true));
  return {
    child,
    done,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    stdoutSoFar: () => stdout,
    waitForStdout(re, timeoutMs = 30_000) {
      return new Promise<string>((res, rej) => {
        const check = () => {
          if (re.test(stdout)) finish(() => res(stdout));
          else if (exited || child.exitCode !== null || child.signalCode !== null) finish(() => rej(new Error(`action ended before stdout matched ${re}`)));
        };
        const t = setTimeout(() => finish(() => rej(new Error(`stdout did not match ${re} within ${timeoutMs} ms`))), timeoutMs);
        const finish = (f: () => void) => {
          clearTimeout(t);
          watchers.delete(check);
          f();
        };
        watchers.add(check);
        check();
      });
    },
  };
}

/** Runs the action to completion; see startAction. */
export function runAction(opts: RunActionOptions): Promise<ActionRun> {
  return startAction(opts).done;
}

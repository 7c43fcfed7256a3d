/** Small helpers shared by tests: plans from text, the CLI in a child process, temp dirs. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPlan } from '../src/plan/load.js';
import type { Plan } from '../src/plan/types.js';

export const ROOT = resolve(import.meta.dirname, '..');

/** A fresh temp directory. */
export function tempDir(prefix = 'lt-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Loads a plan from YAML text (file name for messages). */
export function planFrom(yaml: string, file = 'test.yaml'): Plan {
  return loadPlan(yaml, file, { env: {} });
}

/** Writes YAML to a temp file and returns its path. */
export function planFile(yaml: string, dir = tempDir()): string {
  const p = join(dir, 'plan.yaml');
  writeFileSync(p, yaml);
  return p;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `loadtest <args>` from source in a child process. `onStdout` may act on output
 * as it arrives (e.g. send SIGINT). Killed after `timeoutMs`.
 */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<CliRun> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr });
    });
  });
}

/** A loopback target that answers 200 "ok" and counts what it received; `close` stops it. */
export async function countingTarget(): Promise<{ url: string; served: () => number; close: () => void }> {
  const { createServer } = await import('node:http');
  let served = 0;
  const server = createServer((_req, res) => {
    served++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as import('node:net').AddressInfo;
  return { url: `http://127.0.0.1:${port}`, served: () => served, close: () => server.close() };
}

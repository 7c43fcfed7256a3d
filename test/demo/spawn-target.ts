/** Starts `loadtest demo-target` from source in a child process (for CLI and memory tests). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

export interface SpawnedTarget {
  child: ChildProcess;
  /** The URL from the 'demo target listening on <url>' line. */
  url: string;
  /** Everything written so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code and signal once the child has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the CLI with `args` after `demo-target`; rejects if no URL line arrives within `timeoutMs`. */
export function spawnDemoTarget(args: string[], timeoutMs = 20_000): Promise<SpawnedTarget> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'demo-target', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL line within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /demo target listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => ({ stdout, stderr }), exited });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`demo-target exited (${code}) before listening; stderr: ${stderr}`));
    });
  });
}

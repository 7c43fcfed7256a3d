/**
 * Runs `loadtest validate` (the CLI's main(), as the binary does) on each plan path in
 * argv, one after the other in this process, and prints one JSON line: each file's
 * exit code and stderr, and the process's peak RSS. Node's own warnings, if any, go to
 * this process's stderr, which the caller checks is empty.
 */
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

const results: { file: string; code: number; stderr: string; stdout: string }[] = [];
for (const file of process.argv.slice(2)) {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (add(String(chunk)), cb()) });
  const code = await main(['validate', file], {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    signal: new AbortController().signal,
    env: { ...process.env },
    cwd: process.cwd(),
  });
  results.push({ file, code, stderr, stdout: stdout.slice(0, 200) });
}
// maxRSS is in KiB.
process.stdout.write(JSON.stringify({ results, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');

/**
 * Issue 16 point 7: `loadtest run … | head -1` crashed with an unhandled EPIPE stack
 * trace and wrote no `--out` file. The bundled CLI (dist/cli.mjs, `npm run build`) is
 * run with its stdout a pipe that this test closes after the first chunk, as head does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planFile, tempDir, ROOT } from '../helpers.js';

test('EPIPE on stdout: ignored, no stack trace, --out still written, exit code unchanged', { timeout: 30_000 }, async () => {
  const server = createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const dir = tempDir();
  const out = join(dir, 'r.json');
  // Progress lines every second for 3 s, then the tables: writes keep coming after the reader is gone.
  const plan = planFile(`target: http://127.0.0.1:${(server.address() as { port: number }).port}\nscenarios:\n  s:\n    duration: 3s\n    profile: { type: constant, vus: 1 }\n    think_time: 20ms\n    steps: [{ name: a, url: / }]\n`, dir);
  try {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.mjs'), 'run', plan, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const [code, signal] = await once(child, 'exit');
    clearTimeout(timer);
    assert.equal(signal, null, stderr);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|\n\s+at /, 'no stack trace');
    assert.ok(existsSync(out), 'the --out file is written');
    assert.ok(JSON.parse(readFileSync(out, 'utf8')).summary.requests > 0);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

/**
 * Issue 13: `body_file:` sends a file's content as the request body — for bodies too
 * big to write inline. Read once at plan load (relative to the plan's folder, under the
 * data files' path policy, bounded by limits.max_body_file), sent verbatim; every
 * error a located message and exit 2 from `loadtest validate`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlanFile } from '../../src/plan/load.js';
import { runPlan } from '../../src/runner.js';
import { PlanError } from '../../src/errors.js';
import { ROOT, tempDir } from '../helpers.js';
import { readBody } from '../support/read-body.js';

const plan = (target: string, step: string, extra = '') => `name: body-file
target: ${target}
warmup: false
${extra}scenarios:
  s:
    profile: { type: iterations, vus: 1, iterations: 3 }
    steps:
      - ${step}
`;

test('a real server receives the file byte for byte, verbatim (no templating), from a copy read once at load', async () => {
  const got: Buffer[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((b) => {
      got.push(b);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const dir = tempDir();
    mkdirSync(join(dir, 'payloads'));
    // Over the inline limit (256 KiB), multi-byte UTF-8, and a `{{` that must not be rendered.
    const content = `{"note":"ünïcødé ✓ {{not.a.template}}","pad":"${'x'.repeat(300 * 1024)}"}\n`;
    writeFileSync(join(dir, 'payloads', 'order.json'), content);
    const file = join(dir, 'plan.yaml');
    writeFileSync(file, plan(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, '{ name: post, method: POST, url: /orders, headers: { content-type: application/json }, body_file: payloads/order.json }'));
    const loaded = loadPlanFile(file, { env: {} });
    rmSync(join(dir, 'payloads', 'order.json')); // read at load, not per request
    const r = await runPlan(loaded);
    assert.equal(r.summary.requests, 3);
    assert.equal(r.summary.errors, 0);
    assert.equal(got.length, 3);
    for (const b of got) assert.ok(b.equals(Buffer.from(content, 'utf8')), `received ${b.length} bytes, the file has ${Buffer.byteLength(content)}`);
  } finally {
    server.close();
  }
});

test('body_file follows the data files’ path policy: outside the plan’s folder is refused when the runner confines paths', () => {
  const dir = tempDir();
  const outside = tempDir();
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  const file = join(dir, 'plan.yaml');
  writeFileSync(file, plan('http://127.0.0.1:9', `{ name: post, method: POST, url: /, body_file: ${join(outside, 'secret.txt')} }`));
  assert.throws(
    () => loadPlanFile(file, { env: {}, allowPaths: [], allowPathsFrom: "this worker's --allow-path" }),
    (e: unknown) => e instanceof PlanError && /plan.yaml:8:\d+: scenarios\.s\.steps\[0\]\.body_file: body file .*secret\.txt is outside the plan's folder .*; allow its folder with this worker's --allow-path/.test(e.message),
  );
  assert.equal(loadPlanFile(file, { env: {}, allowPaths: [outside] }).scenarios[0].steps[0].kind, 'request', 'allowed folder: loads');
});

/** `node bin/loadtest.js validate <plan>` (the bundle, as users run it). */
function validate(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/loadtest.js'), 'validate', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('body_file errors: missing, too big, a directory, not UTF-8, beside body or json — each exit 2 with a located message, no stack trace', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'big.txt'), 'x'.repeat(64));
  writeFileSync(join(dir, 'ok.txt'), 'fine');
  writeFileSync(join(dir, 'binary.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x80]));
  mkdirSync(join(dir, 'adir'));
  const step = (extra: string) => `{ name: post, method: POST, url: /, ${extra} }`;
  const cases: [string, string, RegExp][] = [
    ['missing', plan('http://127.0.0.1:9', step('body_file: nope.json')), /missing.yaml:8:\d+: scenarios\.s\.steps\[0\]\.body_file: cannot read body file 'nope\.json' \(no such file; looked in .+\)/],
    ['too-big', plan('http://127.0.0.1:9', step('body_file: big.txt'), 'limits: { max_body_file: 16 }\n'), /too-big\.yaml:9:\d+: scenarios\.s\.steps\[0\]\.body_file: body file 'big\.txt' \(64 bytes\) is over the limit of 16 bytes for the body_file: of one step .*raise it in the plan with limits: \{ max_body_file: 160 \}/],
    ['directory', plan('http://127.0.0.1:9', step('body_file: adir')), /directory.yaml:8:\d+: scenarios\.s\.steps\[0\]\.body_file: cannot read body file 'adir' \(is a directory/],
    ['binary', plan('http://127.0.0.1:9', step('body_file: binary.bin')), /binary.yaml:8:\d+: scenarios\.s\.steps\[0\]\.body_file: body file 'binary\.bin' is not UTF-8 text/],
    ['with-body', plan('http://127.0.0.1:9', step('body: inline, body_file: ok.txt')), /with-body.yaml:8:\d+: scenarios\.s\.steps\[0\]\.body_file: give one of body, body_file or json, not both body_file and body/],
    ['with-json', plan('http://127.0.0.1:9', step('json: { a: 1 }, body_file: ok.txt')), /with-json.yaml:8:\d+: scenarios\.s\.steps\[0\]\.body_file: give one of body, body_file or json, not both body_file and json/],
    ['empty-path', plan('http://127.0.0.1:9', step("body_file: ''")), /empty-path.yaml:8:\d+: scenarios\.s\.steps\[0\]\.body_file: must not be empty/],
  ];
  for (const [name, text] of cases) writeFileSync(join(dir, `${name}.yaml`), text);
  // Independent processes: run side by side.
  const runs = await Promise.all(cases.map(([name]) => validate(join(dir, `${name}.yaml`))));
  for (const [i, [name, , re]] of cases.entries()) {
    const r = runs[i];
    assert.equal(r.code, 2, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re, name);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${name}: no stack trace`);
  }
  writeFileSync(join(dir, 'good.yaml'), plan('http://127.0.0.1:9', step('body_file: ok.txt')));
  const good = await validate(join(dir, 'good.yaml'));
  assert.equal(good.code, 0, good.stdout + good.stderr);
});

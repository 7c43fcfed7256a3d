/**
 * Issue 13: results written atomically (temporary file + rename), so a kill -9 during the
 * write leaves the old file or the new one, never a truncated one; and an output path
 * that cannot be written is a clear error before the run starts, not after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempPathOf, writeFileAtomic } from '../../src/atomic-file.js';
import { countingTarget, planFile, ROOT, runCli, tempDir } from '../helpers.js';

const BIG = 192 * 1024 * 1024;
const OLD = '{"old":true}\n';

test('kill -9 during the write of a result leaves the old file whole (the write goes to a temporary file first)', async () => {
  const dir = tempDir();
  const target = join(dir, 'result.json');
  writeFileSync(target, OLD);
  // A child writes a large new result through the same function the CLI and the Action use.
  const script = `import { writeFileAtomic } from ${JSON.stringify(join(ROOT, 'src/atomic-file.ts'))};\nwriteFileAtomic(process.argv[1], 'x'.repeat(${BIG}));\n`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, target], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const tmp = tempPathOf(target).replace(`.${process.pid}.`, `.${child.pid}.`);
  let killedMidWrite = false;
  const end = Date.now() + 60_000;
  while (Date.now() < end && child.exitCode === null) {
    // Mid-write: the temporary file has bytes, or (were the write not atomic) the target changed size.
    if ((statSync(tmp, { throwIfNoEntry: false })?.size ?? 0) > 0 || statSync(target).size !== OLD.length) {
      child.kill('SIGKILL');
      killedMidWrite = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await exited;
  assert.ok(killedMidWrite, 'the child was killed while it was writing');
  const after = readFileSync(target, 'utf8');
  assert.ok(after === OLD || after.length === BIG, `the file is the old one or the whole new one, not ${after.length} bytes`);
});

test('writeFileAtomic: the whole text lands under the name, no temporary file stays, and a directory in the way is a named LT_ERR_IO', () => {
  const dir = tempDir();
  const target = join(dir, 'sub', 'report.html');
  writeFileAtomic(target, '<html>new</html>');
  assert.equal(readFileSync(target, 'utf8'), '<html>new</html>');
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['report.html']);
  mkdirSync(join(dir, 'adir'));
  assert.throws(() => writeFileAtomic(join(dir, 'adir'), 'x'), (e: Error & { code?: string }) => e.code === 'LT_ERR_IO' && /cannot write .*adir: it is a directory/.test(e.message));
  assert.deepEqual(readdirSync(dir).sort(), ['adir', 'sub'], 'no temporary file left beside a failed write');
});

test('an output path that cannot be written fails before the run starts: named in the message, non-zero exit, no request sent', async () => {
  const target = await countingTarget();
  try {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    const plan = planFile(`name: out\ntarget: ${target.url}\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 1 }\n    steps: [{ name: root, method: GET, url: / }]\n`, dir);
    const flags = ['--out', '--report', '--summary', '--junit'];
    // Independent processes: run side by side.
    const runs = await Promise.all(flags.map((flag) => runCli(['run', plan, flag, join(dir, 'a-file', 'out'), '--quiet'])));
    for (const [i, flag] of flags.entries()) {
      const r = runs[i];
      assert.equal(r.code, 1, `${flag}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`loadtest run: cannot write ${join(dir, 'a-file', 'out').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `), flag);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(target.served(), 0, 'no request was sent: the check came before the run');
    const good = await runCli(['run', plan, '--out', join(dir, 'r.json'), '--quiet']);
    assert.equal(good.code, 0, good.stderr);
    const rep = await runCli(['report', join(dir, 'r.json'), '-o', join(dir, 'a-file', 'r.html')]);
    assert.equal(rep.code, 1, rep.stderr);
    assert.match(rep.stderr, /loadtest report: cannot write .*a-file\/r\.html/);
    assert.equal(existsSync(join(dir, 'a-file')) && statSync(join(dir, 'a-file')).isFile(), true);
  } finally {
    target.close();
  }
});

/**
 * Issue 11: `npm test` on a fresh machine provisions what the tests need, or stops at once
 * with one line naming the command — never eight failures deep in the run. The runner is
 * run with a PATH that hides the machine's Chromium (and holds a fake apt-get that records
 * what it was asked and "installs" a stand-in chromium), so nothing is really installed.
 * Also: the grouping rule that puts timing-sensitive files in the serial group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
// @ts-expect-error — plain JavaScript test script, no types
import { provisionChromium, ProvisionError, CHROMIUM_INSTALL } from '../../scripts/test-provision.mjs';
// @ts-expect-error — plain JavaScript test script, no types
import { SERIAL, MULTI_PROCESS, LONG_FIRST, matchesAny, groupFiles } from '../../scripts/test-groups.mjs';
import { ROOT, tempDir } from '../helpers.js';

const BROWSER_FIXTURE = 'test/fixtures/runner/uses-the-browser.test.ts';
const { NODE_TEST_CONTEXT: _ctx, CHROMIUM_PATH: _chromium, ...ENV } = process.env;
const isRoot = process.getuid?.() === 0;

/** A bin folder with no chromium; with `aptGet`, a fake apt-get that logs its arguments. */
function fakeBin(aptGet?: { exit?: number; installs?: boolean }): { bin: string; log: string } {
  const bin = tempDir('lt-bin-');
  const log = join(bin, 'apt-get.log');
  if (aptGet) {
    const install = aptGet.installs === false ? '' : `printf '#!/bin/sh\\n' > "${bin}/chromium"; /bin/chmod +x "${bin}/chromium"`;
    writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> "${log}"\nif [ "$1" = install ]; then ${install || ':'}; fi\nexit ${aptGet.exit ?? 0}\n`);
    chmodSync(join(bin, 'apt-get'), 0o755);
  }
  return { bin, log };
}

const runner = (bin: string, env: NodeJS.ProcessEnv = {}, args = [BROWSER_FIXTURE]) =>
  spawnSync(process.execPath, ['scripts/test.mjs', ...args], { cwd: ROOT, env: { ...ENV, PATH: bin, ...env }, encoding: 'utf8', timeout: 60_000 });

test('no chromium on PATH and no apt-get: the run stops before any test with one line naming the command', () => {
  const { bin } = fakeBin();
  const r = runner(bin);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, '', 'no test ran');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0].includes('apt-get install -y --no-install-recommends chromium'), lines[0]);
  assert.match(lines[0], /^scripts\/test\.mjs: the browser tests need Chromium/);
});

test('no chromium on PATH, apt-get there: as root it is installed and the browser test gets it; otherwise one line with sudo', () => {
  const { bin, log } = fakeBin({});
  const r = runner(bin, { LT_EXPECT_CHROMIUM: join(bin, 'chromium') });
  if (isRoot) {
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['noninteractive update -qq', 'noninteractive install -y --no-install-recommends chromium']);
    assert.match(r.stderr, /Chromium is not on PATH; installing Debian's package/);
    assert.match(r.stdout, /^1 passed, 0 failed, 0 skipped$/m, 'the browser test ran with the installed chromium');
  } else {
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(existsSync(log), false, 'apt-get not run without root');
    assert.ok(r.stderr.includes('sudo apt-get install -y --no-install-recommends chromium'), r.stderr);
  }
});

test('a run with no browser test needs no chromium: test:quick and filters start at once', () => {
  const { bin } = fakeBin();
  const r = runner(bin, {}, ['test/fixtures/runner/ordered.test.ts']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const quick = runner(bin, {}, ['--quick', BROWSER_FIXTURE, 'test/fixtures/runner/ordered.test.ts']);
  assert.equal(quick.status, 0, quick.stdout + quick.stderr);
  assert.match(quick.stdout, /^1 passed, 0 failed, 0 skipped$/m, '--quick left the browser file out');
});

test('provisionChromium: not root → ProvisionError naming the sudo command; apt-get untouched', () => {
  const { bin, log } = fakeBin({});
  assert.throws(
    () => provisionChromium({ env: { PATH: bin }, isRoot: false }),
    (e: Error & { code: string }) => e instanceof ProvisionError && e.code === 'LT_ERR_TEST_PROVISION' && e.message.includes(`\`${CHROMIUM_INSTALL.replace(/apt-get/g, 'sudo apt-get')}\``),
  );
  assert.equal(existsSync(log), false);
});

test('provisionChromium: apt-get failing, or installing nothing on PATH, is a ProvisionError naming what failed', () => {
  const failing = fakeBin({ exit: 100 });
  assert.throws(
    () => provisionChromium({ env: { PATH: failing.bin }, isRoot: true, log: () => {} }),
    (e: Error) => e instanceof ProvisionError && /`apt-get update -qq` failed \(exit 100/.test(e.message),
  );
  const empty = fakeBin({ installs: false });
  assert.throws(
    () => provisionChromium({ env: { PATH: empty.bin }, isRoot: true, log: () => {} }),
    (e: Error) => e instanceof ProvisionError && /no chromium is on PATH .*set CHROMIUM_PATH/.test(e.message),
  );
});

test('provisionChromium: CHROMIUM_PATH wins when it is an executable, and is refused by name when not', () => {
  const { bin } = fakeBin({});
  const chromium = join(bin, 'my-chromium');
  writeFileSync(chromium, '#!/bin/sh\n');
  chmodSync(chromium, 0o755);
  assert.equal(provisionChromium({ env: { PATH: bin, CHROMIUM_PATH: chromium }, isRoot: true }), chromium);
  const missing = join(bin, 'nothing-here');
  assert.throws(
    () => provisionChromium({ env: { PATH: bin, CHROMIUM_PATH: missing }, isRoot: true }),
    (e: Error) => e instanceof ProvisionError && e.message.startsWith(`CHROMIUM_PATH=${missing} is not an executable file`),
  );
});

test('grouping: timing-sensitive names, including the ones still to come, land in the serial group', () => {
  for (const f of ['test/engine/open-model.test.ts', 'test/engine/open-model-ramping.test.ts', 'test/engine/rate-saturation.test.ts', 'test/engine/saturation.test.ts', 'test/cluster/acceptance-merge.test.ts', 'test/report/anything.serial.test.ts', 'test/a/b/c.serial.test.ts'])
    assert.ok(matchesAny(f, SERIAL), `${f} is serial`);
  for (const f of ['test/engine/cookies.test.ts', 'test/engine/journey/open-model.test.ts', 'test/serial.test.ts.bak', 'test/plan/serial.ts'])
    assert.ok(!matchesAny(f, SERIAL), `${f} is not serial`);
});

test('grouping: every named file in SERIAL, MULTI_PROCESS and LONG_FIRST exists, and --quick drops browser and multi-process files', () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (n === 'fixtures' ? [] : statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  const all = walk(join(ROOT, 'test')).map((f) => relative(ROOT, f)).filter((f) => f.endsWith('.test.ts'));
  for (const p of [...SERIAL, ...MULTI_PROCESS, ...LONG_FIRST].filter((p: string) => !p.includes('*'))) assert.ok(all.includes(p), `${p} exists (renamed? update scripts/test-groups.mjs)`);
  const quick = groupFiles(all, { quick: true, root: ROOT });
  const kept = [...quick.parallel, ...quick.serial];
  assert.equal(quick.browser, false);
  assert.ok(!kept.includes('test/report/html-browser.test.ts') && !kept.includes('test/action/distributed.test.ts'), kept.join(' '));
  assert.ok(kept.includes('test/plan/units.test.ts'));
  const full = groupFiles(all, { root: ROOT });
  assert.equal(full.browser, true, 'the browser tests are found by their import of test/browser.ts');
  assert.equal(full.parallel.length + full.serial.length, all.length);
});

test('grouping: the LONG_FIRST files start the parallel group, longest first; the rest keep their order; none is dropped', () => {
  const files = ['test/plan/units.test.ts', 'test/report/cli.test.ts', 'test/plan/hash.test.ts', 'test/cli/run.test.ts', 'test/engine/open-model.test.ts'];
  const g = groupFiles(files, { root: ROOT });
  assert.deepEqual(g.parallel, ['test/cli/run.test.ts', 'test/report/cli.test.ts', 'test/plan/units.test.ts', 'test/plan/hash.test.ts']);
  assert.deepEqual(g.serial, ['test/engine/open-model.test.ts']);
  assert.ok(LONG_FIRST.indexOf('test/cli/run.test.ts') < LONG_FIRST.indexOf('test/report/cli.test.ts'));
});

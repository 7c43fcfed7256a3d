// What the test files need from the machine, found or installed before the first file
// starts (issue 11: on a fresh machine `npm test` failed eight tests deep because
// Chromium was missing). The browser tests are the only ones with a system dependency
// left — the JUnit XML schema check runs libxml2 as WebAssembly (xmllint-wasm), so it
// needs no xmllint — and Chromium stays Debian's package: playwright-core's own browser
// download cannot be fetched on a closed network, and Debian's build is what CI runs.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** The command that installs Chromium on Debian, as the message and the root install run it. */
export const CHROMIUM_INSTALL = 'apt-get update -qq && apt-get install -y --no-install-recommends chromium';

/** A machine that lacks what the tests need and cannot be provisioned here; `message` is one line. */
export class ProvisionError extends Error {
  code = 'LT_ERR_TEST_PROVISION';
  name = 'ProvisionError';
}

/** True for an executable regular file. */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The first executable called `name` in the directories of `pathEnv` (a PATH value).
 * @param {string} name
 * @param {string | undefined} pathEnv
 * @returns {string | undefined}
 */
export function which(name, pathEnv) {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir && isAbsolute(dir) && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Debian's binary name first, then Ubuntu's older one. */
const findChromium = (env) => which('chromium', env.PATH) ?? which('chromium-browser', env.PATH);

/**
 * Returns the path of the Chromium the browser tests drive: `CHROMIUM_PATH` when set,
 * else `chromium` on PATH. When there is none and this process runs as root with
 * apt-get on PATH (a fresh Debian machine, as CI is), installs Debian's package first
 * (`CHROMIUM_INSTALL`, its output shown only if it fails). Otherwise throws a
 * ProvisionError whose one-line message names the command to run.
 * @param {{ env?: NodeJS.ProcessEnv, isRoot?: boolean, log?: (line: string) => void }} [opts]
 * @returns {string}
 */
export function provisionChromium({ env = process.env, isRoot = process.getuid?.() === 0, log = (l) => process.stderr.write(`${l}\n`) } = {}) {
  if (env.CHROMIUM_PATH) {
    if (isExecutable(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
    throw new ProvisionError(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file: point it at Chromium, or unset it to use chromium on PATH`);
  }
  const found = findChromium(env);
  if (found) return found;
  const aptGet = which('apt-get', env.PATH);
  if (!isRoot || !aptGet) {
    const run = isRoot ? CHROMIUM_INSTALL : CHROMIUM_INSTALL.replace(/apt-get/g, 'sudo apt-get');
    throw new ProvisionError(
      `the browser tests need Chromium and none is on PATH: run \`${run}\` (or set CHROMIUM_PATH; \`npm run test:quick\` skips them)`,
    );
  }
  log(`scripts/test.mjs: Chromium is not on PATH; installing Debian's package (${CHROMIUM_INSTALL})`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const r = spawnSync(aptGet, args, { env: aptEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) {
      process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-20).join('\n'));
      throw new ProvisionError(`\`apt-get ${args.join(' ')}\` failed (exit ${r.status ?? r.signal}, output above): run \`${CHROMIUM_INSTALL}\` and fix what it says`);
    }
  }
  const installed = findChromium(env);
  if (installed) return installed;
  throw new ProvisionError(`apt-get installed chromium but no chromium is on PATH (${env.PATH}): set CHROMIUM_PATH to its binary`);
}

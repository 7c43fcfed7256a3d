/** Headless Debian Chromium through playwright-core, for report and dashboard tests. */
import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';
// @ts-expect-error — plain JavaScript test script, no types
import { which } from '../scripts/test-provision.mjs';

/**
 * The Chromium to drive: CHROMIUM_PATH (scripts/test.mjs sets it after finding or
 * installing Chromium), else `chromium` on PATH, else Debian's path.
 */
export const CHROMIUM: string = process.env.CHROMIUM_PATH ?? which('chromium', process.env.PATH) ?? '/usr/bin/chromium';

/** Launches Chromium with the flags this closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run the tests with npm test, which installs it or names the command to run`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

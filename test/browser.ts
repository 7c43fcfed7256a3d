/** Headless Debian Chromium through playwright-core, for report and dashboard tests. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A page opened on an HTML file with every non-file request refused and recorded, and its console errors. */
export async function openHtml(browser: Browser, html: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'lt-html-')), 'report.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`);
  return { page, errors, requests };
}

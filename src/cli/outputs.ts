/** Writes the files a run was asked for (--out, --report, --summary, --junit). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { OptionValues } from '../options.js';
import type { Result } from '../report/result-schema.js';
import type { Comparison } from '../report/compare.js';
import { LtError } from '../errors.js';

/** Writes a file (creating its folder); a failure is LT_ERR_IO naming the path. */
export function writeOutputFile(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    throw new LtError('LT_ERR_IO', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Renders and writes each requested output (the renderer loads only when needed). */
export async function writeOutputs(result: Result, opts: OptionValues, cwd: string, comparison?: Comparison): Promise<void> {
  const targets: [string | undefined, 'json' | 'html' | 'md' | 'junit'][] = [
    [opts.out as string | undefined, 'json'],
    [opts.report as string | undefined, 'html'],
    [opts.summary as string | undefined, 'md'],
    [opts.junit as string | undefined, 'junit'],
  ];
  for (const [path, format] of targets) {
    if (!path) continue;
    const text = format === 'json' ? JSON.stringify(result, null, 2) + '\n' : (await import('../report/render.js')).render(result, format, { comparison });
    writeOutputFile(resolve(cwd, path), text);
  }
}

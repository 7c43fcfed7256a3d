/** Writes the files a run was asked for (--out, --report, --summary, --junit), each atomically. */
import { resolve } from 'node:path';
import type { OptionValues } from '../options.js';
import type { Result } from '../report/result-schema.js';
import type { Comparison } from '../report/compare.js';
import { checkWritable, writeFileAtomic } from '../atomic-file.js';

type Format = 'json' | 'html' | 'md' | 'junit';

/** The output files the options ask for, as absolute paths with their formats. */
function requested(opts: OptionValues, cwd: string): [string, Format][] {
  const targets: [unknown, Format][] = [
    [opts.out, 'json'],
    [opts.report, 'html'],
    [opts.summary, 'md'],
    [opts.junit, 'junit'],
  ];
  return targets.filter(([p]) => typeof p === 'string' && p !== '').map(([p, f]) => [resolve(cwd, p as string), f]);
}

/** Before the run: every requested output path can be written (LtError LT_ERR_IO naming it otherwise). */
export function checkOutputs(opts: OptionValues, cwd: string): void {
  for (const [path] of requested(opts, cwd)) checkWritable(path);
}

/** Renders and writes each requested output (the renderer loads only when needed). */
export async function writeOutputs(result: Result, opts: OptionValues, cwd: string, comparison?: Comparison): Promise<void> {
  for (const [path, format] of requested(opts, cwd)) {
    const text = format === 'json' ? JSON.stringify(result, null, 2) + '\n' : (await import('../report/render.js')).render(result, format, { comparison });
    writeFileAtomic(path, text);
  }
}

/** Shared argv handling for subcommands: parseArgs errors become usage errors. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

type Spec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** parseArgs with strict flags; unknown or malformed flags → UsageError naming them. */
export function parseCommandArgs(command: string, argv: string[], options: Spec) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${msg} (see 'loadtest ${command} --help')`, { cause: err });
  }
}

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

/**
 * parseCommandArgs for a command that takes flags only: a positional argument is a
 * UsageError naming them (`hint` says where the thing given instead comes from).
 */
export function parseFlagsOnly(command: string, argv: string[], options: Spec, hint = '') {
  const { values, positionals } = parseCommandArgs(command, argv, options);
  if (positionals.length) throw new UsageError(`${command} takes no positional arguments (got ${positionals.map((p) => `'${p}'`).join(' ')})${hint}`);
  return values;
}

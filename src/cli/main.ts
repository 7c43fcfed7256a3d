/**
 * `loadtest` entry point: picks the subcommand, wires signals, and is the only place
 * (with the Action's main) that turns errors into exit codes.
 */
import { commands } from './commands/index.js';
import type { CliIO } from './command.js';
import { ExitCode, isLtError } from '../errors.js';
import { JsonLogStream, logTo, takeLogFormat } from './log-format.js';
import { ignoreClosedPipe } from './closed-stdout.js';

const HELP = (names: string[]) => `loadtest — distributed HTTP load testing for CI

Usage: loadtest [--log-format text|json] <command> [options]

Commands: ${names.join(', ')}
Run 'loadtest <command> --help' for a command's options. --log-format json (or
LOADTEST_LOG_FORMAT=json) writes standard error as one JSON object per line.
`;

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], baseIo: CliIO): Promise<number> {
  let format;
  try {
    ({ format, argv } = takeLogFormat(argv, baseIo.env));
  } catch (err) {
    if (!isLtError(err)) throw err;
    baseIo.stderr.write(`loadtest: ${err.message}\n`);
    return err.exitCode;
  }
  const [name, ...rest] = argv;
  const io: CliIO = format === 'json' ? { ...baseIo, stderr: new JsonLogStream(baseIo.stderr, name ?? 'loadtest') } : baseIo;
  const onAbort = () => {
    const sig = (baseIo.signal.reason as Error)?.message ?? 'a signal';
    // A newline first: the live progress line on the terminal has none.
    if (format === 'text') io.stderr.write('\n');
    logTo(io.stderr, 'WARN', `loadtest: ${sig} received, stopping (partial results will be written; press again to quit now)`, { signal: sig });
  };
  baseIo.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await dispatch(name, rest, io);
  } finally {
    baseIo.signal.removeEventListener('abort', onAbort);
  }
}

/** Runs the command `name` with its arguments and maps what it throws to an exit code. */
async function dispatch(name: string | undefined, rest: string[], io: CliIO): Promise<number> {
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = await Promise.all(Object.entries(commands).map(async ([n, load]) => `  ${n.padEnd(14)}${(await load()).summary}`));
    io.stdout.write(HELP(Object.keys(commands)) + '\n' + lines.join('\n') + '\n');
    return name ? ExitCode.passed : ExitCode.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${process.env.LOADTEST_VERSION ?? '0.1.0'}\n`);
    return ExitCode.passed;
  }
  const load = commands[name];
  if (!load) {
    logTo(io.stderr, 'ERROR', `loadtest: unknown command '${name}' (commands: ${Object.keys(commands).join(', ')})`, { code: 'LT_ERR_USAGE', exit_code: ExitCode.usage });
    return ExitCode.usage;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return ExitCode.passed;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isLtError(err)) {
      logTo(io.stderr, 'ERROR', `loadtest ${name}: ${err.message}`, { code: err.code, exit_code: err.exitCode });
      return err.exitCode;
    }
    const e = err as Error;
    logTo(io.stderr, 'ERROR', `loadtest ${name}: internal error: ${e?.message ?? String(err)}`, { code: 'LT_ERR_INTERNAL', exit_code: ExitCode.internal, ...(io.env.LOADTEST_DEBUG ? { stack: e?.stack } : {}) });
    if (io.env.LOADTEST_DEBUG && !(io.stderr instanceof JsonLogStream)) io.stderr.write(`${e?.stack ?? ''}\n`);
    return ExitCode.internal;
  }
}

/** True when this module is the process entry (not imported by a test). */
function isEntry(): boolean {
  const entry = process.argv[1] ?? '';
  return /(?:cli\.m?js|main\.ts|loadtest(?:\.js)?)$/.test(entry);
}

if (isEntry()) {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(ExitCode.aborted); // second Ctrl-C: leave now
    controller.abort(new Error(`${sig}`)); // main() says so, in the log format

  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, signal: controller.signal, env: process.env, cwd: process.cwd() };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
    (err) => {
      process.stderr.write(`loadtest: internal error: ${(err as Error)?.message ?? err}\n`);
      process.exitCode = ExitCode.internal;
    },
  );
}

/**
 * `loadtest` entry point: picks the subcommand, wires signals, and is the only place
 * (with the Action's main) that turns errors into exit codes.
 */
import { commands } from './commands/index.js';
import type { CliIO } from './command.js';
import { ExitCode, isLtError } from '../errors.js';
import { ignoreClosedPipe } from './closed-stdout.js';

const HELP = (names: string[]) => `loadtest — distributed HTTP load testing for CI

Usage: loadtest <command> [options]

Commands: ${names.join(', ')}
Run 'loadtest <command> --help' for a command's options.
`;

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
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
    io.stderr.write(`loadtest: unknown command '${name}' (commands: ${Object.keys(commands).join(', ')})\n`);
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
      io.stderr.write(`loadtest ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr.write(`loadtest ${name}: internal error: ${e?.message ?? String(err)}\n`);
    if (io.env.LOADTEST_DEBUG) io.stderr.write(`${e?.stack ?? ''}\n`);
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
    process.stderr.write(`\nloadtest: ${sig} received, stopping (partial results will be written; press again to quit now)\n`);
    controller.abort(new Error(`${sig}`));
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

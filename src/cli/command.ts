/** The shape of a `loadtest` subcommand. Each lives in `src/cli/commands/<name>.ts`. */

/** Where a command writes; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  /** One line for `loadtest --help`. */
  summary: string;
  /** Full usage text for `loadtest <name> --help`. */
  usage: string;
  /** Returns the exit code; throws LtError for usage/plan errors (the caller maps them). */
  run(argv: string[], io: CliIO): Promise<number>;
}

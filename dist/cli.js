import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  ExitCode,
  isLtError
} from "./cli-chunks/chunk-QE7CO3VA.js";
import "./cli-chunks/chunk-45V4WZAN.js";

// src/cli/commands/index.ts
var commands = {
  run: async () => (await import("./cli-chunks/run-XTM53HB6.js")).command,
  validate: async () => (await import("./cli-chunks/validate-55HKSJ7P.js")).command,
  demo: async () => (await import("./cli-chunks/demo-PSEXGOAD.js")).command,
  report: async () => (await import("./cli-chunks/report-UD6ZTDHK.js")).command,
  compare: async () => (await import("./cli-chunks/compare-WL6WN6JH.js")).command,
  "demo-target": async () => (await import("./cli-chunks/demo-target-23DRXRVH.js")).command,
  coordinator: async () => (await import("./cli-chunks/coordinator-ZVZB46LJ.js")).command,
  worker: async () => (await import("./cli-chunks/worker-AWIXFCWS.js")).command
};

// src/cli/main.ts
var HELP = (names) => `loadtest \u2014 distributed HTTP load testing for CI

Usage: loadtest <command> [options]

Commands: ${names.join(", ")}
Run 'loadtest <command> --help' for a command's options.
`;
async function main(argv, io) {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    const lines = await Promise.all(Object.entries(commands).map(async ([n, load2]) => `  ${n.padEnd(14)}${(await load2()).summary}`));
    io.stdout.write(HELP(Object.keys(commands)) + "\n" + lines.join("\n") + "\n");
    return name ? ExitCode.passed : ExitCode.usage;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`${process.env.LOADTEST_VERSION ?? "0.1.0"}
`);
    return ExitCode.passed;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`loadtest: unknown command '${name}' (commands: ${Object.keys(commands).join(", ")})
`);
    return ExitCode.usage;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage.endsWith("\n") ? command.usage : command.usage + "\n");
    return ExitCode.passed;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isLtError(err)) {
      io.stderr.write(`loadtest ${name}: ${err.message}
`);
      return err.exitCode;
    }
    const e = err;
    io.stderr.write(`loadtest ${name}: internal error: ${e?.message ?? String(err)}
`);
    if (io.env.LOADTEST_DEBUG) io.stderr.write(`${e?.stack ?? ""}
`);
    return ExitCode.internal;
  }
}
function isEntry() {
  const entry = process.argv[1] ?? "";
  return /(?:cli\.js|main\.ts|loadtest(?:\.js)?)$/.test(entry);
}
if (isEntry()) {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig) => {
    signals++;
    if (signals > 1) process.exit(ExitCode.aborted);
    process.stderr.write(`
loadtest: ${sig} received, stopping (partial results will be written; press again to quit now)
`);
    controller.abort(new Error(`${sig}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const io = { stdout: process.stdout, stderr: process.stderr, signal: controller.signal, env: process.env, cwd: process.cwd() };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
    (err) => {
      process.stderr.write(`loadtest: internal error: ${err?.message ?? err}
`);
      process.exitCode = ExitCode.internal;
    }
  );
}
export {
  main
};

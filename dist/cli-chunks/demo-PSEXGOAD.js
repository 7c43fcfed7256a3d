import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  startDemoTarget
} from "./chunk-2LYNGG4F.js";
import {
  runCommand
} from "./chunk-66GQ3K2M.js";
import {
  finalTable,
  validateOptions
} from "./chunk-BA5GNYJW.js";
import "./chunk-A3A3S3JN.js";
import "./chunk-3TBED6VK.js";
import "./chunk-NZWGBMD6.js";
import {
  parseCommandArgs
} from "./chunk-ZA3573VQ.js";
import "./chunk-ZVCZBYNT.js";
import "./chunk-Z3TEJVCP.js";
import "./chunk-EFYEXXOE.js";
import "./chunk-KBULCXRD.js";
import "./chunk-DZFUAFA3.js";
import "./chunk-7LGARQTM.js";
import "./chunk-3ERMLBNY.js";
import "./chunk-IJ6DNMWR.js";
import "./chunk-ACBGIYP4.js";
import "./chunk-L2HGLDIH.js";
import "./chunk-NDBRKXYU.js";
import {
  LtError,
  UsageError
} from "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";

// src/cli/commands/demo.ts
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
function demoPlanPath() {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const rel of ["../examples/demo.yaml", "../../../examples/demo.yaml", "../../examples/demo.yaml"]) {
    const p = resolve(here, rel);
    if (existsSync(p)) return p;
  }
  throw new LtError("LT_ERR_IO", `examples/demo.yaml not found near ${here}`);
}
var command = {
  name: "demo",
  summary: "Run the demo plan against the built-in demo target and write a report",
  usage: `Usage: loadtest demo [--dir loadtest-demo] [--duration 10s]

Starts the demo target on 127.0.0.1 (a free port), runs examples/demo.yaml against
it, and writes result.json, report.html, summary.md and junit.xml into --dir.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("demo", argv, { dir: { type: "string" }, duration: { type: "string" }, quiet: { type: "boolean" } });
    if (positionals.length) throw new UsageError(`demo takes no positional arguments (got '${positionals[0]}')`);
    const dir = resolve(io.cwd, values.dir ?? "loadtest-demo");
    const target = await startDemoTarget({ port: 0, quiet: true });
    io.stderr.write(`demo target listening on ${target.url}
`);
    try {
      const opts = validateOptions(
        { target: target.url, duration: values.duration, quiet: values.quiet, out: join(dir, "result.json"), report: join(dir, "report.html"), summary: join(dir, "summary.md"), junit: join(dir, "junit.xml") },
        "cli"
      );
      const { result } = await runCommand(demoPlanPath(), opts, io);
      io.stdout.write(finalTable(result));
      io.stdout.write(`wrote ${join(dir, "result.json")}, report.html, summary.md, junit.xml
`);
      return result.run.exit_code;
    } finally {
      await target.close();
    }
  }
};
export {
  command
};

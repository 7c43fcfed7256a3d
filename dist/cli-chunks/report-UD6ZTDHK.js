import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  readResultFile
} from "./chunk-UGZJX5Y6.js";
import {
  compareResults
} from "./chunk-QOXE73MN.js";
import "./chunk-NZWGBMD6.js";
import {
  parseCommandArgs
} from "./chunk-ZA3573VQ.js";
import {
  render
} from "./chunk-L7NII3JH.js";
import "./chunk-KBULCXRD.js";
import "./chunk-IJ6DNMWR.js";
import "./chunk-ACBGIYP4.js";
import "./chunk-L2HGLDIH.js";
import "./chunk-NDBRKXYU.js";
import {
  LtError,
  UsageError
} from "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";

// src/cli/commands/report.ts
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
var FORMATS = ["html", "md", "junit", "json"];
var command = {
  name: "report",
  summary: "Render a result JSON as HTML, Markdown, JUnit XML or JSON",
  usage: `Usage: loadtest report <result.json> [--format html|md|junit|json] [-o FILE] [--baseline base.json]

Renders the result (default: html) to FILE or standard output. With --baseline, the
HTML and Markdown outputs include the statistical comparison with that result.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("report", argv, { format: { type: "string", short: "f" }, out: { type: "string", short: "o" }, baseline: { type: "string" } });
    if (positionals.length !== 1) throw new UsageError(`report takes exactly one result file (got ${positionals.length})`);
    const format = values.format ?? "html";
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")} (got '${values.format}')`);
    const result = readResultFile(resolve(io.cwd, positionals[0]));
    const comparison = values.baseline ? compareResults(readResultFile(resolve(io.cwd, values.baseline)), result) : void 0;
    const text = render(result, format, { comparison });
    if (values.out) {
      try {
        writeFileSync(resolve(io.cwd, values.out), text);
      } catch (err) {
        throw new LtError("LT_ERR_IO", `cannot write ${values.out}: ${err.message}`, { cause: err });
      }
    } else io.stdout.write(text);
    return 0;
  }
};
export {
  command
};

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
  formatInterval,
  renderPrComment
} from "./chunk-L7NII3JH.js";
import "./chunk-KBULCXRD.js";
import "./chunk-IJ6DNMWR.js";
import "./chunk-ACBGIYP4.js";
import "./chunk-L2HGLDIH.js";
import "./chunk-NDBRKXYU.js";
import {
  ExitCode,
  UsageError
} from "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";

// src/cli/commands/compare.ts
import { resolve } from "node:path";
var pct = (v) => v === null ? "\u2013" : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;
var command = {
  name: "compare",
  summary: "Compare two results: regressed, improved or ~ (no clear change)",
  usage: `Usage: loadtest compare <base.json> <head.json> [--format text|md|json] [--fail-on-regression]
                        [--min-relative 0.05] [--min-absolute-ms 2] [--alpha 0.05]

A change is flagged only when a bootstrap interval over interval-level samples
excludes no-change AND the whole interval is beyond the practical floor (relative,
and for latency absolute ms). --format md prints the PR-comment Markdown.
Exit codes: 0, or 99 with --fail-on-regression when something regressed; 2 on bad input.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("compare", argv, {
      format: { type: "string" },
      "fail-on-regression": { type: "boolean" },
      "min-relative": { type: "string" },
      "min-absolute-ms": { type: "string" },
      alpha: { type: "string" }
    });
    if (positionals.length !== 2) throw new UsageError(`compare takes a base and a head result (got ${positionals.length} file(s))`);
    const num = (name, v) => {
      if (v === void 0) return void 0;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number (got '${v}')`);
      return n;
    };
    const format = values.format ?? "text";
    if (format !== "text" && format !== "md" && format !== "json") throw new UsageError(`--format must be one of text, md, json (got '${format}')`);
    const alpha = num("alpha", values.alpha);
    if (alpha !== void 0 && (alpha <= 0 || alpha >= 1)) throw new UsageError(`--alpha must be between 0 and 1 (got '${values.alpha}')`);
    const base = readResultFile(resolve(io.cwd, positionals[0]));
    const head = readResultFile(resolve(io.cwd, positionals[1]));
    const cmp = compareResults(base, head, { minRelative: num("min-relative", values["min-relative"]), minAbsoluteMs: num("min-absolute-ms", values["min-absolute-ms"]), alpha, baseLabel: positionals[0] });
    if (format === "json") io.stdout.write(JSON.stringify(cmp, null, 2) + "\n");
    else if (format === "md") io.stdout.write(renderPrComment(head, { comparison: cmp }));
    else {
      const lines = [`${cmp.summary.regressed} regressed \xB7 ${cmp.summary.improved} improved \xB7 ${cmp.summary.unchanged} unchanged`, ""];
      for (const r of cmp.rows) {
        const iv = formatInterval(r);
        lines.push(`${r.verdict.padEnd(10)} ${r.scope.padEnd(30)} ${r.metric.padEnd(11)} ${r.base.toFixed(3).padStart(10)} \u2192 ${r.head.toFixed(3).padStart(10)}  ${pct(r.deltaPct).padStart(8)}  ${iv}`);
      }
      lines.push("", cmp.method, "");
      io.stdout.write(lines.join("\n"));
    }
    return values["fail-on-regression"] && cmp.summary.regressed > 0 ? ExitCode.thresholdsFailed : ExitCode.passed;
  }
};
export {
  command
};

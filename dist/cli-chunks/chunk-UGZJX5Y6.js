import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  RESULT_SCHEMA_VERSION,
  Result
} from "./chunk-L2HGLDIH.js";
import {
  ExitCode,
  LtError
} from "./chunk-QE7CO3VA.js";

// src/report/load-result.ts
import { readFileSync } from "node:fs";
var invalid = (message, cause) => new LtError("LT_ERR_RESULT_INVALID", message, { cause, exitCode: ExitCode.usage });
function parseResult(json, source) {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw invalid(`${source} is not a loadtest result: expected a JSON object`);
  const env = json;
  if (env.schema !== "loadtest-result") throw invalid(`${source} is not a loadtest result: schema: expected "loadtest-result" (got ${JSON.stringify(env.schema) ?? "nothing"})`);
  if (env.version !== RESULT_SCHEMA_VERSION) throw invalid(`${source} is not a loadtest result: version: ${JSON.stringify(env.version) ?? "missing"} is not supported (this loadtest reads version ${RESULT_SCHEMA_VERSION})`);
  const r = Result.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues;
    const shown = issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
    throw invalid(`${source} is not a loadtest result: ${shown.join("; ")}${more}`);
  }
  return r.data;
}
function readResultFile(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const e = err;
    throw invalid(`cannot read result ${path}: ${e.code === "ENOENT" ? "no such file" : e.code ?? e.message}`, err);
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(`${path} is not JSON: ${err.message}`, err);
  }
  return parseResult(json, path);
}

export {
  parseResult,
  readResultFile
};

import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  UsageError
} from "./chunk-QE7CO3VA.js";

// src/cli/args.ts
import { parseArgs } from "node:util";
function parseCommandArgs(command, argv, options) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = err.message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${msg} (see 'loadtest ${command} --help')`, { cause: err });
  }
}

export {
  parseCommandArgs
};

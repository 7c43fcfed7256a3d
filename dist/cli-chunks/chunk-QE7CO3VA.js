import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);

// src/errors.ts
var ExitCode = {
  passed: 0,
  internal: 1,
  usage: 2,
  thresholdsFailed: 99,
  aborted: 105
};
var LtError = class extends Error {
  code;
  /** Exit code the outermost layer should use for this error. */
  exitCode;
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "LtError";
    this.code = code;
    this.exitCode = options.exitCode ?? (code === "LT_ERR_PLAN_INVALID" || code === "LT_ERR_USAGE" ? ExitCode.usage : ExitCode.internal);
  }
};
var PlanError = class extends LtError {
  location;
  path;
  constructor(message, opts = {}) {
    super("LT_ERR_PLAN_INVALID", message, { cause: opts.cause });
    this.name = "PlanError";
    this.location = opts.location;
    this.path = opts.path ?? "";
  }
};
var UsageError = class extends LtError {
  constructor(message, opts = {}) {
    super("LT_ERR_USAGE", message, opts);
    this.name = "UsageError";
  }
};
function isLtError(err) {
  return err instanceof LtError;
}

export {
  ExitCode,
  LtError,
  PlanError,
  UsageError,
  isLtError
};

/**
 * Named errors with stable codes. Only the outermost layer (CLI, Action) turns an
 * error into an exit code or `core.setFailed`; everything below throws these.
 */

/** Stable error codes; tests and users may match on them. */
export type LtErrorCode =
  | 'LT_ERR_PLAN_INVALID'
  | 'LT_ERR_USAGE'
  | 'LT_ERR_IO'
  | 'LT_ERR_RELAY'
  | 'LT_ERR_CLUSTER'
  | 'LT_ERR_ARTIFACT'
  | 'LT_ERR_RESULT_INVALID'
  | 'LT_ERR_API'
  | 'LT_ERR_INTERNAL';

/** Exit codes, k6-compatible where k6 has one (DESIGN.md "Exit status"). */
export const ExitCode = {
  passed: 0,
  internal: 1,
  usage: 2,
  thresholdsFailed: 99,
  aborted: 105,
  /**
   * The generator was saturated and the plan says `generator.on_saturation: fail`.
   * k6 uses 97–110; 112 is free there (111 left for k6's next).
   */
  generatorSaturated: 112,
  /**
   * A lost or missing worker left more of the planned load undelivered than the
   * plan's `load_tolerance` (and the plan does not say `on_worker_loss: continue`).
   */
  partial: 113,
} as const;

/** Where in a source file something is (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** Base class of every error this project throws on purpose. */
export class LtError extends Error {
  readonly code: LtErrorCode;
  /** Exit code the outermost layer should use for this error. */
  readonly exitCode: number;
  constructor(code: LtErrorCode, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LtError';
    this.code = code;
    this.exitCode = options.exitCode ?? (code === 'LT_ERR_PLAN_INVALID' || code === 'LT_ERR_USAGE' ? ExitCode.usage : ExitCode.internal);
  }
}

/**
 * A plan that cannot run. `message` is the whole user-facing text:
 * `file:line:col: key.path: what is wrong (got X; allowed: Y)`.
 */
export class PlanError extends LtError {
  readonly location?: SourceLocation;
  readonly path: string;
  constructor(message: string, opts: { location?: SourceLocation; path?: string; cause?: unknown } = {}) {
    super('LT_ERR_PLAN_INVALID', message, { cause: opts.cause });
    this.name = 'PlanError';
    this.location = opts.location;
    this.path = opts.path ?? '';
  }
}

/** Bad command-line or action input. */
export class UsageError extends LtError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super('LT_ERR_USAGE', message, opts);
    this.name = 'UsageError';
  }
}

/** True for errors raised on purpose by this project (safe to print without a stack). */
export function isLtError(err: unknown): err is LtError {
  return err instanceof LtError;
}

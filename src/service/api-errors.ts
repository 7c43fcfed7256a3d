/** Errors of the controller's REST API: an HTTP status and a stable code, sent as JSON. */
import { LtError } from '../errors.js';

/** Stable codes of API errors (clients may match on them). */
export type ApiErrorCode = 'unauthorized' | 'not_found' | 'body_too_large' | 'invalid_json' | 'invalid_request' | 'plan_invalid' | 'no_result' | 'conflict';

/** An API error: `{"error": {"code", "message"}}` with `status`. */
export class ApiError extends LtError {
  constructor(
    readonly status: number,
    readonly apiCode: ApiErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super('LT_ERR_API', message, options);
    this.name = 'ApiError';
  }
}

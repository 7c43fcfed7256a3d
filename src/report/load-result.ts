/** Reads a result JSON from disk (or text) and validates it against the Result schema. */
import { readFileSync } from 'node:fs';
import { LtError, ExitCode } from '../errors.js';
import { Result, RESULT_SCHEMA_VERSION } from './result-schema.js';

const invalid = (message: string, cause?: unknown) => new LtError('LT_ERR_RESULT_INVALID', message, { cause, exitCode: ExitCode.usage });

/**
 * Validates parsed JSON as a Result. `source` names where it came from in messages.
 * The envelope (schema, version) is checked first so an old or foreign file says so
 * plainly instead of listing every field that moved.
 */
export function parseResult(json: unknown, source: string): Result {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(`${source} is not a loadtest result: expected a JSON object`);
  const env = json as { schema?: unknown; version?: unknown };
  if (env.schema !== 'loadtest-result') throw invalid(`${source} is not a loadtest result: schema: expected "loadtest-result" (got ${JSON.stringify(env.schema) ?? 'nothing'})`);
  if (env.version !== RESULT_SCHEMA_VERSION) throw invalid(`${source} is not a loadtest result: version: ${JSON.stringify(env.version) ?? 'missing'} is not supported (this loadtest reads version ${RESULT_SCHEMA_VERSION})`);
  const r = Result.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues;
    const shown = issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    throw invalid(`${source} is not a loadtest result: ${shown.join('; ')}${more}`);
  }
  return r.data;
}

/** A validated Result, or an LT_ERR_RESULT_INVALID (exit 2) naming the file and the field. */
export function readResultFile(path: string): Result {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw invalid(`cannot read result ${path}: ${e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message)}`, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(`${path} is not JSON: ${(err as Error).message}`, err);
  }
  return parseResult(json, path);
}

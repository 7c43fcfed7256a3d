/** Reads a result JSON from disk and validates it against the Result schema. */
import { readFileSync } from 'node:fs';
import { LtError } from '../errors.js';
import { Result } from './result-schema.js';

/** A validated Result, or an LT_ERR_RESULT_INVALID naming the file and the field. */
export function readResultFile(path: string): Result {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LtError('LT_ERR_RESULT_INVALID', `cannot read result ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err, exitCode: 2 });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LtError('LT_ERR_RESULT_INVALID', `${path} is not JSON: ${(err as Error).message}`, { cause: err, exitCode: 2 });
  }
  const r = Result.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new LtError('LT_ERR_RESULT_INVALID', `${path} is not a loadtest result: ${i.path.join('.') || '(root)'}: ${i.message}`, { exitCode: 2 });
  }
  return r.data;
}

/**
 * The JSON Schema of the result file, generated from the zod `Result` (one source of
 * truth) with zod v4's `z.toJSONSchema`. `scripts/gen-schema.mjs` writes it to
 * `schema/result.schema.json`; a test fails when the checked-in file is stale.
 */
import * as z from 'zod';
import { Result } from './result-schema.js';

/** Where the generated schema is checked in, relative to the repository root. */
export const RESULT_SCHEMA_FILE = 'schema/result.schema.json';

/** The result's JSON Schema (draft 2020-12) as an object. */
export function resultJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/org/loadtest-action/schema/result.schema.json',
    title: 'loadtest-action result',
    description: 'The versioned result of a load test run (src/report/result-schema.ts). Latency in ms, rates 0..1.',
    ...z.toJSONSchema(Result, { target: 'draft-2020-12' }),
  };
}

/** The file's exact text (2-space JSON and a final newline). */
export function resultJsonSchemaText(): string {
  return JSON.stringify(resultJsonSchema(), null, 2) + '\n';
}

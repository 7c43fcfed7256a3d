/**
 * The version of the result JSON (result-schema.ts). A module of its own so that
 * writing a result (build-result.ts, on the `loadtest run` path) does not build the
 * zod schema that reads one: constructing it took ~17–22 ms before the first request
 * on the 2-core bench machine (cold zod code), for a schema only `report`, `compare`
 * and `--baseline` use.
 */
export const RESULT_SCHEMA_VERSION = 1;

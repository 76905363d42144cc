/**
 * Bounds on a caller's `output_schema`: its size and nesting are checked
 * when the request is read; compiling it and validating a result each run
 * under a hard time budget, so no schema and no data can hold the function.
 */

/** Largest `output_schema`, serialized. @unit bytes */
export const MAX_SCHEMA_BYTES = 16 * 1024;
/** Deepest nesting of JSON inside `output_schema`. */
export const MAX_SCHEMA_DEPTH = 16;
/** Longest the checks and compilation of one schema may take. @unit ms */
export const COMPILE_BUDGET_MS = 1_000;
/** Longest one validation of a result may take (less when the request's deadline is nearer). @unit ms */
export const VALIDATION_BUDGET_MS = 1_000;
/** Validation errors reported, to the model and to the caller. */
export const MAX_REPORTED_ERRORS = 20;
/** Compiled schemas kept per execution environment, for callers that send the same schema again. */
export const COMPILED_CACHE_SIZE = 16;

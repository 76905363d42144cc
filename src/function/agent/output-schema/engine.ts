/**
 * Ajv (JSON Schema 2020-12), set up so a caller's schema cannot hold the
 * function: regular expressions on the linear-time engine, formats that run
 * in linear time, references kept as functions (no inlining, so code size
 * stays linear in the schema), no logging, and compilation and validation
 * each under a hard time budget. Loaded on the first request that has an
 * `output_schema`, so other requests never pay for it.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { InvalidRequestError } from '../../errors';
import { bounded, printable } from '../../text';
import { FORMATS } from './formats';
import { linearRegExp } from './linear-regexp';
import { COMPILED_CACHE_SIZE, MAX_REPORTED_ERRORS } from './limits';
import { checkSchema, schemaProblem } from './schema-checks';
import { BudgetExceededError, withinBudget } from './time-budget';
import type { CompiledOutputSchema } from './types';

/** Longest line of a validation error. @unit characters */
const MAX_ERROR_LINE_CHARS = 200;

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, CompiledOutputSchema>();

function engine(): Ajv2020 {
  if (ajv) return ajv;
  const regExp = Object.assign((pattern: string) => linearRegExp(pattern), { code: 'linearRegExp' });
  const instance = new Ajv2020({
    allErrors: true,
    strict: false,
    logger: false,
    inlineRefs: false,
    addUsedSchema: false,
    unicodeRegExp: true,
    code: { regExp },
  });
  for (const [name, validate] of Object.entries(FORMATS)) instance.addFormat(name, { type: 'string', validate });
  // Kept only once whole: a budget that ends mid-setup must not leave a half-made engine behind.
  ajv = instance;
  return ajv;
}

/** Checks and compiles `schema` within `budgetMs`, or throws InvalidRequestError naming the part at fault. */
export function compile(schema: Record<string, unknown>, budgetMs: number): CompiledOutputSchema {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  const validateFn = guarded(budgetMs, 'Checking `output_schema`', () => {
    checkSchema(schema);
    const instance = engine();
    if (!instance.validateSchema(schema)) {
      const [first] = instance.errors ?? [];
      throw schemaProblem(first?.instancePath ?? '', `${first?.message ?? 'is not a valid JSON Schema'}.`);
    }
    try {
      return instance.compile(schema);
    } catch (error) {
      throw new InvalidRequestError(`\`output_schema\` is not a usable JSON Schema: ${printable(error instanceof Error ? error.message : String(error), 300)}`);
    } finally {
      instance.removeSchema(schema);
    }
  });
  const result: CompiledOutputSchema = {
    json: schema,
    validate: (value, validateBudgetMs) =>
      guarded(validateBudgetMs, "Checking the model's result against `output_schema`", () => (validateFn(value) ? [] : describe(validateFn))),
  };
  if (compiled.size >= COMPILED_CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, result);
  return result;
}

function guarded<T>(budgetMs: number, what: string, job: () => T): T {
  try {
    return withinBudget(budgetMs, job);
  } catch (error) {
    // Stopped mid-way (the budget ran out, or Ajv failed), Ajv may hold half-added schemas (its meta-schema,
    // compiled lazily on first use, included) that would fail every later request: start the next one afresh.
    if (!(error instanceof InvalidRequestError)) ajv = undefined;
    if (error instanceof BudgetExceededError) {
      throw new InvalidRequestError(
        `${what} took longer than ${error.budgetMs} ms; simplify \`output_schema\` (fewer or simpler patterns, smaller arrays under uniqueItems).`,
      );
    }
    throw error;
  }
}

function describe(validateFn: ValidateFunction): string[] {
  const lines = (validateFn.errors ?? []).map(line);
  return [...new Set(lines)].slice(0, MAX_REPORTED_ERRORS);
}

function line(error: ErrorObject): string {
  const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
  return bounded(`${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra}`, MAX_ERROR_LINE_CHARS);
}

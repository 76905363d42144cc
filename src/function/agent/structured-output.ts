/**
 * Structured output: a `submit_result` tool whose input schema is the
 * caller's `output_schema`. The model must call it; its input is validated,
 * and one invalid attempt is answered with the validation errors.
 */
import { Validator, type OutputUnit } from '@cfworker/json-schema';

export const SUBMIT_TOOL_NAME = 'submit_result';

export function submitTool(schema: Record<string, unknown>) {
  return {
    name: SUBMIT_TOOL_NAME,
    description: 'Submit the final answer. Call this exactly once, when you have the answer, with input matching the schema.',
    input_schema: schema as { type: 'object'; [key: string]: unknown },
  };
}

/** Validation errors as short readable lines, e.g. `/age: Instance type "string" is invalid. Expected "integer".` */
export function validateResult(schema: Record<string, unknown>, value: unknown): string[] {
  const result = new Validator(schema, '2020-12', false).validate(value);
  if (result.valid) return [];
  return dedupe(result.errors.filter(isLeaf).map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error}`));
}

/** The validator reports each failure up the tree; keep the specific ones. */
function isLeaf(error: OutputUnit): boolean {
  return !/^Property .* does not match schema\.$|^Items did not match schema\.$|^A subschema had errors\.$/.test(error.error);
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)].slice(0, 20);
}

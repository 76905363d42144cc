/**
 * Structured output: a `submit_result` tool whose input schema is the
 * caller's `output_schema`. The model must call it; its input is validated
 * (agent/output-schema), and one invalid attempt is answered with the
 * validation errors.
 */

export const SUBMIT_TOOL_NAME = 'submit_result';

export function submitTool(schema: Record<string, unknown>) {
  return {
    name: SUBMIT_TOOL_NAME,
    description: 'Submit the final answer. Call this exactly once, when you have the answer, with input matching the schema.',
    input_schema: schema as { type: 'object'; [key: string]: unknown },
  };
}

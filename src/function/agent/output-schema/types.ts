/** A caller's `output_schema`, checked and compiled, ready to validate the model's result. */
export interface CompiledOutputSchema {
  /** The schema as the caller sent it: the submit tool's input schema. */
  readonly json: Record<string, unknown>;
  /**
   * Validation errors of `value` as short lines (`/age: must be integer`), none when it is valid.
   * Throws InvalidRequestError when validation does not finish within `budgetMs`.
   */
  validate(value: unknown, budgetMs: number): string[];
}

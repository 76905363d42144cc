/**
 * A caller's `output_schema`: checked whole and compiled before any model
 * call, then used to validate the model's result, each step in bounded time.
 * The engine (Ajv and the linear-time regular expressions) loads on first use.
 */
import type { CompiledOutputSchema } from './types';

export type { CompiledOutputSchema } from './types';
export { MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH, COMPILE_BUDGET_MS, VALIDATION_BUDGET_MS } from './limits';

export async function compileOutputSchema(schema: Record<string, unknown>, budgetMs: number): Promise<CompiledOutputSchema> {
  // The .js name is how ES modules name the compiled file; esbuild and the tests map it to engine.ts.
  const { compile } = await import('./engine.js');
  return compile(schema, budgetMs);
}

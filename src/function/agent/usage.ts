/** Token usage summed over every model call of one request. */

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

/** Adds one call's usage (fields may be missing or null in API responses). */
export function addUsage(total: Usage, call: Partial<Record<keyof Usage, number | null>> | undefined): void {
  if (!call) return;
  total.input_tokens += call.input_tokens ?? 0;
  total.output_tokens += call.output_tokens ?? 0;
  total.cache_creation_input_tokens += call.cache_creation_input_tokens ?? 0;
  total.cache_read_input_tokens += call.cache_read_input_tokens ?? 0;
}

/** Tokens that count against the per-request budget. */
export function budgetTokens(usage: Usage): number {
  return usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens + usage.output_tokens;
}

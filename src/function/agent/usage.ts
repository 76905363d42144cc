/** Token usage summed over every model call of one request, and the server tools' requests when there were any. */

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** Web searches the Messages API ran (server_tools); present only when there were some. */
  web_search_requests?: number;
  /** Web fetches the Messages API ran (server_tools); present only when there were some. */
  web_fetch_requests?: number;
}

/** What a response reports: token counts, and the server tools' requests (fields may be missing or null). */
export type ReportedUsage = Partial<Record<'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens', number | null>> & {
  readonly server_tool_use?: { readonly web_search_requests?: number | null; readonly web_fetch_requests?: number | null } | null;
  readonly web_search_requests?: number;
  readonly web_fetch_requests?: number;
};

export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

/** Adds one call's usage (an API response's, or a Usage already summed). */
export function addUsage(total: Usage, call: ReportedUsage | undefined): void {
  if (!call) return;
  total.input_tokens += call.input_tokens ?? 0;
  total.output_tokens += call.output_tokens ?? 0;
  total.cache_creation_input_tokens += call.cache_creation_input_tokens ?? 0;
  total.cache_read_input_tokens += call.cache_read_input_tokens ?? 0;
  const searches = (call.server_tool_use?.web_search_requests ?? 0) + (call.web_search_requests ?? 0);
  const fetches = (call.server_tool_use?.web_fetch_requests ?? 0) + (call.web_fetch_requests ?? 0);
  if (searches > 0) total.web_search_requests = (total.web_search_requests ?? 0) + searches;
  if (fetches > 0) total.web_fetch_requests = (total.web_fetch_requests ?? 0) + fetches;
}

/** Tokens that count against the per-request budget. */
export function budgetTokens(usage: Usage): number {
  return usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens + usage.output_tokens;
}

/**
 * Saved CloudWatch Logs Insights queries over the function's log group,
 * reading the fields of its JSON log lines (src/function/logging.ts).
 */
export interface InsightsQuery {
  /** Shown in the console under `<function_name>/`. */
  readonly name: string;
  readonly query: string;
}

export const INSIGHTS_QUERIES: readonly InsightsQuery[] = [
  {
    name: 'cost-by-caller-per-day',
    query: [
      'filter message = "request"',
      'stats sum(cost_usd) as cost_usd, sum(input_tokens + cache_read_input_tokens + cache_creation_input_tokens) as input_tokens, sum(output_tokens) as output_tokens, count(*) as requests by datefloor(@timestamp, 1d) as day, caller',
      'sort day desc, cost_usd desc',
    ].join('\n| '),
  },
  {
    name: 'slowest-requests',
    query: [
      'filter message = "request"',
      'fields @timestamp, request_id, caller, path, status, duration_ms, time_to_first_token_ms, model, iterations, tool_calls, stop_reason',
      'sort duration_ms desc',
      'limit 50',
    ].join('\n| '),
  },
  {
    name: 'errors-by-type',
    query: [
      'filter message = "request" and outcome = "error"',
      'stats count(*) as errors, latest(error_message) as last_message, latest(error.name) as cause, latest(error.message) as cause_message, latest(upstream_request_id) as upstream_request_id by error_type, error_code',
      'sort errors desc',
    ].join('\n| '),
  },
  {
    name: 'tool-usage',
    query: [
      'filter message = "tool usage"',
      'stats sum(calls) as calls, sum(errors) as errors, count_distinct(request_id) as requests by tool',
      'sort calls desc',
    ].join('\n| '),
  },
];

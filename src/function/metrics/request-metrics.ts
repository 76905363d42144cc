/**
 * The metrics of one request, from its log line: what it cost, how long it
 * took and how it ended, and one tool-usage entry per tool it used. The
 * values are the line's own fields, so metrics and logs never disagree.
 */
import type { RequestLog } from '../logging';
import { ERROR_DIMENSION_SETS, REQUEST_DIMENSION_SETS, TOOL_DIMENSION_SETS, TOOL_SERVER_DIMENSION_SETS, type RequestMetricName } from './definitions';
import type { MetricGroup } from './emf';

/** The error code of a request a daily budget refused. */
const BUDGET_REFUSED = 'budget_exceeded';
/** A request that failed before a model was chosen (misconfigured). */
const UNKNOWN_MODEL = 'unknown';
/** A tool name not in the registry. */
const UNKNOWN_TOOL = 'unknown_tool';

export function requestMetricGroups(entry: RequestLog): readonly MetricGroup[] {
  const failed = entry.outcome === 'error';
  const values: Record<RequestMetricName, number | undefined> = {
    Requests: 1,
    Errors: failed ? 1 : 0,
    Faults: failed && (entry.error_status ?? entry.status) >= 500 ? 1 : 0,
    InputTokens: entry.usage?.input_tokens ?? 0,
    OutputTokens: entry.usage?.output_tokens ?? 0,
    CacheReadInputTokens: entry.usage?.cache_read_input_tokens ?? 0,
    CacheCreationInputTokens: entry.usage?.cache_creation_input_tokens ?? 0,
    CostUSD: entry.cost_usd ?? (entry.usage ? undefined : 0),
    Duration: entry.duration_ms,
    TimeToFirstToken: entry.time_to_first_token_ms,
    ModelCalls: entry.iterations ?? 0,
    ToolCalls: entry.tool_calls ?? 0,
    ToolErrors: entry.tool_errors ?? 0,
    BudgetRejections: entry.error_code === BUDGET_REFUSED ? 1 : 0,
  };
  return [
    { dimensionSets: REQUEST_DIMENSION_SETS, values },
    ...(failed && entry.error_type ? [{ dimensionSets: ERROR_DIMENSION_SETS, values: { Errors: 1 } }] : []),
  ];
}

/** The dimension values of a request line. */
export function requestDimensions(entry: RequestLog, functionName: string): Record<string, string> {
  return {
    FunctionName: functionName,
    Model: entry.model ?? UNKNOWN_MODEL,
    ...(entry.outcome === 'error' && entry.error_type ? { ErrorType: entry.error_type } : {}),
  };
}

export interface ToolUsage {
  readonly tool: string;
  /** The MCP server that ran it. */
  readonly server?: string;
  calls: number;
  errors: number;
}

/**
 * Tool usage of one request, one entry per tool: calls and errors. A name
 * `isKnown` refuses (a tool the model made up) counts as `unknown_tool`, so
 * model output never creates metrics; a call an MCP server ran (`server`
 * set by the runner, only for a tool the run offered) is known.
 */
export function toolUsage(
  records: ReadonlyArray<{ readonly name: string; readonly server?: string; readonly is_error?: boolean }>,
  isKnown: (name: string) => boolean,
): ToolUsage[] {
  const byTool = new Map<string, ToolUsage>();
  for (const record of records) {
    const known = record.server !== undefined || isKnown(record.name);
    const name = known ? record.name : UNKNOWN_TOOL;
    const entry = byTool.get(name) ?? { tool: name, ...(known && record.server !== undefined ? { server: record.server } : {}), calls: 0, errors: 0 };
    entry.calls += 1;
    if (record.is_error) entry.errors += 1;
    byTool.set(name, entry);
  }
  return [...byTool.values()].sort((a, b) => a.tool.localeCompare(b.tool));
}

/** Per tool, and for an MCP server's tool also per server. */
export function toolMetricGroups(usage: ToolUsage): readonly MetricGroup[] {
  return [
    {
      dimensionSets: usage.server === undefined ? TOOL_DIMENSION_SETS : [...TOOL_DIMENSION_SETS, ...TOOL_SERVER_DIMENSION_SETS],
      values: { ToolCalls: usage.calls, ToolErrors: usage.errors },
    },
  ];
}

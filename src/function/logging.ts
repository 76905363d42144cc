/**
 * The function's log lines: one JSON object per line, written straight to
 * stdout (Lambda's JSON log format leaves such lines as they are, and
 * CloudWatch Logs Insights sees their fields). Every line carries CloudWatch
 * Embedded Metric Format members, so CloudWatch turns it into metrics with
 * no API call. Prompt and output text appear only when LOG_CONTENT=true.
 */
import type { Usage } from './agent/usage';
import type { ErrorReport } from './error-report';
import { metricsContext } from './metrics/context';
import { LINE_METRICS, REQUEST_METRICS, TOOL_METRICS, type MetricDefinition } from './metrics/definitions';
import { emfMembers, type MetricGroup } from './metrics/emf';
import { requestDimensions, requestMetricGroups, toolMetricGroups, type ToolUsage } from './metrics/request-metrics';

export interface RequestLog {
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Who asked: `iam:<user ARN>`, `token:<id of the matching digest>`, `jwt:<iss>#<sub>` or `anonymous`, exactly as auth/caller-id builds it. */
  readonly caller?: string;
  readonly outcome: 'ok' | 'error';
  readonly error_type?: string;
  /** The error's stable code (finer than its type), e.g. `provider_rate_limited`. */
  readonly error_code?: string;
  /** The error's HTTP status; differs from `status` when a stream had already started (200) and ended with an error event. */
  readonly error_status?: number;
  /** The message the caller got (safe to show); for a misconfiguration, which setting to fix. */
  readonly error_message?: string;
  /** 5xx only: the failure behind it, with its causes and stack frames. */
  readonly error?: ErrorReport;
  /** 5xx only: the model provider's or AWS service's id for the failed call. */
  readonly upstream_request_id?: string;
  readonly provider?: string;
  readonly model?: string;
  /** Model calls made (also when the request failed after some). */
  readonly iterations?: number;
  readonly tool_calls?: number;
  readonly tool_errors?: number;
  /** Tokens spent, also by a request that failed after some model calls. */
  readonly usage?: Usage;
  readonly cost_usd?: number | null;
  /** Part of `usage` is an estimate: a model call failed before the provider reported what it spent. */
  readonly usage_estimated?: boolean;
  readonly duration_ms: number;
  /** Streaming: from the event to the first text sent. @unit ms */
  readonly time_to_first_token_ms?: number;
  readonly stop_reason?: string;
  /** The session the request continued (sessions on). */
  readonly session_id?: string;
  /** Whether the exchange was appended to the session, and if not, why. */
  readonly session_updated?: boolean;
  readonly session_not_updated?: string;
  readonly streaming: boolean;
  readonly input?: string;
  readonly output?: string;
}

type Level = 'INFO' | 'WARN' | 'ERROR';

/**
 * Writes one log line: `fields` after the level, message and timestamp, and
 * the metrics `groups` (with `definitions` for their units) under the
 * FunctionName dimension plus `dimensions`.
 */
export function writeLogLine(
  level: Level,
  message: string,
  fields: Readonly<Record<string, unknown>>,
  groups: readonly MetricGroup[],
  options: { readonly dimensions?: Readonly<Record<string, string>>; readonly definitions?: Readonly<Record<string, MetricDefinition>> } = {},
): void {
  const now = Date.now();
  const { namespace, functionName } = metricsContext();
  const emf = emfMembers(namespace, now, { FunctionName: functionName, ...options.dimensions }, options.definitions ?? LINE_METRICS, groups);
  process.stdout.write(`${JSON.stringify({ level, message, timestamp: new Date(now).toISOString(), ...fields, ...emf })}\n`);
}

/** The request's line, then one line per tool the request used. */
export function logRequest(entry: RequestLog, tools: readonly ToolUsage[] = []): void {
  const { usage, ...rest } = entry;
  const { functionName } = metricsContext();
  writeLogLine(entry.outcome === 'ok' ? 'INFO' : 'WARN', 'request', { ...rest, ...(usage ?? {}) }, requestMetricGroups(entry), {
    dimensions: requestDimensions(entry, functionName),
    definitions: REQUEST_METRICS,
  });
  for (const tool of tools) {
    writeLogLine('INFO', 'tool usage', { request_id: entry.request_id, ...tool }, toolMetricGroups(tool), {
      dimensions: { ToolName: tool.tool, ...(tool.server !== undefined ? { ToolServer: tool.server } : {}) },
      definitions: TOOL_METRICS,
    });
  }
}

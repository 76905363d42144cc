/**
 * The metrics the function publishes through its log lines (CloudWatch
 * Embedded Metric Format): names, units and dimensions, declared once for
 * the function that writes them and the stack whose dashboard and alarms
 * read them. Pure data: the stack imports it without loading the function.
 */

import { SETTINGS } from '../settings/table';

/** The namespace when `metrics_namespace` is not set. */
export const DEFAULT_METRICS_NAMESPACE: string = SETTINGS.METRICS_NAMESPACE.default;

/** CloudWatch units the metrics use (a subset of the EMF specification's list). */
export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export interface MetricDefinition {
  readonly unit: MetricUnit;
  /** What one data point means, for the README and the dashboard. */
  readonly description: string;
}

/** Written on every request log line (TimeToFirstToken and CostUSD only when they have a value). */
export const REQUEST_METRICS = {
  Requests: { unit: 'Count', description: '1 per request.' },
  Errors: { unit: 'Count', description: '1 when the response is an error (4xx or 5xx, or an error event on a stream).' },
  Faults: { unit: 'Count', description: '1 when the error is the service side (5xx, or an error event of that kind on a stream).' },
  InputTokens: { unit: 'Count', description: 'Uncached input tokens over all model calls of the request.' },
  OutputTokens: { unit: 'Count', description: 'Output tokens.' },
  CacheReadInputTokens: { unit: 'Count', description: 'Input tokens read from the prompt cache.' },
  CacheCreationInputTokens: { unit: 'Count', description: 'Input tokens written to the prompt cache.' },
  CostUSD: { unit: 'None', description: 'Estimated model cost at list prices, US dollars (absent for a model without a price).' },
  Duration: { unit: 'Milliseconds', description: 'From the event to the response, as the function measures it.' },
  TimeToFirstToken: { unit: 'Milliseconds', description: 'Streaming only: from the event to the first text sent.' },
  ModelCalls: { unit: 'Count', description: 'Model calls made.' },
  ToolCalls: { unit: 'Count', description: 'Tool calls run.' },
  ToolErrors: { unit: 'Count', description: 'Tool calls that returned an error to the model.' },
  BudgetRejections: { unit: 'Count', description: '1 when a daily budget refused the request (429 budget_exceeded).' },
} as const satisfies Readonly<Record<string, MetricDefinition>>;

/** Written on each request's tool-usage lines, one line per tool used. */
export const TOOL_METRICS = {
  ToolCalls: REQUEST_METRICS.ToolCalls,
  ToolErrors: REQUEST_METRICS.ToolErrors,
} as const satisfies Readonly<Record<string, MetricDefinition>>;

/** Written on the jobs worker's line for each job attempt that ended (CostUSD only for a priced model). */
export const JOB_METRICS = {
  Jobs: { unit: 'Count', description: '1 per job attempt that ended (succeeded, failed or cancelled).' },
  JobsFailed: { unit: 'Count', description: '1 when the job failed.' },
  JobsCancelled: { unit: 'Count', description: '1 when the job was cancelled while running.' },
  QueueDelay: { unit: 'Milliseconds', description: 'From the job being submitted to this attempt starting.' },
  Duration: REQUEST_METRICS.Duration,
  InputTokens: REQUEST_METRICS.InputTokens,
  OutputTokens: REQUEST_METRICS.OutputTokens,
  CacheReadInputTokens: REQUEST_METRICS.CacheReadInputTokens,
  CacheCreationInputTokens: REQUEST_METRICS.CacheCreationInputTokens,
  CostUSD: REQUEST_METRICS.CostUSD,
  ModelCalls: REQUEST_METRICS.ModelCalls,
  ToolCalls: REQUEST_METRICS.ToolCalls,
  ToolErrors: REQUEST_METRICS.ToolErrors,
} as const satisfies Readonly<Record<string, MetricDefinition>>;

export type JobMetricName = keyof typeof JOB_METRICS;

/** Written on the function's other lines: each counts one event. */
export const LINE_METRICS = {
  UnhandledRejections: { unit: 'Count', description: 'A promise rejected with nobody listening (logged, the environment kept serving).' },
  ModelSdkWarnings: { unit: 'Count', description: 'A warning or error the model SDK logged.' },
  FunctionsClosed: { unit: 'Count', description: 'Cost kill switch: functions it set to reserved concurrency 0.' },
  JobMessagesDropped: { unit: 'Count', description: 'Jobs worker: a queue message that is not a job (logged with why, then deleted).' },
  JobEventFailures: { unit: 'Count', description: 'Jobs worker: an "Agent Job Finished" event EventBridge did not accept.' },
  JobDeliveriesSkipped: { unit: 'Count', description: 'Jobs worker: a delivery of a job that had ended, expired, or that another attempt was running.' },
  JobRetries: { unit: 'Count', description: 'Jobs worker: a message handed back to the queue (the state table failed, or another attempt was running).' },
  UsageNotRecorded: {
    unit: 'Count',
    description:
      "A model call's spend the daily budgets could not record (the state table failed after the call); its request line still counts it in CostUSD.",
  },
} as const satisfies Readonly<Record<string, MetricDefinition>>;

export type RequestMetricName = keyof typeof REQUEST_METRICS;

/** Dimension names: the root members of a log line that hold them. */
export const DIMENSIONS = {
  functionName: 'FunctionName',
  model: 'Model',
  errorType: 'ErrorType',
  toolName: 'ToolName',
  toolServer: 'ToolServer',
} as const;

/**
 * Each request metric is published per function (what the alarms read,
 * whatever the model) and per function and model. Errors are also published
 * per function and error type.
 */
export const REQUEST_DIMENSION_SETS: readonly (readonly string[])[] = [[DIMENSIONS.functionName], [DIMENSIONS.functionName, DIMENSIONS.model]];
export const ERROR_DIMENSION_SETS: readonly (readonly string[])[] = [[DIMENSIONS.functionName, DIMENSIONS.errorType]];
export const LINE_DIMENSION_SETS: readonly (readonly string[])[] = [[DIMENSIONS.functionName]];
export const TOOL_DIMENSION_SETS: readonly (readonly string[])[] = [[DIMENSIONS.functionName, DIMENSIONS.toolName]];
/** An MCP server's tools are also published per server. */
export const TOOL_SERVER_DIMENSION_SETS: readonly (readonly string[])[] = [[DIMENSIONS.functionName, DIMENSIONS.toolServer]];

/** Every metric name the function can publish, for checks of the dashboard and alarms. */
export const PUBLISHED_METRICS: ReadonlySet<string> = new Set([
  ...Object.keys(REQUEST_METRICS),
  ...Object.keys(TOOL_METRICS),
  ...Object.keys(LINE_METRICS),
  ...Object.keys(JOB_METRICS),
]);

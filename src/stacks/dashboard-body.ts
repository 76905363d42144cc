/**
 * The dashboard's widgets: what an operator looks at first. Every metric is
 * one the function publishes (src/function/metrics/definitions.ts) or one
 * AWS/Lambda publishes for every function, so no widget stays empty for
 * want of a metric that does not exist.
 */
import { DIMENSIONS, type JobMetricName, type RequestMetricName } from '../function/metrics/definitions';
import { expressionOf as expr, hclExpr, type HclExpression, type HclValue } from './hcl-value';

/** Lambda's own metrics the dashboard and alarms read. */
export const LAMBDA_METRICS = ['Duration', 'Throttles', 'ConcurrentExecutions', 'Invocations'] as const;
export type LambdaMetricName = (typeof LAMBDA_METRICS)[number];

/** SQS's metrics the jobs widgets read (AWS/SQS, by QueueName). */
export const SQS_METRICS = ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateAgeOfOldestMessage'] as const;
export type SqsMetricName = (typeof SQS_METRICS)[number];

/** The jobs resources' names, when jobs are on: their widgets follow the agent's. */
export interface DashboardJobs {
  readonly workerName: HclExpression;
  readonly queueName: HclExpression;
  readonly deadLetterQueueName: HclExpression;
}

export interface DashboardInputs {
  /** Expressions for the function's name, the metrics' namespace, the Region and the timeout. */
  readonly functionName: HclExpression;
  readonly namespace: HclExpression;
  readonly region: HclExpression;
  readonly timeoutMs: HclExpression;
  /** The p95 duration the alarm fires above. @unit ms */
  readonly durationAlarmMs: HclExpression;
  /** With jobs on: the queue, its dead-letter queue and the worker. Default: no jobs widgets. */
  readonly jobs?: DashboardJobs;
}

const PER_ROW = 3;
const WIDTH = 8;
const HEIGHT = 6;
const FIVE_MINUTES = 300;
const HOUR = 3600;
const DAY = 86_400;

type MetricRow = readonly HclValue[];
type Widget = { title: string; properties: Record<string, HclValue> };

export function dashboardBody(inputs: DashboardInputs): HclValue {
  const fn = inputs.functionName;
  const ours = (name: RequestMetricName, options: Record<string, HclValue> = {}): MetricRow => [inputs.namespace, name, DIMENSIONS.functionName, fn, options];
  const lambda = (name: LambdaMetricName, options: Record<string, HclValue> = {}): MetricRow => ['AWS/Lambda', name, 'FunctionName', fn, options];
  const search = (metric: string, dimension: string, stat: string, period: number) =>
    hclExpr(
      `format("SEARCH('{%s,${DIMENSIONS.functionName},${dimension}} MetricName=\\"${metric}\\" ${DIMENSIONS.functionName}=\\"%s\\"', '${stat}', ${period})", ${expr(inputs.namespace)}, ${expr(fn)})`,
    );
  const widgets: Widget[] = [
    {
      title: 'Requests, errors (4xx and 5xx) and faults (5xx)',
      properties: { stat: 'Sum', period: FIVE_MINUTES, metrics: [ours('Requests'), ours('Errors'), ours('Faults')] },
    },
    {
      title: 'Duration p50 / p95 / p99 against the timeout (ms)',
      properties: {
        period: FIVE_MINUTES,
        metrics: [lambda('Duration', { stat: 'p50' }), lambda('Duration', { stat: 'p95' }), lambda('Duration', { stat: 'p99' })],
        annotations: {
          horizontal: [
            { label: 'timeout', value: inputs.timeoutMs },
            { label: 'p95 alarm', value: inputs.durationAlarmMs },
          ],
        },
      },
    },
    {
      title: 'Time to first token, streaming (ms)',
      properties: { period: FIVE_MINUTES, metrics: [ours('TimeToFirstToken', { stat: 'p50' }), ours('TimeToFirstToken', { stat: 'p95' })] },
    },
    {
      title: 'Tokens by kind',
      properties: {
        stat: 'Sum',
        period: FIVE_MINUTES,
        metrics: [ours('InputTokens'), ours('OutputTokens'), ours('CacheReadInputTokens'), ours('CacheCreationInputTokens')],
      },
    },
    {
      title: 'Prompt-cache hit ratio (% of input tokens read from the cache)',
      properties: {
        stat: 'Sum',
        period: FIVE_MINUTES,
        yAxis: { left: { min: 0, max: 100 } },
        metrics: [
          [{ expression: 'IF(input + read + created > 0, 100 * read / (input + read + created), 0)', label: 'cache hit %', id: 'ratio' }],
          ours('InputTokens', { id: 'input', visible: false }),
          ours('CacheReadInputTokens', { id: 'read', visible: false }),
          ours('CacheCreationInputTokens', { id: 'created', visible: false }),
        ],
      },
    },
    { title: 'Estimated cost per hour (USD)', properties: { stat: 'Sum', period: HOUR, metrics: [ours('CostUSD', { label: 'USD per hour' })] } },
    {
      title: 'Estimated cost per day (USD)',
      properties: { stat: 'Sum', period: DAY, view: 'bar', metrics: [ours('CostUSD', { label: 'USD per day' })] },
    },
    {
      title: 'Lambda throttles and concurrency',
      properties: {
        period: FIVE_MINUTES,
        metrics: [lambda('Throttles', { stat: 'Sum' }), lambda('ConcurrentExecutions', { stat: 'Maximum' }), lambda('Invocations', { stat: 'Sum' })],
      },
    },
    {
      title: 'Model calls, tool calls and budget refusals',
      properties: { stat: 'Sum', period: FIVE_MINUTES, metrics: [ours('ModelCalls'), ours('ToolCalls'), ours('ToolErrors'), ours('BudgetRejections')] },
    },
    {
      title: 'Errors by type',
      properties: { period: FIVE_MINUTES, metrics: [[{ expression: search('Errors', DIMENSIONS.errorType, 'Sum', FIVE_MINUTES), id: 'errors', label: '' }]] },
    },
    {
      // An MCP server's tools are named <server>__<tool>; their calls and errors are also summed per server.
      title: 'Tool calls and errors by tool and MCP server',
      properties: {
        period: FIVE_MINUTES,
        metrics: [
          [{ expression: search('ToolCalls', DIMENSIONS.toolName, 'Sum', FIVE_MINUTES), id: 'tools', label: '' }],
          [{ expression: search('ToolErrors', DIMENSIONS.toolName, 'Sum', FIVE_MINUTES), id: 'tool_errors', label: 'errors' }],
          [{ expression: search('ToolCalls', DIMENSIONS.toolServer, 'Sum', FIVE_MINUTES), id: 'servers', label: 'server' }],
          [{ expression: search('ToolErrors', DIMENSIONS.toolServer, 'Sum', FIVE_MINUTES), id: 'server_errors', label: 'server errors' }],
        ],
      },
    },
  ];
  // Three to a row; the jobs widgets start a row of their own under the agent's.
  const place = (group: Widget[], firstRow: number) =>
    group.map((widget, i) => ({
      type: 'metric',
      x: (i % PER_ROW) * WIDTH,
      y: (firstRow + Math.floor(i / PER_ROW)) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: { view: 'timeSeries', region: inputs.region, title: widget.title, ...widget.properties },
    }));
  const jobs = inputs.jobs ? jobWidgets(inputs.namespace, inputs.jobs) : [];
  return { widgets: [...place(widgets, 0), ...place(jobs, Math.ceil(widgets.length / PER_ROW))] };
}

/** A row for jobs: the queue's backlog, the jobs that ran out of attempts, and how jobs end. */
function jobWidgets(namespace: HclExpression, jobs: DashboardJobs): Widget[] {
  const sqs = (queue: HclExpression, name: SqsMetricName, options: Record<string, HclValue> = {}): MetricRow => ['AWS/SQS', name, 'QueueName', queue, options];
  const worker = (name: JobMetricName, options: Record<string, HclValue> = {}): MetricRow => [
    namespace,
    name,
    DIMENSIONS.functionName,
    jobs.workerName,
    options,
  ];
  return [
    {
      title: "Jobs queue: waiting, running, and the oldest job's age (s)",
      properties: {
        stat: 'Maximum',
        period: FIVE_MINUTES,
        metrics: [
          sqs(jobs.queueName, 'ApproximateNumberOfMessagesVisible', { label: 'waiting' }),
          sqs(jobs.queueName, 'ApproximateNumberOfMessagesNotVisible', { label: 'running' }),
          sqs(jobs.queueName, 'ApproximateAgeOfOldestMessage', { label: 'oldest (s)', yAxis: 'right' }),
        ],
      },
    },
    {
      title: 'Jobs dead-letter queue: jobs out of attempts (alarmed above 0)',
      properties: {
        stat: 'Maximum',
        period: FIVE_MINUTES,
        metrics: [sqs(jobs.deadLetterQueueName, 'ApproximateNumberOfMessagesVisible', { label: 'dead letters' })],
      },
    },
    {
      title: 'Jobs ended, failed and cancelled; queue delay p95 (ms)',
      properties: {
        period: FIVE_MINUTES,
        metrics: [
          worker('Jobs', { stat: 'Sum', label: 'ended' }),
          worker('JobsFailed', { stat: 'Sum', label: 'failed' }),
          worker('JobsCancelled', { stat: 'Sum', label: 'cancelled' }),
          worker('QueueDelay', { stat: 'p95', label: 'queue delay p95', yAxis: 'right' }),
        ],
      },
    },
  ];
}

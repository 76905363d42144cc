/**
 * Watching and capping the agent: the dashboard and saved Logs Insights
 * queries (`dashboard_enabled`), alarms to an SNS topic (`alarm_email` or
 * `alarm_topic_arn`), and the cost kill switch on the daily-cost alarm
 * (`cost_kill_switch_enabled`). Every part is counted on its variables, so
 * with them off the plan is what it was. The metrics come from the
 * function's log lines (embedded metric format) and from AWS/Lambda.
 */
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { Fn, Op, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE, DIMENSIONS, type RequestMetricName } from '../function/metrics/definitions';
import { AlarmTopic } from './alarm-topic';
import { dashboardBody, type LambdaMetricName } from './dashboard-body';
import { hclExpr, hclValue } from './hcl-value';
import { INSIGHTS_QUERIES } from './insights-queries';
import { DEAD_LETTER_SUFFIX, WORKER_SUFFIX } from './jobs-shape';
import { KillSwitch } from './kill-switch';
import type { StackContext } from './stack-context';
import { countIf, named } from './terraform-helpers';
import type { StackVariables } from './variables';

export interface ObservabilityProps {
  readonly variables: StackVariables;
  readonly context: StackContext;
  /** The agent function's name and log group. */
  readonly functionName: string;
  readonly logGroupName: string;
  /** The zip as the agent function has it, and the kill switch's handler. */
  readonly filename: string;
  readonly sourceCodeHash: string;
  readonly breakerHandler: string;
  /** The jobs worker's name, as a list of zero or one: the kill switch closes it too, and the cost alarm counts it. */
  readonly workerNames: string[];
  /** The jobs dead-letter queue's name, as a list of zero or one: an alarm when it holds a message. */
  readonly deadLetterQueueNames: string[];
}

const FIVE_MINUTES = 300;
const DAY = 86_400;

export class Observability extends Construct {
  readonly topic: AlarmTopic;
  readonly killSwitch: KillSwitch;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { variables: vars, context } = props;
    const local = (name: string, expression: unknown) => named(new TerraformLocal(this, name, expression), name);
    const fnName = props.functionName;
    const namespace = local('metrics_namespace', `\${var.metrics_namespace != "" ? var.metrics_namespace : "${DEFAULT_METRICS_NAMESPACE}"}`).asString;
    const durationAlarmMs = local('duration_alarm_ms', '${var.timeout_seconds * 1000 * var.alarm_duration_percent_of_timeout / 100}').asNumber;
    const alarmArnPrefix = `arn:${context.partition}:cloudwatch:${context.region}:${context.accountId}:alarm:${fnName}-`;

    // The dashboard and the saved queries.
    const dashboardOn = vars.bool('dashboard_enabled');
    const inputs = {
      functionName: hclExpr('var.function_name'),
      namespace: hclExpr('local.metrics_namespace'),
      region: hclExpr('data.aws_region.current.name'),
      timeoutMs: hclExpr('var.timeout_seconds * 1000'),
      durationAlarmMs: hclExpr('local.duration_alarm_ms'),
    };
    const jobsName = `"\${var.function_name}${WORKER_SUFFIX}"`;
    const body = dashboardBody(inputs);
    const withJobs = dashboardBody({
      ...inputs,
      jobs: {
        workerName: hclExpr(jobsName),
        queueName: hclExpr(jobsName),
        deadLetterQueueName: hclExpr(`"\${var.function_name}${WORKER_SUFFIX}${DEAD_LETTER_SUFFIX}"`),
      },
    });
    named(
      new CloudwatchDashboard(this, 'dashboard', {
        count: countIf(dashboardOn),
        dashboardName: fnName,
        // With jobs on, a row for the queue, its dead-letter queue and the worker; off, the body is as it was.
        dashboardBody: local('dashboard_body', `\${var.async_jobs_enabled ? jsonencode(${hclValue(withJobs)}) : jsonencode(${hclValue(body)})}`).asString,
      }),
      'agent',
    );
    for (const query of INSIGHTS_QUERIES) {
      named(
        new CloudwatchQueryDefinition(this, `query-${query.name}`, {
          count: countIf(dashboardOn),
          name: `${fnName}/${query.name}`,
          logGroupNames: [props.logGroupName],
          queryString: query.query,
        }),
        query.name.replace(/-/g, '_'),
      );
    }

    // Alarms, when they have somewhere to go; the daily-cost one also when the kill switch needs it.
    this.topic = new AlarmTopic(this, 'topic', { variables: vars, context, alarmArnPrefix });
    const alarmsOn = this.topic.enabled;
    const costAlarmOn = local('cost_alarm_enabled', '${(local.alarms_enabled || var.cost_kill_switch_enabled) && var.daily_cost_alarm_usd > 0}').asBoolean;
    const killSwitchOn = vars.bool('cost_kill_switch_enabled');
    this.killSwitch = new KillSwitch(this, 'kill-switch', {
      variables: vars,
      context,
      enabled: killSwitchOn,
      filename: props.filename,
      sourceCodeHash: props.sourceCodeHash,
      handler: props.breakerHandler,
      functionNames: Token.asList(Fn.concat([[fnName], props.workerNames])),
      alarmArn: `${alarmArnPrefix}daily-cost`,
    });

    // A metric of the function: the alarm's own (with `statistic`) or one of a metric query (with `stat`).
    const ours = (metric: RequestMetricName, period: number, dimensions: Record<string, string> = {}) => ({
      namespace,
      metricName: metric,
      period,
      dimensions: { [DIMENSIONS.functionName]: fnName, ...dimensions },
    });
    const lambda = (metric: LambdaMetricName, period: number) => ({
      namespace: 'AWS/Lambda',
      metricName: metric,
      period,
      dimensions: { FunctionName: fnName },
    });
    const common = { alarmActions: this.topic.arns, okActions: this.topic.arns, treatMissingData: 'notBreaching', tags: context.tags() };
    const alarm = (logicalId: string, suffix: string, config: Omit<CloudwatchMetricAlarmConfig, 'alarmName'>) =>
      named(new CloudwatchMetricAlarm(this, `alarm-${logicalId}`, { alarmName: `${fnName}-${suffix}`, ...config }), logicalId);

    alarm('faults', 'fault-rate', {
      ...common,
      count: countIf(alarmsOn),
      alarmDescription: 'More than alarm_fault_rate_percent of requests failed on the service side (5xx) in 2 of the last 3 five-minute periods.',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: vars.num('alarm_fault_rate_percent'),
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      metricQuery: [
        { id: 'rate', expression: 'IF(requests > 0, 100 * faults / requests, 0)', label: 'fault rate %', returnData: true },
        { id: 'faults', metric: { ...ours('Faults', FIVE_MINUTES), stat: 'Sum' } },
        { id: 'requests', metric: { ...ours('Requests', FIVE_MINUTES), stat: 'Sum' } },
      ],
    });
    alarm('internal_errors', 'internal-errors', {
      ...common,
      count: countIf(alarmsOn),
      alarmDescription: 'A request failed with internal_error (a defect or a misconfiguration): its log line says which.',
      ...ours('Errors', FIVE_MINUTES, { [DIMENSIONS.errorType]: 'internal_error' }),
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 1,
    });
    alarm('throttles', 'throttles', {
      ...common,
      count: countIf(alarmsOn),
      alarmDescription:
        'Lambda throttled at least alarm_throttles invocations in five minutes: reserved_concurrency is reached, or the kill switch closed the agent.',
      ...lambda('Throttles', FIVE_MINUTES),
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: vars.num('alarm_throttles'),
      evaluationPeriods: 1,
    });
    alarm('duration', 'duration-p95', {
      ...common,
      count: countIf(alarmsOn),
      alarmDescription:
        'The p95 duration exceeded alarm_duration_percent_of_timeout of the timeout in 2 of the last 3 five-minute periods: requests are about to time out.',
      ...lambda('Duration', FIVE_MINUTES),
      extendedStatistic: 'p95',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: durationAlarmMs,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    const jobsOn = vars.bool('async_jobs_enabled');
    alarm('jobs_dead_letters', 'jobs-dead-letters', {
      ...common,
      count: countIf(Op.and(alarmsOn, jobsOn)),
      alarmDescription:
        "A job's message reached the dead-letter queue: its attempts all died (timeouts, crashes) and GET /jobs/{id} reports it failed (attempts_exhausted). Look at the worker's log.",
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      period: FIVE_MINUTES,
      dimensions: { QueueName: Token.asString(Fn.one(props.deadLetterQueueNames)) },
      statistic: 'Maximum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 1,
    });
    const costAlarm = {
      ...common,
      alarmDescription:
        'Estimated model cost over the last 24 hours exceeded daily_cost_alarm_usd (list prices). With cost_kill_switch_enabled the agent is closed: reopen with terraform apply.',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: vars.num('daily_cost_alarm_usd'),
      evaluationPeriods: 1,
      alarmActions: Token.asList(Fn.concat([this.topic.arns, this.killSwitch.arns])),
    };
    // With jobs on, the worker's cost counts too: the same alarm (name and ARN), over both functions.
    alarm('daily_cost_with_jobs', 'daily-cost', {
      ...costAlarm,
      count: countIf(Op.and(costAlarmOn, jobsOn)),
      metricQuery: [
        { id: 'cost', expression: 'FILL(agent, 0) + FILL(jobs, 0)', label: 'cost USD (agent and jobs)', returnData: true },
        { id: 'agent', metric: { ...ours('CostUSD', DAY), stat: 'Sum' } },
        { id: 'jobs', metric: { ...ours('CostUSD', DAY, { [DIMENSIONS.functionName]: `${fnName}${WORKER_SUFFIX}` }), stat: 'Sum' } },
      ],
    });
    alarm('daily_cost', 'daily-cost', {
      ...costAlarm,
      count: countIf(Op.and(costAlarmOn, Op.not(jobsOn))),
      ...ours('CostUSD', DAY),
      statistic: 'Sum',
    });
  }
}

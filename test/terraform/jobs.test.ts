/**
 * Jobs (async_jobs_enabled), planned offline by real Terraform against the
 * real AWS provider schema: the queue and its dead-letter queue, the worker
 * and its mapping, least-privilege roles, schedules and job events. Off,
 * the plan holds nothing of them.
 */
import { evaluatePlan } from '../../src/check/rules';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { plannedResources, planEach, planned, rejected, statements } from '../helpers/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const KMS_KEY = `arn:aws:kms:us-east-1:${TEST_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BASE = `anthropic_api_key_secret_arn = "${SECRET_ARN}"`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${TEST_ACCOUNT_ID}:claude-agent-jobs`;
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${TEST_ACCOUNT_ID}:table/claude-agent-state`;
const JOB_TYPES = ['aws_sqs_queue', 'aws_lambda_event_source_mapping', 'aws_scheduler_schedule'];
/** As a tfvars file writes them: each request an object (a tfvars file cannot call jsonencode), one given as a JSON string as a module caller might. */
const SCHEDULES = [
  'schedules = {',
  '  nightly = { schedule_expression = "cron(0 7 * * ? *)", timezone = "Europe/Paris", request = { input = "Write the nightly report.", max_tokens = 2000 } }',
  '  weekly = { schedule_expression = "rate(7 days)", request = "{\\"input\\":\\"Sum up the week.\\"}" }',
  '}',
].join('\n');

const byName = (plan: PlanJson, type: string, name: string) => plannedResources(plan, type).find((r) => r.name === name)?.values;
const policyOf = (plan: PlanJson, name: string) => statements(byName(plan, 'aws_iam_role_policy', name)?.policy);

describe('jobs', () => {
  let off: PlanJson;
  let on: PlanJson;
  let full: PlanJson;
  let schedulesWithoutJobs: TfRun;
  let oneConcurrency: TfRun;
  let badSchedule: TfRun;
  let subtlyBadSchedule: TfRun;
  let strayAttribute: TfRun;

  beforeAll(async () => {
    const plans = await planEach('jobs', {
      off: BASE,
      on: `${BASE}\nasync_jobs_enabled = true`,
      full: [
        BASE,
        'async_jobs_enabled = true',
        'job_events_enabled = true',
        'job_timeout_seconds = 600',
        'job_concurrency = 3',
        'job_max_receive_count = 4',
        `kms_key_arn = "${KMS_KEY}"`,
        'alarm_email = "oncall@example.com"',
        'cost_kill_switch_enabled = true',
        SCHEDULES,
      ].join('\n'),
    });
    const invalid = await planEach(
      'jobs-invalid',
      {
        schedulesWithoutJobs: SCHEDULES,
        oneConcurrency: 'async_jobs_enabled = true\njob_concurrency = 1',
        badSchedule: 'async_jobs_enabled = true\nschedules = { "bad name" = { schedule_expression = "every day", request = "hello" } }',
        strayAttribute: 'async_jobs_enabled = true\nschedules = { nightly = { schedule_expression = "rate(1 day)", request = { input = "x" }, timeout = 10 } }',
        subtlyBadSchedule:
          'async_jobs_enabled = true\nschedules = { "nightly-report-for-the-finance-team-in-every-region-of-europe" = { schedule_expression = "rate(1 day)", timezone = "+02:00", request = { input = 42 } } }',
      },
      'variables',
    );
    off = planned(plans.off, 'off');
    on = planned(plans.on, 'on');
    full = planned(plans.full, 'full');
    schedulesWithoutJobs = rejected(invalid.schedulesWithoutJobs, 'schedulesWithoutJobs');
    oneConcurrency = rejected(invalid.oneConcurrency, 'oneConcurrency');
    badSchedule = rejected(invalid.badSchedule, 'badSchedule');
    subtlyBadSchedule = rejected(invalid.subtlyBadSchedule, 'subtlyBadSchedule');
    strayAttribute = rejected(invalid.strayAttribute, 'strayAttribute');
  }, 300_000);

  test('off (the default): no queue, worker, mapping, schedule or SQS permission, and nothing of jobs in the environment', () => {
    for (const type of JOB_TYPES) expect(plannedResources(off, type)).toEqual([]);
    // Exactly the default deployment from before jobs: the function, its role, policies, log group and URL, and the dashboard.
    expect(plannedResources(off).map((r) => r.address)).toEqual([
      'aws_cloudwatch_dashboard.agent[0]',
      'aws_cloudwatch_log_group.agent',
      'aws_cloudwatch_query_definition.cost_by_caller_per_day[0]',
      'aws_cloudwatch_query_definition.errors_by_type[0]',
      'aws_cloudwatch_query_definition.slowest_requests[0]',
      'aws_cloudwatch_query_definition.tool_usage[0]',
      'aws_iam_role.agent',
      'aws_iam_role_policy.anthropic_api_key[0]',
      'aws_iam_role_policy.logs',
      'aws_lambda_function.agent',
      'aws_lambda_function_url.agent',
    ]);
    expect(plannedResources(off, 'aws_lambda_function').map((f) => f.name)).toEqual(['agent']);
    expect(plannedResources(off, 'aws_iam_role_policy').map((p) => p.name)).not.toContain('jobs_send');
    const env = (byName(off, 'aws_lambda_function', 'agent')?.environment as Array<{ variables: Record<string, string> }>)[0].variables;
    expect(Object.keys(env).filter((k) => k.startsWith('JOB') || k.startsWith('ASYNC'))).toEqual([]);
  });

  test('on: an encrypted queue with a dead-letter queue, a visibility timeout six times the worker timeout', () => {
    const queue = byName(on, 'aws_sqs_queue', 'jobs');
    const dlq = byName(on, 'aws_sqs_queue', 'jobs_dlq');
    expect(queue).toMatchObject({
      name: 'claude-agent-jobs',
      visibility_timeout_seconds: 5400,
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 604800,
    });
    expect(JSON.parse(String(queue?.redrive_policy))).toEqual({ deadLetterTargetArn: `${QUEUE_ARN}-dlq`, maxReceiveCount: 3 });
    expect(dlq).toMatchObject({ name: 'claude-agent-jobs-dlq', message_retention_seconds: 1209600, sqs_managed_sse_enabled: true });
    const withKey = byName(full, 'aws_sqs_queue', 'jobs');
    expect(withKey).toMatchObject({ kms_master_key_id: KMS_KEY, visibility_timeout_seconds: 3600 });
    expect(withKey?.sqs_managed_sse_enabled).not.toBe(true);
  });

  test('on: the worker runs index.jobHandler from the same zip, with its own log group, timeout and reserved concurrency, fed one message at a time', () => {
    const agent = byName(on, 'aws_lambda_function', 'agent');
    const worker = byName(full, 'aws_lambda_function', 'jobs_worker');
    expect(worker).toMatchObject({ function_name: 'claude-agent-jobs', handler: 'index.jobHandler', timeout: 600, reserved_concurrent_executions: 3 });
    expect(byName(on, 'aws_lambda_function', 'jobs_worker')?.source_code_hash).toBe(agent?.source_code_hash);
    expect(byName(on, 'aws_cloudwatch_log_group', 'jobs_worker')).toMatchObject({ name: '/aws/lambda/claude-agent-jobs' });
    expect(byName(full, 'aws_lambda_event_source_mapping', 'jobs')).toMatchObject({
      batch_size: 1,
      function_response_types: ['ReportBatchItemFailures'],
      scaling_config: [{ maximum_concurrency: 3 }],
    });
    const env = (worker?.environment as Array<{ variables: Record<string, string> }>)[0].variables;
    expect(env).toMatchObject({ ASYNC_JOBS_ENABLED: 'true', JOB_MAX_RECEIVE_COUNT: '4', JOB_EVENTS_ENABLED: 'true', JOB_EVENT_SOURCE: 'claude-agent' });
    const agentEnv = (agent?.environment as Array<{ variables: Record<string, string> }>)[0].variables;
    expect(agentEnv).toMatchObject({ ASYNC_JOBS_ENABLED: 'true', JOBS_QUEUE_URL: `https://sqs.us-east-1.amazonaws.com/${TEST_ACCOUNT_ID}/claude-agent-jobs` });
    expect(Object.keys(agentEnv)).not.toContain('JOB_MAX_RECEIVE_COUNT');
  });

  test('the agent may only send to the queue; the worker only consume it, use the state table for jobs, and reach the model as the agent does', () => {
    expect(policyOf(on, 'jobs_send')).toEqual([{ Sid: 'SendJobs', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [QUEUE_ARN] }]);
    expect(policyOf(on, 'jobs_worker')).toEqual([
      expect.objectContaining({ Sid: 'WriteOwnLogGroup', Resource: [`arn:aws:logs:us-east-1:${TEST_ACCOUNT_ID}:log-group:/aws/lambda/claude-agent-jobs:*`] }),
      expect.objectContaining({
        Sid: 'ConsumeJobsQueue',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        Resource: [QUEUE_ARN],
      }),
      expect.objectContaining({ Sid: 'ReadWriteStateTable', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: [TABLE_ARN] }),
    ]);
    expect(policyOf(on, 'state')).toEqual([
      expect.objectContaining({ Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: [TABLE_ARN] }),
    ]);
    expect(byName(on, 'aws_iam_role_policy', 'jobs_worker_anthropic_api_key')?.policy).toBe(byName(on, 'aws_iam_role_policy', 'anthropic_api_key')?.policy);
    expect(byName(on, 'aws_iam_role_policy', 'jobs_worker_bedrock_invoke')).toBeUndefined();
    expect(byName(on, 'aws_iam_role_policy', 'jobs_worker_events')).toBeUndefined();
    expect(evaluatePlan(on)).toEqual({ violations: [], unevaluated: [] });
  });

  test('job events: events:PutEvents on the default bus only; a customer key is used through SQS only', () => {
    expect(policyOf(full, 'jobs_worker_events')).toEqual([
      { Sid: 'PutJobEvents', Effect: 'Allow', Action: ['events:PutEvents'], Resource: [`arn:aws:events:us-east-1:${TEST_ACCOUNT_ID}:event-bus/default`] },
    ]);
    for (const name of ['jobs_send_kms', 'jobs_worker_queue_kms', 'jobs_scheduler_kms']) {
      const [statement] = policyOf(full, name);
      expect(statement).toMatchObject({ Resource: [KMS_KEY], Condition: { StringEquals: { 'kms:ViaService': ['sqs.us-east-1.amazonaws.com'] } } });
    }
  });

  test('a schedule enqueues its request as schedule:<name>, through a role that may only send to the queue', () => {
    const schedules = plannedResources(full, 'aws_scheduler_schedule');
    expect(schedules.map((s) => s.values.name).sort()).toEqual(['claude-agent-nightly', 'claude-agent-weekly']);
    const schedule = schedules.find((s) => s.values.name === 'claude-agent-nightly')!;
    expect(schedule.values).toMatchObject({
      name: 'claude-agent-nightly',
      schedule_expression: 'cron(0 7 * * ? *)',
      schedule_expression_timezone: 'Europe/Paris',
      flexible_time_window: [{ mode: 'OFF', maximum_window_in_minutes: null }],
    });
    const [target] = schedule.values.target as Array<{ input: string }>;
    expect(JSON.parse(target.input)).toEqual({ schedule: 'nightly', request: { input: 'Write the nightly report.', max_tokens: 2000 } });
    const weekly = schedules.find((s) => s.values.name === 'claude-agent-weekly')!;
    expect(weekly.values.schedule_expression_timezone).toBe('UTC');
    expect(JSON.parse((weekly.values.target as Array<{ input: string }>)[0].input)).toEqual({ schedule: 'weekly', request: { input: 'Sum up the week.' } });
    expect(policyOf(full, 'jobs_scheduler')).toEqual([{ Sid: 'SendScheduledJobs', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [QUEUE_ARN] }]);
    const trust = JSON.parse(String(byName(full, 'aws_iam_role', 'jobs_scheduler')?.assume_role_policy));
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT_ID } },
    });
  });

  test('with alarms: the dead-letter queue has an alarm, the cost alarm counts the worker, and the kill switch closes it too', () => {
    const alarms = plannedResources(full, 'aws_cloudwatch_metric_alarm').map((a) => a.values);
    expect(alarms.find((a) => a.alarm_name === 'claude-agent-jobs-dead-letters')).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: 'claude-agent-jobs-dlq' },
      threshold: 1,
    });
    const cost = alarms.find((a) => a.alarm_name === 'claude-agent-daily-cost');
    const queries = cost?.metric_query as Array<{ id: string; metric: Array<{ dimensions: Record<string, string> }> }>;
    expect(queries.flatMap((q) => q.metric.map((m) => m.dimensions.FunctionName)).sort()).toEqual(['claude-agent', 'claude-agent-jobs']);
    const [close] = policyOf(full, 'kill_switch').filter((s) => s.Sid === 'CloseTheAgent');
    expect(close.Resource).toEqual([
      `arn:aws:lambda:us-east-1:${TEST_ACCOUNT_ID}:function:claude-agent`,
      `arn:aws:lambda:us-east-1:${TEST_ACCOUNT_ID}:function:claude-agent-jobs`,
    ]);
    const breakerEnv = (byName(full, 'aws_lambda_function', 'kill_switch')?.environment as Array<{ variables: Record<string, string> }>)[0].variables;
    expect(breakerEnv.BREAKER_FUNCTION_NAMES).toBe('claude-agent,claude-agent-jobs');
    expect(evaluatePlan(full)).toEqual({ violations: [], unevaluated: [] });
  });

  test('the plan shows which queue feeds which function and which role each policy and function has (known at plan, so npm run check can read them)', () => {
    expect(byName(on, 'aws_lambda_event_source_mapping', 'jobs')).toMatchObject({ event_source_arn: QUEUE_ARN, function_name: 'claude-agent-jobs' });
    expect(byName(on, 'aws_lambda_function', 'jobs_worker')?.role).toBe(`arn:aws:iam::${TEST_ACCOUNT_ID}:role/claude-agent-jobs-role`);
    expect(byName(on, 'aws_lambda_function', 'agent')?.role).toBe(`arn:aws:iam::${TEST_ACCOUNT_ID}:role/claude-agent-role`);
    expect(byName(on, 'aws_iam_role_policy', 'jobs_worker')?.role).toBe('claude-agent-jobs-role');
    expect(byName(on, 'aws_iam_role_policy', 'jobs_send')?.role).toBe('claude-agent-role');
    const [target] = plannedResources(full, 'aws_scheduler_schedule')[0].values.target as Array<{ arn: string; role_arn: string }>;
    expect(target).toMatchObject({ arn: QUEUE_ARN, role_arn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/claude-agent-jobs-scheduler` });
  });

  test('the dashboard gains a row for jobs: the queue, its dead-letter queue and how jobs end; off, the body is as it was', () => {
    const widgets = (plan: PlanJson) => JSON.parse(String(plannedResources(plan, 'aws_cloudwatch_dashboard')[0].values.dashboard_body)).widgets as any[];
    const metricRows = (widget: any) => (widget.properties.metrics as unknown[][]).map((row) => row.slice(0, 4));
    const added = widgets(on).slice(widgets(off).length);
    expect(widgets(on).slice(0, widgets(off).length)).toEqual(widgets(off));
    expect(added.map((w) => metricRows(w))).toEqual([
      [
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'claude-agent-jobs'],
        ['AWS/SQS', 'ApproximateNumberOfMessagesNotVisible', 'QueueName', 'claude-agent-jobs'],
        ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', 'claude-agent-jobs'],
      ],
      [['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'claude-agent-jobs-dlq']],
      [
        ['ClaudeAgent', 'Jobs', 'FunctionName', 'claude-agent-jobs'],
        ['ClaudeAgent', 'JobsFailed', 'FunctionName', 'claude-agent-jobs'],
        ['ClaudeAgent', 'JobsCancelled', 'FunctionName', 'claude-agent-jobs'],
        ['ClaudeAgent', 'QueueDelay', 'FunctionName', 'claude-agent-jobs'],
      ],
    ]);
    // The row sits under the agent's widgets, one row of three.
    expect(new Set(added.map((w) => w.y)).size).toBe(1);
    expect(added[0].y).toBeGreaterThan(Math.max(...widgets(off).map((w) => w.y)));
  });

  test('bad job settings are refused at plan, saying what to change', () => {
    const text = (run: TfRun) => run.stderr.replace(/[\s│]+/g, ' ');
    expect(text(schedulesWithoutJobs)).toContain('set async_jobs_enabled = true to use them');
    expect(text(oneConcurrency)).toContain('job_concurrency must be a whole number of jobs from 2 to 1000');
    expect(text(badSchedule)).toContain('each name must be 1 to 64 letters');
    expect(text(badSchedule)).toContain('each schedule_expression must be');
    expect(text(badSchedule)).toContain('with an "input" string');
  });

  test('a schedule name too long with function_name, a time zone that is an offset and a number as input are refused at plan', () => {
    const text = subtlyBadSchedule.stderr.replace(/[\s│]+/g, ' ');
    expect(text).toContain('"<function_name>-<name>" names the EventBridge schedule, which allows 64 characters');
    expect(text).toContain('each timezone must be an IANA time zone name');
    expect(text).toContain('with an "input" string that is not empty');
    expect(text).not.toContain('each name must be 1 to 64 letters');
  });

  test('a schedule with an attribute it does not know is refused, naming the shape', () => {
    expect(strayAttribute.stderr.replace(/[\s│]+/g, ' ')).toContain(
      'schedules must be a map of schedule names to { schedule_expression = "...", timezone = "..." (optional), request = { input = "..." } }',
    );
  });
});

/**
 * Jobs (`async_jobs_enabled`): an encrypted SQS queue with a dead-letter
 * queue, the worker function (`index.jobHandler`, same zip) fed by an event
 * source mapping (batch size 1, ReportBatchItemFailures), its own log group
 * and least-privilege role, `sqs:SendMessage` on the queue for the agent,
 * the EventBridge Scheduler schedules of `schedules` with a role that may
 * only send to the queue, and `events:PutEvents` on the default bus with
 * `job_events_enabled`. In a VPC the worker is placed where the agent is.
 * With jobs off, nothing here exists.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { conditional, Fn, Op, TerraformIterator, TerraformLocal, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import type { AgentFunction } from './agent-function';
import { environmentSizeCheck, functionEnvironmentExpression } from './function-environment';
import { lambdaTrustPolicy, logGroupArn, policyDocument, roleArn } from './iam-policies';
import {
  DEAD_LETTER_SUFFIX,
  DLQ_RETENTION_SECONDS,
  MAX_RETENTION_SECONDS,
  QUEUE_SEND_ACTIONS,
  VISIBILITY_TIMEOUT_FACTOR,
  WORKER_QUEUE_ACTIONS,
  WORKER_SUFFIX,
} from './jobs-shape';
import type { StackContext } from './stack-context';
import { stateActionsExpression } from './state-table';
import { countIf, isNotEmpty, named, orNull, splat } from './terraform-helpers';
import { VPC_ACCESS_POLICY } from './vpc-access';
import { ROLE_SUFFIX, SCHEDULER_SUFFIX } from './derived-names';
import { SCHEDULE_REQUEST, SCHEDULE_TIMEZONE } from './variables-jobs';
import type { StackVariables } from './variables';

/** The local holding the jobs worker's environment. */
export const WORKER_ENVIRONMENT_LOCAL = 'jobs_worker_environment';

export interface JobsProps {
  readonly variables: StackVariables;
  readonly context: StackContext;
  readonly agent: AgentFunction;
  /** `index.jobHandler`. */
  readonly handler: string;
  readonly sourceCodeHash: string;
}

export class Jobs extends Construct {
  /** Whether jobs are on. */
  readonly enabled: IResolvable;
  /** The worker's name, `<function_name>-jobs`, as a list of zero or one (for the kill switch). */
  readonly workerNames: string[];
  /** The queue's URL when it exists, else an empty string: for outputs. */
  readonly queueUrlOrEmpty: string;
  /** The dead-letter queue's name when it exists, as a list of zero or one (for the alarm). */
  readonly deadLetterQueueNames: string[];

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    const { variables: vars, context, agent } = props;
    const local = (name: string, expression: unknown) => named(new TerraformLocal(this, name, expression), name);
    const fnName = vars.str('function_name');
    this.enabled = local('jobs_enabled', '${var.async_jobs_enabled}').asBoolean;
    const on = countIf(this.enabled);
    const eventsOn = local('job_events_on', '${var.async_jobs_enabled && var.job_events_enabled}').asBoolean;
    local('job_event_source', fnName);
    const workerName = `${fnName}${WORKER_SUFFIX}`;
    const queueName = `${fnName}${WORKER_SUFFIX}`;
    const arnOf = (service: string, resource: string) => `arn:${context.partition}:${service}:${context.region}:${context.accountId}:${resource}`;
    const queueArn = arnOf('sqs', queueName);
    const dlqName = `${queueName}${DEAD_LETTER_SUFFIX}`;
    // A local: the redrive policy's expression cannot hold a nested interpolation.
    local('jobs_dead_letter_queue_arn', arnOf('sqs', dlqName));
    const kmsKeyArn = vars.str('kms_key_arn');
    const kmsGiven = isNotEmpty(kmsKeyArn);
    // Your key when kms_key_arn is set, else SQS-managed encryption (SSE-SQS): never a queue unencrypted at rest.
    const encryption = {
      kmsMasterKeyId: orNull(kmsKeyArn),
      sqsManagedSseEnabled: Token.asAny(conditional(kmsGiven, Token.nullValue(), true)),
    };

    const dlq = named(
      new SqsQueue(this, 'dlq', { count: on, name: dlqName, messageRetentionSeconds: DLQ_RETENTION_SECONDS, ...encryption, tags: context.tags() }),
      'jobs_dlq',
    );
    const queue = named(
      new SqsQueue(this, 'queue', {
        count: on,
        name: queueName,
        visibilityTimeoutSeconds: Token.asNumber(`\${var.job_timeout_seconds * ${VISIBILITY_TIMEOUT_FACTOR}}`),
        messageRetentionSeconds: Token.asNumber(`\${min(var.job_retention_hours * 3600, ${MAX_RETENTION_SECONDS})}`),
        redrivePolicy: Token.asString('${jsonencode({ deadLetterTargetArn = local.jobs_dead_letter_queue_arn, maxReceiveCount = var.job_max_receive_count })}'),
        ...encryption,
        tags: context.tags(),
        dependsOn: [dlq],
      }),
      'jobs',
    );
    this.queueUrlOrEmpty = Token.asString(Fn.join('', splat(queue, 'url')));
    // SQS's URL format, from known parts: the function's environment is then known at plan.
    const queueUrl = `https://sqs.${context.region}.\${data.aws_partition.current.dns_suffix}/${context.accountId}/${queueName}`;
    this.deadLetterQueueNames = local('jobs_dead_letter_queue_names', '${[for q in aws_sqs_queue.jobs_dlq : q.name]}').asList;
    local('jobs_queue_url', queueUrl);

    // What the queue's key needs, through SQS only: sending encrypts, receiving decrypts.
    const queueKmsStatement = (actions: string[]) => ({
      sid: 'UseQueueKeyThroughSqs',
      effect: 'Allow',
      actions,
      resources: [kmsKeyArn],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`sqs.${context.region}.amazonaws.com`] }],
    });
    const withKey = Op.and(this.enabled, kmsGiven);

    // The agent may send to the queue, nothing more.
    const agentSend = named(
      new IamRolePolicy(this, 'agent-send', {
        count: on,
        role: agent.role.name,
        name: 'jobs-queue-send',
        policy: policyDocument(this, 'jobs_send', [{ sid: 'SendJobs', effect: 'Allow', actions: QUEUE_SEND_ACTIONS, resources: [queueArn] }], on),
      }),
      'jobs_send',
    );
    named(
      new IamRolePolicy(this, 'agent-send-kms', {
        count: countIf(withKey),
        role: agent.role.name,
        name: 'jobs-queue-kms',
        policy: policyDocument(this, 'jobs_send_kms', [queueKmsStatement(['kms:Decrypt', 'kms:GenerateDataKey'])], countIf(withKey)),
      }),
      'jobs_send_kms',
    );
    // The agent must not accept a job before it may queue one.
    agent.function.dependsOn = [...(agent.function.dependsOn ?? []), `${agentSend.terraformResourceType}.${agentSend.friendlyUniqueId}`];

    // The worker: its own role and log group.
    const role = named(
      new IamRole(this, 'role', {
        count: on,
        name: `${workerName}${ROLE_SUFFIX}`,
        description: 'Execution role of the Claude agent jobs worker: its queue, the state table and the model only.',
        assumeRolePolicy: lambdaTrustPolicy(),
        tags: context.tags(),
      }),
      'jobs_worker',
    );
    // Names, not ids: known at plan, so the plan (and npm run check) shows which role each policy is on.
    const roleName = Token.asString(Fn.one(splat(role, 'name')));
    const logGroupName = `/aws/lambda/${workerName}`;
    const workerStateActions = local('jobs_worker_state_actions', stateActionsExpression('worker')).asList;
    const statements = [
      {
        sid: 'WriteOwnLogGroup',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn(context, logGroupName)}:*`],
      },
      { sid: 'ConsumeJobsQueue', effect: 'Allow', actions: WORKER_QUEUE_ACTIONS, resources: [queueArn] },
      { sid: 'ReadWriteStateTable', effect: 'Allow', actions: workerStateActions, resources: [agent.state.tableArn] },
    ];
    const policies: IamRolePolicy[] = [
      named(
        new IamRolePolicy(this, 'worker', { count: on, role: roleName, name: 'jobs-worker', policy: policyDocument(this, 'jobs_worker', statements, on) }),
        'jobs_worker',
      ),
    ];
    // The model exactly as the agent reaches it (the deployment's key as the agent uses it), and what its tools reach.
    for (const [kind, accesses] of [
      ['model', agent.modelPolicies],
      ['tool', agent.toolPolicies],
    ] as const) {
      for (const [i, access] of accesses.entries()) {
        const count = countIf(Op.and(this.enabled, access.enabled));
        policies.push(
          named(
            new IamRolePolicy(this, `worker-${kind}-${i}`, { count, role: roleName, name: access.name, policy: access.policy }),
            `jobs_worker_${access.name.replace(/-/g, '_')}`,
          ),
        );
      }
    }
    const keyCount = countIf(withKey);
    policies.push(
      named(new IamRolePolicy(this, 'worker-kms', { count: keyCount, role: roleName, name: 'kms', policy: agent.kmsPolicy.policy }), 'jobs_worker_kms'),
      named(
        new IamRolePolicy(this, 'worker-queue-kms', {
          count: keyCount,
          role: roleName,
          name: 'jobs-queue-kms',
          policy: policyDocument(this, 'jobs_worker_queue_kms', [queueKmsStatement(['kms:Decrypt'])], keyCount),
        }),
        'jobs_worker_queue_kms',
      ),
    );
    const stateKeyCount = countIf(Op.and(this.enabled, agent.state.key.given));
    policies.push(
      named(
        new IamRolePolicy(this, 'worker-state-kms', {
          count: stateKeyCount,
          role: roleName,
          name: 'state-table-kms',
          policy: policyDocument(
            this,
            'jobs_worker_state_kms',
            [
              {
                sid: 'UseStateKeyThroughDynamoDB',
                effect: 'Allow',
                actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
                resources: [agent.state.key.arn],
                condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${context.region}.amazonaws.com`] }],
              },
            ],
            stateKeyCount,
          ),
        }),
        'jobs_worker_state_kms',
      ),
    );
    // Active tracing sends the worker's segments with its own role, as it does the agent's.
    policies.push(
      named(
        new IamRolePolicy(this, 'worker-tracing', {
          count: countIf(Op.and(this.enabled, vars.bool('tracing_enabled'))),
          role: roleName,
          name: 'xray',
          policy: agent.tracingPolicy,
        }),
        'jobs_worker_tracing',
      ),
    );
    // Lambda creates the worker's network interfaces with its own role, as it does the agent's.
    const eniCount = countIf(Op.and(this.enabled, agent.vpc.inVpc));
    policies.push(
      named(
        new IamRolePolicy(this, 'worker-vpc', { count: eniCount, role: roleName, name: VPC_ACCESS_POLICY, policy: agent.vpc.eniPolicyJson }),
        'jobs_worker_vpc_access',
      ),
    );
    const eventsCount = countIf(eventsOn);
    policies.push(
      named(
        new IamRolePolicy(this, 'worker-events', {
          count: eventsCount,
          role: roleName,
          name: 'job-events',
          policy: policyDocument(
            this,
            'jobs_worker_events',
            [{ sid: 'PutJobEvents', effect: 'Allow', actions: ['events:PutEvents'], resources: [arnOf('events', 'event-bus/default')] }],
            eventsCount,
          ),
        }),
        'jobs_worker_events',
      ),
    );

    const logGroup = named(
      new CloudwatchLogGroup(this, 'log-group', {
        count: on,
        name: logGroupName,
        retentionInDays: vars.num('log_retention_days'),
        kmsKeyId: orNull(kmsKeyArn),
        tags: context.tags(),
      }),
      'jobs_worker',
    );
    // A local, so the size check reads the same map the worker gets.
    named(new TerraformLocal(this, 'environment', functionEnvironmentExpression('worker')), WORKER_ENVIRONMENT_LOCAL);
    const environmentSize = environmentSizeCheck(`local.${WORKER_ENVIRONMENT_LOCAL}`, 'jobs worker');
    const worker = named(
      new LambdaFunction(this, 'function', {
        count: on,
        functionName: workerName,
        description: 'Claude agent jobs worker: runs the jobs of POST /jobs and the schedules from the jobs queue.',
        role: roleArn(context, roleName),
        filename: agent.filename,
        sourceCodeHash: props.sourceCodeHash,
        handler: props.handler,
        runtime: vars.str('runtime'),
        architectures: [vars.str('architecture')],
        memorySize: vars.num('memory_size'),
        timeout: vars.num('job_timeout_seconds'),
        reservedConcurrentExecutions: vars.num('job_concurrency'),
        loggingConfig: { logFormat: 'JSON', logGroup: logGroupName, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
        tracingConfig: { mode: Token.asString(conditional(vars.bool('tracing_enabled'), 'Active', 'PassThrough')) },
        environment: { variables: Token.asStringMap(`\${local.${WORKER_ENVIRONMENT_LOCAL}}`) },
        kmsKeyArn: orNull(kmsKeyArn),
        tags: context.tags(),
        dependsOn: [logGroup, ...policies, agent.state.policy],
        lifecycle: { precondition: [{ condition: Token.asAny(environmentSize.condition), errorMessage: environmentSize.errorMessage }] },
      }),
      'jobs_worker',
    );
    // In a VPC, where the agent runs: same subnets and security group (so the same endpoints and egress).
    agent.vpc.place(worker);
    this.workerNames = local('jobs_worker_names', '${[for fn in aws_lambda_function.jobs_worker : fn.function_name]}').asList;

    named(
      new LambdaEventSourceMapping(this, 'mapping', {
        count: on,
        // Built from known parts, as the policies are: the plan shows which queue feeds which function.
        eventSourceArn: queueArn,
        functionName: workerName,
        batchSize: 1,
        functionResponseTypes: ['ReportBatchItemFailures'],
        // Never more pollers than the worker may run: the rest would be throttled and counted as receives.
        scalingConfig: { maximumConcurrency: vars.num('job_concurrency') },
        tags: context.tags(),
        dependsOn: [queue, worker],
      }),
      'jobs',
    );

    // Schedules: EventBridge Scheduler sends each schedule's request to the queue, with a role that may do nothing else.
    const schedulesOn = Op.and(this.enabled, isNotEmpty(vars.map('schedules')));
    const schedulerCount = countIf(schedulesOn);
    const schedulerRoleName = `${workerName}${SCHEDULER_SUFFIX}`;
    const schedulerRole = named(
      new IamRole(this, 'scheduler-role', {
        count: schedulerCount,
        name: schedulerRoleName,
        description: 'EventBridge Scheduler role of the Claude agent schedules: send to the jobs queue only.',
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'SchedulerAssumeRole',
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.current.account_id}' } },
            },
          ],
        }),
        tags: context.tags(),
      }),
      'jobs_scheduler',
    );
    const schedulerRoleRef = Token.asString(Fn.one(splat(schedulerRole, 'name')));
    const schedulerPolicy = named(
      new IamRolePolicy(this, 'scheduler-policy', {
        count: schedulerCount,
        role: schedulerRoleRef,
        name: 'jobs-queue-send',
        policy: policyDocument(
          this,
          'jobs_scheduler',
          [{ sid: 'SendScheduledJobs', effect: 'Allow', actions: QUEUE_SEND_ACTIONS, resources: [queueArn] }],
          schedulerCount,
        ),
      }),
      'jobs_scheduler',
    );
    const schedulerKmsCount = countIf(Op.and(schedulesOn, kmsGiven));
    named(
      new IamRolePolicy(this, 'scheduler-kms', {
        count: schedulerKmsCount,
        role: schedulerRoleRef,
        name: 'jobs-queue-kms',
        policy: policyDocument(this, 'jobs_scheduler_kms', [queueKmsStatement(['kms:Decrypt', 'kms:GenerateDataKey'])], schedulerKmsCount),
      }),
      'jobs_scheduler_kms',
    );
    // A for expression, not `cond ? var.schedules : {}`: schedules is `any`, and the two sides of a conditional must share a type.
    const each = TerraformIterator.fromMap(Token.asAnyMap('${{ for name, s in var.schedules : name => s if var.async_jobs_enabled }}'));
    named(
      new SchedulerSchedule(this, 'schedule', {
        forEach: each,
        // At most 64 characters: the schedules variable's validation says so at plan.
        name: Token.asString('${format("%s-%s", var.function_name, each.key)}'),
        description: 'Claude agent schedule ${each.key}: enqueues a job as the caller schedule:${each.key}.',
        scheduleExpression: Token.asString(each.getString('schedule_expression')),
        scheduleExpressionTimezone: Token.asString(`\${${SCHEDULE_TIMEZONE('each.value')}}`),
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: queueArn,
          roleArn: roleArn(context, schedulerRoleName),
          input: Token.asString(`\${jsonencode({ schedule = each.key, request = ${SCHEDULE_REQUEST('each.value')} })}`),
        },
        dependsOn: [schedulerPolicy, queue],
      }),
      'jobs',
    );
  }
}

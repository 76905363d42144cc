/**
 * Each policy rule passes the compliant fixture plan and fails a fixture
 * broken in exactly the way the rule is about.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluatePlan, RULES } from '../../src/check/rules';
import type { PlanJson } from '../../src/terraform/terraform';

type Resource = { address: string; type: string; values: Record<string, any> };
type FixturePlan = { variables: Record<string, { value: unknown }>; planned_values: { root_module: { resources: Resource[] } } };
const load = (): FixturePlan => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'plans', 'compliant.json'), 'utf8'));
const evaluate = (plan: FixturePlan) => evaluatePlan(plan as unknown as PlanJson);
const find = (plan: FixturePlan, address: string) => plan.planned_values.root_module.resources.find((r) => r.address === address)!;
const setPolicy = (plan: FixturePlan, address: string, statements: unknown[]) => {
  find(plan, address).values.policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
};
const env = (plan: FixturePlan) => find(plan, 'aws_lambda_function.agent').values.environment[0].variables as Record<string, string>;

const KILL_SWITCH_LOGS = {
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/claude-agent-kill-switch:*',
};

const JOBS_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:claude-agent-jobs';
const STATE_TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/claude-agent-state';
const OTHER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
const WORKER_LOGS = {
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/claude-agent-jobs:*',
};
const WORKER_QUEUE_STATEMENT = {
  Sid: 'ConsumeJobsQueue',
  Effect: 'Allow',
  Action: ['sqs:ReceiveMessage', 'sqs:GetQueueAttributes', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
  Resource: JOBS_QUEUE_ARN,
};

const HAIKU_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5';
const INVOKE = ['bedrock:InvokeModelWithResponseStream'];
/** The agent on Bedrock with tiers, and a policy granting `statements` on its role. */
const onBedrock = (plan: FixturePlan, tiers: Record<string, string>, statements: unknown[]) => {
  Object.assign(env(plan), { LLM_PROVIDER: 'bedrock', MODEL_TIERS: JSON.stringify(tiers), DEFAULT_MODEL_TIER: Object.keys(tiers)[0] });
  delete env(plan).MODEL_ID;
  plan.planned_values.root_module.resources.push({
    address: 'aws_iam_role_policy.bedrock[0]',
    type: 'aws_iam_role_policy',
    values: { role: 'claude-agent-role', name: 'bedrock-invoke', policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) },
  });
};

const resource = (plan: FixturePlan, address: string, type: string, values: Record<string, any>) =>
  plan.planned_values.root_module.resources.push({ address, type, values });
const STRONG_PASSWORDS = { minimum_length: 12, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true };

const BAD_FIXTURES: Array<[rule: string, label: string, breakIt: (plan: FixturePlan) => void]> = [
  [
    'AGENT-COGNITO-001',
    'a user pool accepting 8-character passwords',
    (p) =>
      resource(p, 'aws_cognito_user_pool.agent[0]', 'aws_cognito_user_pool', {
        mfa_configuration: 'OPTIONAL',
        password_policy: [{ ...STRONG_PASSWORDS, minimum_length: 8 }],
      }),
  ],
  [
    'AGENT-COGNITO-001',
    'a user pool without MFA',
    (p) => resource(p, 'aws_cognito_user_pool.agent[0]', 'aws_cognito_user_pool', { mfa_configuration: 'OFF', password_policy: [STRONG_PASSWORDS] }),
  ],
  [
    'AGENT-COGNITO-001',
    'an app client with the implicit flow',
    (p) =>
      resource(p, 'aws_cognito_user_pool_client.agent[0]', 'aws_cognito_user_pool_client', {
        allowed_oauth_flows: ['implicit'],
        prevent_user_existence_errors: 'ENABLED',
      }),
  ],
  [
    'AGENT-COGNITO-001',
    'an identity pool for guests',
    (p) => resource(p, 'aws_cognito_identity_pool.guests', 'aws_cognito_identity_pool', { allow_unauthenticated_identities: true }),
  ],
  [
    'AGENT-LAMBDA-004',
    'provisioned concurrency on an alias no Function URL serves',
    (p) =>
      resource(p, 'aws_lambda_provisioned_concurrency_config.live[0]', 'aws_lambda_provisioned_concurrency_config', {
        function_name: 'claude-agent',
        qualifier: 'live',
        provisioned_concurrent_executions: 1,
      }),
  ],
  [
    'AGENT-IAM-005',
    'a Secrets Manager grant on a secret no setting names',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.anthropic_api_key[0]', [
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:anthropic-api-key-AbCdEf' },
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-db-password-ZyXwVu' },
      ]),
  ],
  [
    'AGENT-IAM-005',
    "an MCP server's token secret the role may not read",
    (p) => {
      env(p).MCP_SERVERS = JSON.stringify({
        orders: {
          url: 'https://mcp.example.com/mcp',
          auth_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-mcp-QwErTy',
          allowed_tools: null,
          timeout_ms: null,
        },
      });
    },
  ],
  [
    'AGENT-KB-001',
    'a Retrieve grant on a knowledge base no setting names',
    (p) => {
      env(p).KNOWLEDGE_BASE_IDS = 'KB12345678';
      resource(p, 'aws_iam_role_policy.knowledge_bases[0]', 'aws_iam_role_policy', {
        role: 'claude-agent-role',
        name: 'knowledge-bases',
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'bedrock:Retrieve',
              Resource: [
                'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678',
                'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/HRDOCS0001',
              ],
            },
          ],
        }),
      });
    },
  ],
  ['AGENT-KB-001', 'a knowledge base the role may not search', (p) => void (env(p).KNOWLEDGE_BASE_IDS = 'KB12345678')],
  [
    'AGENT-MODEL-001',
    'a Bedrock grant on a deployment that calls the Anthropic API',
    (p) => {
      onBedrock(p, { fast: 'anthropic.claude-haiku-4-5' }, [
        { Effect: 'Allow', Action: INVOKE, Resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5' },
      ]);
      env(p).LLM_PROVIDER = 'anthropic';
    },
  ],
  [
    'AGENT-MODEL-001',
    'a Bedrock grant on a model no tier names',
    (p) =>
      onBedrock(p, { fast: 'us.anthropic.claude-haiku-4-5' }, [
        { Effect: 'Allow', Action: INVOKE, Resource: HAIKU_PROFILE },
        { Effect: 'Allow', Action: INVOKE, Resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-5' },
      ]),
  ],
  [
    'AGENT-MODEL-001',
    'a tier whose model the role may not invoke',
    (p) =>
      onBedrock(p, { fast: 'us.anthropic.claude-haiku-4-5', deep: 'anthropic.claude-opus-4-5' }, [
        { Effect: 'Allow', Action: INVOKE, Resource: HAIKU_PROFILE },
      ]),
  ],
  [
    'AGENT-IAM-001',
    'a wildcard action',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.vpc_access[0]', [{ Effect: 'Allow', Action: 'logs:*', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:x' }]),
  ],
  [
    'AGENT-IAM-001',
    'NotAction',
    (p) => setPolicy(p, 'aws_iam_role_policy.vpc_access[0]', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b' }]),
  ],
  [
    'AGENT-IAM-002',
    'a scopable action on Resource "*"',
    (p) => setPolicy(p, 'aws_iam_role_policy.vpc_access[0]', [{ Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: ['*'] }]),
  ],
  [
    'AGENT-IAM-003',
    'a role another account can assume',
    (p) => {
      find(p, 'aws_iam_role.agent').values.assume_role_policy = JSON.stringify({
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::999999999999:root' } }],
      });
    },
  ],
  [
    'AGENT-IAM-004',
    "a role whose inline policies together exceed IAM's 10,240 characters",
    (p) => {
      const logs = JSON.parse(String(find(p, 'aws_iam_role_policy.logs').values.policy)) as { Statement: unknown[] };
      // The agent's own logs statement, compliant in every other way, repeated past the limit.
      setPolicy(p, 'aws_iam_role_policy.logs', Array.from({ length: 60 }, () => logs.Statement).flat());
    },
  ],
  [
    'AGENT-URL-001',
    'a NONE URL with no tokens and no opt-out',
    (p) => {
      delete env(p).AUTH_TOKEN_SHA256;
    },
  ],
  [
    'AGENT-ENV-001',
    'an API key in the environment',
    (p) => {
      env(p).ANTHROPIC_API_KEY = 'sk-ant-api03-abcdefghijklmnop';
    },
  ],
  [
    'AGENT-ENV-001',
    'an AWS access key under an innocent name',
    (p) => {
      env(p).FEATURE_FLAGS = 'AKIAIOSFODNN7EXAMPLE';
    },
  ],
  [
    'AGENT-LAMBDA-001',
    'unreserved concurrency',
    (p) => {
      find(p, 'aws_lambda_function.agent').values.reserved_concurrent_executions = -1;
    },
  ],
  [
    'AGENT-LAMBDA-002',
    'tracing off although tracing_enabled is true',
    (p) => {
      p.variables.tracing_enabled.value = true;
    },
  ],
  [
    'AGENT-LAMBDA-002',
    'a module instance with X-Ray permissions but tracing off',
    (p) => {
      delete (p as Partial<FixturePlan>).variables;
      setPolicy(p, 'aws_iam_role_policy.vpc_access[0]', [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]);
    },
  ],
  [
    'AGENT-LAMBDA-002',
    'a traced worker whose role may not write to X-Ray (the agent traced and permitted)',
    (p) => {
      p.variables.tracing_enabled.value = true;
      for (const fn of ['aws_lambda_function.agent', 'aws_lambda_function.jobs_worker[0]']) find(p, fn).values.tracing_config = [{ mode: 'Active' }];
      resource(p, 'aws_iam_role_policy.tracing[0]', 'aws_iam_role_policy', {
        role: 'claude-agent-role',
        name: 'xray',
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }],
        }),
      });
    },
  ],
  [
    'AGENT-LAMBDA-003',
    "a timeout over Lambda's 900 s",
    (p) => {
      find(p, 'aws_lambda_function.agent').values.timeout = 901;
    },
  ],
  [
    'AGENT-LAMBDA-003',
    'a timeout too short for a model call',
    (p) => {
      find(p, 'aws_lambda_function.agent').values.timeout = 5;
    },
  ],
  [
    'AGENT-LOG-001',
    'a log group kept forever',
    (p) => {
      find(p, 'aws_cloudwatch_log_group.agent').values.retention_in_days = 0;
    },
  ],
  [
    'AGENT-LOG-002',
    'log writes granted on log streams only',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.logs', [
        {
          Sid: 'WriteOwnLogGroup',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/claude-agent:log-stream:*'],
        },
      ]),
  ],
  [
    'AGENT-KMS-001',
    'KMS use of a key the function does not use',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.vpc_access[0]', [
        { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: ['arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'] },
      ]),
  ],
  [
    'AGENT-KMS-001',
    'a customer-managed key for the function but not for its logs',
    (p) => {
      find(p, 'aws_lambda_function.agent').values.kms_key_arn = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    },
  ],
  [
    'AGENT-STATE-001',
    'a configured state key the table does not use',
    (p) => {
      p.variables.state_kms_key_arn.value = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    },
  ],
  [
    'AGENT-STATE-001',
    'kms_key_arn given but the table on an AWS-owned key',
    (p) => {
      p.variables.kms_key_arn.value = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
      // The function and its logs use the key (so only the table is wrong).
      find(p, 'aws_lambda_function.agent').values.kms_key_arn = p.variables.kms_key_arn.value;
      find(p, 'aws_cloudwatch_log_group.agent').values.kms_key_id = p.variables.kms_key_arn.value;
      for (const fn of ['kill_switch[0]', 'jobs_worker[0]']) {
        find(p, `aws_lambda_function.${fn}`).values.kms_key_arn = p.variables.kms_key_arn.value;
        find(p, `aws_cloudwatch_log_group.${fn}`).values.kms_key_id = p.variables.kms_key_arn.value;
      }
      for (const queue of ['jobs[0]', 'jobs_dlq[0]']) find(p, `aws_sqs_queue.${queue}`).values.kms_master_key_id = p.variables.kms_key_arn.value;
    },
  ],
  [
    'AGENT-STATE-002',
    'a table without TTL',
    (p) => {
      find(p, 'aws_dynamodb_table.state[0]').values.ttl = [{ attribute_name: '', enabled: false }];
    },
  ],
  [
    'AGENT-STATE-002',
    'TTL on another attribute',
    (p) => {
      find(p, 'aws_dynamodb_table.state[0]').values.ttl = [{ attribute_name: 'ttl', enabled: true }];
    },
  ],
  [
    'AGENT-STATE-003',
    'point-in-time recovery off although asked for',
    (p) => {
      find(p, 'aws_dynamodb_table.state[0]').values.point_in_time_recovery = [{ enabled: false }];
    },
  ],
  [
    'AGENT-STATE-004',
    'a DynamoDB action the function does not use',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.state[0]', [
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Scan'], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/claude-agent-state' },
      ]),
  ],
  [
    'AGENT-STATE-004',
    'the sessions’ and jobs’ actions granted with budgets alone on',
    (p) => {
      delete env(p).SESSIONS_ENABLED;
      delete env(p).ASYNC_JOBS_ENABLED;
    },
  ],
  [
    'AGENT-STATE-004',
    'the worker granted DeleteItem, which only the agent uses (DELETE /sessions/{id}, an unsent job): actions are checked per role',
    (p) => {
      const policy = find(p, 'aws_iam_role_policy.jobs_worker[0]').values;
      const document = JSON.parse(policy.policy) as { Statement: Array<{ Sid: string; Action: string[] }> };
      document.Statement.find((s) => s.Sid === 'ReadWriteStateTable')!.Action.push('dynamodb:DeleteItem');
      policy.policy = JSON.stringify(document);
    },
  ],
  [
    'AGENT-STATE-004',
    'DynamoDB actions on every table of the account',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.state[0]', [
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/*' },
      ]),
  ],
  [
    'AGENT-STATE-004',
    'DynamoDB actions on the table’s indexes and streams too',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.state[0]', [
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/claude-agent-state/*' },
      ]),
  ],
  [
    'AGENT-SG-001',
    'a rule without description',
    (p) => {
      find(p, 'aws_vpc_security_group_ingress_rule.endpoints_from_function[0]').values.description = null;
    },
  ],
  [
    'AGENT-SG-001',
    'a group with the provider default description',
    (p) => {
      find(p, 'aws_security_group.function[0]').values.description = 'Managed by Terraform';
    },
  ],
  [
    'AGENT-SG-002',
    'ingress from 0.0.0.0/0',
    (p) => {
      find(p, 'aws_vpc_security_group_ingress_rule.endpoints_from_function[0]').values.cidr_ipv4 = '0.0.0.0/0';
    },
  ],
  [
    'AGENT-SG-002',
    'inline ingress from ::/0',
    (p) => {
      find(p, 'aws_security_group.function[0]').values.ingress = [{ description: 'open', ipv6_cidr_blocks: ['::/0'], cidr_blocks: [] }];
    },
  ],
  [
    'AGENT-OBS-001',
    'an SNS topic without encryption',
    (p) => {
      delete find(p, 'aws_sns_topic.alarm_topic[0]').values.kms_master_key_id;
    },
  ],
  [
    'AGENT-OBS-002',
    'an alarm without an action',
    (p) => {
      find(p, 'aws_cloudwatch_metric_alarm.daily_cost[0]').values.alarm_actions = [];
    },
  ],
  [
    'AGENT-OBS-003',
    'a kill switch that may close a function of another deployment',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.kill_switch[0]', [
        KILL_SWITCH_LOGS,
        { Effect: 'Allow', Action: 'lambda:PutFunctionConcurrency', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:payments' },
      ]),
  ],
  [
    'AGENT-OBS-003',
    'a kill switch that may do more than close',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.kill_switch[0]', [
        KILL_SWITCH_LOGS,
        { Effect: 'Allow', Action: 'lambda:UpdateFunctionCode', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:claude-agent' },
      ]),
  ],
  [
    'AGENT-IAM-001',
    'the worker allowed every SQS action',
    (p) => setPolicy(p, 'aws_iam_role_policy.jobs_worker[0]', [WORKER_LOGS, { ...WORKER_QUEUE_STATEMENT, Action: 'sqs:*' }]),
  ],
  [
    'AGENT-IAM-001',
    'the worker allowed every DynamoDB action',
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.jobs_worker[0]', [
        WORKER_LOGS,
        WORKER_QUEUE_STATEMENT,
        { Effect: 'Allow', Action: 'dynamodb:*', Resource: STATE_TABLE_ARN },
      ]),
  ],
  [
    'AGENT-JOBS-001',
    'a queue unencrypted at rest',
    (p) => {
      find(p, 'aws_sqs_queue.jobs[0]').values.sqs_managed_sse_enabled = false;
    },
  ],
  [
    'AGENT-JOBS-001',
    'a dead-letter queue on SSE-SQS although the deployment has its own key',
    (p) => {
      p.variables.kms_key_arn.value = OTHER_KEY;
      p.variables.state_kms_key_arn.value = '';
      find(p, 'aws_dynamodb_table.state[0]').values.server_side_encryption = [{ enabled: true, kms_key_arn: OTHER_KEY }];
      for (const fn of ['agent', 'kill_switch[0]', 'jobs_worker[0]']) {
        find(p, `aws_lambda_function.${fn}`).values.kms_key_arn = OTHER_KEY;
        find(p, `aws_cloudwatch_log_group.${fn}`).values.kms_key_id = OTHER_KEY;
      }
      find(p, 'aws_sqs_queue.jobs[0]').values.kms_master_key_id = OTHER_KEY;
    },
  ],
  [
    'AGENT-JOBS-002',
    'a consumed queue without a dead-letter queue',
    (p) => {
      delete find(p, 'aws_sqs_queue.jobs[0]').values.redrive_policy;
    },
  ],
  [
    'AGENT-JOBS-002',
    'a dead-letter queue that forgets sooner than the queue',
    (p) => {
      find(p, 'aws_sqs_queue.jobs_dlq[0]').values.message_retention_seconds = 3600;
    },
  ],
  [
    'AGENT-JOBS-002',
    'a redrive to a queue of another deployment',
    (p) => {
      find(p, 'aws_sqs_queue.jobs[0]').values.redrive_policy = JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:someone-elses-dlq',
        maxReceiveCount: 3,
      });
    },
  ],
  [
    'AGENT-JOBS-003',
    'a visibility timeout under six times the worker timeout',
    (p) => {
      find(p, 'aws_sqs_queue.jobs[0]').values.visibility_timeout_seconds = 900;
    },
  ],
  [
    'AGENT-JOBS-004',
    'the agent allowed to consume the jobs it sends',
    (p) => setPolicy(p, 'aws_iam_role_policy.jobs_send[0]', [{ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: JOBS_QUEUE_ARN }]),
  ],
  [
    'AGENT-JOBS-004',
    'the worker allowed every queue of the account',
    (p) => setPolicy(p, 'aws_iam_role_policy.jobs_worker[0]', [WORKER_LOGS, { ...WORKER_QUEUE_STATEMENT, Resource: 'arn:aws:sqs:us-east-1:123456789012:*' }]),
  ],
  [
    'AGENT-JOBS-004',
    'the worker allowed to purge its queue',
    (p) => setPolicy(p, 'aws_iam_role_policy.jobs_worker[0]', [WORKER_LOGS, { ...WORKER_QUEUE_STATEMENT, Action: ['sqs:ReceiveMessage', 'sqs:PurgeQueue'] }]),
  ],
  [
    'AGENT-JOBS-005',
    "the schedules' role allowed to send to the dead-letter queue",
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.jobs_scheduler[0]', [
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:claude-agent-jobs-dlq' },
      ]),
  ],
  [
    'AGENT-JOBS-005',
    "the schedules' role allowed to invoke functions",
    (p) =>
      setPolicy(p, 'aws_iam_role_policy.jobs_scheduler[0]', [
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: JOBS_QUEUE_ARN },
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:claude-agent' },
      ]),
  ],
  [
    'AGENT-JOBS-005',
    'a schedule sending with a role of another deployment',
    (p) => {
      find(p, 'aws_scheduler_schedule.jobs["nightly"]').values.target[0].role_arn = 'arn:aws:iam::123456789012:role/ops-scheduler';
    },
  ],
  [
    'AGENT-JOBS-006',
    'the agent in a VPC and its worker outside it',
    (p) => {
      find(p, 'aws_lambda_function.agent').values.vpc_config = [{ subnet_ids: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] }];
    },
  ],
  [
    'AGENT-JOBS-006',
    'the worker in other subnets than the agent',
    (p) => {
      find(p, 'aws_lambda_function.agent').values.vpc_config = [{ subnet_ids: ['subnet-0aaaaaaaaaaaaaaaa'], security_group_ids: ['sg-0aaaaaaaaaaaaaaaa'] }];
      find(p, 'aws_lambda_function.jobs_worker[0]').values.vpc_config = [
        { subnet_ids: ['subnet-0cccccccccccccccc'], security_group_ids: ['sg-0aaaaaaaaaaaaaaaa'] },
      ];
    },
  ],
];

describe('policy rules', () => {
  test('the compliant fixture has no violations', () => {
    expect(evaluate(load()).violations).toEqual([]);
  });

  test('every rule has an id, a one-line reason and at least one failing fixture', () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^AGENT-[A-Z]+-\d{3}$/);
      expect(rule.reason).toMatch(/^[^\n]{20,200}$/);
      expect(BAD_FIXTURES.some(([id]) => id === rule.id)).toBe(true);
    }
  });

  test.each(BAD_FIXTURES)('%s fails on %s, and only that rule does', (rule, _label, breakIt) => {
    const plan = load();
    breakIt(plan);
    const violations = evaluate(plan).violations;
    expect(violations.length).toBeGreaterThan(0);
    expect([...new Set(violations.map((v) => v.rule))]).toEqual([rule]);
  });

  test('the explicit opt-out satisfies AGENT-URL-001', () => {
    const plan = load();
    delete env(plan).AUTH_TOKEN_SHA256;
    env(plan).ALLOW_UNAUTHENTICATED = 'true';
    expect(evaluate(plan).violations).toEqual([]);
  });

  test('each agent a caller deploys through the module is checked on its own', () => {
    const healthy = load();
    const broken = load();
    find(broken, 'aws_lambda_function.agent').values.reserved_concurrent_executions = -1;
    delete find(broken, 'aws_iam_role_policy.vpc_access[0]').values.policy;
    const inModule = (plan: FixturePlan, key: string) => ({
      address: `module.agent["${key}"]`,
      resources: plan.planned_values.root_module.resources.map((r) => ({ ...r, address: `module.agent["${key}"].${r.address}` })),
    });
    const caller = { planned_values: { root_module: { child_modules: [inModule(healthy, 'us'), inModule(broken, 'eu')] } } };
    const report = evaluatePlan(caller as unknown as PlanJson);
    expect(report.violations).toEqual([
      { rule: 'AGENT-LAMBDA-001', address: 'module.agent["eu"].aws_lambda_function.agent', message: 'reserved_concurrent_executions is -1' },
    ]);
    expect(report.unevaluated).toEqual(['module.agent["eu"].aws_iam_role_policy.vpc_access[0]']);
  });

  test('a policy only known after apply is reported as unevaluated, not passed silently', () => {
    const plan = load();
    delete find(plan, 'aws_iam_role_policy.logs').values.policy;
    expect(evaluate(plan).unevaluated).toEqual(['aws_iam_role_policy.logs']);
  });
});

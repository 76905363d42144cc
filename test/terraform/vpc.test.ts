/**
 * Optional VPC placement, planned offline by real Terraform: the function's
 * security group, interface endpoints only where needed and enabled, no
 * ingress from anywhere, and a non-VPC plan exactly as before.
 */
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import { evaluatePlan } from '../../src/check/rules';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { plannedResources, planEach, planned, rejected as rejectedRun, statements } from '../helpers/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const VPC = ['vpc_id = "vpc-0123456789abcdef0"', 'vpc_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]'];
const tfvars = (...lines: string[]) => lines.join('\n');
const JOBS = ['async_jobs_enabled = true', 'schedules = { nightly = { schedule_expression = "cron(0 7 * * ? *)", request = { input = "Report." } } }'];

describe('VPC placement', () => {
  const plans: Record<string, PlanJson> = {};
  const rejected: Record<string, TfRun> = {};

  beforeAll(async () => {
    const valid = {
      noVpc: tfvars(`anthropic_api_key_secret_arn = "${SECRET_ARN}"`),
      anthropic: tfvars(...VPC, `anthropic_api_key_secret_arn = "${SECRET_ARN}"`, 'nat_egress_enabled = true'),
      bedrock: tfvars(...VPC, 'llm_provider = "bedrock"'),
      bedrockNoEndpoints: tfvars(...VPC, 'llm_provider = "bedrock"', 'create_vpc_endpoints = false'),
      existingEndpoints: tfvars(
        ...VPC,
        'llm_provider = "bedrock"',
        'vpc_endpoint_ids = { logs = "vpce-0123456789abcdef0" }',
        'vpc_endpoint_security_group_ids = ["sg-0fedcba9876543210"]',
      ),
      jobs: tfvars(...VPC, 'llm_provider = "bedrock"', ...JOBS, 'job_events_enabled = true', 'vpc_route_table_ids = ["rtb-0123456789abcdef0"]'),
      jobsExistingSqs: tfvars(
        ...VPC,
        `anthropic_api_key_secret_arn = "${SECRET_ARN}"`,
        'nat_egress_enabled = true',
        ...JOBS,
        'vpc_endpoint_ids = { sqs = "vpce-0123456789abcdef1" }',
        'vpc_endpoint_security_group_ids = ["sg-0fedcba9876543210"]',
      ),
      // Refused by a precondition, so planned as the stack: the worker keeps its jobs in the state table.
      jobsWithoutDynamoDB: tfvars(...VPC, 'llm_provider = "bedrock"', ...JOBS),
    };
    const invalid = {
      streamingInVpc: tfvars(...VPC, 'llm_provider = "bedrock"', 'invoke_mode = "RESPONSE_STREAM"'),
      anthropicWithoutNat: tfvars(...VPC, `anthropic_api_key_secret_arn = "${SECRET_ARN}"`),
      vpcWithoutSubnets: tfvars('vpc_id = "vpc-0123456789abcdef0"', 'llm_provider = "bedrock"'),
    };
    const [good, bad] = await Promise.all([planEach('vpc', valid), planEach('vpc', invalid, 'variables')]);
    const { jobsWithoutDynamoDB, ...plannable } = good;
    rejected.jobsWithoutDynamoDB = rejectedRun(jobsWithoutDynamoDB, 'jobsWithoutDynamoDB');
    for (const [name, outcome] of Object.entries(plannable)) plans[name] = planned(outcome, name);
    for (const [name, outcome] of Object.entries(bad)) rejected[name] = rejectedRun(outcome, name);
  }, 300_000);

  /** The services of the interface endpoints (gateway endpoints are asserted on their own). */
  const endpoints = (plan: PlanJson) =>
    plannedResources(plan, 'aws_vpc_endpoint')
      .filter((e) => e.values.vpc_endpoint_type === 'Interface')
      .map((e) => String(e.values.service_name).split('.').pop())
      .sort();

  test('without vpc_id the plan has exactly the resources it had before, and no vpc_config', () => {
    // The dashboard and its queries (dashboard_enabled, on by default) are observability's, not placement's.
    const dashboard = ['aws_cloudwatch_dashboard', 'aws_cloudwatch_query_definition'];
    expect(
      plannedResources(plans.noVpc)
        .filter((r) => !dashboard.includes(r.type))
        .map((r) => r.address)
        .sort(),
    ).toEqual([
      'aws_cloudwatch_log_group.agent',
      'aws_iam_role.agent',
      'aws_iam_role_policy.anthropic_api_key[0]',
      'aws_iam_role_policy.logs',
      'aws_lambda_function.agent',
      'aws_lambda_function_url.agent',
    ]);
    expect(plannedResources(plans.noVpc, 'aws_lambda_function')[0].values.vpc_config).toEqual([]);
    expect(plannedResources(plans.noVpc, 'aws_lambda_function_url')[0].values.cors).toEqual([]);
  });

  test('anthropic in a VPC gets secretsmanager, logs and sts endpoints, and no bedrock-runtime', () => {
    expect(endpoints(plans.anthropic)).toEqual(['logs', 'secretsmanager', 'sts']);
  });

  test('bedrock in a VPC gets the bedrock-runtime endpoint, and no secretsmanager', () => {
    expect(endpoints(plans.bedrock)).toEqual(['bedrock-runtime', 'logs', 'sts']);
  });

  test('endpoints are private-DNS interface endpoints in the given subnets', () => {
    for (const endpoint of plannedResources(plans.bedrock, 'aws_vpc_endpoint')) {
      expect(endpoint.values).toMatchObject({
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
        vpc_id: 'vpc-0123456789abcdef0',
        subnet_ids: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      });
    }
  });

  test('create_vpc_endpoints = false creates no endpoint and no endpoint security group', () => {
    expect(endpoints(plans.bedrockNoEndpoints)).toEqual([]);
    expect(plannedResources(plans.bedrockNoEndpoints, 'aws_security_group').map((g) => g.address)).toEqual(['aws_security_group.function[0]']);
  });

  test('an existing endpoint is used instead of created, and its security group is reachable', () => {
    expect(endpoints(plans.existingEndpoints)).toEqual(['bedrock-runtime', 'sts']);
    const toExisting = plannedResources(plans.existingEndpoints, 'aws_vpc_security_group_egress_rule').filter(
      (r) => r.values.referenced_security_group_id === 'sg-0fedcba9876543210',
    );
    expect(toExisting).toHaveLength(1);
    expect(toExisting[0].values).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp' });
  });

  test.each([['anthropic'], ['bedrock'], ['existingEndpoints']])('no ingress rule admits 0.0.0.0/0 (%s)', (name) => {
    const ingress = plannedResources(plans[name], 'aws_vpc_security_group_ingress_rule');
    expect(ingress.filter((r) => r.values.cidr_ipv4 === '0.0.0.0/0' || r.values.cidr_ipv6 === '::/0')).toEqual([]);
    for (const group of plannedResources(plans[name], 'aws_security_group')) expect(group.values.ingress ?? []).toEqual([]);
  });

  test('the endpoint security group admits HTTPS from the function security group only', () => {
    const ingress = plannedResources(plans.bedrock, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toHaveLength(1);
    expect(ingress[0].values).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp' });
    expect(ingress[0].values.cidr_ipv4).toBeNull();
  });

  test.each([['anthropic'], ['bedrock'], ['existingEndpoints']])('every security group and rule has a description (%s)', (name) => {
    const described = [
      ...plannedResources(plans[name], 'aws_security_group'),
      ...plannedResources(plans[name], 'aws_vpc_security_group_ingress_rule'),
      ...plannedResources(plans[name], 'aws_vpc_security_group_egress_rule'),
    ];
    expect(described.length).toBeGreaterThan(2);
    for (const r of described)
      expect({ address: r.address, description: typeof r.values.description === 'string' ? r.values.description : '' }).toEqual({
        address: r.address,
        description: expect.stringMatching(/\w{4,}/),
      });
  });

  test('HTTPS egress to the internet exists only for anthropic with a declared NAT path', () => {
    const toInternet = (plan: PlanJson) => plannedResources(plan, 'aws_vpc_security_group_egress_rule').filter((r) => r.values.cidr_ipv4 === '0.0.0.0/0');
    expect(toInternet(plans.anthropic)).toHaveLength(1);
    expect(toInternet(plans.anthropic)[0].values).toMatchObject({ from_port: 443, to_port: 443 });
    expect(toInternet(plans.bedrock)).toEqual([]);
  });

  test('the function’s vpc_config uses the given subnets and the new security group', () => {
    const [fn] = plannedResources(plans.bedrock, 'aws_lambda_function');
    expect(fn.values.vpc_config).toEqual([expect.objectContaining({ subnet_ids: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] })]);
    const change = plans.bedrock.resource_changes!.find((c) => c.address === 'aws_lambda_function.agent')!;
    // The group is created in the same apply, so its id is only known then.
    expect((change.change.after_unknown!.vpc_config as Array<Record<string, unknown>>)[0].security_group_ids).toBe(true);
    expect(plannedResources(plans.bedrock, 'aws_security_group').map((g) => g.address)).toContain('aws_security_group.function[0]');
  });

  test('the ENI policy scopes creation to the subnets and management to the VPC; only Describe uses "*"', () => {
    const policy = plannedResources(plans.bedrockNoEndpoints, 'aws_iam_role_policy').find((p) => p.values.name === 'vpc-access')!;
    const arn = `arn:aws:ec2:us-east-1:${TEST_ACCOUNT_ID}`;
    const inVpc = { ArnEquals: { 'ec2:Vpc': [`${arn}:vpc/vpc-0123456789abcdef0`] } };
    expect(statements(policy.values.policy)).toEqual([
      { Sid: 'DescribeNetworking', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: ['*'] },
      {
        Sid: 'CreateEniInConfiguredSubnets',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface'],
        Resource: [`${arn}:network-interface/*`, `${arn}:subnet/subnet-0aaaaaaaaaaaaaaaa`, `${arn}:subnet/subnet-0bbbbbbbbbbbbbbbb`],
      },
      {
        Sid: 'AttachSecurityGroupsOfConfiguredVpc',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface'],
        Resource: [`${arn}:security-group/*`],
        Condition: inVpc,
      },
      {
        Sid: 'ManageEnisInConfiguredVpc',
        Effect: 'Allow',
        Action: ['ec2:AssignPrivateIpAddresses', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'],
        Resource: [`${arn}:network-interface/*`],
        Condition: inVpc,
      },
    ]);
  });

  test('the ENI policy exists only in a VPC', () => {
    expect(plannedResources(plans.noVpc, 'aws_iam_role_policy').map((p) => p.values.name)).not.toContain('vpc-access');
  });

  describe('with jobs', () => {
    const worker = (plan: PlanJson) => plannedResources(plan, 'aws_lambda_function').find((f) => f.address === 'aws_lambda_function.jobs_worker[0]')!;
    const eniPolicies = (plan: PlanJson) => plannedResources(plan, 'aws_iam_role_policy').filter((p) => p.values.name === 'vpc-access');

    test('the queue and the default event bus get interface endpoints: sqs for POST /jobs, events for job events', () => {
      expect(endpoints(plans.jobs)).toEqual(['bedrock-runtime', 'events', 'logs', 'sqs', 'sts']);
    });

    test('an existing sqs endpoint is used instead of created, and without job events there is no events endpoint', () => {
      expect(endpoints(plans.jobsExistingSqs)).toEqual(['logs', 'secretsmanager', 'sts']);
    });

    test('the worker runs in the same subnets, with the security group created for the agent (known after apply)', () => {
      expect(worker(plans.jobs).values.vpc_config).toEqual([expect.objectContaining({ subnet_ids: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] })]);
      const change = plans.jobs.resource_changes!.find((c) => c.address === 'aws_lambda_function.jobs_worker[0]')!;
      expect((change.change.after_unknown!.vpc_config as Array<Record<string, unknown>>)[0].security_group_ids).toBe(true);
      expect(plannedResources(plans.jobs, 'aws_security_group').map((g) => g.address)).toEqual([
        'aws_security_group.endpoints[0]',
        'aws_security_group.function[0]',
      ]);
    });

    test('the worker role gets the same ENI policy as the agent role, and no other role gets one', () => {
      const policies = eniPolicies(plans.jobs);
      expect(policies.map((p) => p.values.role).sort()).toEqual(['claude-agent-jobs-role', 'claude-agent-role']);
      expect(statements(policies[0].values.policy)).toEqual(statements(policies[1].values.policy));
    });

    test('the state table the jobs live in is reached through a DynamoDB gateway endpoint', () => {
      const gateways = plannedResources(plans.jobs, 'aws_vpc_endpoint').filter((e) => e.values.vpc_endpoint_type === 'Gateway');
      expect(gateways.map((e) => e.values.service_name)).toEqual(['com.amazonaws.us-east-1.dynamodb']);
      expect(gateways[0].values.route_table_ids).toEqual(['rtb-0123456789abcdef0']);
    });

    test('jobs in a VPC with no way to DynamoDB are refused, naming async_jobs_enabled and the fixes', () => {
      expect(rejected.jobsWithoutDynamoDB.status).toBe(1);
      expect(rejected.jobsWithoutDynamoDB.stderr).toMatch(/async_jobs_enabled\) must be reachable from the VPC: set vpc_route_table_ids/);
    });

    test('off, in a VPC: no worker, no sqs or events endpoint, one ENI policy', () => {
      expect(plannedResources(plans.bedrock, 'aws_lambda_function').map((f) => f.address)).toEqual(['aws_lambda_function.agent']);
      expect(eniPolicies(plans.bedrock).map((p) => p.values.role)).toEqual(['claude-agent-role']);
    });
  });

  test.each([['noVpc'], ['anthropic'], ['bedrock'], ['bedrockNoEndpoints'], ['existingEndpoints'], ['jobs'], ['jobsExistingSqs']])(
    'the policy rules of `npm run check` pass (%s)',
    (name) => {
      expect(evaluatePlan(plans[name])).toEqual({ violations: [], unevaluated: [] });
    },
  );

  test('streaming in a VPC is refused at plan, saying why', () => {
    expect(rejected.streamingInVpc.status).toBe(1);
    expect(rejected.streamingInVpc.stderr).toMatch(
      /invoke_mode "RESPONSE_STREAM" cannot be used with vpc_id: Lambda function URLs do not support response streaming for functions in a VPC/,
    );
  });

  test('anthropic in a VPC without a NAT path is refused, saying api.anthropic.com has no PrivateLink', () => {
    expect(rejected.anthropicWithoutNat.status).toBe(1);
    expect(rejected.anthropicWithoutNat.stderr).toMatch(/api\.anthropic\.com has no PrivateLink endpoint/);
  });

  test('vpc_id without subnets is refused', () => {
    expect(rejected.vpcWithoutSubnets.stderr).toMatch(/vpc_id and vpc_subnet_ids go together/);
  });
});

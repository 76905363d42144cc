/**
 * The state table (sessions and budgets), planned offline by real Terraform
 * against the real AWS provider schema: it exists, with its permissions and
 * settings, only when a feature needs it; off, the plan is what it was.
 */
import { evaluatePlan } from '../../src/check/rules';
import { BUDGET_ACTIONS, SESSION_ACTIONS } from '../../src/function/state/keys';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { plannedResources, planEach, planned, rejected, statements } from '../helpers/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const KEY = `arn:aws:kms:us-east-1:${TEST_ACCOUNT_ID}:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`;
const STATE_KEY = `arn:aws:kms:us-east-1:${TEST_ACCOUNT_ID}:key/11111111-2222-4333-8444-555555555555`;
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${TEST_ACCOUNT_ID}:table/claude-agent-state`;
const BASE = `anthropic_api_key_secret_arn = "${SECRET_ARN}"`;
const VPC = ['llm_provider = "bedrock"', 'vpc_id = "vpc-0123456789abcdef0"', 'vpc_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa"]'].join('\n');
const STATE_VARS = ['STATE_TABLE_NAME', 'SESSIONS_ENABLED', 'MAX_SESSION_TURNS', 'SESSION_TTL_HOURS', 'CALLER_DAILY_TOKEN_BUDGET', 'DAILY_COST_BUDGET_USD'];

describe('the state table', () => {
  let off: PlanJson;
  let sessions: PlanJson;
  let tokenBudget: PlanJson;
  let costBudget: PlanJson;
  let kept: PlanJson;
  let sharedKey: PlanJson;
  let ownKey: PlanJson;
  let vpcGateway: PlanJson;
  let vpcNat: PlanJson;
  let vpcNoWay: TfRun;
  let vpcWithoutState: PlanJson;
  let vpcPrefixList: PlanJson;
  let keyElsewhere: TfRun;

  beforeAll(async () => {
    const plans = await planEach('state', {
      off: BASE,
      sessions: `${BASE}\nsessions_enabled = true\nmax_session_turns = 40\nsession_ttl_hours = 72`,
      tokenBudget: `${BASE}\ncaller_daily_token_budget = 100000`,
      costBudget: `${BASE}\ndaily_cost_budget_usd = 20`,
      kept: `${BASE}\nsessions_enabled = true\nstate_point_in_time_recovery = false\nstate_deletion_protection = true`,
      sharedKey: `${BASE}\nsessions_enabled = true\nkms_key_arn = "${KEY}"`,
      ownKey: `${BASE}\nsessions_enabled = true\nkms_key_arn = "${KEY}"\nstate_kms_key_arn = "${STATE_KEY}"`,
      vpcGateway: `${VPC}\nsessions_enabled = true\nvpc_route_table_ids = ["rtb-0123456789abcdef0", "rtb-0fedcba9876543210"]`,
      vpcNat: `${BASE}\n${VPC.replace('llm_provider = "bedrock"', '')}\nnat_egress_enabled = true\ncaller_daily_token_budget = 1000`,
      vpcNoWay: `${VPC}\nsessions_enabled = true`,
      vpcWithoutState: `${VPC}\nvpc_route_table_ids = ["rtb-0123456789abcdef0"]`,
      vpcPrefixList: `${VPC}\nsessions_enabled = true\ncaller_daily_token_budget = 10\nvpc_route_table_ids = ["rtb-0123456789abcdef0"]\nvpc_dynamodb_prefix_list_id = "pl-02cd2c6b"`,
      keyElsewhere: `${BASE}\nsessions_enabled = true\nstate_kms_key_arn = "${STATE_KEY.replace('us-east-1', 'eu-west-1')}"`,
    });
    off = planned(plans.off, 'off');
    sessions = planned(plans.sessions, 'sessions');
    tokenBudget = planned(plans.tokenBudget, 'tokenBudget');
    costBudget = planned(plans.costBudget, 'costBudget');
    kept = planned(plans.kept, 'kept');
    sharedKey = planned(plans.sharedKey, 'sharedKey');
    ownKey = planned(plans.ownKey, 'ownKey');
    vpcGateway = planned(plans.vpcGateway, 'vpcGateway');
    vpcNat = planned(plans.vpcNat, 'vpcNat');
    vpcNoWay = rejected(plans.vpcNoWay, 'vpcNoWay');
    vpcWithoutState = planned(plans.vpcWithoutState, 'vpcWithoutState');
    vpcPrefixList = planned(plans.vpcPrefixList, 'vpcPrefixList');
    keyElsewhere = rejected(plans.keyElsewhere, 'keyElsewhere');
  }, 300_000);

  const table = (plan: PlanJson) => plannedResources(plan, 'aws_dynamodb_table')[0]?.values;
  const policy = (plan: PlanJson, name: string) => plannedResources(plan, 'aws_iam_role_policy').find((p) => p.values.name === name)?.values.policy;
  const env = (plan: PlanJson) =>
    (plannedResources(plan, 'aws_lambda_function')[0].values.environment as Array<{ variables: Record<string, string> }>)[0].variables;

  test('off (the default): no table, no DynamoDB permission, nothing in the environment, an empty output', () => {
    expect(plannedResources(off, 'aws_dynamodb_table')).toEqual([]);
    expect(plannedResources(off, 'aws_iam_role_policy').map((p) => p.values.name)).toEqual(['anthropic-api-key', 'logs']);
    expect(JSON.stringify(plannedResources(off))).not.toMatch(/dynamodb/);
    expect(Object.keys(env(off)).filter((name) => STATE_VARS.includes(name))).toEqual([]);
    expect(off.planned_values.outputs?.state_table_name?.value).toBe('');
  });

  test.each([
    ['sessions_enabled', () => sessions],
    ['caller_daily_token_budget', () => tokenBudget],
    ['daily_cost_budget_usd', () => costBudget],
  ])('%s creates it: <function_name>-state, on demand, one key schema, TTL on expires_at, recovery on, an AWS-owned key', (_name, plan) => {
    expect(table(plan())).toMatchObject({
      name: 'claude-agent-state',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      attribute: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ],
      ttl: [{ attribute_name: 'expires_at', enabled: true }],
      point_in_time_recovery: [{ enabled: true }],
      deletion_protection_enabled: false,
      server_side_encryption: [{ enabled: false }],
    });
    expect(plan().planned_values.outputs?.state_table_name?.value).toBe('claude-agent-state');
    expect(evaluatePlan(plan())).toEqual({ violations: [], unevaluated: [] });
  });

  test('the role may use exactly the actions of the features that are on, on that table only', () => {
    const grant = (actions: readonly string[]) => [{ Sid: 'ReadWriteStateTable', Effect: 'Allow', Action: [...actions].sort(), Resource: [TABLE_ARN] }];
    expect(statements(policy(sessions, 'state-table'))).toEqual(grant(SESSION_ACTIONS));
    expect(statements(policy(tokenBudget, 'state-table'))).toEqual(grant(BUDGET_ACTIONS));
    expect(statements(policy(costBudget, 'state-table'))).toEqual(grant(BUDGET_ACTIONS));
    expect(statements(policy(vpcGateway, 'state-table'))).toEqual(grant(SESSION_ACTIONS));
    expect(policy(sessions, 'state-table-kms')).toBeUndefined();
  });

  test('with sessions and a budget on, the union of both', () => {
    expect(statements(policy(vpcNat, 'state-table'))[0].Action).toEqual([...BUDGET_ACTIONS].sort());
    expect(statements(policy(vpcPrefixList, 'state-table'))[0].Action).toEqual([...new Set([...SESSION_ACTIONS, ...BUDGET_ACTIONS])].sort());
  });

  test('the function gets the table’s name and only the settings that are on', () => {
    expect(env(sessions)).toMatchObject({ STATE_TABLE_NAME: 'claude-agent-state', SESSIONS_ENABLED: 'true', MAX_SESSION_TURNS: '40', SESSION_TTL_HOURS: '72' });
    expect(env(sessions).CALLER_DAILY_TOKEN_BUDGET).toBeUndefined();
    expect(env(tokenBudget)).toMatchObject({ STATE_TABLE_NAME: 'claude-agent-state', CALLER_DAILY_TOKEN_BUDGET: '100000' });
    expect(env(tokenBudget).SESSIONS_ENABLED).toBeUndefined();
    expect(env(costBudget)).toMatchObject({ DAILY_COST_BUDGET_USD: '20' });
  });

  test('point-in-time recovery and deletion protection follow their variables', () => {
    expect(table(kept)).toMatchObject({ point_in_time_recovery: [{ enabled: false }], deletion_protection_enabled: true });
    expect(evaluatePlan(kept).violations).toEqual([]);
  });

  test('kms_key_arn encrypts the table too, and the role may use it only through DynamoDB', () => {
    expect(table(sharedKey).server_side_encryption).toEqual([{ enabled: true, kms_key_arn: KEY }]);
    expect(statements(policy(sharedKey, 'state-table-kms'))).toEqual([
      {
        Sid: 'UseStateKeyThroughDynamoDB',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [KEY],
        Condition: { StringEquals: { 'kms:ViaService': ['dynamodb.us-east-1.amazonaws.com'] } },
      },
    ]);
    expect(evaluatePlan(sharedKey).violations).toEqual([]);
  });

  test('state_kms_key_arn takes precedence for the table', () => {
    expect(table(ownKey).server_side_encryption).toEqual([{ enabled: true, kms_key_arn: STATE_KEY }]);
    expect(statements(policy(ownKey, 'state-table-kms'))[0].Resource).toEqual([STATE_KEY]);
    expect(evaluatePlan(ownKey).violations).toEqual([]);
  });

  test('a state key in another Region fails the plan, saying why', () => {
    expect(keyElsewhere.stderr).toMatch(
      /The state table's key \(state_kms_key_arn, else kms_key_arn\) is in another Region than the deployment's \(us-east-1\)/,
    );
  });

  describe('in a VPC', () => {
    test('vpc_route_table_ids: a DynamoDB gateway endpoint on them, and HTTPS egress to it alone', () => {
      const gateways = plannedResources(vpcGateway, 'aws_vpc_endpoint').filter((e) => e.values.vpc_endpoint_type === 'Gateway');
      expect(gateways.map((g) => g.values)).toEqual([
        expect.objectContaining({
          service_name: 'com.amazonaws.us-east-1.dynamodb',
          route_table_ids: ['rtb-0123456789abcdef0', 'rtb-0fedcba9876543210'],
          vpc_id: 'vpc-0123456789abcdef0',
        }),
      ]);
      const egress = plannedResources(vpcGateway, 'aws_vpc_security_group_egress_rule').find((r) => r.address.includes('function_to_dynamodb'));
      expect(egress?.values).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: null });
      expect(evaluatePlan(vpcGateway).violations).toEqual([]);
    });

    test('through NAT (anthropic, nat_egress_enabled) no gateway endpoint is needed', () => {
      expect(plannedResources(vpcNat, 'aws_dynamodb_table')).toHaveLength(1);
      expect(plannedResources(vpcNat, 'aws_vpc_endpoint').filter((e) => e.values.vpc_endpoint_type === 'Gateway')).toEqual([]);
    });

    test('vpc_dynamodb_prefix_list_id: route tables that already have a gateway endpoint get no second one, and HTTPS egress goes to that prefix list', () => {
      expect(plannedResources(vpcPrefixList, 'aws_vpc_endpoint').filter((e) => e.values.vpc_endpoint_type === 'Gateway')).toEqual([]);
      const egress = plannedResources(vpcPrefixList, 'aws_vpc_security_group_egress_rule').find((r) => r.address.includes('function_to_dynamodb'));
      expect(egress?.values).toMatchObject({ prefix_list_id: 'pl-02cd2c6b', from_port: 443, to_port: 443 });
      expect(evaluatePlan(vpcPrefixList).violations).toEqual([]);
    });

    test('with no way to DynamoDB the plan fails, naming every fix', () => {
      const message = vpcNoWay.stderr.replace(/[\s│]+/g, ' ');
      expect(message).toMatch(
        /The state table .* must be reachable from the VPC: set vpc_route_table_ids .* or vpc_dynamodb_prefix_list_id .* or, with llm_provider "anthropic", route through NAT/,
      );
    });

    test('without the state table, route tables create nothing', () => {
      expect(JSON.stringify(plannedResources(vpcWithoutState))).not.toMatch(/dynamodb|Gateway/);
    });
  });
});

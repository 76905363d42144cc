/**
 * Tools that reach the user's systems (mcp_servers, knowledge_base_ids),
 * planned offline by real Terraform against the real AWS provider schema:
 * the settings reach the agent and the worker, each role may read exactly
 * the servers' token secrets and retrieve from exactly the knowledge bases,
 * a VPC reaches the servers through NAT and the knowledge bases through an
 * interface endpoint, and bad values are refused at plan with a message
 * naming them. Off, nothing of it.
 */
import { evaluatePlan } from '../../src/check/rules';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { plannedResources, planEach, planned, rejected, statements, type PlanOutcome } from '../helpers/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const ORDERS_TOKEN_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:orders-mcp-token-QwErTy`;
const KMS_KEY = `arn:aws:kms:us-east-1:${TEST_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BASE = `anthropic_api_key_secret_arn = "${SECRET_ARN}"`;
const VPC = ['vpc_id = "vpc-0123456789abcdef0"', 'vpc_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]'];
/** As a tfvars file writes it: objects, optional attributes left out. Two servers share one token secret. */
const MCP_SERVERS = [
  'mcp_servers = {',
  `  orders  = { url = "https://mcp.example.com/mcp", auth_secret_arn = "${ORDERS_TOKEN_ARN}", allowed_tools = ["lookup_order"], timeout_ms = 5000 }`,
  `  returns = { url = "https://returns.example.com/mcp", auth_secret_arn = "${ORDERS_TOKEN_ARN}" }`,
  '  docs    = { url = "https://docs.example.com/mcp" }',
  '}',
].join('\n');
const ONE_SERVER = 'mcp_servers = { docs = { url = "https://docs.example.com/mcp" } }';
const KNOWLEDGE_BASES = 'knowledge_base_ids = ["KB12345678", "HRDOCS0001"]';
const kbArn = (id: string) => `arn:aws:bedrock:us-east-1:${TEST_ACCOUNT_ID}:knowledge-base/${id}`;

const byName = (plan: PlanJson, type: string, name: string) => plannedResources(plan, type).filter((r) => r.name === name);
const policiesNamed = (plan: PlanJson, policyName: string) => plannedResources(plan, 'aws_iam_role_policy').filter((r) => r.values.name === policyName);
const envOf = (plan: PlanJson, functionName: string) => {
  const fn = plannedResources(plan, 'aws_lambda_function').find((r) => r.values.function_name === functionName);
  if (!fn) throw new Error(`No function ${functionName} is planned.`);
  return (fn.values.environment as Array<{ variables: Record<string, string> }>)[0].variables;
};

describe('mcp_servers', () => {
  const plans: Record<string, PlanJson> = {};
  let toolsOff: PlanOutcome;
  const refused: Record<string, TfRun> = {};

  beforeAll(async () => {
    const [good, bad] = await Promise.all([
      planEach('tools', {
        off: BASE,
        on: [BASE, MCP_SERVERS, KNOWLEDGE_BASES, 'server_tools = ["web_search"]', 'async_jobs_enabled = true', `kms_key_arn = "${KMS_KEY}"`].join('\n'),
        withoutTools: [BASE, 'async_jobs_enabled = true', `kms_key_arn = "${KMS_KEY}"`].join('\n'),
        bedrockVpc: [...VPC, 'llm_provider = "bedrock"', 'nat_egress_enabled = true', ONE_SERVER, KNOWLEDGE_BASES].join('\n'),
      }),
      planEach(
        'tools-invalid',
        {
          vpcWithoutNat: [...VPC, 'llm_provider = "bedrock"', ONE_SERVER].join('\n'),
          serverToolsOnBedrock: 'llm_provider = "bedrock"\nserver_tools = ["web_search"]',
          // Terraform reports every failed validation of a plan: one plan holds a bad value for each.
          badValues: [
            'mcp_servers = {',
            '  docs     = { url = "http://docs.example.com/mcp" }',
            '  keyed    = { url = "https://docs.example.com/mcp?api_key=k" }',
            '  my__docs = { url = "https://docs.example.com/mcp" }',
            `  orders   = { url = "https://mcp.example.com/mcp", allowed_tools = ["${'x'.repeat(60)}"], auth_secret_arn = "arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:orders", timeout_ms = 0 }`,
            '}',
            `knowledge_base_ids = ["${kbArn('KB12345678')}"]`,
            'server_tools = ["computer"]',
          ].join('\n'),
        },
        'variables',
      ),
    ]);
    const { withoutTools, ...rest } = good;
    toolsOff = withoutTools;
    for (const [name, outcome] of Object.entries(rest)) plans[name] = planned(outcome, name);
    for (const [name, outcome] of Object.entries(bad)) refused[name] = rejected(outcome, name);
  }, 300_000);

  test('off: no MCP_SERVERS or KNOWLEDGE_BASE_IDS in any environment, and no policy of theirs', () => {
    expect(envOf(plans.off, 'claude-agent')).not.toHaveProperty('MCP_SERVERS');
    expect(envOf(plans.off, 'claude-agent')).not.toHaveProperty('KNOWLEDGE_BASE_IDS');
    expect(policiesNamed(plans.off, 'mcp-server-secrets')).toEqual([]);
    expect(policiesNamed(plans.off, 'knowledge-bases')).toEqual([]);
  });

  test('each role may retrieve from exactly the knowledge bases named, and both functions are told which', () => {
    for (const fn of ['claude-agent', 'claude-agent-jobs']) expect(envOf(plans.on, fn).KNOWLEDGE_BASE_IDS).toBe('KB12345678,HRDOCS0001');
    const policies = policiesNamed(plans.on, 'knowledge-bases');
    expect(policies.map((p) => p.values.role).sort()).toEqual(['claude-agent-jobs-role', 'claude-agent-role']);
    for (const policy of policies)
      expect(statements(policy.values.policy)).toEqual([
        { Sid: 'RetrieveFromKnowledgeBases', Effect: 'Allow', Action: ['bedrock:Retrieve'], Resource: [kbArn('HRDOCS0001'), kbArn('KB12345678')] },
      ]);
  });

  test('in a VPC, the knowledge bases are reached through a bedrock-agent-runtime interface endpoint', () => {
    const services = plannedResources(plans.bedrockVpc, 'aws_vpc_endpoint').map((e) => String(e.values.service_name).split('.').pop());
    expect(services).toContain('bedrock-agent-runtime');
    expect(plannedResources(plans.off, 'aws_vpc_endpoint')).toEqual([]);
  });

  test('on: the agent and the worker get the servers as JSON of the same shape, unset fields null', () => {
    for (const fn of ['claude-agent', 'claude-agent-jobs']) {
      expect(JSON.parse(envOf(plans.on, fn).MCP_SERVERS)).toEqual({
        orders: { url: 'https://mcp.example.com/mcp', auth_secret_arn: ORDERS_TOKEN_ARN, allowed_tools: ['lookup_order'], timeout_ms: 5000 },
        returns: { url: 'https://returns.example.com/mcp', auth_secret_arn: ORDERS_TOKEN_ARN, allowed_tools: null, timeout_ms: null },
        docs: { url: 'https://docs.example.com/mcp', auth_secret_arn: null, allowed_tools: null, timeout_ms: null },
      });
    }
  });

  test('each role may read exactly the token secrets the servers name, once each, and decrypt with the deployment key', () => {
    const policies = policiesNamed(plans.on, 'mcp-server-secrets');
    expect(policies.map((p) => p.values.role).sort()).toEqual(['claude-agent-jobs-role', 'claude-agent-role']);
    for (const policy of policies) {
      expect(statements(policy.values.policy)).toEqual([
        { Sid: 'ReadMcpServerTokens', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [ORDERS_TOKEN_ARN] },
      ]);
    }
    // The key that encrypts the secrets is the deployment's, which both roles may already decrypt with.
    expect(
      policiesNamed(plans.on, 'kms')
        .map((p) => p.values.role)
        .sort(),
    ).toEqual(['claude-agent-jobs-role', 'claude-agent-role']);
  });

  test('web search reaches both functions and needs no permission: the roles hold the policies above and nothing more', () => {
    for (const fn of ['claude-agent', 'claude-agent-jobs']) expect(envOf(plans.on, fn)).toMatchObject({ SERVER_TOOLS: 'web_search', WEB_SEARCH_MAX_USES: '5' });
    const names = (plan: PlanJson) => new Set(plannedResources(plan, 'aws_iam_role_policy').map((p) => `${String(p.values.role)} ${String(p.values.name)}`));
    const withoutTools = planned(toolsOff, 'jobs and key, no tools');
    const added = [...names(plans.on)].filter((n) => !names(withoutTools).has(n)).sort();
    expect(added).toEqual([
      'claude-agent-jobs-role knowledge-bases',
      'claude-agent-jobs-role mcp-server-secrets',
      'claude-agent-role knowledge-bases',
      'claude-agent-role mcp-server-secrets',
    ]);
  });

  test('servers without a token secret need no Secrets Manager permission', () => {
    expect(JSON.parse(envOf(plans.bedrockVpc, 'claude-agent').MCP_SERVERS)).toHaveProperty('docs');
    expect(policiesNamed(plans.bedrockVpc, 'mcp-server-secrets')).toEqual([]);
  });

  test('in a VPC on Bedrock, the servers are reached through NAT: HTTPS egress to the internet, described as for them', () => {
    const egress = byName(plans.bedrockVpc, 'aws_vpc_security_group_egress_rule', 'function_to_internet');
    expect(egress.map((r) => [r.values.cidr_ipv4, r.values.from_port, r.values.description])).toEqual([
      ['0.0.0.0/0', 443, 'HTTPS to the MCP servers (mcp_servers) through the VPC NAT gateway'],
    ]);
  });

  test('the planned deployments pass npm run check', () => {
    for (const name of ['on', 'bedrockVpc']) expect(evaluatePlan(plans[name]).violations).toEqual([]);
  });

  test.each([
    ['mcp_servers in a VPC without NAT', 'vpcWithoutNat', /mcp_servers in a VPC need internet egress: .* set nat_egress_enabled = true/],
    ['a key in the query string', 'badValues', /mcp_servers: docs, keyed: url must be an https URL without credentials, query or fragment/],
    ['plain http to a host that is not loopback', 'badValues', /mcp_servers: docs(, keyed)?: url must be an https URL without credentials, query or fragment/],
    ['a server name with "__"', 'badValues', /mcp_servers must have names that are each a server name of 1 to 20 characters/],
    [
      'a tool name the model could not see whole',
      'badValues',
      /mcp_servers: orders: allowed_tools must hold 1 to 100 tool names .* at most 64 characters \(the name the model sees\)/,
    ],
    ['a partial secret ARN', 'badValues', /mcp_servers: orders: auth_secret_arn must be the complete ARN of a Secrets Manager secret/],
    ['a zero timeout', 'badValues', /mcp_servers: orders: timeout_ms must be a whole number of milliseconds from 1 to 900000/],
    ['a knowledge base ARN instead of its id', 'badValues', /knowledge_base_ids must hold Amazon Bedrock knowledge base ids: up to 10 letters and digits each/],
    [
      'server tools on Bedrock',
      'serverToolsOnBedrock',
      /server_tools \(web_search, web_fetch, code_execution\) run on Anthropic's servers, and llm_provider "bedrock" offers none of them/,
    ],
    ['an unknown server tool', 'badValues', /server_tools must hold server tool names: "web_search", "web_fetch" or "code_execution"/],
  ])('%s is refused at plan, naming it and the fix', (_label, name, message) => {
    expect(refused[name].stderr).toMatch(message);
  });
});

/**
 * Every deploy-time choice is a tfvars edit on one synthesized folder: valid
 * variants plan with the right shape, invalid values fail at plan with the
 * variable's own message naming what is allowed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import { ANTHROPIC_TIERS_TFVARS, PUBLIC_JWT_TFVARS } from '../fixtures/tfvars';
import { REPO_ROOT } from '../helpers/project';
import { plannedResources, planEach, planned, rejected, statements, type PlanOutcome } from '../helpers/terraform';
import { testStack } from '../helpers/test-run';
import { deployedSettings } from '../../src/stacks/function-environment';
import { evaluatePlan } from '../../src/check/rules';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const FAKE_KEY = 'sk-ant-test-0000-not-a-real-key';
const GLOBAL_MODEL = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** sha256("test-token") */
const TOKEN_DIGEST = '4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031e';

/** One invalid value per variable; all are planned together, since Terraform reports every failed validation. */
const INVALID_VALUES: Array<[label: string, assignment: string, message: RegExp]> = [
  ['an unknown provider', 'llm_provider = "openai"', /llm_provider must be one of "anthropic", "bedrock"/],
  ['memory outside 128-10240 MB', 'memory_size = 64', /memory_size must be a whole number of MB from 128 to 10240/],
  ['a timeout too short for a model call', 'timeout_seconds = 5', /timeout_seconds must be a whole number of seconds from 10 to 900/],
  [
    'a partial secret ARN, without the 6 characters Secrets Manager adds',
    'anthropic_api_key_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:anthropic-api-key"',
    /anthropic_api_key_secret_arn must be empty or the complete ARN of a Secrets Manager secret, ending in the 6 random characters/,
  ],
  ['an unsupported log retention', 'log_retention_days = 10', /log_retention_days must be one of 1, 3, 5, 7, 14, 30/],
  ['an unknown architecture', 'architecture = "arm"', /architecture must be one of "arm64", "x86_64"/],
  ['a deprecated runtime', 'runtime = "nodejs20.x"', /runtime must be one of "nodejs22.x"/],
  ['a CORS origin with a path', 'cors_allowed_origins = ["https://app.example.com/"]', /cors_allowed_origins must hold "\*" or origins like/],
  ['a negative reserved concurrency', 'reserved_concurrency = -1', /reserved_concurrency must be a whole number of executions from 0 to 1000/],
  ['a base URL without scheme', 'anthropic_base_url = "gateway.example.com"', /anthropic_base_url must be empty or an http\(s\) URL/],
  ['a malformed Region', 'aws_region = "Frankfurt"', /aws_region must be a Region code such as "us-east-1"/],
  ['a function name with spaces', 'function_name = "my agent"', /function_name must be 1-56 characters/],
  ['a token instead of its digest', 'auth_token_sha256 = ["my-secret-token"]', /auth_token_sha256 must hold lower-case hex SHA-256 digests/],
  ['a token budget of zero', 'token_budget = 0', /token_budget must be a whole number of tokens from 1 to 10000000/],
  ['a KMS alias instead of a key ARN', 'kms_key_arn = "alias/agent"', /kms_key_arn must be empty or the ARN of a KMS key/],
  ['a session of one turn', 'max_session_turns = 1', /max_session_turns must be a whole number of turns from 2 to 200/],
  ['sessions that never expire', 'session_ttl_hours = 0', /session_ttl_hours must be a whole number of hours from 1 to 8760/],
  ['a negative token budget', 'caller_daily_token_budget = -5', /caller_daily_token_budget must be a whole number of tokens from 0 to 1000000000/],
  ['a negative cost budget', 'daily_cost_budget_usd = -1', /daily_cost_budget_usd must be a number of US dollars from 0 to 1000000/],
  ['a state key alias', 'state_kms_key_arn = "alias/state"', /state_kms_key_arn must be empty or the ARN of a KMS key/],
  ['a knowledge base id with a dash', 'knowledge_base_ids = ["kb-123"]', /knowledge_base_ids must hold Amazon Bedrock knowledge base ids/],
  [
    'a route table that is not one',
    'vpc_route_table_ids = ["subnet-0123456789abcdef0"]',
    /vpc_route_table_ids must hold route table ids such as "rtb-0123456789abcdef0"/,
  ],
];

/**
 * Validations that refer to other variables (such as invoke_mode's) are
 * checked only once the plain validations pass, so each gets its own plan.
 * Like INVALID_VALUES they are planned against the stack's variable blocks
 * alone, which needs no provider.
 */
const INVALID_COMBINATIONS: Array<[label: string, tfvars: string, message: RegExp]> = [
  ['an unknown invoke mode', 'invoke_mode = "STREAM"', /invoke_mode must be one of "BUFFERED", "RESPONSE_STREAM"/],
  ['an unknown auth type', 'function_url_auth_type = "COGNITO"', /function_url_auth_type must be one of "AWS_IAM", "NONE"/],
  [
    'a public URL without tokens or the opt-out',
    `anthropic_api_key_secret_arn = "${SECRET_ARN}"\nfunction_url_auth_type = "NONE"`,
    /function_url_auth_type "NONE" makes the URL public: set auth_token_sha256 .* or set allow_unauthenticated = true/,
  ],
];

/** Preconditions of the function resource: planned against the whole stack. */
const FAILED_PRECONDITIONS: Array<[label: string, tfvars: string, message: RegExp]> = [
  ['anthropic with no key at all', '', /llm_provider is "anthropic" but no API key is configured\. Set anthropic_api_key_secret_arn/],
  [
    'both a secret ARN and a key',
    `anthropic_api_key_secret_arn = "${SECRET_ARN}"\nanthropic_api_key = "${FAKE_KEY}"`,
    /Both anthropic_api_key_secret_arn and anthropic_api_key are set/,
  ],
];

describe('tfvars variants of one synthesized stack', () => {
  let publicStreaming: PlanJson;
  let createdSecret: PlanJson;
  let explicitRegions: PlanJson;
  let modelTiers: PlanJson;
  let jwtPlan: PlanJson;
  let exampleAsIs: PlanOutcome;
  let invalidValues: TfRun;
  let invalidCombinations: TfRun[];
  let failedPreconditions: TfRun[];

  beforeAll(async () => {
    // The example file with every line uncommented, and only the secret (and the server tools, whose options reach the function with them) filled in.
    const filled: Record<string, string> = {
      anthropic_api_key_secret_arn: `"${SECRET_ARN}"`,
      server_tools: '["web_search", "web_fetch"]',
      web_allowed_domains: '["docs.example.com"]',
    };
    const example = fs
      .readFileSync(path.join(REPO_ROOT, 'terraform.tfvars.example'), 'utf8')
      .split('\n')
      .filter((line) => /^# [a-z0-9_]+ = /.test(line))
      .map((line) => line.slice(2))
      .map((line) => {
        const name = line.split(' = ')[0];
        return name in filled ? `${name} = ${filled[name]}` : line;
      });
    const numbered = (table: Array<[string, string, RegExp]>, prefix: string): Record<string, string> =>
      Object.fromEntries(table.map(([, tfvars], i) => [`${prefix}-${i}`, tfvars]));
    const [plans, validations] = await Promise.all([
      planEach<string>('vars', {
        'public-streaming': [
          'llm_provider = "bedrock"',
          `model_id = "${GLOBAL_MODEL}"`,
          'function_url_auth_type = "NONE"',
          `auth_token_sha256 = ["${TOKEN_DIGEST}"]`,
          'invoke_mode = "RESPONSE_STREAM"',
          'tracing_enabled = true',
          'architecture = "x86_64"',
          'memory_size = 1024',
          'cors_allowed_origins = ["https://app.example.com"]',
          'mcp_servers = { docs = { url = "https://docs.example.com/mcp" } }',
          'knowledge_base_ids = ["KB12345678"]',
        ].join('\n'),
        'created-secret': `anthropic_api_key = "${FAKE_KEY}"\n`,
        // Planned by model-tiers.test.ts and access.test.ts too: MODEL_TIERS, DEFAULT_MODEL_TIER and the AUTH_JWT_* settings reach the function.
        'model-tiers': ANTHROPIC_TIERS_TFVARS,
        jwt: PUBLIC_JWT_TFVARS,
        'explicit-regions': [
          'llm_provider = "bedrock"',
          'aws_region = "eu-west-1"',
          'bedrock_inference_profile_regions = ["eu-west-1", "eu-west-3"]',
          'function_url_auth_type = "NONE"',
          'allow_unauthenticated = true',
          'anthropic_base_url = "https://gateway.example.com"',
          'system_prompt = "Answer briefly."',
          'sessions_enabled = true',
          'max_session_turns = 30',
          'session_ttl_hours = 48',
          'caller_daily_token_budget = 50000',
          'daily_cost_budget_usd = 12.5',
          'metrics_namespace = "Agents/Research"',
          'async_jobs_enabled = true',
          'job_retention_hours = 72',
          'job_max_receive_count = 4',
          'job_max_iterations = 20',
          'job_max_tool_calls = 40',
          'job_token_budget = 400000',
          'job_events_enabled = true',
        ].join('\n'),
        example: example.join('\n'),
        ...numbered(FAILED_PRECONDITIONS, 'precondition'),
      }),
      planEach<string>(
        'vars',
        { 'invalid-values': INVALID_VALUES.map(([, assignment]) => assignment).join('\n'), ...numbered(INVALID_COMBINATIONS, 'combination') },
        'variables',
      ),
    ]);
    publicStreaming = planned(plans['public-streaming'], 'public-streaming');
    createdSecret = planned(plans['created-secret'], 'created-secret');
    modelTiers = planned(plans['model-tiers'], 'model-tiers');
    jwtPlan = planned(plans.jwt, 'jwt');
    explicitRegions = planned(plans['explicit-regions'], 'explicit-regions');
    exampleAsIs = plans.example;
    invalidValues = rejected(validations['invalid-values'], 'invalid-values');
    invalidCombinations = INVALID_COMBINATIONS.map((_, i) => rejected(validations[`combination-${i}`], `combination-${i}`));
    failedPreconditions = FAILED_PRECONDITIONS.map((_, i) => rejected(plans[`precondition-${i}`], `precondition-${i}`));
  }, 300_000);

  test('terraform.tfvars.example, uncommented, plans once a secret ARN is filled in', () => {
    expect(exampleAsIs.run.stderr).toBe('');
    expect(plannedResources(exampleAsIs.plan!, 'aws_lambda_function')).toHaveLength(1);
  });

  test('every setting a variable delivers reaches the function (or the jobs worker) in some plan, and nothing else does', () => {
    const envOf = (plan: PlanJson, name = 'agent') =>
      plannedResources(plan, 'aws_lambda_function')
        .filter((fn) => fn.name === name)
        .flatMap((fn) => Object.keys((fn.values.environment as Array<{ variables: Record<string, string> }>)[0].variables));
    const seen = new Set([...envOf(publicStreaming), ...envOf(explicitRegions), ...envOf(exampleAsIs.plan!), ...envOf(modelTiers), ...envOf(jwtPlan)]);
    expect([...seen].sort()).toEqual(deployedSettings().sort());
    const worker = envOf(explicitRegions, 'jobs_worker');
    expect(worker).toEqual(expect.arrayContaining(deployedSettings('worker').filter((name) => !deployedSettings().includes(name))));
    expect(worker.filter((name) => !(deployedSettings('worker') as string[]).includes(name))).toEqual([]);
  });

  test('the policy rules pass on a public, traced, streaming deployment', () => {
    expect(evaluatePlan(publicStreaming)).toEqual({ violations: [], unevaluated: [] });
  });

  test('a secret created in the same apply leaves its policy and the environment (its ARN) unevaluated until then, and nothing fails', () => {
    expect(evaluatePlan(createdSecret)).toEqual({
      violations: [],
      unevaluated: ['aws_iam_role_policy.anthropic_api_key[0]', 'aws_lambda_function.agent (environment)'],
    });
  });

  test('RESPONSE_STREAM selects the streaming export of the same zip', () => {
    const [fn] = plannedResources(publicStreaming, 'aws_lambda_function');
    expect(fn.values.handler).toBe('index.streamHandler');
    const [url] = plannedResources(publicStreaming, 'aws_lambda_function_url');
    expect(url.values.invoke_mode).toBe('RESPONSE_STREAM');
  });

  test('a NONE-auth URL gets public InvokeFunctionUrl and InvokeFunction permissions; AWS_IAM gets none', () => {
    const permissions = plannedResources(publicStreaming, 'aws_lambda_permission').map((p) => p.values);
    expect(permissions).toEqual([
      expect.objectContaining({ statement_id: 'AgentFunctionUrlPublicInvoke', action: 'lambda:InvokeFunction', principal: '*' }),
      expect.objectContaining({
        statement_id: 'AgentFunctionUrlPublicAccess',
        action: 'lambda:InvokeFunctionUrl',
        principal: '*',
        function_url_auth_type: 'NONE',
      }),
    ]);
    expect(plannedResources(createdSecret, 'aws_lambda_permission')).toEqual([]);
  });

  test('with NONE, only token digests reach the environment', () => {
    const [fn] = plannedResources(publicStreaming, 'aws_lambda_function');
    const env = (fn.values.environment as Array<{ variables: Record<string, string> }>)[0].variables;
    expect(env).toMatchObject({ FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: TOKEN_DIGEST });
    expect(env.ALLOW_UNAUTHENTICATED).toBeUndefined();
  });

  test('memory, architecture, tracing and CORS follow the variables', () => {
    const [fn] = plannedResources(publicStreaming, 'aws_lambda_function');
    expect(fn.values).toMatchObject({ memory_size: 1024, architectures: ['x86_64'], tracing_config: [{ mode: 'Active' }] });
    const [url] = plannedResources(publicStreaming, 'aws_lambda_function_url');
    expect(url.values.cors).toEqual([expect.objectContaining({ allow_origins: ['https://app.example.com'] })]);
    const names = plannedResources(publicStreaming, 'aws_iam_role_policy').map((p) => p.values.name);
    expect(names).toContain('xray');
  });

  test('a global inference profile grants the profile, the model in the source Region and the Region-less model', () => {
    const policy = plannedResources(publicStreaming, 'aws_iam_role_policy').find((p) => p.values.name === 'bedrock-invoke')!;
    const [profile, model] = statements(policy.values.policy);
    expect(profile.Resource).toEqual([`arn:aws:bedrock:us-east-1:${TEST_ACCOUNT_ID}:inference-profile/${GLOBAL_MODEL}`]);
    expect(model.Resource).toEqual([
      'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
  });

  test('listed destination Regions replace the documented ones', () => {
    const policy = plannedResources(explicitRegions, 'aws_iam_role_policy').find((p) => p.values.name === 'bedrock-invoke')!;
    const [profile, model] = statements(policy.values.policy);
    expect(profile.Resource).toEqual([`arn:aws:bedrock:eu-west-1:${TEST_ACCOUNT_ID}:inference-profile/eu.anthropic.claude-sonnet-5-5`]);
    expect(model.Resource).toEqual(['eu-west-1', 'eu-west-3'].map((r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-5-5`));
  });

  test('a key given as a variable becomes a new secret, and the function only sees its ARN', () => {
    expect(plannedResources(createdSecret, 'aws_secretsmanager_secret')).toHaveLength(1);
    expect(plannedResources(createdSecret, 'aws_secretsmanager_secret_version')).toHaveLength(1);
    const [fn] = plannedResources(createdSecret, 'aws_lambda_function');
    expect(JSON.stringify(fn.values)).not.toContain(FAKE_KEY);
  });

  test.each(INVALID_VALUES)('rejects %s at plan, naming what is allowed', (_label, _assignment, message) => {
    expect(invalidValues.status).toBe(1);
    expect(invalidValues.stderr).toMatch(message);
  });

  test('each invalid value is reported once, as its own variable error', () => {
    expect(invalidValues.stderr.match(/Error: Invalid value for variable/g)).toHaveLength(INVALID_VALUES.length);
  });

  test.each(INVALID_COMBINATIONS.map((c, i) => [...c, i] as const))('rejects %s at plan, saying which variable to set', (_label, _tfvars, message, i) => {
    expect(invalidCombinations[i].status).toBe(1);
    expect(invalidCombinations[i].stderr).toMatch(message);
  });

  test.each(FAILED_PRECONDITIONS.map((c, i) => [...c, i] as const))('refuses %s at plan, saying which variable to set', (_label, _tfvars, message, i) => {
    expect(failedPreconditions[i].status).toBe(1);
    expect(failedPreconditions[i].stderr).toMatch(message);
  });

  test('validations are checked on exactly the stack’s variable blocks', () => {
    const { stackDir, variablesDir } = testStack();
    const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as { variable: unknown };
    expect(read(path.join(variablesDir, 'main.tf.json')).variable).toEqual(read(path.join(stackDir, 'cdk.tf.json')).variable);
  });
});

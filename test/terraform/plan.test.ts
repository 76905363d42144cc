/**
 * The synthesized stack, planned by real Terraform against the real
 * hashicorp/aws provider schema, offline: provider credentials are dummies
 * and STS is a local server, so no AWS account is touched.
 */
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import { evaluatePlan } from '../../src/check/rules';
import type { PlanJson, TerraformWorkdir } from '../../src/terraform/terraform';
import { plannedResources, planEach, planned, sharedStack, statements, stsActions, type PolicyStatement } from '../helpers/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const ANTHROPIC_TFVARS = `anthropic_api_key_secret_arn = "${SECRET_ARN}"\n`;
const BEDROCK_TFVARS = 'llm_provider = "bedrock"\n';

describe('terraform plan of the agent stack (offline, real provider)', () => {
  let tf: TerraformWorkdir;
  let anthropic: PlanJson;
  let bedrock: PlanJson;

  beforeAll(async () => {
    tf = sharedStack();
    // Both providers from one synthesized folder: switching is a tfvars edit.
    const plans = await planEach('plan', { anthropic: ANTHROPIC_TFVARS, bedrock: BEDROCK_TFVARS });
    anthropic = planned(plans.anthropic, 'anthropic');
    bedrock = planned(plans.bedrock, 'bedrock');
  }, 240_000);

  test('terraform validate accepts the synthesized configuration', async () => {
    const run = await tf.run(['validate', '-no-color']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('The configuration is valid');
  });

  test('the Bedrock policy exists only when llm_provider is bedrock', () => {
    expect(policyNames(anthropic)).not.toContain('bedrock-invoke');
    expect(policyNames(bedrock)).toContain('bedrock-invoke');
  });

  test('the secret permission exists only when llm_provider is anthropic', () => {
    expect(policyNames(anthropic)).toContain('anthropic-api-key');
    expect(policyNames(bedrock)).not.toContain('anthropic-api-key');
  });

  test('the secret permission names exactly the configured secret', () => {
    const [statement] = statementsOf(anthropic, 'anthropic-api-key');
    expect(statement.Action).toEqual(['secretsmanager:GetSecretValue']);
    expect(statement.Resource).toEqual([SECRET_ARN]);
  });

  test.each([['anthropic'], ['bedrock']])('no IAM statement has a wildcard action (%s)', (provider) => {
    const plan = provider === 'anthropic' ? anthropic : bedrock;
    const actions = plannedResources(plan, 'aws_iam_role_policy').flatMap((p) => statements(p.values.policy).flatMap((s) => [s.Action].flat()));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  test('logs may be written only to the function’s own log group', () => {
    const [statement] = statementsOf(anthropic, 'logs');
    expect(statement.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(statement.Resource).toEqual([`arn:aws:logs:us-east-1:${TEST_ACCOUNT_ID}:log-group:/aws/lambda/claude-agent:*`]);
  });

  test('the default Bedrock model is the Region’s geographic inference profile, bound to its destination Regions', () => {
    const [profile, model] = statementsOf(bedrock, 'bedrock-invoke');
    const profileArn = `arn:aws:bedrock:us-east-1:${TEST_ACCOUNT_ID}:inference-profile/us.anthropic.claude-sonnet-5-5`;
    expect(profile.Resource).toEqual([profileArn]);
    expect(model.Resource).toEqual(
      ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map((r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-5-5`),
    );
    expect(model.Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': [profileArn] } });
  });

  test("source_code_hash equals Terraform's own filebase64sha256 of the zip", () => {
    const [fn] = plannedResources(anthropic, 'aws_lambda_function');
    const hash = anthropic.planned_values.outputs?.test_zip_filebase64sha256?.value;
    expect(typeof hash).toBe('string');
    expect(fn.values.source_code_hash).toBe(hash);
  });

  test('the function environment carries the secret ARN, never a key', () => {
    const [fn] = plannedResources(anthropic, 'aws_lambda_function');
    expect(fn.values.environment).toEqual([
      {
        variables: {
          LLM_PROVIDER: 'anthropic',
          MODEL_ID: 'claude-sonnet-5-5',
          ANTHROPIC_API_KEY_SECRET_ARN: SECRET_ARN,
          FUNCTION_URL_AUTH_TYPE: 'AWS_IAM',
          MAX_REQUEST_BYTES: '65536',
          MAX_INPUT_CHARS: '16000',
          MAX_TOKENS_CAP: '4096',
          MAX_MESSAGES: '40',
          DEFAULT_MAX_TOKENS: '1024',
          TOKEN_BUDGET: '100000',
          TOOL_TIMEOUT_MS: '10000',
          MAX_ITERATIONS: '8',
          MAX_TOOL_CALLS: '16',
          LOG_CONTENT: 'false',
        },
      },
    ]);
  });

  test('the role is trusted by lambda.amazonaws.com only', () => {
    const [role] = plannedResources(anthropic, 'aws_iam_role');
    const trust = JSON.parse(String(role.values.assume_role_policy)) as { Statement: Array<{ Principal: unknown; Action: unknown }> };
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
    expect([trust.Statement[0].Action].flat()).toEqual(['sts:AssumeRole']);
  });

  test.each([['anthropic'], ['bedrock']])('the policy rules of `npm run check` pass (%s)', (provider) => {
    const report = evaluatePlan(provider === 'anthropic' ? anthropic : bedrock);
    expect(report).toEqual({ violations: [], unevaluated: [] });
  });

  test('only the local STS was asked anything, and only who the caller is', async () => {
    expect(new Set(await stsActions())).toEqual(new Set(['GetCallerIdentity']));
  });
});

function policyNames(plan: PlanJson): string[] {
  return plannedResources(plan, 'aws_iam_role_policy').map((p) => String(p.values.name));
}

function statementsOf(plan: PlanJson, name: string): PolicyStatement[] {
  const policy = plannedResources(plan, 'aws_iam_role_policy').find((p) => p.values.name === name);
  if (!policy) throw new Error(`no planned policy named ${name}`);
  return statements(policy.values.policy);
}

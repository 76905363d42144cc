/**
 * Sign-in and warm capacity in Terraform: JWT settings reaching the function,
 * an optional Cognito user pool wired as their issuer, and provisioned
 * concurrency on the alias the Function URL serves. Off, the plan is the
 * default one. Offline plans against the real provider schema.
 */
import { createHash } from 'node:crypto';
import { evaluatePlan } from '../../src/check/rules';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { PUBLIC_JWT_TFVARS, TEST_SECRET_ARN } from '../fixtures/tfvars';
import { plannedResources, planEach, planned, rejected } from '../helpers/terraform';

const ANTHROPIC = `anthropic_api_key_secret_arn = "${TEST_SECRET_ARN}"`;
const PUBLIC = `${ANTHROPIC}\nfunction_url_auth_type = "NONE"`;
const POOL = `${PUBLIC}\ncognito_user_pool_enabled = true`;
const COGNITO = `${POOL}\ncognito_callback_urls = ["https://app.example.com/callback", "http://localhost:5173/"]`;

/** Refused by the variables' own validations. */
const INVALID: Array<[label: string, tfvars: string, message: RegExp]> = [
  [
    'more provisioned than reserved concurrency',
    'reserved_concurrency = 2\nprovisioned_concurrency = 3',
    /provisioned_concurrency must be at most reserved_concurrency/,
  ],
  [
    '101 provisioned environments',
    'provisioned_concurrency = 101\nreserved_concurrency = 1000',
    /provisioned_concurrency must be a whole number of environments from 0 to 100/,
  ],
  [
    'a plain-http issuer',
    `${PUBLIC}\njwt_issuer = "http://login.example.com"\njwt_audience = ["app"]`,
    /jwt_issuer must be empty or an https URL without query or fragment/,
  ],
  ['an issuer without audiences', `${PUBLIC}\njwt_issuer = "https://login.example.com"`, /jwt_issuer is set, but jwt_audience is empty/],
  ['a pool without callback URLs', `${PUBLIC}\ncognito_user_pool_enabled = true`, /cognito_user_pool_enabled needs cognito_callback_urls/],
  [
    'a callback over plain http to another host',
    `${POOL}\ncognito_callback_urls = ["http://app.example.com/callback"]`,
    /cognito_callback_urls must hold https URLs/,
  ],
  [
    'a domain prefix with a reserved word',
    `${COGNITO}\ncognito_domain_prefix = "my-cognito-login"`,
    /cognito_domain_prefix must be empty or 1 to 63 lower-case letters/,
  ],
];

/** Refused by preconditions of the whole stack (rules across variables that validations cannot hold without a cycle). */
const PRECONDITIONS: Array<[label: string, tfvars: string, message: RegExp]> = [
  [
    'a JWT issuer on an AWS_IAM URL',
    `${ANTHROPIC}\njwt_issuer = "https://login.example.com"\njwt_audience = ["app"]`,
    /jwt_issuer needs function_url_auth_type = "NONE"/,
  ],
  [
    'a pool on an AWS_IAM URL',
    `${ANTHROPIC}\ncognito_user_pool_enabled = true\ncognito_callback_urls = ["https://app.example.com/cb"]`,
    /cognito_user_pool_enabled needs function_url_auth_type = "NONE"/,
  ],
  [
    'a pool beside jwt_issuer',
    `${COGNITO}\njwt_issuer = "https://login.example.com"\njwt_audience = ["app"]`,
    /cognito_user_pool_enabled and jwt_issuer are both set/,
  ],
  [
    // 60 digests: Lambda would refuse the agent's environment (and the worker's) at apply.
    'an environment over Lambda’s 4 KB, naming its largest settings',
    `${PUBLIC}\nasync_jobs_enabled = true\nauth_token_sha256 = [${Array.from({ length: 60 }, (_, i) => `"${createHash('sha256').update(`token-${i}`).digest('hex')}"`).join(', ')}]`,
    /The agent function's environment would be \d{4} bytes, and Lambda refuses more than 4096 \(4 KB\)\. The largest settings: AUTH_TOKEN_SHA256 \(3\d{3} bytes\), [\s\S]*sign them in with jwt_issuer or cognito_user_pool_enabled[\s\S]*The jobs worker's environment would be/,
  ],
];

describe('sign-in and provisioned concurrency (offline plans)', () => {
  let base: PlanJson;
  let explicitlyOff: PlanJson;
  let jwt: PlanJson;
  let cognito: PlanJson;
  let invalid: TfRun[];
  let refused: TfRun[];

  beforeAll(async () => {
    const [plans, validations] = await Promise.all([
      planEach<string>('access', {
        base: ANTHROPIC,
        off: `${ANTHROPIC}\nprovisioned_concurrency = 0\ncognito_user_pool_enabled = false\njwt_issuer = ""\nmodel_tiers = {}`,
        jwt: PUBLIC_JWT_TFVARS,
        cognito: `${COGNITO}\nprovisioned_concurrency = 2`,
        ...Object.fromEntries(PRECONDITIONS.map(([, tfvars], i) => [`precondition-${i}`, tfvars])),
      }),
      planEach('access', Object.fromEntries(INVALID.map(([, tfvars], i) => [`invalid-${i}`, tfvars])), 'variables'),
    ]);
    base = planned(plans.base, 'base');
    explicitlyOff = planned(plans.off, 'off');
    jwt = planned(plans.jwt, 'jwt');
    cognito = planned(plans.cognito, 'cognito');
    invalid = INVALID.map((_, i) => rejected(validations[`invalid-${i}`], `invalid-${i}`));
    refused = PRECONDITIONS.map((_, i) => rejected(plans[`precondition-${i}`], `precondition-${i}`));
  }, 300_000);

  test('with every new feature off, the plan is exactly the default one', () => {
    expect(explicitlyOff.planned_values.root_module).toEqual(base.planned_values.root_module);
    expect(explicitlyOff.resource_changes).toEqual(base.resource_changes);
    const [fn] = plannedResources(base, 'aws_lambda_function');
    expect(fn.values.publish).toBe(false);
    expect(plannedResources(base, 'aws_lambda_function_url')[0].values.qualifier).toBeNull();
    expect(plannedResources(base).filter((r) => /cognito|alias|provisioned/.test(r.type))).toEqual([]);
  });

  test('jwt_issuer, jwt_audience and jwt_required_scopes reach the function; nothing else is created', () => {
    const [fn] = plannedResources(jwt, 'aws_lambda_function');
    expect((fn.values.environment as Array<{ variables: Record<string, string> }>)[0].variables).toMatchObject({
      FUNCTION_URL_AUTH_TYPE: 'NONE',
      AUTH_JWT_ISSUER: 'https://login.example.com/',
      AUTH_JWT_AUDIENCE: 'app-1,app-2',
      AUTH_JWT_SCOPES: 'agent/invoke',
    });
    expect(plannedResources(jwt).length).toBe(plannedResources(base).length + 2); // the two public URL permissions
    expect(evaluatePlan(jwt)).toEqual({ violations: [], unevaluated: [] });
  });

  test('the Cognito pool has strong passwords, optional TOTP MFA, e-mail recovery, deletion protection and admin-only sign-up', () => {
    const [pool] = plannedResources(cognito, 'aws_cognito_user_pool');
    expect(pool.values).toMatchObject({
      name: 'claude-agent-users',
      mfa_configuration: 'OPTIONAL',
      software_token_mfa_configuration: [{ enabled: true }],
      password_policy: [
        {
          minimum_length: 12,
          require_lowercase: true,
          require_uppercase: true,
          require_numbers: true,
          require_symbols: true,
          temporary_password_validity_days: 3,
        },
      ],
      admin_create_user_config: [expect.objectContaining({ allow_admin_create_user_only: true })],
      account_recovery_setting: [{ recovery_mechanism: [{ name: 'verified_email', priority: 1 }] }],
      deletion_protection: 'ACTIVE',
      username_attributes: ['email'],
    });
    expect(plannedResources(cognito, 'aws_cognito_identity_pool')).toEqual([]);
  });

  test('its app client is public (no secret), code flow only, and hides who has an account', () => {
    const [client] = plannedResources(cognito, 'aws_cognito_user_pool_client');
    expect(client.values).toMatchObject({
      generate_secret: false,
      allowed_oauth_flows: ['code'],
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_scopes: ['email', 'openid', 'profile'],
      callback_urls: ['http://localhost:5173/', 'https://app.example.com/callback'],
      supported_identity_providers: ['COGNITO'],
      prevent_user_existence_errors: 'ENABLED',
      enable_token_revocation: true,
    });
    expect(plannedResources(cognito, 'aws_cognito_user_pool_domain')[0].values.domain).toBe('claude-agent-123456789012');
  });

  test('provisioned concurrency: a published version, the alias "live", and the URL and its permissions on the alias', () => {
    expect(plannedResources(cognito, 'aws_lambda_function')[0].values.publish).toBe(true);
    expect(plannedResources(cognito, 'aws_lambda_alias')[0].values).toMatchObject({ name: 'live', function_name: 'claude-agent' });
    expect(plannedResources(cognito, 'aws_lambda_provisioned_concurrency_config')[0].values).toMatchObject({
      function_name: 'claude-agent',
      qualifier: 'live',
      provisioned_concurrent_executions: 2,
    });
    expect(plannedResources(cognito, 'aws_lambda_function_url')[0].values.qualifier).toBe('live');
    expect(plannedResources(cognito, 'aws_lambda_permission').map((p) => [p.values.action, p.values.qualifier])).toEqual([
      ['lambda:InvokeFunction', 'live'],
      ['lambda:InvokeFunctionUrl', 'live'],
    ]);
  });

  test('the pool’s outputs are declared for a front end, and the policy rules pass (the environment, holding the pool’s id, is judged after apply)', () => {
    expect(Object.keys(cognito.planned_values.outputs ?? {})).toEqual(
      expect.arrayContaining(['cognito_issuer', 'cognito_client_id', 'cognito_user_pool_id', 'cognito_sign_in_url']),
    );
    expect(base.planned_values.outputs?.cognito_issuer?.value).toBe('');
    expect(evaluatePlan(cognito)).toEqual({ violations: [], unevaluated: ['aws_lambda_function.agent (environment)'] });
  });

  test.each(INVALID.map((c, i) => [...c, i] as const))('rejects %s at plan, saying what to set', (_label, _tfvars, message, i) => {
    expect(invalid[i].status).toBe(1);
    expect(invalid[i].stderr).toMatch(message);
  });

  test.each(PRECONDITIONS.map((c, i) => [...c, i] as const))('refuses %s at plan, saying what to set', (_label, _tfvars, message, i) => {
    expect(refused[i].status).toBe(1);
    expect(refused[i].stderr).toMatch(message);
  });
});

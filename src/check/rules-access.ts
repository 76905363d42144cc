/**
 * Policy rules for who may sign in and how warm the agent is kept: a Cognito
 * user pool's password and MFA settings, its app clients (no implicit flow,
 * no user enumeration), no identity pool handing AWS credentials to guests;
 * provisioned concurrency only on the alias the Function URL serves, within
 * the function's reserved concurrency.
 */
import { MIN_PASSWORD_LENGTH } from '../stacks/cognito';
import { list, resourcesOf, type Deployment } from './deployments';
import { violation, type PolicyRule, type Violation } from './rule';

function cognitoViolations(d: Deployment): Violation[] {
  const id = 'AGENT-COGNITO-001';
  const pools = resourcesOf(d, 'aws_cognito_user_pool').flatMap((pool) => {
    const policy = list(pool.values.password_policy as Record<string, unknown> | Array<Record<string, unknown>> | undefined)[0] ?? {};
    const problems: string[] = [];
    if (typeof policy.minimum_length !== 'number' || policy.minimum_length < MIN_PASSWORD_LENGTH)
      problems.push(
        `requires passwords of ${typeof policy.minimum_length === 'number' ? policy.minimum_length : 8} characters, fewer than ${MIN_PASSWORD_LENGTH}`,
      );
    const classes = ['require_lowercase', 'require_uppercase', 'require_numbers', 'require_symbols'].filter((c) => policy[c] !== true);
    if (classes.length > 0) problems.push(`does not ${classes.join(', ').replace(/_/g, ' ')} in passwords`);
    if (pool.values.mfa_configuration === 'OFF' || pool.values.mfa_configuration === undefined) problems.push('offers no MFA (mfa_configuration OFF)');
    return problems.map((p) => violation(id, pool, `the user pool ${p}`));
  });
  const clients = resourcesOf(d, 'aws_cognito_user_pool_client').flatMap((client) => [
    ...(list(client.values.allowed_oauth_flows as string[] | undefined).includes('implicit')
      ? [violation(id, client, 'the app client allows the implicit flow, which hands tokens over in URLs: use "code" (with PKCE)')]
      : []),
    ...(client.values.prevent_user_existence_errors !== 'ENABLED'
      ? [violation(id, client, 'the app client tells who has an account (prevent_user_existence_errors is not ENABLED)')]
      : []),
  ]);
  const guests = resourcesOf(d, 'aws_cognito_identity_pool')
    .filter((pool) => pool.values.allow_unauthenticated_identities !== false)
    .map((pool) => violation(id, pool, 'the identity pool hands AWS credentials to unauthenticated identities'));
  return [...pools, ...clients, ...guests];
}

function provisionedViolations(d: Deployment): Violation[] {
  const id = 'AGENT-LAMBDA-004';
  const urls = resourcesOf(d, 'aws_lambda_function_url');
  const fns = resourcesOf(d, 'aws_lambda_function');
  return resourcesOf(d, 'aws_lambda_provisioned_concurrency_config').flatMap((config) => {
    const { function_name: name, qualifier, provisioned_concurrent_executions: count } = config.values;
    const served = urls.some((url) => url.values.function_name === name && url.values.qualifier === qualifier);
    const reserved = fns.find((fn) => fn.values.function_name === name)?.values.reserved_concurrent_executions;
    return [
      ...(served
        ? []
        : [
            violation(id, config, `provisioned concurrency on ${String(name)}:${String(qualifier)}, which no Function URL serves: it is billed and never used`),
          ]),
      ...(typeof reserved === 'number' && reserved >= 0 && typeof count === 'number' && count > reserved
        ? [violation(id, config, `provisions ${count} environments, more than the function's reserved concurrency (${reserved})`)]
        : []),
    ];
  });
}

export const ACCESS_RULES: readonly PolicyRule[] = [
  {
    id: 'AGENT-COGNITO-001',
    reason: `Cognito user pools require passwords of ${MIN_PASSWORD_LENGTH}+ characters of every class and offer MFA; app clients use no implicit flow and hide who has an account; no identity pool admits guests.`,
    check: cognitoViolations,
  },
  {
    id: 'AGENT-LAMBDA-004',
    reason: "Provisioned concurrency sits on the alias the Function URL serves, within the function's reserved concurrency.",
    check: provisionedViolations,
  },
];

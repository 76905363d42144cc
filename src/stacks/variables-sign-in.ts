/** An optional Cognito user pool of the agent's own, as the issuer of its sign-in tokens (src/stacks/cognito.ts). */
import type { VariableSpec } from './variable-types';

/** A hosted-domain prefix: what Cognito allows, without the words it reserves. */
const DOMAIN_PREFIX = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
/** Where Cognito may send a browser back: https, or http on this machine for development. */
const REDIRECT_URL = '^(https://[^\\s]+|http://localhost(:[0-9]{1,5})?(/[^\\s]*)?)$';

export const SIGN_IN_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'cognito_user_pool_enabled',
    group: 'Sign-in (optional)',
    type: 'bool',
    default: false,
    description:
      'Create a Cognito user pool, an app client (public, code flow with PKCE) and a hosted sign-in domain, and accept their tokens as jwt_issuer and jwt_audience would. Needs function_url_auth_type "NONE" and cognito_callback_urls.',
    // Its rules about function_url_auth_type and jwt_issuer are the pool's preconditions: validations among those variables would form a cycle.
    validation: [
      {
        condition: '${!var.cognito_user_pool_enabled || length(var.cognito_callback_urls) > 0}',
        errorMessage:
          'cognito_user_pool_enabled needs cognito_callback_urls: the pages of your front end Cognito may send a signed-in browser back to, e.g. ["https://app.example.com/callback"].',
      },
    ],
  },
  {
    name: 'cognito_callback_urls',
    group: 'Sign-in (optional)',
    type: 'list(string)',
    default: [],
    description: 'With the user pool: where sign-in may return, e.g. ["https://app.example.com/callback"] (https, or http://localhost for development).',
    validation: [
      {
        condition: `\${alltrue([for url in var.cognito_callback_urls : can(regex(${JSON.stringify(REDIRECT_URL)}, url))])}`,
        errorMessage: 'cognito_callback_urls must hold https URLs (or http://localhost ones for development).',
      },
    ],
  },
  {
    name: 'cognito_logout_urls',
    group: 'Sign-in (optional)',
    type: 'list(string)',
    default: [],
    description: 'With the user pool: where sign-out may return (https, or http://localhost for development).',
    validation: [
      {
        condition: `\${alltrue([for url in var.cognito_logout_urls : can(regex(${JSON.stringify(REDIRECT_URL)}, url))])}`,
        errorMessage: 'cognito_logout_urls must hold https URLs (or http://localhost ones for development).',
      },
    ],
  },
  {
    name: 'cognito_domain_prefix',
    group: 'Sign-in (optional)',
    type: 'string',
    default: '',
    description:
      'With the user pool: the hosted sign-in domain <prefix>.auth.<region>.amazoncognito.com, unique in the Region. Empty means "<function_name>-<account id>", made valid for Cognito (lower case, "_" as "-", without "aws", "amazon" or "cognito").',
    validation: [
      {
        condition: `\${var.cognito_domain_prefix == "" || (can(regex(${JSON.stringify(DOMAIN_PREFIX)}, var.cognito_domain_prefix)) && length(regexall("aws|amazon|cognito", var.cognito_domain_prefix)) == 0)}`,
        errorMessage:
          'cognito_domain_prefix must be empty or 1 to 63 lower-case letters, digits and hyphens (not at either end), without the words Cognito reserves ("aws", "amazon", "cognito").',
      },
    ],
  },
  {
    name: 'cognito_self_sign_up',
    group: 'Sign-in (optional)',
    type: 'bool',
    default: false,
    description:
      'With the user pool: let anyone create an account on the sign-in page. False: only administrators create users (aws cognito-idp admin-create-user).',
  },
  {
    name: 'cognito_deletion_protection',
    group: 'Sign-in (optional)',
    type: 'bool',
    default: true,
    description: 'With the user pool: refuse to delete it (and its users) until this is set to false and applied.',
  },
];

/**
 * An optional Cognito user pool of the agent's own (`cognito_user_pool_enabled`):
 * the pool, a public app client for a browser or mobile front end (code flow
 * with PKCE, no secret) and a hosted sign-in domain. Its issuer and client id
 * become the JWT settings the function verifies tokens with; otherwise those
 * come from jwt_issuer and jwt_audience. No identity pool is created, so no
 * one gets AWS credentials from it, signed in or not.
 */
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { conditional, Fn, Op, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { defaultCognitoDomainPrefix } from './derived-names';
import type { StackContext } from './stack-context';
import { countIf, first, isNotEmpty, named, splat } from './terraform-helpers';
import type { StackVariables } from './variables';

/** Password rules: NIST SP 800-63B's length, and every character class (Cognito's own default is 8). */
export const MIN_PASSWORD_LENGTH = 12;
const TEMPORARY_PASSWORD_DAYS = 3;
/** Token lifetimes: an hour for access and ID tokens, 30 days for refresh tokens. */
const TOKEN_VALIDITY = { access: 60, id: 60, refreshDays: 30 } as const;
/** Scopes the front end may ask for. */
export const COGNITO_SCOPES = ['openid', 'email', 'profile'];

export interface CognitoProps {
  readonly variables: StackVariables;
  readonly context: StackContext;
}

export class Cognito extends Construct {
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`, or "" without the pool. */
  readonly issuer: string;
  /** The app client's id, or "". */
  readonly clientId: string;
  /** The hosted sign-in page for the first callback URL, or "". */
  readonly signInUrl: string;
  readonly userPoolId: string;

  constructor(scope: Construct, id: string, props: CognitoProps) {
    super(scope, id);
    const { variables: vars, context } = props;
    const enabled = vars.bool('cognito_user_pool_enabled');
    const name = vars.str('function_name');

    const pool = named(
      new CognitoUserPool(this, 'pool', {
        count: countIf(enabled),
        name: `${name}-users`,
        usernameAttributes: ['email'],
        autoVerifiedAttributes: ['email'],
        mfaConfiguration: 'OPTIONAL',
        softwareTokenMfaConfiguration: { enabled: true },
        passwordPolicy: {
          minimumLength: MIN_PASSWORD_LENGTH,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: true,
          temporaryPasswordValidityDays: TEMPORARY_PASSWORD_DAYS,
        },
        adminCreateUserConfig: { allowAdminCreateUserOnly: Op.not(vars.bool('cognito_self_sign_up')) },
        accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
        deletionProtection: Token.asString(conditional(vars.bool('cognito_deletion_protection'), 'ACTIVE', 'INACTIVE')),
        tags: context.tags(),
        lifecycle: {
          precondition: [
            {
              condition: Op.eq(vars.str('function_url_auth_type'), 'NONE'),
              errorMessage:
                'cognito_user_pool_enabled needs function_url_auth_type = "NONE": with "AWS_IAM", Lambda admits only SigV4-signed requests, which carry no sign-in token.',
            },
            {
              condition: Op.not(isNotEmpty(vars.str('jwt_issuer'))),
              errorMessage: 'cognito_user_pool_enabled and jwt_issuer are both set: the pool is the issuer. Empty jwt_issuer, or turn the pool off.',
            },
          ],
        },
      }),
      'agent',
    );
    const client = named(
      new CognitoUserPoolClient(this, 'client', {
        count: countIf(enabled),
        name: `${name}-web`,
        userPoolId: first(pool, 'id'),
        generateSecret: false,
        allowedOauthFlows: ['code'],
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthScopes: COGNITO_SCOPES,
        supportedIdentityProviders: ['COGNITO'],
        callbackUrls: vars.list('cognito_callback_urls'),
        logoutUrls: vars.list('cognito_logout_urls'),
        explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        preventUserExistenceErrors: 'ENABLED',
        enableTokenRevocation: true,
        accessTokenValidity: TOKEN_VALIDITY.access,
        idTokenValidity: TOKEN_VALIDITY.id,
        refreshTokenValidity: TOKEN_VALIDITY.refreshDays,
        tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
      }),
      'agent',
    );
    // The default is made valid for Cognito (lower case, no reserved word, short enough) from any function_name.
    const prefix = Token.asString(
      `\${length(var.cognito_domain_prefix) >= 1 ? var.cognito_domain_prefix : ${defaultCognitoDomainPrefix('var.function_name', 'data.aws_caller_identity.current.account_id')}}`,
    );
    const domain = named(new CognitoUserPoolDomain(this, 'domain', { count: countIf(enabled), domain: prefix, userPoolId: first(pool, 'id') }), 'agent');

    const local = <T>(localName: string, expression: T) => named(new TerraformLocal(this, localName, expression), localName);
    this.userPoolId = Fn.join('', splat(pool, 'id'));
    this.issuer = local('cognito_issuer', conditional(enabled, `https://${Fn.join('', splat(pool, 'endpoint'))}`, '')).asString;
    this.clientId = Fn.join('', splat(client, 'id'));
    const host = `${Fn.join('', splat(domain, 'domain'))}.auth.${context.region}.amazoncognito.com`;
    this.signInUrl = Token.asString(
      conditional(
        enabled,
        `https://${host}/oauth2/authorize?response_type=code&client_id=${this.clientId}&scope=${COGNITO_SCOPES.join('+')}&redirect_uri=${Fn.urlencode(Token.asString(Fn.element(vars.list('cognito_callback_urls'), 0)))}`,
        '',
      ),
    );

    // What the function verifies tokens with: the pool's, or jwt_issuer's (decided from the variables alone, so known at plan).
    local('jwt_on', Op.or(enabled, isNotEmpty(vars.str('jwt_issuer'))));
    local('jwt_issuer', conditional(enabled, this.issuer, vars.str('jwt_issuer')));
    local('jwt_audience', conditional(enabled, [this.clientId], vars.list('jwt_audience')));
  }
}

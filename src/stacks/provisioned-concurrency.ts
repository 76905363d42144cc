/**
 * Warm capacity for the agent: with `provisioned_concurrency` above 0, the
 * function publishes a version on every change, the alias `live` points at
 * it, and Lambda keeps that many environments of it initialised. The
 * Function URL and its permissions are then the alias's. At 0 none of it
 * exists and the plan is exactly the one without this construct.
 */
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaProvisionedConcurrencyConfig } from '@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config';
import { conditional, Op, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import { countIf, first, named } from './terraform-helpers';
import type { StackVariables } from './variables';

/** The alias the Function URL serves when capacity is provisioned. */
export const LIVE_ALIAS = 'live';

export interface ProvisionedConcurrencyProps {
  readonly variables: StackVariables;
}

export class ProvisionedConcurrency extends Construct {
  /** Whether provisioned_concurrency is above 0. */
  readonly enabled: IResolvable;
  /** `live` when enabled, else null (the attribute left unset): for the URL's and its permissions' `qualifier`. */
  readonly qualifier: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ProvisionedConcurrencyProps,
  ) {
    super(scope, id);
    // Against 1, not 0: cdktf drops a falsy right operand.
    this.enabled = Op.gte(props.variables.num('provisioned_concurrency'), 1);
    this.qualifier = Token.asString(conditional(this.enabled, LIVE_ALIAS, Token.nullValue()));
  }

  /** The alias and its provisioned concurrency, on `functionName` at its latest published `version`. */
  attach(functionName: string, version: string): void {
    const alias = named(
      new LambdaAlias(this, 'alias', {
        count: countIf(this.enabled),
        name: LIVE_ALIAS,
        description: 'The version the Function URL serves, with provisioned concurrency.',
        functionName,
        functionVersion: version,
      }),
      'live',
    );
    named(
      new LambdaProvisionedConcurrencyConfig(this, 'config', {
        count: countIf(this.enabled),
        functionName,
        qualifier: first(alias, 'name'),
        provisionedConcurrentExecutions: this.props.variables.num('provisioned_concurrency'),
      }),
      'live',
    );
  }
}

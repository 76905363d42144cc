/**
 * The state table: one DynamoDB table per deployment, `<function_name>-state`,
 * created only when a feature needs it (sessions, budgets). On-demand
 * billing, TTL on `expires_at`, point-in-time recovery and deletion
 * protection as variables, encryption with your key or an AWS-owned one.
 * The role may use exactly the actions the function uses, on this table
 * only, and the key only through DynamoDB. Without a feature that needs it,
 * nothing here exists and the function is not told of any table.
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Fn, Op, TerraformLocal, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import { BUDGETS_ON, JOBS_ON, SESSIONS_ON, STATE_TABLE_NEEDED, type StateUser } from '../function/state/features';
import {
  BUDGET_ACTIONS,
  JOB_API_ACTIONS,
  JOB_WORKER_ACTIONS,
  SESSION_ACTIONS,
  SESSION_WORKER_ACTIONS,
  STATE_KEYS,
  TTL_ATTRIBUTE,
} from '../function/state/keys';
import { renderCondition } from './setting-variables';
import { policyDocument } from './iam-policies';
import type { StackContext } from './stack-context';
import { countIf, isNotEmpty, named, orNull, splat } from './terraform-helpers';
import type { StackVariables } from './variables';

export interface StateTableProps {
  /** The function role's name (known at plan, so the plan shows which role each policy is on). */
  readonly roleName: string;
  readonly variables: StackVariables;
  readonly context: StackContext;
}

export class StateTable extends Construct {
  /** Whether a feature needs the table. */
  readonly needed: IResolvable;
  /** The table's name (whether or not it exists): `<function_name>-state`. */
  readonly tableName: string;
  /** The table's name when it exists, else an empty string: for outputs. */
  readonly tableNameOrEmpty: string;
  /** The table's permission: the function must not start before it. */
  readonly policy: IamRolePolicy;
  /** The table's ARN, built from known parts. */
  readonly tableArn: string;
  /** The table's customer-managed key (state_kms_key_arn, else kms_key_arn), when one is given. */
  readonly key: { readonly arn: string; readonly given: IResolvable };

  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id);
    const { variables: vars, context } = props;
    const local = <T>(name: string, expression: T) => named(new TerraformLocal(this, name, expression), name);

    // Raw HCL rendered from the function's own conditions (cdktf's operators drop a literal 0 on the right).
    this.needed = local('state_table_needed', `\${${renderCondition(STATE_TABLE_NEEDED)}}`).asBoolean;
    this.tableName = local('state_table_name', `${vars.str('function_name')}-state`).asString;
    const actions = local('state_actions', stateActionsExpression('agent')).asList;
    // The state table's own key, else the deployment's key, else none (an AWS-owned key).
    const key = local('state_kms_key_arn', '${var.state_kms_key_arn != "" ? var.state_kms_key_arn : var.kms_key_arn}').asString;
    const keyGiven = isNotEmpty(key);
    const tableArn = `arn:${context.partition}:dynamodb:${context.region}:${context.accountId}:table/${this.tableName}`;
    this.tableArn = tableArn;
    this.key = { arn: key, given: keyGiven };

    const table = named(
      new DynamodbTable(this, 'table', {
        count: countIf(this.needed),
        name: this.tableName,
        billingMode: 'PAY_PER_REQUEST',
        hashKey: STATE_KEYS.partition,
        rangeKey: STATE_KEYS.sort,
        attribute: [
          { name: STATE_KEYS.partition, type: 'S' },
          { name: STATE_KEYS.sort, type: 'S' },
        ],
        ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
        pointInTimeRecovery: { enabled: vars.bool('state_point_in_time_recovery') },
        deletionProtectionEnabled: vars.bool('state_deletion_protection'),
        serverSideEncryption: { enabled: keyGiven, kmsKeyArn: orNull(key) },
        tags: context.tags(),
        lifecycle: {
          precondition: [
            {
              condition: Op.or(Op.not(keyGiven), Op.eq(Fn.element(Fn.split(':', key), 3), context.region)),
              errorMessage: `The state table's key (state_kms_key_arn, else kms_key_arn) is in another Region than the deployment's (${context.region}). Use a key (or a multi-Region replica) in ${context.region}.`,
            },
          ],
        },
      }),
      'state',
    );
    this.tableNameOrEmpty = Token.asString(Fn.join('', splat(table, 'name')));

    this.policy = named(
      new IamRolePolicy(this, 'policy', {
        count: countIf(this.needed),
        role: props.roleName,
        name: 'state-table',
        policy: policyDocument(this, 'state_table', [{ sid: 'ReadWriteStateTable', effect: 'Allow', actions, resources: [tableArn] }], countIf(this.needed)),
      }),
      'state',
    );
    // A customer-managed key is used by DynamoDB on the function's behalf: allowed through DynamoDB only.
    named(
      new IamRolePolicy(this, 'kms-policy', {
        count: countIf(Op.and(this.needed, keyGiven)),
        role: props.roleName,
        name: 'state-table-kms',
        policy: policyDocument(
          this,
          'state_table_kms',
          [
            {
              sid: 'UseStateKeyThroughDynamoDB',
              effect: 'Allow',
              actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
              resources: [key],
              condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${context.region}.amazonaws.com`] }],
            },
          ],
          countIf(Op.and(this.needed, keyGiven)),
        ),
      }),
      'state_kms',
    );
  }
}

/** HCL of exactly the DynamoDB actions `user` needs for the features that are on (as stateActions in the function). */
export function stateActionsExpression(user: StateUser): string {
  const hcl = (actions: readonly string[]) => `[${actions.map((a) => JSON.stringify(a)).join(', ')}]`;
  const [sessionActions, jobActions] = user === 'agent' ? [SESSION_ACTIONS, JOB_API_ACTIONS] : [SESSION_WORKER_ACTIONS, JOB_WORKER_ACTIONS];
  const parts = [
    `(${renderCondition(SESSIONS_ON)}) ? ${hcl(sessionActions)} : []`,
    `(${renderCondition(BUDGETS_ON)}) ? ${hcl(BUDGET_ACTIONS)} : []`,
    `(${renderCondition(JOBS_ON)}) ? ${hcl(jobActions)} : []`,
  ];
  return `\${sort(distinct(concat(${parts.join(', ')})))}`;
}

/**
 * The cost kill switch (`cost_kill_switch_enabled`): a small function from
 * the same zip (`index.breakerHandler`), invoked by the daily-cost alarm,
 * that sets reserved concurrency to 0 on the agent. Its role may write its
 * own logs and put function concurrency on those functions, nothing else;
 * only that alarm may invoke it.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Fn, Op, TerraformLocal, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import { breakerEnvironmentExpression } from './function-environment';
import { kmsPolicy, lambdaTrustPolicy, logGroupArn, policyDocument, roleArn } from './iam-policies';
import type { StackContext } from './stack-context';
import { KILL_SWITCH_SUFFIX, ROLE_SUFFIX } from './derived-names';
import { countIf, isNotEmpty, named, orNull, splat } from './terraform-helpers';
import type { StackVariables } from './variables';

export interface KillSwitchProps {
  readonly variables: StackVariables;
  readonly context: StackContext;
  /** Whether the kill switch exists. */
  readonly enabled: IResolvable;
  /** The zip's `filename` and `source_code_hash`, as the agent function has them. */
  readonly filename: string;
  readonly sourceCodeHash: string;
  /** `index.breakerHandler`. */
  readonly handler: string;
  /** The functions it closes: their names. */
  readonly functionNames: string[];
  /** The daily-cost alarm's ARN: the only caller allowed. */
  readonly alarmArn: string;
}

/** The kill switch does one API call per function: a small, short function. */
const MEMORY_MB = 128;
const TIMEOUT_SECONDS = 30;

export class KillSwitch extends Construct {
  /** The function's ARN, as a list of zero or one: for the alarm's actions. */
  readonly arns: string[];

  constructor(scope: Construct, id: string, props: KillSwitchProps) {
    super(scope, id);
    const { variables: vars, context, enabled } = props;
    const name = `${vars.str('function_name')}${KILL_SWITCH_SUFFIX}`;
    const logGroupName = `/aws/lambda/${name}`;
    const kmsKeyArn = vars.str('kms_key_arn');
    named(new TerraformLocal(this, 'names', props.functionNames), 'breaker_function_names');
    const functionArns = Token.asList(
      Fn.formatlist(`arn:${context.partition}:lambda:${context.region}:${context.accountId}:function:%s`, [Token.asList(props.functionNames)]),
    );

    const role = named(
      new IamRole(this, 'role', {
        count: countIf(enabled),
        name: `${name}${ROLE_SUFFIX}`,
        description: 'Execution role of the Claude agent cost kill switch: put function concurrency on the agent only.',
        assumeRolePolicy: lambdaTrustPolicy(),
        tags: context.tags(),
      }),
      'kill_switch',
    );
    // The role's name is known at plan: the plan then shows which role each policy is on.
    const roleName = Token.asString(Fn.one(splat(role, 'name')));
    const policy = named(
      new IamRolePolicy(this, 'policy', {
        count: countIf(enabled),
        role: roleName,
        name: 'kill-switch',
        policy: policyDocument(
          this,
          'kill_switch',
          [
            {
              sid: 'WriteOwnLogGroup',
              effect: 'Allow',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [`${logGroupArn(context, logGroupName)}:*`],
            },
            { sid: 'CloseTheAgent', effect: 'Allow', actions: ['lambda:PutFunctionConcurrency'], resources: functionArns },
          ],
          countIf(enabled),
        ),
      }),
      'kill_switch',
    );
    const kmsGiven = Op.and(enabled, isNotEmpty(kmsKeyArn));
    const kms = named(
      new IamRolePolicy(this, 'kms', {
        count: countIf(kmsGiven),
        role: roleName,
        name: 'kms',
        policy: kmsPolicy(this, kmsKeyArn, kmsGiven, 'kill_switch_kms'),
      }),
      'kill_switch_kms',
    );
    const logGroup = named(
      new CloudwatchLogGroup(this, 'log-group', {
        count: countIf(enabled),
        name: logGroupName,
        retentionInDays: vars.num('log_retention_days'),
        kmsKeyId: orNull(kmsKeyArn),
        tags: context.tags(),
      }),
      'kill_switch',
    );
    const fn = named(
      new LambdaFunction(this, 'function', {
        count: countIf(enabled),
        functionName: name,
        description: 'Claude agent cost kill switch: sets reserved concurrency to 0 on the agent when the daily-cost alarm fires.',
        role: roleArn(context, roleName),
        filename: props.filename,
        sourceCodeHash: props.sourceCodeHash,
        handler: props.handler,
        runtime: vars.str('runtime'),
        architectures: [vars.str('architecture')],
        memorySize: MEMORY_MB,
        timeout: TIMEOUT_SECONDS,
        // One reserved environment: it can run even when the account's concurrency is spent.
        reservedConcurrentExecutions: 1,
        tracingConfig: { mode: 'PassThrough' },
        loggingConfig: { logFormat: 'JSON', logGroup: logGroupName, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
        environment: { variables: Token.asStringMap(breakerEnvironmentExpression()) },
        kmsKeyArn: orNull(kmsKeyArn),
        tags: context.tags(),
        dependsOn: [logGroup, policy, kms],
      }),
      'kill_switch',
    );
    named(
      new LambdaPermission(this, 'alarm-invoke', {
        count: countIf(enabled),
        statementId: 'DailyCostAlarmInvokes',
        action: 'lambda:InvokeFunction',
        functionName: Token.asString(Fn.one(splat(fn, 'function_name'))),
        principal: 'lambda.alarms.cloudwatch.amazonaws.com',
        sourceAccount: context.accountId,
        sourceArn: props.alarmArn,
      }),
      'kill_switch',
    );
    // Known at plan (built from the name), and the alarm waits for the function.
    this.arns = named(
      new TerraformLocal(
        this,
        'arns',
        `\${[for fn in aws_lambda_function.kill_switch : format("arn:%s:lambda:%s:%s:function:%s", data.aws_partition.current.partition, data.aws_region.current.name, data.aws_caller_identity.current.account_id, fn.function_name)]}`,
      ),
      'kill_switch_arns',
    ).asList;
  }
}

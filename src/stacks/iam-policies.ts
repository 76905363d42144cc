/**
 * The function role's policies, as `aws_iam_policy_document` data sources
 * built from typed statements. Every statement names its actions (no
 * wildcards) and its resources (no "*"), except X-Ray's writes, which have
 * no resource-level permissions. Each function returns the document's JSON.
 */
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { conditional, Fn, Op, Token, type IResolvable } from 'cdktf';
import type { Construct } from 'constructs';
import { BEDROCK_INVOKE_ACTIONS, type ModelLocals } from './model-locals';
import type { StackContext } from './stack-context';
import { countIf, named, splat } from './terraform-helpers';

const BEDROCK_INVOKE = [...BEDROCK_INVOKE_ACTIONS];

function document(scope: Construct, name: string, statement: DataAwsIamPolicyDocumentStatement[], count?: number): DataAwsIamPolicyDocument {
  return named(new DataAwsIamPolicyDocument(scope, `${name}-policy-document`, { statement, ...(count !== undefined ? { count } : {}) }), name);
}

/** A policy document's JSON; with `count`, the document exists only when it is 1, and the JSON is then its only element's. */
export function policyDocument(scope: Construct, name: string, statement: DataAwsIamPolicyDocumentStatement[], count?: number): string {
  const doc = document(scope, name, statement, count);
  return count === undefined ? doc.json : Token.asString(Fn.one(splat(doc, 'json')));
}

/**
 * Only the Lambda service may assume the role. A literal, not a data source:
 * it depends on nothing, so it is known at plan time even where a caller's
 * `depends_on` defers every data source of the module to apply.
 */
export function lambdaTrustPolicy(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'LambdaAssumeRole', Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
  });
}

/** The function's own log group, by an ARN built from known parts so the policy is known at plan time. */
/**
 * A role's ARN from its name (roles here live at path `/`): known at plan,
 * unlike the role's `arn` attribute, so the plan shows which role runs each
 * function. Pass the role's `name` reference to keep the dependency.
 */
export function roleArn(context: StackContext, roleName: string): string {
  return `arn:${context.partition}:iam::${context.accountId}:role/${roleName}`;
}

export function logGroupArn(context: StackContext, logGroupName: string): string {
  return `arn:${context.partition}:logs:${context.region}:${context.accountId}:log-group:${logGroupName}`;
}

/**
 * Write to the function's own log group, on the resource form AWS's Lambda
 * guide grants (`…:log-group:<name>:*`): CreateLogStream is authorised
 * against the log group itself, so a `…:log-stream:*` resource alone would
 * deny it and every log line would be lost.
 */
export function logsPolicy(scope: Construct, logGroup: string): string {
  return document(scope, 'logs', [
    { sid: 'WriteOwnLogGroup', effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup}:*`] },
  ]).json;
}

export function secretPolicy(scope: Construct, secretArn: string): string {
  return document(scope, 'anthropic_api_key', [
    { sid: 'ReadAnthropicApiKey', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] },
  ]).json;
}

/**
 * What a tool reaches: `actions` on exactly the `resources` its settings
 * name (the MCP servers' token secrets, the knowledge bases). The document
 * exists when `enabled` holds (any is named).
 */
export function toolAccessPolicy(
  scope: Construct,
  name: string,
  statement: { readonly sid: string; readonly actions: string[]; readonly resources: string[] },
  enabled: IResolvable,
): string {
  return policyDocument(scope, name, [{ ...statement, effect: 'Allow' }], countIf(enabled));
}

/**
 * Invoke the configured model only. Through an inference profile, the
 * foundation-model statement is further bound to that profile, so the model
 * cannot be called directly in the destination Regions. One of the two
 * documents exists, by the model id, when `enabled` holds; with model tiers,
 * neither does, and the tiers' policy grants each tier's model the same way.
 */
export function bedrockPolicy(scope: Construct, models: ModelLocals, enabled: IResolvable): string {
  const viaProfile = document(
    scope,
    'bedrock_via_profile',
    [
      { sid: 'InvokeInferenceProfile', effect: 'Allow', actions: BEDROCK_INVOKE, resources: [models.inferenceProfileArn] },
      {
        sid: 'InvokeFoundationModel',
        effect: 'Allow',
        actions: BEDROCK_INVOKE,
        resources: models.foundationModelArns,
        condition: [{ test: 'StringEquals', variable: 'bedrock:InferenceProfileArn', values: [models.inferenceProfileArn] }],
      },
    ],
    countIf(Op.and(Op.and(enabled, Op.not(models.tiersOn)), models.isInferenceProfile)),
  );
  const direct = document(
    scope,
    'bedrock_direct',
    [{ sid: 'InvokeFoundationModel', effect: 'Allow', actions: BEDROCK_INVOKE, resources: models.foundationModelArns }],
    countIf(Op.and(Op.and(enabled, Op.not(models.tiersOn)), Op.not(models.isInferenceProfile))),
  );
  const tiers = Token.asList(conditional(Op.and(enabled, models.tiersOn), [models.tiersPolicyJson], []));
  return Token.asString(Fn.one(Fn.concat([splat(viaProfile, 'json'), splat(direct, 'json'), tiers])));
}

/** Decrypt with the customer-managed key (environment variables, the secret) and nothing else; the document exists when `enabled` holds. */
export function kmsPolicy(scope: Construct, keyArn: string, enabled: IResolvable, name = 'kms'): string {
  const doc = document(scope, name, [{ sid: 'DecryptWithOwnKey', effect: 'Allow', actions: ['kms:Decrypt'], resources: [keyArn] }], countIf(enabled));
  return Token.asString(Fn.one(splat(doc, 'json')));
}

export function tracingPolicy(scope: Construct): string {
  return document(scope, 'tracing', [
    { sid: 'WriteXRayTraces', effect: 'Allow', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
  ]).json;
}

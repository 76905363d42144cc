/**
 * Where alarms go: with `alarm_email`, an SNS topic `<function_name>-alarms`
 * encrypted with a key of its own (CloudWatch cannot publish to a topic
 * under the AWS-managed SNS key, so the key policy names it), a topic policy
 * that lets only this deployment's alarms publish, and the email
 * subscription; with `alarm_topic_arn`, your topic. Neither: no alarms.
 */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Fn, TerraformLocal, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import type { StackContext } from './stack-context';
import { countIf, first, named, splat } from './terraform-helpers';
import type { StackVariables } from './variables';

export interface AlarmTopicProps {
  readonly variables: StackVariables;
  readonly context: StackContext;
  /** ARN prefix of this deployment's alarms (`arn:…:alarm:<function_name>-`). */
  readonly alarmArnPrefix: string;
}

export class AlarmTopic extends Construct {
  /** Whether alarms have a topic to go to. */
  readonly enabled: IResolvable;
  /** The topic's ARN, yours or the created one, as a list of zero or one: for `alarm_actions`. */
  readonly arns: string[];

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const { context } = props;
    const local = (name: string, expression: string) => named(new TerraformLocal(this, name, expression), name);
    const create = local('alarm_topic_created', '${var.alarm_email != "" && var.alarm_topic_arn == ""}').asBoolean;
    this.enabled = local('alarms_enabled', '${var.alarm_email != "" || var.alarm_topic_arn != ""}').asBoolean;
    const name = `${props.variables.str('function_name')}-alarms`;
    // Built from known parts, so the policies and the alarms' actions are known at plan.
    const arnFormat =
      'format("arn:%s:sns:%s:%s:%s-alarms", data.aws_partition.current.partition, data.aws_region.current.name, data.aws_caller_identity.current.account_id, var.function_name)';
    const topicArn = local('alarm_topic_created_arn', `\${${arnFormat}}`).asString;
    const account = `arn:${context.partition}:iam::${context.accountId}:root`;

    const keyPolicy = named(
      new DataAwsIamPolicyDocument(this, 'key-policy', {
        count: countIf(create),
        statement: [
          // The account's IAM policies decide who administers the key (AWS's default key policy).
          { sid: 'AccountAdministersKey', effect: 'Allow', actions: ['kms:*'], resources: ['*'], principals: [{ type: 'AWS', identifiers: [account] }] },
          {
            sid: 'CloudWatchPublishesEncrypted',
            effect: 'Allow',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          },
        ],
      }),
      'alarm_topic_key',
    );
    const key = named(
      new KmsKey(this, 'key', {
        count: countIf(create),
        description: `Encrypts the SNS topic ${name} (alarms of the Claude agent).`,
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        policy: Token.asString(Fn.one(splat(keyPolicy, 'json'))),
        tags: context.tags(),
      }),
      'alarm_topic',
    );
    // The topic names the key by its alias: known at plan, so `npm run check` sees the encryption.
    const alias = named(new KmsAlias(this, 'alias', { count: countIf(create), name: `alias/${name}`, targetKeyId: first(key, 'key_id') }), 'alarm_topic');
    const topic = named(
      new SnsTopic(this, 'topic', { count: countIf(create), name, kmsMasterKeyId: `alias/${name}`, tags: context.tags(), dependsOn: [alias] }),
      'alarm_topic',
    );
    const topicPolicy = named(
      new DataAwsIamPolicyDocument(this, 'topic-policy', {
        count: countIf(create),
        statement: [
          {
            sid: 'OwnAlarmsPublish',
            effect: 'Allow',
            actions: ['sns:Publish'],
            resources: [topicArn],
            principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
            condition: [
              { test: 'ArnLike', variable: 'aws:SourceArn', values: [`${props.alarmArnPrefix}*`] },
              { test: 'StringEquals', variable: 'aws:SourceAccount', values: [context.accountId] },
            ],
          },
        ],
      }),
      'alarm_topic_policy',
    );
    named(new SnsTopicPolicy(this, 'policy', { count: countIf(create), arn: first(topic, 'arn'), policy: first(topicPolicy, 'json') }), 'alarm_topic');
    named(
      new SnsTopicSubscription(this, 'email', {
        count: countIf(create),
        topicArn: first(topic, 'arn'),
        protocol: 'email',
        endpoint: props.variables.str('alarm_email'),
      }),
      'alarm_email',
    );
    // The created topic's ARN once per topic: known at plan, and the alarms wait for the topic.
    this.arns = local(
      'alarm_topic_arns',
      '${var.alarm_topic_arn != "" ? [var.alarm_topic_arn] : [for topic in aws_sns_topic.alarm_topic : local.alarm_topic_created_arn]}',
    ).asList;
  }
}

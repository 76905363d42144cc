/**
 * The optional customer-managed key, planned offline by real Terraform:
 * with kms_key_arn the log group, the environment variables and a created
 * secret use it and the role may decrypt with it alone; without it the plan
 * has none of this.
 */
import { evaluatePlan } from '../../src/check/rules';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { plannedResources, planEach, planned, rejected, statements } from '../helpers/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const KEY = `arn:aws:kms:us-east-1:${TEST_ACCOUNT_ID}:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`;
const FAKE_KEY = 'sk-ant-test-0000-not-a-real-key';

describe('kms_key_arn', () => {
  let off: PlanJson;
  let on: PlanJson;
  let otherRegion: TfRun;

  beforeAll(async () => {
    const plans = await planEach('kms', {
      off: `anthropic_api_key_secret_arn = "${SECRET_ARN}"`,
      on: `anthropic_api_key = "${FAKE_KEY}"\nkms_key_arn = "${KEY}"`,
      otherRegion: `anthropic_api_key_secret_arn = "${SECRET_ARN}"\nkms_key_arn = "${KEY.replace('us-east-1', 'eu-west-1')}"`,
    });
    off = planned(plans.off, 'off');
    on = planned(plans.on, 'on');
    otherRegion = rejected(plans.otherRegion, 'otherRegion');
  }, 240_000);

  const one = (plan: PlanJson, type: string) => {
    const [resource] = plannedResources(plan, type);
    if (!resource) throw new Error(`no ${type} planned`);
    return resource.values;
  };

  test('the log group, the environment variables and the created secret are encrypted with the key', () => {
    expect(one(on, 'aws_cloudwatch_log_group').kms_key_id).toBe(KEY);
    expect(one(on, 'aws_lambda_function').kms_key_arn).toBe(KEY);
    expect(one(on, 'aws_secretsmanager_secret').kms_key_id).toBe(KEY);
  });

  test('the role may decrypt with that key, and do nothing else with KMS', () => {
    const policy = plannedResources(on, 'aws_iam_role_policy').find((p) => p.values.name === 'kms');
    expect(statements(policy?.values.policy)).toEqual([{ Sid: 'DecryptWithOwnKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY] }]);
    expect(evaluatePlan(on).violations).toEqual([]);
  });

  test('without it nothing names a key and there is no KMS policy', () => {
    expect(one(off, 'aws_cloudwatch_log_group').kms_key_id).toBeNull();
    expect(one(off, 'aws_lambda_function').kms_key_arn).toBeNull();
    expect(plannedResources(off, 'aws_iam_role_policy').map((p) => p.values.name)).not.toContain('kms');
  });

  test('a key in another Region fails the plan, saying why', () => {
    expect(otherRegion.stderr).toMatch(/kms_key_arn names a key in another Region than the deployment's \(us-east-1\)/);
  });
});

/**
 * What plans must apply: every name the stack derives, at the longest
 * function_name and schedule name the variables accept with every feature
 * on, meets AWS's length and character rules for its kind of resource; a
 * function_name too long for the features on is refused at plan with one
 * message that names what would overflow. Offline plans against the real
 * provider schema.
 */
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { everyPlannedResource, planEach, planned, rejected } from '../helpers/terraform';

/** AWS's rule for a name attribute: its longest length and what it must match (and must not, where AWS says so). */
type NameRule = readonly [attribute: string, maxLength: number, pattern: RegExp, forbidden?: RegExp];

/** Printable: no ASCII control character (alarm and query names allow any other UTF-8). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what AWS refuses here
const NO_CONTROL_CHARACTERS = /^[^\x00-\x1f\x7f]+$/;

/** Per resource type, from the AWS API references of each service. */
const NAME_RULES: Readonly<Record<string, readonly NameRule[]>> = {
  aws_lambda_function: [['function_name', 64, /^[A-Za-z0-9_-]+$/]],
  aws_lambda_alias: [['name', 128, /^(?!^[0-9]+$)[A-Za-z0-9_-]+$/]],
  aws_iam_role: [['name', 64, /^[\w+=,.@-]+$/]],
  aws_iam_role_policy: [['name', 128, /^[\w+=,.@-]+$/]],
  aws_sqs_queue: [['name', 80, /^[A-Za-z0-9_-]+$/]],
  aws_scheduler_schedule: [['name', 64, /^[0-9A-Za-z_.-]+$/]],
  aws_cloudwatch_log_group: [['name', 512, /^[.\-_/#A-Za-z0-9]+$/]],
  aws_cloudwatch_metric_alarm: [['alarm_name', 255, NO_CONTROL_CHARACTERS]],
  aws_cloudwatch_dashboard: [['dashboard_name', 255, /^[A-Za-z0-9_-]+$/]],
  aws_cloudwatch_query_definition: [['name', 255, NO_CONTROL_CHARACTERS]],
  aws_cognito_user_pool: [['name', 128, /^[\w\s+=,.@-]+$/]],
  aws_cognito_user_pool_client: [['name', 128, /^[\w\s+=,.@-]+$/]],
  // Lower case, digits and inner hyphens; Cognito also refuses its reserved words.
  aws_cognito_user_pool_domain: [['domain', 63, /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, /aws|amazon|cognito/]],
  aws_dynamodb_table: [['name', 255, /^[A-Za-z0-9_.-]{3,}$/]],
  aws_sns_topic: [['name', 256, /^[A-Za-z0-9_-]+$/]],
  aws_kms_alias: [['name', 256, /^alias\/[A-Za-z0-9/_-]+$/, /^alias\/aws\//]],
  aws_security_group: [['name', 255, /^[\x20-\x7e]+$/, /^sg-/i]],
  aws_secretsmanager_secret: [['name', 512, /^[A-Za-z0-9/_+=.@-]+$/]],
};
/** Attributes that hold a resource's name: a type that has one must have a rule above. */
const NAME_ATTRIBUTES = ['name', 'function_name', 'alarm_name', 'dashboard_name', 'domain'];
/** Types whose `function_name` names the function they attach to, checked on the function itself. */
const REFERS_TO_A_FUNCTION = new Set([
  'aws_lambda_event_source_mapping',
  'aws_lambda_function_url',
  'aws_lambda_permission',
  'aws_lambda_provisioned_concurrency_config',
]);

/** 47 characters: the longest function_name the kill switch's role allows; capitals, "_" and a reserved word test the Cognito default. */
const LONGEST_NAME = `My_Cognito_AWS_Agent_${'x'.repeat(26)}`;
const EVERYTHING = [
  `function_name = "${LONGEST_NAME}"`,
  // The key given in Terraform: the stack creates the secret "<function_name>-anthropic-api-key".
  'anthropic_api_key = "sk-ant-test-not-a-key"',
  'provisioned_concurrency = 1',
  'function_url_auth_type = "NONE"',
  'cognito_user_pool_enabled = true',
  'cognito_callback_urls = ["https://app.example.com/callback"]',
  'sessions_enabled = true',
  'caller_daily_token_budget = 100000',
  'async_jobs_enabled = true',
  'job_events_enabled = true',
  // 64 - 47 - 1 = 16 characters: the longest schedule name with this function_name.
  `schedules = { ${'n'.repeat(16)} = { schedule_expression = "rate(1 day)", request = { input = "Report." } } }`,
  'alarm_email = "oncall@example.com"',
  'cost_kill_switch_enabled = true',
  'vpc_id = "vpc-0123456789abcdef0"',
  'vpc_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]',
  'nat_egress_enabled = true',
].join('\n');

describe('derived names (offline plans)', () => {
  let everything: PlanJson;
  let killSwitchTooLong: TfRun;
  let jobsTooLong: TfRun;
  let securityGroupPrefix: TfRun;

  beforeAll(async () => {
    const [plans, refusals] = await Promise.all([
      planEach('names', { everything: EVERYTHING }),
      planEach(
        'names',
        {
          killSwitchTooLong: `function_name = "${'k'.repeat(56)}"\ncost_kill_switch_enabled = true\ndaily_cost_alarm_usd = 50`,
          jobsTooLong: `function_name = "${'j'.repeat(55)}"\nasync_jobs_enabled = true`,
          securityGroupPrefix:
            'function_name = "sg-agent"\nvpc_id = "vpc-0123456789abcdef0"\nvpc_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa"]\nnat_egress_enabled = true',
        },
        'variables',
      ),
    ]);
    everything = planned(plans.everything, 'everything');
    killSwitchTooLong = rejected(refusals.killSwitchTooLong, 'killSwitchTooLong');
    jobsTooLong = rejected(refusals.jobsTooLong, 'jobsTooLong');
    securityGroupPrefix = rejected(refusals.securityGroupPrefix, 'securityGroupPrefix');
  }, 300_000);

  test('every name in a plan with every feature on, at the longest function_name and schedule name accepted, meets AWS’s rules', () => {
    const checked: string[] = [];
    const broken: string[] = [];
    for (const resource of everyPlannedResource(everything)) {
      if (REFERS_TO_A_FUNCTION.has(resource.type)) continue;
      const rules = NAME_RULES[resource.type];
      const named = NAME_ATTRIBUTES.filter((a) => typeof resource.values[a] === 'string');
      if (!rules) {
        if (named.length > 0) broken.push(`${resource.address}: no name rule for ${resource.type} (add AWS's rule to NAME_RULES)`);
        continue;
      }
      for (const [attribute, maxLength, pattern, forbidden] of rules) {
        const value = resource.values[attribute];
        if (typeof value !== 'string') continue;
        checked.push(resource.type);
        if (value.length > maxLength) broken.push(`${resource.address}.${attribute} "${value}" is ${value.length} characters, over ${maxLength}`);
        if (!pattern.test(value)) broken.push(`${resource.address}.${attribute} "${value}" does not match ${pattern}`);
        if (forbidden?.test(value)) broken.push(`${resource.address}.${attribute} "${value}" matches ${forbidden}, which AWS refuses`);
      }
    }
    expect(broken).toEqual([]);
    // The names that reach their limit at these inputs were all there to be checked.
    expect(new Set(checked)).toEqual(new Set(Object.keys(NAME_RULES)));
  });

  test('the default Cognito domain is made valid from a function_name with capitals, "_" and a reserved word', () => {
    const [domain] = everyPlannedResource(everything).filter((r) => r.type === 'aws_cognito_user_pool_domain');
    expect(domain.values.domain).toMatch(/^my-agent-x{26}-\d{12}$/);
  });

  test('a function_name too long for the kill switch is refused at plan, naming the names that would overflow and the length that fits', () => {
    const text = killSwitchTooLong.stderr.replace(/[\s│]+/g, ' ');
    expect(text).toContain(`the kill switch function "${'k'.repeat(56)}-kill-switch" would be 68 characters, and AWS allows 64`);
    expect(text).toContain(`the kill switch's IAM role "${'k'.repeat(56)}-kill-switch-role" would be 73 characters, and AWS allows 64`);
    expect(text).toContain('With cost_kill_switch_enabled, the kill switch function');
    expect(text).toContain('Shorten function_name to at most 47 characters.');
  });

  test("a function_name too long for the jobs worker's role is refused at plan", () => {
    expect(jobsTooLong.stderr.replace(/[\s│]+/g, ' ')).toContain(
      `With async_jobs_enabled, the jobs worker's IAM role "${'j'.repeat(55)}-jobs-role" would be 65 characters, and AWS allows 64. Shorten function_name to at most 54 characters.`,
    );
  });

  test('in a VPC a function_name starting with "sg-" is refused: it names security groups', () => {
    expect(securityGroupPrefix.stderr).toContain('function_name starts with "sg-"');
  });
});

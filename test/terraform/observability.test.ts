/**
 * Watching and capping the agent, planned offline by real Terraform against
 * the real AWS provider schema: the dashboard and its queries, the alarms
 * and their topic, the cost kill switch. Each part exists exactly as its
 * variables say; with them off the plan holds nothing of them.
 */
import { PUBLISHED_METRICS } from '../../src/function/metrics/definitions';
import { INSIGHTS_QUERIES } from '../../src/stacks/insights-queries';
import { LAMBDA_METRICS } from '../../src/stacks/dashboard-body';
import { evaluatePlan } from '../../src/check/rules';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { plannedResources, planEach, planned, rejected, statements } from '../helpers/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const BASE = `anthropic_api_key_secret_arn = "${SECRET_ARN}"`;
const OPS_TOPIC = `arn:aws:sns:us-east-1:${TEST_ACCOUNT_ID}:ops-alarms`;
const AGENT_ARN = `arn:aws:lambda:us-east-1:${TEST_ACCOUNT_ID}:function:claude-agent`;
const OBSERVABILITY_TYPES = ['aws_cloudwatch_dashboard', 'aws_cloudwatch_query_definition', 'aws_cloudwatch_metric_alarm', 'aws_sns_topic', 'aws_kms_key'];
const ALARMS = ['claude-agent-daily-cost', 'claude-agent-duration-p95', 'claude-agent-fault-rate', 'claude-agent-internal-errors', 'claude-agent-throttles'];

describe('watching and capping the agent', () => {
  let dashboardOn: PlanJson;
  let allOff: PlanJson;
  let email: PlanJson;
  let ownTopic: PlanJson;
  let noCostAlarm: PlanJson;
  let killSwitch: PlanJson;
  let killSwitchNamespaced: PlanJson;
  let both: TfRun;
  let killWithoutAlarm: TfRun;
  let badEmail: TfRun;

  beforeAll(async () => {
    const plans = await planEach('observability', {
      dashboardOn: BASE,
      allOff: `${BASE}\ndashboard_enabled = false`,
      email: `${BASE}\ndashboard_enabled = false\nalarm_email = "oncall@example.com"`,
      ownTopic: `${BASE}\ndashboard_enabled = false\nalarm_topic_arn = "${OPS_TOPIC}"\nalarm_fault_rate_percent = 2\nalarm_duration_percent_of_timeout = 50\ntimeout_seconds = 60`,
      noCostAlarm: `${BASE}\ndashboard_enabled = false\nalarm_topic_arn = "${OPS_TOPIC}"\ndaily_cost_alarm_usd = 0`,
      killSwitch: `${BASE}\ndashboard_enabled = false\ncost_kill_switch_enabled = true\ndaily_cost_alarm_usd = 75`,
      killSwitchNamespaced: `${BASE}\ncost_kill_switch_enabled = true\nalarm_email = "oncall@example.com"\nmetrics_namespace = "Agents/Support"`,
    });
    const invalid = await planEach(
      'observability-invalid',
      {
        both: `alarm_email = "a@example.com"\nalarm_topic_arn = "${OPS_TOPIC}"`,
        killWithoutAlarm: 'cost_kill_switch_enabled = true\ndaily_cost_alarm_usd = 0',
        badEmail: 'alarm_email = "not an address"',
      },
      'variables',
    );
    dashboardOn = planned(plans.dashboardOn, 'dashboardOn');
    allOff = planned(plans.allOff, 'allOff');
    email = planned(plans.email, 'email');
    ownTopic = planned(plans.ownTopic, 'ownTopic');
    noCostAlarm = planned(plans.noCostAlarm, 'noCostAlarm');
    killSwitch = planned(plans.killSwitch, 'killSwitch');
    killSwitchNamespaced = planned(plans.killSwitchNamespaced, 'killSwitchNamespaced');
    both = rejected(invalid.both, 'both');
    killWithoutAlarm = rejected(invalid.killWithoutAlarm, 'killWithoutAlarm');
    badEmail = rejected(invalid.badEmail, 'badEmail');
  }, 300_000);

  const addresses = (plan: PlanJson) => plannedResources(plan).map((r) => r.address);
  const alarms = (plan: PlanJson) => plannedResources(plan, 'aws_cloudwatch_metric_alarm').map((r) => r.values);
  const alarmNamed = (plan: PlanJson, name: string) => alarms(plan).find((a) => a.alarm_name === name)!;

  test('all off: nothing of it is planned, and the function environment is unchanged', () => {
    expect(plannedResources(allOff).filter((r) => OBSERVABILITY_TYPES.includes(r.type))).toEqual([]);
    expect(addresses(allOff).filter((a) => a.includes('kill_switch'))).toEqual([]);
    const env = (plannedResources(allOff, 'aws_lambda_function')[0].values.environment as Array<{ variables: Record<string, string> }>)[0].variables;
    expect(env).not.toHaveProperty('METRICS_NAMESPACE');
    expect(allOff.planned_values.outputs?.alarm_topic_arn?.value).toBe('');
  });

  test('dashboard_enabled (the default) adds the dashboard and the four saved queries, and nothing else', () => {
    expect(
      addresses(dashboardOn)
        .filter((a) => !addresses(allOff).includes(a))
        .sort(),
    ).toEqual(['aws_cloudwatch_dashboard.agent[0]', ...INSIGHTS_QUERIES.map((q) => `aws_cloudwatch_query_definition.${q.name.replace(/-/g, '_')}[0]`)].sort());
    const queries = plannedResources(dashboardOn, 'aws_cloudwatch_query_definition').map((r) => r.values);
    for (const query of queries) expect(query.log_group_names).toEqual(['/aws/lambda/claude-agent']);
    expect(queries.map((q) => q.name).sort()).toEqual(INSIGHTS_QUERIES.map((q) => `claude-agent/${q.name}`).sort());
  });

  test('the dashboard body is valid JSON naming only metrics the function publishes or AWS/Lambda does, in the right namespace', () => {
    const body = JSON.parse(plannedResources(dashboardOn, 'aws_cloudwatch_dashboard')[0].values.dashboard_body as string);
    expect(body.widgets.length).toBeGreaterThanOrEqual(10);
    const named: string[] = [];
    for (const widget of body.widgets) {
      expect(widget.properties.region).toBe('us-east-1');
      for (const row of widget.properties.metrics as unknown[][]) {
        const [first] = row;
        if (typeof first === 'object' && first !== null && 'expression' in first) {
          const search = /MetricName="(\w+)"/.exec(String((first as { expression: string }).expression));
          if (search) named.push(`ClaudeAgent/${search[1]}`);
          continue;
        }
        expect(row[2]).toBe('FunctionName');
        expect(row[3]).toBe('claude-agent');
        named.push(`${String(row[0])}/${String(row[1])}`);
      }
    }
    const allowed = new Set([...[...PUBLISHED_METRICS].map((m) => `ClaudeAgent/${m}`), ...LAMBDA_METRICS.map((m) => `AWS/Lambda/${m}`)]);
    expect(named.filter((m) => !allowed.has(m))).toEqual([]);
    for (const wanted of [
      'ClaudeAgent/CostUSD',
      'ClaudeAgent/TimeToFirstToken',
      'ClaudeAgent/CacheReadInputTokens',
      'AWS/Lambda/Throttles',
      'AWS/Lambda/Duration',
    ])
      expect(named).toContain(wanted);
    const latency = body.widgets.find((w: any) => /Duration/.test(w.properties.title));
    expect(latency.properties.annotations.horizontal).toEqual([
      { label: 'timeout', value: 120_000 },
      { label: 'p95 alarm', value: 96_000 },
    ]);
  });

  test('alarm_email: an SNS topic encrypted with its own rotated key, only this deployment’s alarms may publish, an email subscription, five alarms', () => {
    const [topic] = plannedResources(email, 'aws_sns_topic');
    expect(topic.values.name).toBe('claude-agent-alarms');
    const [key] = plannedResources(email, 'aws_kms_key');
    expect(key.values.enable_key_rotation).toBe(true);
    const keyStatements = statements(key.values.policy);
    expect(keyStatements.find((s) => s.Sid === 'CloudWatchPublishesEncrypted')?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    const principals = (JSON.parse(key.values.policy as string).Statement as Array<{ Sid: string; Principal: unknown }>).map((s) => [s.Sid, s.Principal]);
    expect(principals).toEqual([
      ['AccountAdministersKey', { AWS: `arn:aws:iam::${TEST_ACCOUNT_ID}:root` }],
      ['CloudWatchPublishesEncrypted', { Service: 'cloudwatch.amazonaws.com' }],
    ]);
    const topicPolicyResource = plannedResources(email, 'aws_sns_topic_policy')[0];
    const topicPolicy = statements(topicPolicyResource.values.policy);
    expect(topicPolicy).toHaveLength(1);
    expect(topicPolicy[0].Action).toEqual(['sns:Publish']);
    expect(JSON.stringify(topicPolicy[0].Condition)).toContain(`arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT_ID}:alarm:claude-agent-*`);
    expect(plannedResources(email, 'aws_sns_topic_subscription')[0].values).toMatchObject({ protocol: 'email', endpoint: 'oncall@example.com' });
    expect(
      alarms(email)
        .map((a) => a.alarm_name)
        .sort(),
    ).toEqual(ALARMS);
    for (const alarm of alarms(email)) expect(alarm.alarm_actions).toEqual([`arn:aws:sns:us-east-1:${TEST_ACCOUNT_ID}:claude-agent-alarms`]);
    expect(plannedResources(email).filter((r) => r.address.includes('kill_switch'))).toEqual([]);
  });

  test('alarm_topic_arn: no topic is created; every alarm acts on your topic, with the thresholds of the variables', () => {
    expect(plannedResources(ownTopic, 'aws_sns_topic')).toEqual([]);
    expect(plannedResources(ownTopic, 'aws_kms_key')).toEqual([]);
    for (const alarm of alarms(ownTopic)) {
      expect(alarm.alarm_actions).toEqual([OPS_TOPIC]);
      expect(alarm.ok_actions).toEqual([OPS_TOPIC]);
      expect(alarm.treat_missing_data).toBe('notBreaching');
    }
    expect(alarmNamed(ownTopic, 'claude-agent-fault-rate').threshold).toBe(2);
    expect(alarmNamed(ownTopic, 'claude-agent-duration-p95')).toMatchObject({ threshold: 30_000, extended_statistic: 'p95', namespace: 'AWS/Lambda' });
    expect(alarmNamed(ownTopic, 'claude-agent-internal-errors').dimensions).toEqual({ FunctionName: 'claude-agent', ErrorType: 'internal_error' });
    expect(alarmNamed(ownTopic, 'claude-agent-daily-cost')).toMatchObject({ metric_name: 'CostUSD', namespace: 'ClaudeAgent', period: 86_400, threshold: 20 });
    expect(ownTopic.planned_values.outputs?.alarm_topic_arn?.value).toBe(OPS_TOPIC);
  });

  test('daily_cost_alarm_usd = 0 leaves the other alarms and drops the cost one', () => {
    expect(
      alarms(noCostAlarm)
        .map((a) => a.alarm_name)
        .sort(),
    ).toEqual(ALARMS.filter((a) => a !== 'claude-agent-daily-cost'));
  });

  test('the kill switch: its own function from the same zip, invoked only by the daily-cost alarm, allowed only to put concurrency on the agent', () => {
    expect(alarms(killSwitch).map((a) => a.alarm_name)).toEqual(['claude-agent-daily-cost']);
    const fn = plannedResources(killSwitch, 'aws_lambda_function').find((r) => r.address === 'aws_lambda_function.kill_switch[0]')!.values;
    const agent = plannedResources(killSwitch, 'aws_lambda_function').find((r) => r.address === 'aws_lambda_function.agent')!.values;
    expect(fn).toMatchObject({
      function_name: 'claude-agent-kill-switch',
      handler: 'index.breakerHandler',
      filename: agent.filename,
      source_code_hash: agent.source_code_hash,
    });
    expect((fn.environment as Array<{ variables: Record<string, string> }>)[0].variables).toEqual({ BREAKER_FUNCTION_NAMES: 'claude-agent' });
    const policy = plannedResources(killSwitch, 'aws_iam_role_policy').find((r) => r.address === 'aws_iam_role_policy.kill_switch[0]')!.values.policy;
    expect(statements(policy)).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [`arn:aws:logs:us-east-1:${TEST_ACCOUNT_ID}:log-group:/aws/lambda/claude-agent-kill-switch:*`],
      }),
      expect.objectContaining({ Sid: 'CloseTheAgent', Action: ['lambda:PutFunctionConcurrency'], Resource: [AGENT_ARN] }),
    ]);
    const permission = plannedResources(killSwitch, 'aws_lambda_permission').find((r) => r.address === 'aws_lambda_permission.kill_switch[0]')!.values;
    expect(permission).toMatchObject({
      principal: 'lambda.alarms.cloudwatch.amazonaws.com',
      source_arn: `arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT_ID}:alarm:claude-agent-daily-cost`,
      source_account: TEST_ACCOUNT_ID,
    });
    expect(alarmNamed(killSwitch, 'claude-agent-daily-cost')).toMatchObject({ threshold: 75, alarm_actions: [`${AGENT_ARN}-kill-switch`] });
    expect([...(alarmNamed(killSwitchNamespaced, 'claude-agent-daily-cost').alarm_actions as string[])].sort()).toEqual([
      `${AGENT_ARN}-kill-switch`,
      `arn:aws:sns:us-east-1:${TEST_ACCOUNT_ID}:claude-agent-alarms`,
    ]);
  });

  test('a custom namespace reaches the agent, the kill switch and every alarm and widget', () => {
    const functions = plannedResources(killSwitchNamespaced, 'aws_lambda_function').map(
      (r) => (r.values.environment as Array<{ variables: Record<string, string> }>)[0].variables,
    );
    for (const env of functions) expect(env.METRICS_NAMESPACE).toBe('Agents/Support');
    for (const alarm of alarms(killSwitchNamespaced).filter((a) => a.namespace !== 'AWS/Lambda' && a.namespace)) expect(alarm.namespace).toBe('Agents/Support');
    const body = plannedResources(killSwitchNamespaced, 'aws_cloudwatch_dashboard')[0].values.dashboard_body as string;
    expect(body).not.toContain('ClaudeAgent');
    expect(body).toContain('Agents/Support');
  });

  test('npm run check finds no violation with every part on', () => {
    for (const plan of [email, ownTopic, killSwitch, killSwitchNamespaced]) expect(evaluatePlan(plan)).toEqual({ violations: [], unevaluated: [] });
  });

  test.each([
    ['alarm_email and alarm_topic_arn together', () => both, /Set alarm_email .* or alarm_topic_arn .* not both/],
    ['the kill switch without a cost threshold', () => killWithoutAlarm, /cost_kill_switch_enabled needs the daily-cost alarm/],
    ['an email that is not one', () => badEmail, /alarm_email must be empty or one email address/],
  ])('rejects %s, saying how to fix it', (_label, run, message) => {
    expect(run().stderr).toMatch(message);
  });
});

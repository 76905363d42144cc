/** Watching and capping the agent: the dashboard, the alarms and their destination, the cost kill switch. */
import { derivedNameValidations } from './derived-names';
import type { VariableSpec } from './variable-types';

const GROUP = 'Observability';
const SNS_TOPIC_ARN = '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$';

const percent = (name: string, min: number): VariableSpec['validation'] => [
  { condition: `\${var.${name} >= ${min} && var.${name} <= 100}`, errorMessage: `${name} must be a percentage from ${min} to 100.` },
];

export const OBSERVABILITY_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'dashboard_enabled',
    group: GROUP,
    type: 'bool',
    default: true,
    description:
      'A CloudWatch dashboard named after the function (requests, errors, latency against the timeout, tokens, cache hits, cost, throttles) and four saved Logs Insights queries.',
  },
  {
    name: 'alarm_email',
    group: GROUP,
    type: 'string',
    default: '',
    description:
      'Creates the alarms, a KMS-encrypted SNS topic `<function_name>-alarms` and an email subscription to it (confirm the email AWS sends). Empty: no topic.',
    validation: [
      {
        condition: '${var.alarm_email == "" || can(regex("^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$", var.alarm_email))}',
        errorMessage: 'alarm_email must be empty or one email address, such as "oncall@example.com".',
      },
    ],
  },
  {
    name: 'alarm_topic_arn',
    group: GROUP,
    type: 'string',
    default: '',
    description:
      'Creates the alarms and sends them to this SNS topic of yours instead (in the same Region; if it is encrypted, its key must let cloudwatch.amazonaws.com use it). Empty: none.',
    validation: [
      {
        condition: `\${var.alarm_topic_arn == "" || can(regex("${SNS_TOPIC_ARN}", var.alarm_topic_arn))}`,
        errorMessage: 'alarm_topic_arn must be empty or the ARN of an SNS topic, "arn:aws:sns:<region>:<account>:<name>".',
      },
      {
        condition: '${var.alarm_topic_arn == "" || var.alarm_email == ""}',
        errorMessage:
          'Set alarm_email (a topic is created for it) or alarm_topic_arn (your topic), not both. To email your own topic, subscribe the address to it.',
      },
    ],
  },
  {
    name: 'alarm_fault_rate_percent',
    group: GROUP,
    type: 'number',
    default: 5,
    description: 'Alarm when more than this percentage of requests fail on the service side (5xx) in 2 of 3 five-minute periods, 1 to 100.',
    validation: percent('alarm_fault_rate_percent', 1),
  },
  {
    name: 'alarm_throttles',
    group: GROUP,
    type: 'number',
    default: 1,
    description:
      'Alarm when Lambda throttles at least this many invocations in five minutes (reserved_concurrency reached, or the kill switch closed), 1 to 100000.',
    validation: [
      {
        condition: '${var.alarm_throttles == floor(var.alarm_throttles) && var.alarm_throttles >= 1 && var.alarm_throttles <= 100000}',
        errorMessage: 'alarm_throttles must be a whole number from 1 to 100000.',
      },
    ],
  },
  {
    name: 'alarm_duration_percent_of_timeout',
    group: GROUP,
    type: 'number',
    default: 80,
    description: 'Alarm when the p95 duration exceeds this percentage of timeout_seconds in 2 of 3 five-minute periods, 10 to 100.',
    validation: percent('alarm_duration_percent_of_timeout', 10),
  },
  {
    name: 'daily_cost_alarm_usd',
    group: GROUP,
    type: 'number',
    default: 20,
    description:
      'Alarm when the estimated model cost over the last 24 hours exceeds this many US dollars (list prices, the CostUSD metric). 0 turns that alarm off.',
    validation: [
      {
        condition: '${var.daily_cost_alarm_usd >= 0 && var.daily_cost_alarm_usd <= 1000000}',
        errorMessage: 'daily_cost_alarm_usd must be from 0 (off) to 1000000 US dollars.',
      },
    ],
  },
  {
    name: 'cost_kill_switch_enabled',
    group: GROUP,
    type: 'bool',
    default: false,
    description:
      'When the daily-cost alarm fires, a small function sets reserved concurrency to 0 on the agent, so every request is throttled until you reopen it (`terraform apply`).',
    validation: [
      {
        condition: '${!var.cost_kill_switch_enabled || var.daily_cost_alarm_usd > 0}',
        errorMessage: 'cost_kill_switch_enabled needs the daily-cost alarm: set daily_cost_alarm_usd above 0 (the spend at which to stop).',
      },
      ...derivedNameValidations('cost_kill_switch_enabled'),
    ],
  },
];

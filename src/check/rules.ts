/**
 * Policy rules over `terraform show -json` of a plan, equivalent to the
 * well-known scanners' rules (Checkov, tfsec/Trivy) for the resources this
 * project creates. Each rule has a stable id, a one-line reason, and returns
 * the violations it finds.
 */
import { brokenRules, parseSettings, readSettingsOf } from '../function/settings/read';
import { STATE_FEATURE_SETTINGS, stateActions } from '../function/state/features';
import { TTL_ATTRIBUTE } from '../function/state/keys';
import { FUNCTION_TIMEOUT_SECONDS } from '../stacks/variables-runtime';
import type { PlanJson, PlannedResource } from '../terraform/terraform';
import {
  deploymentsOf,
  envUnknown,
  functionEnv,
  list,
  policyStatements,
  resourcesOf,
  roleNameOf,
  statementsByRole,
  type Deployment,
  type Statement,
} from './deployments';
import { agentFunction, KILL_SWITCH_SUFFIX, violation, type PolicyRule, type Violation } from './rule';
import { ACCESS_RULES } from './rules-access';
import { JOB_RULES } from './rules-jobs';
import { MODEL_RULES } from './rules-models';
import { TOOL_RULES } from './rules-tools';

export type { PolicyRule, Violation } from './rule';

/** Actions EC2 and X-Ray offer no resource-level permissions for: "*" is the only possible Resource. */
export const UNSCOPABLE_ACTIONS = new Set(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
/** Values that look like credentials, whatever the variable is called. */
const SECRET_VALUE_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ['an Anthropic API key', /sk-ant-[A-Za-z0-9_-]{8,}/],
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{20,}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
];
/** Names that promise a secret; references (ARNs) and digests are fine. */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|TOKEN)$/i;

const resources = resourcesOf;

/** IAM's limit on a role's inline policies together, white space not counted. @unit characters */
export const INLINE_POLICY_LIMIT_CHARS = 10_240;

/** Per role, the characters its known inline policies take as IAM counts them (JSON without white space), and the first of them. */
function inlinePolicySizes(d: Deployment): Map<string, { characters: number; first: PlannedResource }> {
  const sizes = new Map<string, { characters: number; first: PlannedResource }>();
  for (const policy of resources(d, 'aws_iam_role_policy')) {
    if (typeof policy.values.policy !== 'string' || typeof policy.values.role !== 'string') continue;
    const characters = JSON.stringify(JSON.parse(policy.values.policy)).length;
    const seen = sizes.get(policy.values.role);
    sizes.set(policy.values.role, { characters: (seen?.characters ?? 0) + characters, first: seen?.first ?? policy });
  }
  return sizes;
}

export const RULES: readonly PolicyRule[] = [
  {
    id: 'AGENT-IAM-001',
    reason: 'IAM statements name their actions: no "*" or "service:*" wildcards, no NotAction.',
    check: (d) =>
      policyStatements(d).known.flatMap(({ resource, statement }) => [
        ...list(statement.Action)
          .filter((a) => a.includes('*'))
          .map((a) => violation('AGENT-IAM-001', resource, `statement ${statement.Sid ?? '(no Sid)'} allows the wildcard action "${a}"`)),
        ...(statement.NotAction ? [violation('AGENT-IAM-001', resource, `statement ${statement.Sid ?? '(no Sid)'} uses NotAction`)] : []),
      ]),
  },
  {
    id: 'AGENT-IAM-002',
    reason: 'Resource "*" only for actions that have no resource-level permissions.',
    check: (d) =>
      policyStatements(d)
        .known.filter(({ statement }) => statement.Effect !== 'Deny' && list(statement.Resource).includes('*'))
        .flatMap(({ resource, statement }) =>
          list(statement.Action)
            .filter((a) => !UNSCOPABLE_ACTIONS.has(a))
            .map((a) => violation('AGENT-IAM-002', resource, `"${a}" can be scoped but is granted on Resource "*"`)),
        ),
  },
  {
    id: 'AGENT-IAM-003',
    reason: "Function roles can be assumed by lambda.amazonaws.com only; the schedules' role by scheduler.amazonaws.com of this account only.",
    check: (d) =>
      resources(d, 'aws_iam_role').flatMap((role) => {
        if (typeof role.values.assume_role_policy !== 'string') return [violation('AGENT-IAM-003', role, 'the trust policy is not known at plan time')];
        const statements = list((JSON.parse(role.values.assume_role_policy) as { Statement?: Statement | Statement[] }).Statement);
        return statements
          .filter((s) => s.Effect === 'Allow')
          .filter((s) => !trustedAssume(s))
          .map((s) => violation('AGENT-IAM-003', role, `trust statement allows ${JSON.stringify(s.Principal)} to ${list(s.Action).join(', ')}`));
      }),
  },
  {
    id: 'AGENT-IAM-004',
    reason: "Each role's inline policies together stay within IAM's 10,240 characters (white space not counted), or apply fails.",
    check: (d) =>
      [...inlinePolicySizes(d)]
        .filter(([, size]) => size.characters > INLINE_POLICY_LIMIT_CHARS)
        .map(([role, size]) =>
          violation(
            'AGENT-IAM-004',
            size.first,
            `the inline policies of role ${role} total ${size.characters} characters without white space; IAM allows ${INLINE_POLICY_LIMIT_CHARS} per role`,
          ),
        ),
  },
  {
    id: 'AGENT-URL-001',
    reason:
      'A Function URL with auth type NONE is served only with bearer-token digests, a JWT issuer (jwt_issuer), or the explicit allow_unauthenticated opt-out.',
    check: (d) => {
      const fns = resources(d, 'aws_lambda_function');
      return resources(d, 'aws_lambda_function_url')
        .filter((url) => url.values.authorization_type === 'NONE')
        .flatMap((url) => {
          // The settings table's own rule, over what the function behind the URL will read.
          const served = fns.find((fn) => fn.values.function_name === url.values.function_name) ?? agentFunction(d);
          // An environment known only after apply (it holds a Cognito pool's issuer) is reported as not evaluated.
          if (served && envUnknown(d, served)) return [];
          const env = { ...(served ? functionEnv(served) : {}), FUNCTION_URL_AUTH_TYPE: 'NONE' };
          return brokenRules(parseSettings(env))
            .filter((rule) => rule.setting === 'FUNCTION_URL_AUTH_TYPE')
            .map((rule) =>
              violation(
                'AGENT-URL-001',
                url,
                rule.message((name) => name),
              ),
            );
        });
    },
  },
  {
    id: 'AGENT-ENV-001',
    reason: 'No secret-looking values in Lambda environment variables (readable by anyone who can read the function).',
    check: (d) =>
      resources(d, 'aws_lambda_function').flatMap((fn) =>
        Object.entries(functionEnv(fn)).flatMap(([name, value]) => {
          const pattern = SECRET_VALUE_PATTERNS.find(([, regex]) => regex.test(value));
          if (pattern) return [violation('AGENT-ENV-001', fn, `${name} holds what looks like ${pattern[0]}`)];
          if (SECRET_NAME.test(name) && value.length > 0)
            return [violation('AGENT-ENV-001', fn, `${name} is named like a secret and has a value; pass a secret ARN instead`)];
          return [];
        }),
      ),
  },
  {
    id: 'AGENT-LAMBDA-001',
    reason: 'Reserved concurrency caps parallel executions (and the bill).',
    check: (d) =>
      resources(d, 'aws_lambda_function')
        .filter((fn) => typeof fn.values.reserved_concurrent_executions !== 'number' || fn.values.reserved_concurrent_executions < 0)
        .map((fn) => violation('AGENT-LAMBDA-001', fn, `reserved_concurrent_executions is ${JSON.stringify(fn.values.reserved_concurrent_executions)}`)),
  },
  {
    id: 'AGENT-LAMBDA-002',
    reason:
      "X-Ray tracing is what tracing_enabled asks for (the kill switch never traces), and each function's own role may write to X-Ray exactly when its tracing is Active.",
    check: (d) => {
      const byRole = statementsByRole(d);
      const writesXray = (role: string | undefined) =>
        role !== undefined && (byRole.get(role) ?? []).some(({ statement }) => list(statement.Action).some((a) => a.startsWith('xray:')));
      // A module instance's inputs are not in the plan: then each function's tracing and its role's permissions must agree.
      const asked = d.variables?.tracing_enabled?.value;
      return resources(d, 'aws_lambda_function').flatMap((fn) => {
        const mode = (fn.values.tracing_config as Array<{ mode?: string }> | undefined)?.[0]?.mode ?? 'unset';
        const killSwitch = String(fn.values.function_name).endsWith(KILL_SWITCH_SUFFIX);
        const wanted = killSwitch ? 'PassThrough' : asked === undefined ? undefined : asked === true ? 'Active' : 'PassThrough';
        const role = roleNameOf(fn);
        const found: Violation[] = [];
        if (wanted !== undefined && mode !== wanted) found.push(violation('AGENT-LAMBDA-002', fn, `tracing mode is ${mode}, expected ${wanted}`));
        if (mode === 'Active' && !writesXray(role))
          found.push(
            violation('AGENT-LAMBDA-002', fn, `tracing is Active but its role ${role ?? '(unknown)'} may not write to X-Ray: every segment would be dropped`),
          );
        if (mode !== 'Active' && writesXray(role))
          found.push(violation('AGENT-LAMBDA-002', fn, `its role ${role} may write to X-Ray though tracing is ${mode}`));
        return found;
      });
    },
  },
  {
    id: 'AGENT-LAMBDA-003',
    reason: `The function timeout is within what the timeout_seconds variable allows: ${FUNCTION_TIMEOUT_SECONDS.min} to ${FUNCTION_TIMEOUT_SECONDS.max} s.`,
    check: (d) =>
      resources(d, 'aws_lambda_function')
        .filter(
          (fn) => typeof fn.values.timeout !== 'number' || fn.values.timeout < FUNCTION_TIMEOUT_SECONDS.min || fn.values.timeout > FUNCTION_TIMEOUT_SECONDS.max,
        )
        .map((fn) => violation('AGENT-LAMBDA-003', fn, `timeout is ${JSON.stringify(fn.values.timeout)} s`)),
  },
  {
    id: 'AGENT-LOG-001',
    reason: 'Log groups expire their logs (retention set).',
    check: (d) =>
      resources(d, 'aws_cloudwatch_log_group')
        .filter((g) => typeof g.values.retention_in_days !== 'number' || g.values.retention_in_days <= 0)
        .map((g) => violation('AGENT-LOG-001', g, 'retention_in_days is not set')),
  },
  {
    id: 'AGENT-LOG-002',
    reason: "The role may create log streams in the function's log group, on the resource form AWS documents (log-group:<name>:*).",
    check: (d) => {
      // A policy only known after apply may hold the grant: it is reported as unevaluated instead.
      if (policyStatements(d).unknown.length > 0) return [];
      const granted = policyStatements(d)
        .known.filter(({ statement }) => statement.Effect === 'Allow' && list(statement.Action).includes('logs:CreateLogStream'))
        .flatMap(({ statement }) => list(statement.Resource));
      return resources(d, 'aws_cloudwatch_log_group')
        .filter((g) => typeof g.values.name === 'string')
        .filter((g) => !granted.some((arn) => arn.endsWith(`:log-group:${String(g.values.name)}:*`) || arn === '*'))
        .map((g) =>
          violation(
            'AGENT-LOG-002',
            g,
            `no statement grants logs:CreateLogStream on arn:…:log-group:${String(g.values.name)}:* (AWS authorises it against the log group; a log-stream resource alone denies it and the logs are lost)`,
          ),
        );
    },
  },
  {
    id: 'AGENT-KMS-001',
    reason: 'KMS permissions are kms:Decrypt or GenerateDataKey on the configured key only, and that key encrypts the logs too.',
    check: (d) => {
      const keys = resources(d, 'aws_lambda_function')
        .map((fn) => fn.values.kms_key_arn)
        .filter((k): k is string => typeof k === 'string' && k !== '');
      const tableKeys = resources(d, 'aws_dynamodb_table')
        .map((t) => sseOf(t).kms_key_arn)
        .filter((k): k is string => typeof k === 'string' && k !== '');
      const grants = policyStatements(d)
        .known.filter(({ statement }) => statement.Effect !== 'Deny' && list(statement.Action).some((a) => a.toLowerCase().startsWith('kms:')))
        .flatMap(({ resource, statement }) => [
          ...list(statement.Action)
            .filter((a) => !['kms:Decrypt', 'kms:GenerateDataKey'].includes(a))
            .map((a) => violation('AGENT-KMS-001', resource, `grants ${a}; the function needs kms:Decrypt (and kms:GenerateDataKey to write) only`)),
          ...list(statement.Resource)
            .filter((arn) => !keys.includes(arn) && !tableKeys.includes(arn))
            .map((arn) => violation('AGENT-KMS-001', resource, `grants KMS use of ${arn}, which is neither the function's nor the state table's key`)),
        ]);
      const logs = resources(d, 'aws_cloudwatch_log_group')
        .filter((g) => keys.length > 0 && !keys.includes(String(g.values.kms_key_id)))
        .map((g) =>
          violation('AGENT-KMS-001', g, `the function uses ${keys[0]}, but the log group is encrypted with ${JSON.stringify(g.values.kms_key_id ?? null)}`),
        );
      return [...grants, ...logs];
    },
  },
  {
    id: 'AGENT-STATE-001',
    reason: 'The state table is encrypted with the configured key (state_kms_key_arn, else kms_key_arn) when one is given.',
    check: (d) =>
      resources(d, 'aws_dynamodb_table').flatMap((table) => {
        const wanted = configuredStateKey(d);
        const sse = sseOf(table);
        if (wanted === undefined)
          return sse.enabled === true && !sse.kms_key_arn
            ? [violation('AGENT-STATE-001', table, 'encryption with a customer key is on, but no key is named')]
            : [];
        if (wanted === '') return [];
        return sse.enabled === true && sse.kms_key_arn === wanted
          ? []
          : [
              violation(
                'AGENT-STATE-001',
                table,
                `the configured key is ${wanted}, but the table is encrypted with ${sse.enabled === true ? String(sse.kms_key_arn) : 'an AWS-owned key'}`,
              ),
            ];
      }),
  },
  {
    id: 'AGENT-STATE-002',
    reason: `The state table expires items through TTL on ${TTL_ATTRIBUTE}, so ended sessions and old usage do not pile up.`,
    check: (d) =>
      resources(d, 'aws_dynamodb_table')
        .filter((table) => {
          const ttl = (table.values.ttl as Array<{ enabled?: unknown; attribute_name?: unknown }> | undefined)?.[0];
          return ttl?.enabled !== true || ttl.attribute_name !== TTL_ATTRIBUTE;
        })
        .map((table) => violation('AGENT-STATE-002', table, `TTL is not enabled on ${TTL_ATTRIBUTE}`)),
  },
  {
    id: 'AGENT-STATE-003',
    reason: 'Point-in-time recovery of the state table is what state_point_in_time_recovery asks for (on by default).',
    check: (d) => {
      const asked = d.variables?.state_point_in_time_recovery?.value;
      const wanted = asked === undefined ? true : asked === true;
      return resources(d, 'aws_dynamodb_table')
        .filter((table) => ((table.values.point_in_time_recovery as Array<{ enabled?: unknown }> | undefined)?.[0]?.enabled === true) !== wanted)
        .map((table) => violation('AGENT-STATE-003', table, `point-in-time recovery is ${wanted ? 'off' : 'on'}, expected ${wanted ? 'on' : 'off'}`));
    },
  },
  {
    id: 'AGENT-STATE-004',
    reason: "DynamoDB permissions are the actions the features that are on use for each function's role (state/keys.ts), on the state table only.",
    check: (d) => {
      const tables = resources(d, 'aws_dynamodb_table').map((t) => String(t.values.name));
      const fed = resources(d, 'aws_lambda_event_source_mapping').map((m) => m.values.function_name);
      const usedBy = (fn: PlannedResource | undefined) =>
        new Set(stateActions(readSettingsOf(fn ? functionEnv(fn) : {}, STATE_FEATURE_SETTINGS), fed.includes(fn?.values.function_name) ? 'worker' : 'agent'));
      const fns = resources(d, 'aws_lambda_function');
      // A policy on a role no planned function names (a module whose roles are only known after apply) is held to the agent's actions.
      const fallback = usedBy(agentFunction(d));
      return [...statementsByRole(d)].flatMap(([role, entries]) => {
        const runs = fns.filter((fn) => roleNameOf(fn) === role);
        const used = runs.length > 0 ? new Set(runs.flatMap((fn) => [...usedBy(fn)])) : fallback;
        return entries
          .filter(({ statement }) => statement.Effect !== 'Deny' && list(statement.Action).some((a) => a.toLowerCase().startsWith('dynamodb:')))
          .flatMap(({ resource, statement }) => [
            // Wildcards are AGENT-IAM-001's to report.
            ...list(statement.Action)
              .filter((a) => !used.has(a) && !a.includes('*'))
              .map((a) =>
                violation(
                  'AGENT-STATE-004',
                  resource,
                  `grants ${a} to ${runs.map((fn) => String(fn.values.function_name)).join(', ') || role}, which the features that are on do not use`,
                ),
              ),
            ...list(statement.Resource)
              .filter((arn) => !tables.some((name) => /^arn:[a-z-]+:dynamodb:[a-z0-9-]+:\d{12}:table\//.test(arn) && arn.endsWith(`:table/${name}`)))
              .map((arn) => violation('AGENT-STATE-004', resource, `grants DynamoDB actions on ${arn}, which is not the state table`)),
          ]);
      });
    },
  },
  {
    id: 'AGENT-OBS-001',
    reason: 'Every SNS topic is encrypted with a KMS key (the alarms may carry operational detail).',
    check: (d) =>
      resources(d, 'aws_sns_topic')
        .filter((t) => typeof t.values.kms_master_key_id !== 'string' || t.values.kms_master_key_id === '')
        .map((t) => violation('AGENT-OBS-001', t, 'the topic has no kms_master_key_id')),
  },
  {
    id: 'AGENT-OBS-002',
    reason: 'Every alarm has an action: an alarm nobody hears is no alarm.',
    check: (d) =>
      resources(d, 'aws_cloudwatch_metric_alarm')
        .filter((a) => list(a.values.alarm_actions as string[] | undefined).length === 0)
        .map((a) => violation('AGENT-OBS-002', a, `the alarm ${String(a.values.alarm_name)} has no alarm_actions`)),
  },
  {
    id: 'AGENT-OBS-003',
    reason: "The kill switch's role may write its own logs and put function concurrency on the deployment's functions, and nothing else.",
    check: (d) => {
      const allNames = resources(d, 'aws_lambda_function').map((f) => String(f.values.function_name));
      const functionNames = allNames.filter((name) => !name.endsWith(KILL_SWITCH_SUFFIX));
      const ownLogGroups = allNames.filter((name) => name.endsWith(KILL_SWITCH_SUFFIX)).map((name) => `:log-group:/aws/lambda/${name}:*`);
      const deploymentKey = agentFunction(d)?.values.kms_key_arn as string | undefined;
      return policyStatements(d)
        .known.filter(({ resource }) => resource.address.startsWith('aws_iam_role_policy.kill_switch'))
        .flatMap(({ resource, statement }) =>
          list(statement.Action).flatMap((action) => {
            const targets = list(statement.Resource);
            if (action === 'lambda:PutFunctionConcurrency')
              return targets
                .filter(
                  (arn) => !functionNames.some((name) => /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:/.test(arn) && arn.endsWith(`:function:${name}`)),
                )
                .map((arn) => violation('AGENT-OBS-003', resource, `may put concurrency on ${arn}, which is not a function of this deployment`));
            if (['logs:CreateLogStream', 'logs:PutLogEvents'].includes(action))
              return targets
                .filter((arn) => !ownLogGroups.some((group) => arn.endsWith(group)))
                .map((arn) => violation('AGENT-OBS-003', resource, `may write logs to ${arn}, which is not its own log group`));
            // Its environment is encrypted with the deployment's key, as the agent's is.
            if (action === 'kms:Decrypt' && deploymentKey !== undefined && targets.every((arn) => arn === deploymentKey)) return [];
            return [violation('AGENT-OBS-003', resource, `grants ${action}, which the kill switch does not use`)];
          }),
        );
    },
  },
  {
    id: 'AGENT-SG-001',
    reason: 'Every security group and security group rule carries a description.',
    check: (d) => [
      ...resources(d, 'aws_security_group').flatMap((g) => [
        ...(described(g.values.description) ? [] : [violation('AGENT-SG-001', g, 'the security group has no description')]),
        ...[...list(g.values.ingress as unknown[]), ...list(g.values.egress as unknown[])]
          .filter((rule) => !described((rule as { description?: unknown }).description))
          .map(() => violation('AGENT-SG-001', g, 'an inline rule has no description')),
      ]),
      ...resources(d, 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_security_group_rule')
        .filter((r) => !described(r.values.description))
        .map((r) => violation('AGENT-SG-001', r, 'the rule has no description')),
    ],
  },
  {
    id: 'AGENT-SG-002',
    reason: 'No security group admits ingress from 0.0.0.0/0 or ::/0.',
    check: (d) => {
      const open = (cidrs: unknown) => list(cidrs as string | string[]).some((c) => c === '0.0.0.0/0' || c === '::/0');
      return [
        ...resources(d, 'aws_vpc_security_group_ingress_rule').filter((r) => open(r.values.cidr_ipv4) || open(r.values.cidr_ipv6)),
        ...resources(d, 'aws_security_group_rule').filter(
          (r) => r.values.type === 'ingress' && (open(r.values.cidr_blocks) || open(r.values.ipv6_cidr_blocks)),
        ),
        ...resources(d, 'aws_security_group').filter((g) =>
          list(g.values.ingress as Array<Record<string, unknown>>).some((i) => open(i.cidr_blocks) || open(i.ipv6_cidr_blocks)),
        ),
      ].map((r) => violation('AGENT-SG-002', r, 'ingress from the whole internet'));
    },
  },
  ...JOB_RULES,
  ...MODEL_RULES,
  ...TOOL_RULES,
  ...ACCESS_RULES,
];

/** The table's server_side_encryption block (empty when absent). */
function sseOf(table: PlannedResource): { enabled?: unknown; kms_key_arn?: unknown } {
  return (table.values.server_side_encryption as Array<{ enabled?: unknown; kms_key_arn?: unknown }> | undefined)?.[0] ?? {};
}

/** The state table's key as configured: '' for none, undefined when the inputs are not in the plan (a module instance). */
function configuredStateKey(d: Deployment): string | undefined {
  if (!d.variables) return undefined;
  const own = d.variables.state_kms_key_arn?.value;
  const shared = d.variables.kms_key_arn?.value;
  return typeof own === 'string' && own !== '' ? own : typeof shared === 'string' ? shared : '';
}

function described(value: unknown): boolean {
  return typeof value === 'string' && value.trim().length >= 4 && value !== 'Managed by Terraform';
}

export interface PolicyReport {
  readonly violations: Violation[];
  /**
   * IAM policies whose text is only known after apply (e.g. they name a resource created in the same apply),
   * and functions whose environment is (e.g. it holds a Cognito pool's issuer).
   */
  readonly unevaluated: string[];
}

export function evaluatePlan(plan: PlanJson, rules: readonly PolicyRule[] = RULES): PolicyReport {
  const deployments = deploymentsOf(plan);
  return {
    violations: deployments.flatMap((d) => rules.flatMap((rule) => rule.check(d))),
    unevaluated: deployments.flatMap((d) => [
      ...policyStatements(d).unknown.map((r) => r.address),
      ...resourcesOf(d, 'aws_lambda_function')
        .filter((fn) => envUnknown(d, fn))
        .map((fn) => `${fn.address} (environment)`),
    ]),
  };
}

/** A trust statement of ours: Lambda for function roles, or EventBridge Scheduler bound to one account for the schedules' role. */
function trustedAssume(s: Statement): boolean {
  if (list(s.Action).some((a) => a !== 'sts:AssumeRole')) return false;
  const principal = JSON.stringify(s.Principal);
  if (principal === JSON.stringify({ Service: 'lambda.amazonaws.com' })) return true;
  const account = (s.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals?.['aws:SourceAccount'];
  return principal === JSON.stringify({ Service: 'scheduler.amazonaws.com' }) && typeof account === 'string' && /^\d{12}$/.test(account);
}

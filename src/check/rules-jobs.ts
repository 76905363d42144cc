/**
 * Policy rules for jobs (`async_jobs_enabled`): the queue's encryption and
 * dead-letter queue, its visibility timeout against the worker's timeout,
 * the SQS permissions of the function roles, the schedules' role, and the
 * worker's placement in the agent's VPC.
 * Wildcard actions are AGENT-IAM-001's to report, KMS grants AGENT-KMS-001's:
 * each problem is reported by one rule.
 */
import { QUEUE_SEND_ACTIONS, VISIBILITY_TIMEOUT_FACTOR, WORKER_QUEUE_ACTIONS } from '../stacks/jobs-shape';
import type { PlannedResource } from '../terraform/terraform';
import { list, resourcesOf, roleNameOfArn, statementsByRole, type Deployment, type Statement } from './deployments';
import { agentFunction, violation, type PolicyRule } from './rule';

const SQS_ARN = /^arn:[a-z-]+:sqs:[a-z0-9-]+:\d{12}:([^:*?]+)$/;
const SCHEDULER = JSON.stringify({ Service: 'scheduler.amazonaws.com' });

/** The queue an SQS ARN names, when it names exactly one (no wildcards). */
const queueNameOf = (arn: unknown): string | undefined => (typeof arn === 'string' ? SQS_ARN.exec(arn)?.[1] : undefined);
const isSqs = (action: string) => action.toLowerCase().startsWith('sqs:');
const isKms = (action: string) => action.toLowerCase().startsWith('kms:');

interface RedrivePolicy {
  deadLetterTargetArn?: unknown;
  maxReceiveCount?: unknown;
}

function redriveOf(queue: PlannedResource): RedrivePolicy | undefined {
  const text = queue.values.redrive_policy;
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text) as RedrivePolicy;
  } catch {
    return {};
  }
}

/** The deployment's queues: the ones functions consume, and the dead-letter queues they redrive to. */
function queuesOf(d: Deployment): { all: PlannedResource[]; consumed: PlannedResource[]; deadLetter: Set<string> } {
  const all = resourcesOf(d, 'aws_sqs_queue');
  const deadLetter = new Set(all.map((q) => queueNameOf(redriveOf(q)?.deadLetterTargetArn)).filter((n): n is string => n !== undefined));
  return { all, consumed: all.filter((q) => !deadLetter.has(String(q.values.name))), deadLetter };
}

/** Roles EventBridge Scheduler may assume. */
function schedulerRoles(d: Deployment): PlannedResource[] {
  return resourcesOf(d, 'aws_iam_role').filter((role) => {
    if (typeof role.values.assume_role_policy !== 'string') return false;
    const statements = list((JSON.parse(role.values.assume_role_policy) as { Statement?: Statement | Statement[] }).Statement);
    return statements.some((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal) === SCHEDULER);
  });
}

/** Why a statement's resources are not exactly the deployment's jobs queue, one message per resource. */
function notTheQueue(statement: Statement, consumed: readonly string[]): string[] {
  return list(statement.Resource)
    .filter((arn) => {
      const name = queueNameOf(arn);
      return name === undefined || !consumed.includes(name);
    })
    .map((arn) => `grants ${list(statement.Action).join(', ')} on ${arn}, which is not this deployment's jobs queue (${consumed.join(', ') || 'none'})`);
}

export const JOB_RULES: readonly PolicyRule[] = [
  {
    id: 'AGENT-JOBS-001',
    reason: 'Every SQS queue is encrypted at rest: SSE-SQS, or the configured key (kms_key_arn) when one is given.',
    check: (d) => {
      // The configured key: the variable in a root plan, else (a module instance) the key the agent uses.
      const key = d.variables ? d.variables.kms_key_arn?.value : agentFunction(d)?.values.kms_key_arn;
      const configured = typeof key === 'string' && key !== '' ? key : undefined;
      return queuesOf(d).all.flatMap((queue) => {
        const own = queue.values.kms_master_key_id;
        const withKey = typeof own === 'string' && own !== '';
        if (!withKey && queue.values.sqs_managed_sse_enabled !== true)
          return [
            violation(
              'AGENT-JOBS-001',
              queue,
              `the queue ${String(queue.values.name)} is not encrypted at rest: set sqs_managed_sse_enabled or kms_master_key_id`,
            ),
          ];
        if (configured !== undefined && own !== configured)
          return [violation('AGENT-JOBS-001', queue, `the deployment uses ${configured}, but the queue is encrypted with ${withKey ? own : 'SSE-SQS'}`)];
        return [];
      });
    },
  },
  {
    id: 'AGENT-JOBS-002',
    reason: 'Every queue a function consumes redrives to a dead-letter queue of the deployment that keeps messages at least as long as it does.',
    check: (d) => {
      const { all, consumed } = queuesOf(d);
      return consumed.flatMap((queue) => {
        const name = String(queue.values.name);
        const redrive = redriveOf(queue);
        if (redrive === undefined)
          return [
            violation('AGENT-JOBS-002', queue, `the queue ${name} has no redrive_policy: a job that keeps failing is retried until it expires, then lost`),
          ];
        const target = all.find((q) => q.values.name === queueNameOf(redrive.deadLetterTargetArn));
        const problems: string[] = [];
        if (target === undefined || target === queue)
          problems.push(`redrives to ${JSON.stringify(redrive.deadLetterTargetArn)}, which is not a dead-letter queue of this deployment`);
        if (!Number.isInteger(redrive.maxReceiveCount) || (redrive.maxReceiveCount as number) < 1)
          problems.push(`maxReceiveCount is ${JSON.stringify(redrive.maxReceiveCount)}; it must be a whole number of at least 1`);
        const kept = Number(queue.values.message_retention_seconds);
        const deadKept = Number(target?.values.message_retention_seconds);
        // SQS keeps a message's first enqueue time when it moves it: a shorter-lived DLQ drops what it just received.
        if (target !== undefined && target !== queue && !(deadKept >= kept))
          problems.push(`its dead-letter queue keeps messages ${deadKept} s, less than the queue's ${kept} s: moved messages would expire early`);
        return problems.map((message) => violation('AGENT-JOBS-002', queue, message));
      });
    },
  },
  {
    id: 'AGENT-JOBS-003',
    reason: `A queue feeding a function has a visibility timeout at least ${VISIBILITY_TIMEOUT_FACTOR} times the function's timeout (AWS's guidance).`,
    check: (d) => {
      const { all } = queuesOf(d);
      const fns = resourcesOf(d, 'aws_lambda_function');
      return resourcesOf(d, 'aws_lambda_event_source_mapping').flatMap((mapping) => {
        const queue = all.find((q) => q.values.name === queueNameOf(mapping.values.event_source_arn));
        const target = String(mapping.values.function_name);
        const fn = fns.find((f) => f.values.function_name === target || target.endsWith(`:function:${String(f.values.function_name)}`));
        if (!queue || !fn)
          return [
            violation(
              'AGENT-JOBS-003',
              mapping,
              `the mapping's queue (${JSON.stringify(mapping.values.event_source_arn)}) or function (${JSON.stringify(mapping.values.function_name)}) is not a known resource of this deployment at plan time`,
            ),
          ];
        const visibility = Number(queue.values.visibility_timeout_seconds);
        const timeout = Number(fn.values.timeout);
        return visibility >= VISIBILITY_TIMEOUT_FACTOR * timeout
          ? []
          : [
              violation(
                'AGENT-JOBS-003',
                queue,
                `visibility timeout ${visibility} s is under ${VISIBILITY_TIMEOUT_FACTOR} × the ${String(fn.values.function_name)} timeout of ${timeout} s (${VISIBILITY_TIMEOUT_FACTOR * timeout} s): a job still running would be delivered again`,
              ),
            ];
      });
    },
  },
  {
    id: 'AGENT-JOBS-004',
    reason: "Function roles' SQS permissions are either sending or the worker's consuming, never both, on the jobs queue only.",
    check: (d) => {
      const consumed = queuesOf(d).consumed.map((q) => String(q.values.name));
      const schedulers = new Set(schedulerRoles(d).map((r) => String(r.values.name)));
      const allowed = new Set([...QUEUE_SEND_ACTIONS, ...WORKER_QUEUE_ACTIONS]);
      return [...statementsByRole(d)]
        .filter(([role]) => !schedulers.has(role))
        .flatMap(([role, entries]) => {
          const sqs = entries.filter(({ statement }) => statement.Effect !== 'Deny' && list(statement.Action).some(isSqs));
          const actions = sqs.flatMap(({ statement }) => list(statement.Action).filter((a) => isSqs(a) && !a.includes('*')));
          const sends = actions.some((a) => QUEUE_SEND_ACTIONS.includes(a));
          const consumes = actions.some((a) => WORKER_QUEUE_ACTIONS.includes(a));
          return [
            ...sqs.flatMap(({ resource, statement }) => [
              ...list(statement.Action)
                .filter((a) => isSqs(a) && !a.includes('*') && !allowed.has(a))
                .map((a) => violation('AGENT-JOBS-004', resource, `grants ${a}, which neither sending a job nor the worker uses`)),
              ...notTheQueue(statement, consumed).map((message) => violation('AGENT-JOBS-004', resource, message)),
            ]),
            ...(sends && consumes
              ? [violation('AGENT-JOBS-004', sqs[0].resource, `the role ${role} may both send jobs and consume them; the agent sends, the worker consumes`)]
              : []),
          ];
        });
    },
  },
  {
    id: 'AGENT-JOBS-005',
    reason: "The schedules' role may only sqs:SendMessage on the jobs queue, and every schedule sends there with that role.",
    check: (d) => {
      const consumed = queuesOf(d).consumed.map((q) => String(q.values.name));
      const roles = schedulerRoles(d);
      const names = roles.map((r) => String(r.values.name));
      const byRole = statementsByRole(d);
      const grants = names.flatMap((role) =>
        (byRole.get(role) ?? [])
          .filter(({ statement }) => statement.Effect !== 'Deny')
          .flatMap(({ resource, statement }) => {
            const actions = list(statement.Action).filter((a) => !isKms(a));
            if (actions.length === 0) return [];
            return [
              ...actions
                .filter((a) => !QUEUE_SEND_ACTIONS.includes(a))
                .map((a) => violation('AGENT-JOBS-005', resource, `the schedules' role ${role} may ${a}; it needs sqs:SendMessage on the jobs queue only`)),
              ...notTheQueue(statement, consumed).map((message) => violation('AGENT-JOBS-005', resource, `the schedules' role ${role} ${message}`)),
            ];
          }),
      );
      const schedules = resourcesOf(d, 'aws_scheduler_schedule').flatMap((schedule) => {
        const target = (schedule.values.target as Array<{ arn?: unknown; role_arn?: unknown }> | undefined)?.[0] ?? {};
        const queue = queueNameOf(target.arn);
        const role = roleNameOfArn(target.role_arn);
        return [
          ...(queue !== undefined && consumed.includes(queue)
            ? []
            : [
                violation('AGENT-JOBS-005', schedule, `the schedule sends to ${JSON.stringify(target.arn ?? null)}, which is not this deployment's jobs queue`),
              ]),
          ...(role !== undefined && names.includes(role)
            ? []
            : [
                violation(
                  'AGENT-JOBS-005',
                  schedule,
                  `the schedule uses the role ${JSON.stringify(target.role_arn ?? null)}, which is not the schedules' role of this deployment`,
                ),
              ]),
        ];
      });
      return [...grants, ...schedules];
    },
  },
  {
    id: 'AGENT-JOBS-006',
    reason: 'A function a queue feeds runs where the agent runs: in its VPC subnets and security groups, or outside a VPC as it is.',
    check: (d) => {
      const agent = agentFunction(d);
      if (agent === undefined) return [];
      const fed = new Set(resourcesOf(d, 'aws_lambda_event_source_mapping').map((m) => String(m.values.function_name)));
      const where = placementOf(agent);
      return resourcesOf(d, 'aws_lambda_function')
        .filter((fn) => fed.has(String(fn.values.function_name)) && fn !== agent)
        .flatMap((fn) => {
          const name = String(fn.values.function_name);
          const its = placementOf(fn);
          if (where === undefined && its === undefined) return [];
          if (its === undefined)
            return [
              violation(
                'AGENT-JOBS-006',
                fn,
                `${name} runs outside the VPC the agent runs in (subnets ${where!.subnets.join(', ')}): its model calls and tools would leave that network`,
              ),
            ];
          if (where === undefined) return [violation('AGENT-JOBS-006', fn, `${name} runs in a VPC (subnets ${its.subnets.join(', ')}) and the agent does not`)];
          const problems: string[] = [];
          if (its.subnets.join() !== where.subnets.join())
            problems.push(`${name} runs in subnets ${its.subnets.join(', ')}, the agent in ${where.subnets.join(', ')}`);
          // Security groups created in the same apply are unknown at plan (absent here): compared only when both are known.
          if (its.groups !== undefined && where.groups !== undefined && its.groups.join() !== where.groups.join())
            problems.push(`${name} has security groups ${its.groups.join(', ')}, the agent ${where.groups.join(', ')}`);
          return problems.map((message) => violation('AGENT-JOBS-006', fn, message));
        });
    },
  },
];

/** A function's VPC placement (sorted subnets, and sorted security groups when known at plan), or undefined outside a VPC. */
function placementOf(fn: PlannedResource): { subnets: string[]; groups?: string[] } | undefined {
  const config = (fn.values.vpc_config as Array<{ subnet_ids?: unknown; security_group_ids?: unknown }> | undefined)?.[0];
  const subnets = Array.isArray(config?.subnet_ids) ? (config.subnet_ids as string[]) : [];
  if (subnets.length === 0) return undefined;
  const groups = Array.isArray(config?.security_group_ids) ? [...(config.security_group_ids as string[])].sort() : undefined;
  return { subnets: [...subnets].sort(), groups };
}

/**
 * What a policy rule is and what it reports: a stable id, a one-line reason,
 * and the violations it finds in one deployment.
 */
import type { PlannedResource } from '../terraform/terraform';
import type { Deployment } from './deployments';
import { KILL_SWITCH_SUFFIX } from '../stacks/derived-names';

export interface Violation {
  readonly rule: string;
  readonly address: string;
  readonly message: string;
}

export interface PolicyRule {
  readonly id: string;
  readonly reason: string;
  check(deployment: Deployment): Violation[];
}

export const violation = (rule: string, r: PlannedResource, message: string): Violation => ({ rule, address: r.address, message });

/** The agent's function: the one its Function URL serves, else the first that is neither the kill switch nor fed by a queue (the jobs worker). */
export function agentFunction(d: Deployment): PlannedResource | undefined {
  const of = (type: string) => d.resources.filter((r) => r.type === type);
  const fns = of('aws_lambda_function');
  const served = of('aws_lambda_function_url').map((url) => url.values.function_name);
  const fed = of('aws_lambda_event_source_mapping').map((m) => m.values.function_name);
  return (
    fns.find((fn) => served.includes(fn.values.function_name)) ??
    fns.find((fn) => !String(fn.values.function_name).endsWith(KILL_SWITCH_SUFFIX) && !fed.includes(fn.values.function_name))
  );
}

/** The kill switch function's name is `<function_name>` and this suffix, as the stack derives it. */
export { KILL_SWITCH_SUFFIX };

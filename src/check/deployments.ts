/**
 * A plan seen as the agents it deploys: the root module's resources (the
 * root stack), and each module instance's (a caller of the module, such as
 * the examples). Policy rules check one deployment at a time, so a plan of
 * several agents is checked agent by agent.
 */
import type { PlanJson, PlannedModule, PlannedResource } from '../terraform/terraform';

export interface Deployment {
  /** `''` for the root module, else the module instance's address. */
  readonly address: string;
  readonly resources: readonly PlannedResource[];
  /** The deployment's input variables: known for the root module only. */
  readonly variables?: PlanJson['variables'];
  /** Each resource's attributes only known after apply, by address (the plan's `after_unknown`). */
  readonly unknown: ReadonlyMap<string, Record<string, unknown>>;
}

export function deploymentsOf(plan: PlanJson): Deployment[] {
  const found: Deployment[] = [];
  const unknown = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change.after_unknown ?? {}]));
  const visit = (module: PlannedModule) => {
    const resources = module.resources ?? [];
    if (resources.length > 0) found.push({ address: module.address ?? '', resources, unknown, ...(module.address ? {} : { variables: plan.variables }) });
    for (const child of module.child_modules ?? []) visit(child);
  };
  visit(plan.planned_values.root_module);
  return found;
}

/** The deployment's resources of the given types. */
export function resourcesOf(deployment: Deployment, ...types: string[]): PlannedResource[] {
  return deployment.resources.filter((r) => types.includes(r.type));
}

/** A value that may be one item or a list, as a list. */
export function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}

/** Statements of every IAM policy of a deployment; policies unknown at plan time are returned apart. */
export function policyStatements(deployment: Deployment): { known: Array<{ resource: PlannedResource; statement: Statement }>; unknown: PlannedResource[] } {
  const known: Array<{ resource: PlannedResource; statement: Statement }> = [];
  const unknown: PlannedResource[] = [];
  for (const r of resourcesOf(deployment, 'aws_iam_role_policy', 'aws_iam_policy')) {
    if (typeof r.values.policy !== 'string') {
      unknown.push(r);
      continue;
    }
    for (const statement of list((JSON.parse(r.values.policy) as { Statement?: Statement | Statement[] }).Statement)) known.push({ resource: r, statement });
  }
  return { known, unknown };
}

/** The function's environment variables as planned. */
export function functionEnv(r: PlannedResource): Record<string, string> {
  const env = r.values.environment as Array<{ variables?: Record<string, string> }> | undefined;
  return env?.[0]?.variables ?? {};
}

/**
 * Whether the function's whole environment is only known after apply: the
 * provider plans a map with one unknown value (a Cognito pool's issuer) as
 * unknown altogether. Rules that read the environment cannot judge it then.
 */
export function envUnknown(d: Deployment, r: PlannedResource): boolean {
  const env = d.unknown.get(r.address)?.environment as Array<{ variables?: unknown }> | undefined;
  return env?.[0]?.variables === true;
}

export type RoleStatement = { resource: PlannedResource; statement: Statement };

/** Known statements grouped by the role their policy is on (the role's name is known at plan; else the policy's own address). */
export function statementsByRole(deployment: Deployment): Map<string, RoleStatement[]> {
  const byRole = new Map<string, RoleStatement[]>();
  for (const entry of policyStatements(deployment).known) {
    const role = typeof entry.resource.values.role === 'string' ? entry.resource.values.role : entry.resource.address;
    byRole.set(role, [...(byRole.get(role) ?? []), entry]);
  }
  return byRole;
}

/** The name of the role an IAM role ARN names (any path), or undefined when `arn` is not one. */
export function roleNameOfArn(arn: unknown): string | undefined {
  return typeof arn === 'string' ? /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] : undefined;
}

/** The name of the role a function runs with, from its role ARN (known at plan for this project's functions). */
export function roleNameOf(fn: PlannedResource): string | undefined {
  return roleNameOfArn(fn.values.role);
}

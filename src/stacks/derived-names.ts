/**
 * The names the stack derives from `function_name`, each with the limit AWS
 * puts on that kind of name, and the validations that hold them: a plan
 * that passes cannot fail at apply on a name that is too long. Pure data and
 * HCL text; no cdktf here.
 */
import { WORKER_SUFFIX } from './jobs-shape';
import type { VariableValidation } from './variable-types';

/** A function's role: `<function name>-role`. */
export const ROLE_SUFFIX = '-role';
/** The schedules' role: `<function_name>-jobs-scheduler`. */
export const SCHEDULER_SUFFIX = '-scheduler';
/** The cost kill switch function: `<function_name>-kill-switch`. */
export const KILL_SWITCH_SUFFIX = '-kill-switch';

/** A name `<function_name><suffix>`, made when `when` (HCL over the variables) holds. */
export interface DerivedName {
  readonly suffix: string;
  /** AWS's longest name of this kind. @unit characters */
  readonly limit: number;
  /** What it names, for the message. */
  readonly what: string;
  /** HCL: when the stack creates it. */
  readonly when: string;
  /** The variable that turns it on, whose validation checks it. */
  readonly variable: 'async_jobs_enabled' | 'schedules' | 'cost_kill_switch_enabled';
}

const JOBS = 'var.async_jobs_enabled';
const KILL_SWITCH = 'var.cost_kill_switch_enabled';

/** Lambda function and IAM role names. @unit characters */
const FUNCTION_OR_ROLE_LIMIT = 64;

/**
 * Every derived name whose limit a 1–56 character function_name can reach.
 * The others always fit: `<function_name>-role` and `-jobs` at 61 of 64,
 * the queues at 65 of 80, and log groups, alarms, tables and topics allow
 * 255 or more (test/terraform/names.test.ts checks every name of a plan
 * with everything on).
 */
export const DERIVED_NAMES: readonly DerivedName[] = [
  {
    suffix: `${WORKER_SUFFIX}${ROLE_SUFFIX}`,
    limit: FUNCTION_OR_ROLE_LIMIT,
    what: "the jobs worker's IAM role",
    when: JOBS,
    variable: 'async_jobs_enabled',
  },
  {
    suffix: `${WORKER_SUFFIX}${SCHEDULER_SUFFIX}`,
    limit: FUNCTION_OR_ROLE_LIMIT,
    what: "the schedules' IAM role",
    when: `${JOBS} && length(var.schedules) > 0`,
    variable: 'schedules',
  },
  { suffix: KILL_SWITCH_SUFFIX, limit: FUNCTION_OR_ROLE_LIMIT, what: 'the kill switch function', when: KILL_SWITCH, variable: 'cost_kill_switch_enabled' },
  {
    suffix: `${KILL_SWITCH_SUFFIX}${ROLE_SUFFIX}`,
    limit: FUNCTION_OR_ROLE_LIMIT,
    what: "the kill switch's IAM role",
    when: KILL_SWITCH,
    variable: 'cost_kill_switch_enabled',
  },
];

/**
 * The validation, on the variable that turns them on, of the names derived
 * from function_name that it adds: one message naming what would overflow
 * and the longest function_name that fits. Not on function_name itself:
 * Terraform holds back a variable's rules that read other variables while
 * any variable has a plain error, and function_name's own rule must not wait.
 */
export function derivedNameValidations(variable: DerivedName['variable']): VariableValidation[] {
  const mine = DERIVED_NAMES.filter((d) => d.variable === variable);
  const names = `[${mine.map((d) => `{ suffix = ${JSON.stringify(d.suffix)}, limit = ${d.limit}, what = ${JSON.stringify(d.what)}, on = ${d.when} }`).join(', ')}]`;
  const tooLong = `[for d in ${names} : d if d.on && length(var.function_name) + length(d.suffix) > d.limit]`;
  const fits = longestFunctionNameWith(variable);
  return [
    {
      condition: `\${length(${tooLong}) == 0}`,
      errorMessage: `With ${variable}, \${join("; ", [for d in ${tooLong} : format("%s \\"%s%s\\" would be %d characters, and AWS allows %d", d.what, var.function_name, d.suffix, length(var.function_name) + length(d.suffix), d.limit)])}. Shorten function_name to at most ${fits} characters.`,
    },
  ];
}

/** The longest function_name whose derived names fit, with the feature `variable` turns on. @unit characters */
export function longestFunctionNameWith(variable: DerivedName['variable']): number {
  return Math.min(...DERIVED_NAMES.filter((d) => d.variable === variable).map((d) => d.limit - d.suffix.length));
}

/** EventBridge Scheduler's longest schedule name (`<function_name>-<schedule name>`). @unit characters */
export const SCHEDULE_NAME_LIMIT = 64;

/** Security groups (in a VPC) are named `<function_name>-function`, and EC2 refuses names that start with "sg-". */
export const SECURITY_GROUP_NAME_VALIDATION: VariableValidation = {
  condition: '${var.vpc_id == "" || !startswith(lower(var.function_name), "sg-")}',
  errorMessage:
    'function_name starts with "sg-", and in a VPC it names security groups ("<function_name>-function"), whose names EC2 refuses to start with "sg-": choose another function_name.',
};

/**
 * An HCL expression (no `${}`): the default Cognito domain prefix, `<function_name>-<account id>`
 * made valid for Cognito: lower case, "_" as "-", without the words Cognito
 * reserves ("aws", "amazon", "cognito"; removed twice, in case removing one
 * joins another), no hyphen at either end or twice in a row, and short
 * enough that the whole prefix fits Cognito's 63 characters.
 */
export function defaultCognitoDomainPrefix(functionName: string, accountId: string): string {
  const reserved = '"/aws|amazon|cognito/"';
  const cleaned = `replace(replace(replace(lower(replace(${functionName}, "_", "-")), ${reserved}, ""), ${reserved}, ""), "/-+/", "-")`;
  const base = `trim(substr(trim(${cleaned}, "-"), 0, ${COGNITO_PREFIX_LIMIT - ACCOUNT_ID_CHARS - 1}), "-")`;
  // coalesce skips an empty string: a function_name made only of reserved words gets "agent".
  return `format("%s-%s", coalesce(${base}, "agent"), ${accountId})`;
}

/** Cognito's longest domain prefix. @unit characters */
export const COGNITO_PREFIX_LIMIT = 63;
/** An AWS account id. @unit characters */
const ACCOUNT_ID_CHARS = 12;

/**
 * IAM's evaluation of identity-based policies within one account, as AWS's
 * "Policy evaluation logic" describes it: an explicit Deny in any statement
 * wins; else an Allow that matches the action, the resource and every
 * condition allows; else the request is implicitly denied.
 *
 * Written here rather than taken from npm: the one offline simulator there
 * (@cloud-copilot/iam-simulate) is AGPL-3.0, which every user's `npm ci`
 * would install beside this MIT project. This covers what the stack's
 * policies use and refuses, with an error, anything it does not know (a
 * condition operator, a policy variable), so a policy it cannot judge fails
 * the test instead of being judged wrongly.
 */

export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly (string | boolean)[]>>>>;
}

/** One authorisation IAM makes: an action on a resource, with the request's condition keys. */
export interface IamRequest {
  /** `service:Action`, as the Service Authorization Reference spells it. */
  readonly action: string;
  /** The resource's ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Condition keys the request carries (`kms:ViaService`, `bedrock:InferenceProfileArn`). */
  readonly context?: Readonly<Record<string, string>>;
}

export type IamDecision =
  | { readonly decision: 'allowed'; readonly by: string }
  | { readonly decision: 'explicitly denied'; readonly by: string }
  | { readonly decision: 'implicitly denied' };

/** The decision for `request` under `statements` (every identity policy of one role, together). */
export function evaluate(statements: readonly IamStatement[], request: IamRequest): IamDecision {
  const matching = statements.filter((s) => applies(s, request));
  const deny = matching.find((s) => s.Effect === 'Deny');
  if (deny) return { decision: 'explicitly denied', by: deny.Sid ?? '(no Sid)' };
  const allow = matching.find((s) => s.Effect === 'Allow');
  return allow ? { decision: 'allowed', by: allow.Sid ?? '(no Sid)' } : { decision: 'implicitly denied' };
}

function applies(statement: IamStatement, request: IamRequest): boolean {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new Error(`Effect must be Allow or Deny, not ${JSON.stringify(statement.Effect)}`);
  // IAM refuses a statement without an action or a resource element: so does the simulation (a misspelt key would otherwise match everything).
  if ((statement.Action === undefined) === (statement.NotAction === undefined))
    throw new Error(`A statement needs exactly one of Action and NotAction: ${JSON.stringify(statement)}`);
  if ((statement.Resource === undefined) === (statement.NotResource === undefined))
    throw new Error(`A statement needs exactly one of Resource and NotResource: ${JSON.stringify(statement)}`);
  const actionMatches = (patterns: readonly string[]) => patterns.some((p) => globMatches(p.toLowerCase(), request.action.toLowerCase()));
  const resourceMatches = (patterns: readonly string[]) => patterns.some((p) => globMatches(checkedPattern(p), request.resource));
  const inAction = statement.Action !== undefined ? actionMatches(list(statement.Action)) : !actionMatches(list(statement.NotAction));
  if (!inAction) return false;
  const inResource = statement.Resource !== undefined ? resourceMatches(list(statement.Resource)) : !resourceMatches(list(statement.NotResource));
  if (!inResource) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, list(values).map(String), request.context ?? {})),
  );
}

/** A policy variable (`${aws:username}`) would need the request's principal: refused rather than read as text. */
function checkedPattern(pattern: string): string {
  if (/\$\{/.test(pattern)) throw new Error(`The simulation does not resolve policy variables: ${pattern}`);
  return pattern;
}

/** `*` matches any run of characters (ARN separators included), `?` any one character; nothing else is special. */
export function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(value);
}

/**
 * ArnLike/ArnEquals compare the six colon-separated parts one by one (a
 * wildcard does not cross into the next part); the last part keeps any
 * further colons.
 */
function arnMatches(pattern: string, value: string): boolean {
  const parts = (arn: string) => {
    const split = arn.split(':');
    return split.length < 6 ? undefined : [...split.slice(0, 5), split.slice(5).join(':')];
  };
  const p = parts(pattern);
  const v = parts(value);
  return p !== undefined && v !== undefined && p.every((part, i) => globMatches(part, v[i]));
}

const COMPARISONS: Readonly<Record<string, (pattern: string, value: string) => boolean>> = {
  StringEquals: (p, v) => p === v,
  StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  StringLike: globMatches,
  ArnEquals: arnMatches,
  ArnLike: arnMatches,
  Bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
};
const NEGATIONS: Readonly<Record<string, string>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

/**
 * One condition key under one operator. A key the request lacks fails a
 * positive operator and passes a negated one (AWS's rule for single-valued
 * keys), and passes any `…IfExists` operator. Multi-valued set operators
 * (`ForAnyValue:`, `ForAllValues:`) are not used by the stack and are refused.
 */
function conditionHolds(operator: string, key: string, values: readonly string[], context: Readonly<Record<string, string>>): boolean {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const positive = NEGATIONS[base] ?? base;
  const compare = COMPARISONS[positive];
  if (!compare) throw new Error(`The simulation does not know the condition operator ${operator} (on ${key}): add it with AWS's definition, do not guess.`);
  for (const value of values) checkedPattern(value);
  const actual = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
  if (actual === undefined) return ifExists || NEGATIONS[base] !== undefined;
  const matched = values.some((value) => compare(value, actual));
  return NEGATIONS[base] !== undefined ? !matched : matched;
}

function list<T>(value: T | readonly T[] | undefined): readonly T[] {
  return value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

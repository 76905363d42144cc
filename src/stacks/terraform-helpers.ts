/** Small helpers for writing readable Terraform from constructs. */
import {
  conditional,
  Fn,
  Op,
  ref,
  TerraformDataSource,
  Token,
  type IResolvable,
  type TerraformLocal,
  type TerraformOutput,
  type TerraformResource,
} from 'cdktf';

/** Gives an element a stable, readable Terraform address (e.g. `aws_iam_role.agent`). */
export function named<T extends TerraformResource | TerraformDataSource | TerraformLocal | TerraformOutput>(element: T, logicalId: string): T {
  element.overrideLogicalId(logicalId);
  return element;
}

/** A `count` of 1 when `condition` holds, else 0: Terraform, not synth, decides. */
export function countIf(condition: IResolvable): number {
  return Token.asNumber(conditional(condition, 1, 0));
}

/** A `for_each` for a dynamic block that exists only when `condition` holds. */
export function onlyIf(condition: IResolvable): IResolvable {
  return conditional(condition, [1], []);
}

/** `<address>[*].<attribute>` of a counted resource or data source: a list with zero or one element. */
export function splat(element: TerraformResource | TerraformDataSource, attribute: string): string[] {
  const prefix = element instanceof TerraformDataSource ? 'data.' : '';
  return Token.asList(ref(`${prefix}${element.terraformResourceType}.${element.friendlyUniqueId}[*].${attribute}`));
}

/** `<address>[0].<attribute>` of a counted resource: use only where the count is known to be 1. */
export function first(element: TerraformResource | TerraformDataSource, attribute: string): string {
  const prefix = element instanceof TerraformDataSource ? 'data.' : '';
  return Token.asString(ref(`${prefix}${element.terraformResourceType}.${element.friendlyUniqueId}[0].${attribute}`));
}

// cdktf's operators drop a falsy right operand (a literal "" or 0 renders as `undefined`),
// so emptiness is tested through lengths, against 1.

/** `length(value) < 1`: an empty string, list or map. */
export function isEmpty(value: string | string[] | Record<string, string>): IResolvable {
  return Op.lt(Fn.lengthOf(value), 1);
}

/** `length(value) >= 1`. */
export function isNotEmpty(value: string | string[] | Record<string, string>): IResolvable {
  return Op.gte(Fn.lengthOf(value), 1);
}

/** `value`, or null (the attribute left unset) when it is an empty string. */
export function orNull(value: string): string {
  return Token.asString(conditional(isEmpty(value), Token.nullValue(), value));
}

/**
 * A JSON-shaped value written as an HCL expression, with Terraform
 * expressions where the value is only known at plan (`hclExpr`): for
 * `jsonencode(...)` bodies such as a dashboard's, which cdktf's operators
 * cannot build (they drop falsy operands and quote nested interpolations).
 */
const EXPRESSION = Symbol('hcl expression');

export interface HclExpression {
  readonly [EXPRESSION]: string;
}

/** A Terraform expression, written as it is: `hclExpr('var.timeout_seconds * 1000')`. */
export function hclExpr(expression: string): HclExpression {
  return { [EXPRESSION]: expression };
}

/** The expression's text, to compose it into another. */
export function expressionOf(value: HclExpression): string {
  return value[EXPRESSION];
}

export type HclValue = string | number | boolean | null | HclExpression | readonly HclValue[] | { readonly [key: string]: HclValue | undefined };

/** The value as an HCL expression: strings, numbers and keys as JSON writes them (HCL reads JSON's literals), expressions in parentheses. */
export function hclValue(value: HclValue): string {
  if (typeof value === 'string') return literal(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (EXPRESSION in value) return `(${value[EXPRESSION]})`;
  if (Array.isArray(value)) return `[${value.map(hclValue).join(', ')}]`;
  const entries = Object.entries(value as Record<string, HclValue | undefined>).filter((entry): entry is [string, HclValue] => entry[1] !== undefined);
  return `{${entries.map(([key, v]) => `${literal(key)} = ${hclValue(v)}`).join(', ')}}`;
}

/** A quoted string in which `${` and `%{` stay text (HCL would read them as a template). */
function literal(text: string): string {
  return JSON.stringify(text).replace(/([$%])\{/g, (_, sign: string) => `${sign}${sign}{`);
}

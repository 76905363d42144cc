/**
 * Where JSON Schema 2020-12 keeps subschemas, and a walk over every
 * subschema of a schema with its JSON pointer. In-place applicators apply
 * their subschemas to the same instance location; a cycle through them and
 * `$ref` alone never descends into the instance, so it would never end.
 */

export type Schema = boolean | Record<string, unknown>;

/** Keywords whose value is one subschema. */
const SINGLE = ['not', 'if', 'then', 'else', 'items', 'contains', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
/** Keywords whose value is an array of subschemas. */
const ARRAY = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Keywords whose value maps names to subschemas. */
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
/** Applicators that evaluate their subschemas against the same instance location. */
export const IN_PLACE = new Set(['not', 'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'dependentSchemas']);

export interface Located {
  readonly pointer: string;
  readonly schema: Schema;
}

export interface Child extends Located {
  /** The keyword the child sits under. */
  readonly keyword: string;
}

/** `a/b~c` → `a~1b~0c`, as RFC 6901 escapes a reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The direct subschemas of `schema`, with their pointers. Values of the wrong shape are reported by the caller's checks. */
export function childrenOf({ pointer, schema }: Located): Child[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const children: Child[] = [];
  for (const keyword of SINGLE) {
    if (keyword in schema) children.push({ keyword, pointer: `${pointer}/${keyword}`, schema: schema[keyword] as Schema });
  }
  for (const keyword of ARRAY) {
    const value = schema[keyword];
    if (Array.isArray(value)) value.forEach((child, i) => children.push({ keyword, pointer: `${pointer}/${keyword}/${i}`, schema: child as Schema }));
  }
  for (const keyword of MAP) {
    const value = schema[keyword];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [name, child] of Object.entries(value))
        children.push({ keyword, pointer: `${pointer}/${keyword}/${escapePointer(name)}`, schema: child as Schema });
    }
  }
  return children;
}

/** Every subschema, the root first, depth first. */
export function allSubschemas(root: Schema): Located[] {
  const found: Located[] = [];
  const stack: Located[] = [{ pointer: '', schema: root }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    found.push(next);
    stack.push(...childrenOf(next).reverse());
  }
  return found;
}

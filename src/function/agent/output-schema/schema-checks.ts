/**
 * The whole of a caller's `output_schema`, checked before any model call:
 * every subschema's shape, every regular expression on the linear-time
 * engine, every `$ref` local and resolvable, and no `$ref` loop that would
 * recurse forever. Each problem is an InvalidRequestError naming the JSON
 * pointer of the part at fault.
 */
import { InvalidRequestError } from '../../errors';
import { linearRegExpProblem } from './linear-regexp';
import { allSubschemas, childrenOf, escapePointer, IN_PLACE, type Located, type Schema } from './subschemas';

const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;
/** Keywords that change how references resolve, or resolve them dynamically: not accepted. */
const UNSUPPORTED = ['$id', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor'];

/** A problem at `pointer` inside output_schema. */
export function schemaProblem(pointer: string, problem: string): InvalidRequestError {
  return new InvalidRequestError(`\`output_schema\` at ${pointer || '/'}: ${problem}`);
}

export function checkSchema(root: Record<string, unknown>): void {
  if (root.$schema !== undefined && !(typeof root.$schema === 'string' && DRAFT_2020_12.test(root.$schema))) {
    throw schemaProblem('/$schema', 'only JSON Schema 2020-12 is supported ("https://json-schema.org/draft/2020-12/schema", or leave $schema out).');
  }
  const subschemas = allSubschemas(root);
  const anchors = new Map<string, string>();
  for (const { pointer, schema } of subschemas) {
    if (typeof schema === 'boolean') continue;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw schemaProblem(pointer, 'a schema must be an object or true/false.');
    if (typeof schema.$anchor === 'string') anchors.set(schema.$anchor, pointer);
  }
  for (const located of subschemas) {
    if (typeof located.schema === 'object') checkOne(root, located as Located & { schema: Record<string, unknown> }, anchors);
  }
  checkNoRefLoop(root, subschemas, anchors);
}

function checkOne(
  root: Record<string, unknown>,
  { pointer, schema }: { pointer: string; schema: Record<string, unknown> },
  anchors: Map<string, string>,
): void {
  for (const keyword of UNSUPPORTED) {
    if (keyword in schema)
      throw schemaProblem(`${pointer}/${keyword}`, `${keyword} is not supported in output_schema; use $defs and "$ref": "#/$defs/<name>".`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
    const bad = types.find((t) => typeof t !== 'string' || !TYPES.has(t));
    if (bad !== undefined) throw schemaProblem(`${pointer}/type`, `unknown type ${JSON.stringify(bad)}; use ${[...TYPES].join(', ')}.`);
  }
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') throw schemaProblem(`${pointer}/pattern`, 'pattern must be a string.');
    const problem = linearRegExpProblem(schema.pattern);
    if (problem) throw schemaProblem(`${pointer}/pattern`, unrunnable(problem));
  }
  const patternProperties = schema.patternProperties;
  if (typeof patternProperties === 'object' && patternProperties !== null) {
    for (const key of Object.keys(patternProperties)) {
      const problem = linearRegExpProblem(key);
      if (problem) throw schemaProblem(`${pointer}/patternProperties/${escapePointer(key)}`, unrunnable(problem));
    }
  }
  if (schema.$ref !== undefined) resolveRef(root, `${pointer}/$ref`, schema.$ref, anchors);
}

function unrunnable(reason: string): string {
  return `the regular expression cannot run on this agent's linear-time engine (RE2 syntax: no backreferences or lookaround): ${reason}.`;
}

/** The pointer `$ref` names inside the schema, or an error saying why it names nothing usable. */
function resolveRef(root: Record<string, unknown>, at: string, ref: unknown, anchors: Map<string, string>): string {
  if (typeof ref !== 'string') throw schemaProblem(at, '$ref must be a string.');
  if (!ref.startsWith('#'))
    throw schemaProblem(at, `"${ref.slice(0, 100)}" refers outside output_schema; only references inside it ("#/$defs/<name>") are allowed.`);
  const fragment = safeDecode(ref.slice(1));
  if (fragment !== undefined && fragment !== '' && !fragment.startsWith('/')) {
    const target = anchors.get(fragment);
    if (target === undefined) throw schemaProblem(at, `"${ref.slice(0, 100)}" names no $anchor in output_schema.`);
    return target;
  }
  if (fragment === undefined || resolvePointer(root, fragment) === undefined)
    throw schemaProblem(at, `"${ref.slice(0, 100)}" points to nothing in output_schema.`);
  return fragment;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function resolvePointer(root: unknown, pointer: string): unknown {
  let current: unknown = root;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A loop of `$ref`s and in-place applicators never reaches a child of the instance: refused. */
function checkNoRefLoop(root: Record<string, unknown>, subschemas: Located[], anchors: Map<string, string>): void {
  const edges = new Map<string, string[]>();
  for (const located of subschemas) {
    const next = childrenOf(located)
      .filter((child) => IN_PLACE.has(child.keyword))
      .map((child) => child.pointer);
    const schema = located.schema;
    if (typeof schema === 'object' && schema.$ref !== undefined) next.push(resolveRef(root, `${located.pointer}/$ref`, schema.$ref, anchors));
    edges.set(located.pointer, next);
  }
  const state = new Map<string, 'open' | 'done'>();
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    // Iterative depth-first search: the schema may nest deeply.
    const stack: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const targets = edges.get(top.node) ?? [];
      if (top.next >= targets.length) {
        state.set(top.node, 'done');
        stack.pop();
        continue;
      }
      const target = targets[top.next++];
      if (state.get(target) === 'open')
        throw schemaProblem(
          target,
          `$ref loops back here without descending into the value (${top.node || '/'} → ${target || '/'}), so validation would never end.`,
        );
      if (!state.has(target)) {
        state.set(target, 'open');
        stack.push({ node: target, next: 0 });
      }
    }
  }
}

export type { Schema };

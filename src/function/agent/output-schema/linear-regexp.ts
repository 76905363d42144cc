/**
 * Regular expressions of caller schemas (`pattern`, `patternProperties`,
 * `format: "regex"`) run on RE2 semantics (re2js, a JavaScript port of
 * RE2): matching takes time linear in the input, whatever the pattern, so
 * no pattern can backtrack for minutes. What RE2 cannot run in linear time
 * (backreferences, lookaround) is refused when the schema is read.
 */
import { RE2JS } from 're2js';

/** What Ajv calls a regular expression: `test`, and a `toString` that identifies it (Ajv caches compiled patterns by it). */
export interface LinearRegExp {
  test(input: string): boolean;
  toString(): string;
}

/** Compiles an ECMA-262 pattern for RE2; throws with RE2's reason when it cannot. */
export function linearRegExp(pattern: string): LinearRegExp {
  const compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
  return { test: (input) => compiled.test(input), toString: () => `/${pattern}/u` };
}

/** Why `pattern` cannot run on the linear-time engine, or undefined when it can. */
export function linearRegExpProblem(pattern: string): string | undefined {
  try {
    linearRegExp(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

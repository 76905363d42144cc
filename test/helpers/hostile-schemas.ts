/**
 * Arbitraries for `output_schema` fuzzing: regular expressions built the way
 * catastrophic backtracking is (nested and overlapping quantifiers,
 * alternations of overlapping branches), formats, and string data made of
 * long runs that almost match.
 */
import fc from 'fast-check';

const atom = fc.constantFrom('a', 'x', '.', '[a-z]', '\\w', '\\d', '(a|aa)', '(x|x?)');

/** A pattern shaped like the ones that backtrack for minutes on a backtracking engine. */
export const hostilePattern: fc.Arbitrary<string> = fc
  .letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      tie('node').map((r) => `(${r})+`),
      tie('node').map((r) => `(${r})*`),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `(${a}|${b})`),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `${a}${b}`),
      tie('node').map((r) => `(${r}){1,8}`),
    ),
  }))
  .node.map((r) => `^${r}$`);

export const FORMATS = [
  'date-time',
  'date',
  'time',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uri',
  'uri-reference',
  'url',
  'uuid',
  'json-pointer',
  'regex',
] as const;

/** A string property constrained by a hostile pattern or a format. */
export const hostileProperty: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  hostilePattern.map((pattern) => ({ type: 'string', pattern })),
  fc.constantFrom(...FORMATS).map((format) => ({ type: 'string', format })),
);

/** Long runs of one or two characters with a different ending: where backtracking explodes. */
export const nearMiss: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('a', 'x', 'aa', 'a.', 'a:', '1', 'a@', '/'),
    fc.integer({ min: 0, max: 5_000 }),
    fc.constantFrom('', 'b', 'y', '!', ' ', '\u0000', '@'),
  )
  .map(([unit, count, end]) => `${unit.repeat(Math.ceil(count / unit.length))}${end}`);

export const schemaWith = (property: Record<string, unknown>) => ({ type: 'object', properties: { v: property }, required: ['v'] });

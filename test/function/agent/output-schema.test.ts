/**
 * A caller's output_schema on the source: the whole schema checked before
 * any model call, every defect a 400 naming its JSON pointer, and
 * validation in bounded time whatever the schema and the data.
 */
import fc from 'fast-check';
import { compileOutputSchema, COMPILE_BUDGET_MS, VALIDATION_BUDGET_MS } from '../../../src/function/agent/output-schema';
import { withinBudget, BudgetExceededError } from '../../../src/function/agent/output-schema/time-budget';
import { InvalidRequestError } from '../../../src/function/errors';
import { hostileProperty, nearMiss, schemaWith } from '../../helpers/hostile-schemas';

const compile = (schema: Record<string, unknown>) => compileOutputSchema(schema, COMPILE_BUDGET_MS);

describe('output_schema', () => {
  test('a valid result gives no errors; an invalid one gives short lines with the instance path', async () => {
    const schema = await compile({
      type: 'object',
      properties: { city: { type: 'string', minLength: 1 }, population: { type: 'integer', minimum: 0 }, founded: { type: 'string', format: 'date' } },
      required: ['city', 'population'],
      additionalProperties: false,
    });
    expect(schema.validate({ city: 'Paris', population: 2, founded: '2023-02-29' }, VALIDATION_BUDGET_MS)).toEqual(['/founded: must match format "date"']);
    expect(schema.validate({ city: 'Paris', population: 2 }, VALIDATION_BUDGET_MS)).toEqual([]);
    expect(schema.validate({ city: 'Paris', population: -1, extra: 1 }, VALIDATION_BUDGET_MS)).toEqual([
      '/: must NOT have additional properties (extra)',
      '/population: must be >= 0',
    ]);
  });

  test('references inside the schema work, recursion through a property included', async () => {
    const schema = await compile({
      type: 'object',
      $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
      properties: { tree: { $ref: '#/$defs/node' } },
    });
    expect(schema.validate({ tree: { name: 'a', children: [{ name: 'b', children: [] }] } }, VALIDATION_BUDGET_MS)).toEqual([]);
    expect(schema.validate({ tree: { name: 'a', children: [{ name: 7 }] } }, VALIDATION_BUDGET_MS)).toEqual(['/tree/children/0/name: must be string']);
  });

  test.each([
    ['a lookahead', { type: 'string', pattern: '^(?=a)a$' }, '/properties/v/pattern'],
    ['an unterminated group', { type: 'string', pattern: '(a' }, '/properties/v/pattern'],
    ['a backreference in patternProperties', { type: 'object', patternProperties: { '^(a)\\1$': {} } }, '/properties/v/patternProperties/^(a)\\1$'],
    ['a $ref outside the schema', { $ref: 'other.json#/x' }, '/properties/v/$ref'],
    ['an unknown $anchor', { $ref: '#nowhere' }, '/properties/v/$ref'],
    ['a $ref loop through allOf', { $ref: '#/properties/v/allOf/0', allOf: [{ $ref: '#/properties/v' }] }, '/properties/v'],
    ['a type that does not exist', { type: ['string', 'text'] }, '/properties/v/type'],
    ['a minimum that is not a number', { type: 'number', minimum: 'zero' }, '/properties/v/minimum'],
    ['$id', { $id: 'https://example.com/x' }, '/properties/v/$id'],
  ])('%s is refused before any model call, naming where', async (_label, property, pointer) => {
    const attempt = compile(schemaWith(property));
    await expect(attempt).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(attempt).rejects.toThrow(`\`output_schema\` at ${pointer}`);
  });

  // Speed is measured by `npm run bench` (bench/schema.bench.ts, same
  // arbitraries); here the budget is generous so a loaded CI machine cannot
  // trip it, and a backtracking engine would still blow it by minutes.
  test('property: hostile patterns and formats on near-miss data always validate to a list of problems, never a throw', async () => {
    const generousBudgetMs = 20 * VALIDATION_BUDGET_MS;
    await fc.assert(
      fc.asyncProperty(hostileProperty, nearMiss, async (property, value) => {
        let schema;
        try {
          schema = await compile(schemaWith(property));
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidRequestError);
          return;
        }
        const problems = schema.validate({ v: value }, generousBudgetMs);
        expect(Array.isArray(problems)).toBe(true);
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  test('the hard budget stops synchronous work that would never end', () => {
    // The loop never ends on its own: returning at all is the budget stopping it.
    expect(() =>
      withinBudget(50, () => {
        for (;;);
      }),
    ).toThrow(BudgetExceededError);
  });
});

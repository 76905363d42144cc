/**
 * output_schema validation under hostile input: patterns and formats shaped
 * for catastrophic backtracking, on near-miss strings up to 5,000 characters
 * (the fuzz suite's arbitraries, with a fixed seed). Reported: the worst and
 * median time of one validation, against a schema of the same shape without
 * pattern or format on the same data.
 */
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { compileOutputSchema, COMPILE_BUDGET_MS, VALIDATION_BUDGET_MS } from '../src/function/agent/output-schema';
import { hostileProperty, nearMiss, schemaWith } from '../test/helpers/hostile-schemas';
import { median, type Row } from './lib';

const PAIRS = 1_000;
const SEED = 20261125;

export async function benchSchema(): Promise<Row[]> {
  const pairs = fc.sample(fc.tuple(hostileProperty, nearMiss), { numRuns: PAIRS, seed: SEED });
  const hostile: number[] = [];
  const plain: number[] = [];
  const compileTimes: number[] = [];
  const plainSchema = await compileOutputSchema(schemaWith({ type: 'string' }), COMPILE_BUDGET_MS);
  let refused = 0;
  for (const [property, value] of pairs) {
    let started = performance.now();
    let schema;
    try {
      schema = await compileOutputSchema(schemaWith(property), COMPILE_BUDGET_MS);
    } catch {
      refused += 1;
      continue;
    }
    compileTimes.push(performance.now() - started);
    started = performance.now();
    schema.validate({ v: value }, VALIDATION_BUDGET_MS);
    hostile.push(performance.now() - started);
    started = performance.now();
    plainSchema.validate({ v: value }, VALIDATION_BUDGET_MS);
    plain.push(performance.now() - started);
  }
  const worst = (values: number[]) => Math.max(...values);
  const note = `${hostile.length} pairs validated, ${refused} schemas refused up front`;
  return [
    { name: `validation, worst (${note})`, value: worst(hostile), unit: 'ms', baselineName: 'plain string', baseline: worst(plain) },
    { name: 'validation, median', value: median(hostile), unit: 'ms', baselineName: 'plain string', baseline: median(plain) },
    { name: 'check + compile, worst (cached by schema)', value: worst(compileTimes), unit: 'ms', baselineName: 'budget', baseline: COMPILE_BUDGET_MS },
  ];
}

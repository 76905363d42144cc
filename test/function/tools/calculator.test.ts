/** The calculator evaluates arithmetic with a parser, never `eval`. */
import { calculator, evaluate } from '../../../src/function/tools/calculator';

describe('calculator', () => {
  test.each([
    ['12*34', 408],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 10', 1024],
    ['2 ^ 3 ^ 2', 512],
    ['-3 ^ 2', -9],
    ['10 % 4', 2],
    ['7 / 2', 3.5],
    ['sqrt(16) + abs(-2)', 6],
    ['max(1, 5, 3) - min(4, 2)', 3],
    ['round(pi * 100) / 100', 3.14],
    ['1.5e3 + .5', 1500.5],
    ['ln(e)', 1],
  ])('%s = %d', (expression, expected) => {
    expect(evaluate(expression)).toBeCloseTo(expected, 10);
  });

  test.each([
    ['division by zero', '1/0', 'Division by zero.'],
    ['an unknown function', 'eval(1)', 'Unknown name "eval"'],
    ['an unknown name', 'process', 'Unknown name "process"'],
    ['a property access attempt', 'constructor.constructor', 'Unexpected character "."'],
    ['a string', '"1" + 1', 'Unexpected character """'],
    ['an unbalanced parenthesis', '(1 + 2', 'Expected ")"'],
    ['trailing garbage', '1 2', 'Unexpected "2" after a complete expression.'],
    ['an empty expression', '   ', 'The expression is empty.'],
    ['an overflow', '10 ^ 400', 'The result is not a finite number.'],
    ['deep nesting', `${'('.repeat(100)}1${')'.repeat(100)}`, 'nests deeper than 64 levels'],
    ['an over-long expression', '1+'.repeat(300) + '1', 'longer than 500 characters'],
  ])('rejects %s', (_label, expression, message) => {
    expect(() => evaluate(expression)).toThrow(message);
  });

  test('the tool returns the number as text', async () => {
    expect(await calculator.run({ expression: '6*7' }, { signal: new AbortController().signal })).toBe('42');
  });
});

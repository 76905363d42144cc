/**
 * A safe calculator: a small recursive-descent parser over numbers,
 * + - * / % ^, parentheses, a few functions and constants. No `eval`, no
 * `Function`, nothing but arithmetic.
 */
import { ToolInputError, type Tool } from './types';

const MAX_EXPRESSION_LENGTH = 500;
const MAX_DEPTH = 64;

const FUNCTIONS: Readonly<Record<string, (...args: number[]) => number>> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  ln: Math.log,
  log10: Math.log10,
  log2: Math.log2,
  exp: Math.exp,
  min: Math.min,
  max: Math.max,
};
const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

type Token = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

export function evaluate(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) throw new ToolInputError(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters.`);
  const tokens = tokenize(expression);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const take = (op?: string): Token => {
    const token = tokens[pos];
    if (!token || (op !== undefined && (token.kind !== 'op' || token.value !== op))) {
      throw new ToolInputError(op ? `Expected "${op}" at token ${pos + 1}.` : 'The expression ended too early.');
    }
    pos += 1;
    return token;
  };
  const isOp = (value: string) => peek()?.kind === 'op' && peek().value === value;

  const expr = (): number => {
    let left = term();
    while (isOp('+') || isOp('-')) left = take().value === '+' ? left + term() : left - term();
    return left;
  };
  const term = (): number => {
    let left = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = take().value;
      const right = unary();
      if ((op === '/' || op === '%') && right === 0) throw new ToolInputError('Division by zero.');
      left = op === '*' ? left * right : op === '/' ? left / right : left % right;
    }
    return left;
  };
  const unary = (): number => {
    if (isOp('-')) {
      take();
      return -unary();
    }
    if (isOp('+')) {
      take();
      return unary();
    }
    return power();
  };
  const power = (): number => {
    const base = primary();
    if (isOp('^')) {
      take();
      return base ** unary();
    }
    return base;
  };
  const primary = (): number => {
    if (++depth > MAX_DEPTH) throw new ToolInputError(`The expression nests deeper than ${MAX_DEPTH} levels.`);
    try {
      const token = take();
      if (token.kind === 'num') return token.value;
      if (token.kind === 'op' && token.value === '(') {
        const value = expr();
        take(')');
        return value;
      }
      if (token.kind === 'id') {
        const name = token.value.toLowerCase();
        if (name in CONSTANTS) return CONSTANTS[name];
        const fn = FUNCTIONS[name];
        if (!fn) throw new ToolInputError(`Unknown name "${token.value}". Functions: ${Object.keys(FUNCTIONS).join(', ')}; constants: pi, e.`);
        take('(');
        const args = [expr()];
        while (isOp(',')) {
          take();
          args.push(expr());
        }
        take(')');
        return fn(...args);
      }
      throw new ToolInputError(`Unexpected "${token.value}".`);
    } finally {
      depth -= 1;
    }
  };

  const result = expr();
  if (pos < tokens.length) throw new ToolInputError(`Unexpected "${String(tokens[pos].value)}" after a complete expression.`);
  if (!Number.isFinite(result)) throw new ToolInputError('The result is not a finite number.');
  return result;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/%^(),]))/iy;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(source);
    if (!match) throw new ToolInputError(`Unexpected character "${source.slice(index).trim()[0]}" at position ${index + 1}.`);
    if (match[1] !== undefined) tokens.push({ kind: 'num', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'id', value: match[2] });
    else tokens.push({ kind: 'op', value: match[3] });
    index = pattern.lastIndex;
  }
  if (tokens.length === 0) throw new ToolInputError('The expression is empty.');
  return tokens;
}

export const calculator: Tool<{ expression: string }> = {
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression exactly as written and returns the number. Supports + - * / % ^, parentheses, ' +
    'sqrt, abs, round, floor, ceil, sin, cos, tan, ln, log10, log2, exp, min, max, and the constants pi and e.',
  inputSchema: {
    type: 'object',
    properties: { expression: { type: 'string', description: 'For example "(3 + 4) * 2 ^ 10 / 7".' } },
    required: ['expression'],
    additionalProperties: false,
  },
  run(input) {
    if (typeof input.expression !== 'string') throw new ToolInputError('`expression` must be a string.');
    return String(evaluate(input.expression));
  },
};

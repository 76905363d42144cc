/**
 * Estimated cost of a request from a per-model price table (USD per million
 * tokens, list prices). Cache writes cost 1.25x input, cache reads 0.1x.
 * An estimate for dashboards and budgets, not an invoice.
 */
import type { Usage } from './usage';

interface Price {
  readonly input: number;
  readonly output: number;
}

/** First match wins; matched against the model id without provider prefixes. */
const PRICES: ReadonlyArray<readonly [RegExp, Price]> = [
  [/claude-opus-(4-[5-9]|5)/, { input: 5, output: 25 }],
  [/claude-opus-4/, { input: 15, output: 75 }],
  [/claude-sonnet-(4|5)|claude-3-7-sonnet|claude-3-5-sonnet/, { input: 3, output: 15 }],
  [/claude-haiku-4-5/, { input: 1, output: 5 }],
  [/claude-3-5-haiku/, { input: 0.8, output: 4 }],
  [/claude-3-haiku/, { input: 0.25, output: 1.25 }],
];
const CACHE_WRITE_MULTIPLIER = 1.25;
const CACHE_READ_MULTIPLIER = 0.1;
const PER_MILLION = 1_000_000;

/** The list price of `model`, or undefined when the table has none. */
export function priceOf(model: string): Price | undefined {
  return PRICES.find(([pattern]) => pattern.test(model))?.[1];
}

/** Cost in USD, rounded to 6 decimals; `null` for a model not in the table. */
export function estimateCostUsd(model: string, usage: Usage): number | null {
  const price = priceOf(model);
  if (!price) return null;
  const cost =
    (usage.input_tokens * price.input +
      usage.cache_creation_input_tokens * price.input * CACHE_WRITE_MULTIPLIER +
      usage.cache_read_input_tokens * price.input * CACHE_READ_MULTIPLIER +
      usage.output_tokens * price.output) /
    PER_MILLION;
  return Math.round(cost * 1e6) / 1e6;
}

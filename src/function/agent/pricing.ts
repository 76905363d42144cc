/**
 * Estimated cost of a request from a per-model price table (USD per million
 * tokens, list prices), and the deployment's own prices (`model_prices`),
 * which win over it. Cache writes cost 1.25x input and cache reads 0.1x
 * unless a price says otherwise. An estimate for dashboards and budgets,
 * not an invoice. Pure data and arithmetic: the stack reads the built-in
 * table too, to refuse at plan a model that has no price.
 */
import { WEB_SEARCH_USD_PER_REQUEST } from '../tools/server-tools';
import type { Usage } from './usage';

/** One model's price, as `model_prices` spells it. @unit US dollars per million tokens */
export interface ModelPrice {
  readonly input_usd_per_mtok: number;
  readonly output_usd_per_mtok: number;
  /** @default - 1.25 × input */
  readonly cache_write_usd_per_mtok?: number | null;
  /** @default - 0.1 × input */
  readonly cache_read_usd_per_mtok?: number | null;
}

/** The deployment's prices by exact model id (`model_prices`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * Built-in list prices. The first pattern that matches the model id wins
 * (Bedrock's ids and inference profiles contain the same names). Patterns
 * are read alike by JavaScript and Terraform's RE2.
 */
export const BUILT_IN_PRICES: ReadonlyArray<{ readonly pattern: string; readonly input: number; readonly output: number }> = [
  { pattern: 'claude-opus-(4-[5-9]|5)', input: 5, output: 25 },
  { pattern: 'claude-opus-4', input: 15, output: 75 },
  { pattern: 'claude-sonnet-(4|5)|claude-3-7-sonnet|claude-3-5-sonnet', input: 3, output: 15 },
  { pattern: 'claude-haiku-4-5', input: 1, output: 5 },
  { pattern: 'claude-3-5-haiku', input: 0.8, output: 4 },
  { pattern: 'claude-3-haiku', input: 0.25, output: 1.25 },
];
const CACHE_WRITE_MULTIPLIER = 1.25;
const CACHE_READ_MULTIPLIER = 0.1;
const PER_MILLION = 1_000_000;
const BUILT_IN = BUILT_IN_PRICES.map(({ pattern, input, output }) => ({ pattern: new RegExp(pattern), input, output }));

interface Price {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
}

/** The price of `model`: the deployment's own for that exact id, else the built-in list price; undefined when neither has one. */
export function priceOf(model: string, custom: PriceTable = {}): Price | undefined {
  const own = Object.prototype.hasOwnProperty.call(custom, model) ? custom[model] : undefined;
  if (own) {
    const input = own.input_usd_per_mtok;
    return {
      input,
      output: own.output_usd_per_mtok,
      cacheWrite: own.cache_write_usd_per_mtok ?? input * CACHE_WRITE_MULTIPLIER,
      cacheRead: own.cache_read_usd_per_mtok ?? input * CACHE_READ_MULTIPLIER,
    };
  }
  const listed = BUILT_IN.find(({ pattern }) => pattern.test(model));
  return (
    listed && { input: listed.input, output: listed.output, cacheWrite: listed.input * CACHE_WRITE_MULTIPLIER, cacheRead: listed.input * CACHE_READ_MULTIPLIER }
  );
}

/** Cost in USD, rounded to 6 decimals; `null` for a model with no price. */
export function estimateCostUsd(model: string, usage: Usage, custom: PriceTable = {}): number | null {
  const price = priceOf(model, custom);
  if (!price) return null;
  const cost =
    (usage.input_tokens * price.input +
      usage.cache_creation_input_tokens * price.cacheWrite +
      usage.cache_read_input_tokens * price.cacheRead +
      usage.output_tokens * price.output) /
      PER_MILLION +
    (usage.web_search_requests ?? 0) * WEB_SEARCH_USD_PER_REQUEST;
  return Math.round(cost * 1e6) / 1e6;
}

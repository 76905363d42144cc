/**
 * Which model serves a request: the operator's default, or a tier the caller
 * names with the request field `model`. Callers name tiers, never model ids,
 * so they reach only the models the operator listed in `model_tiers`.
 */
import { InvalidRequestError } from './errors';
import { printable } from './text';

export interface ModelChoice {
  /** The model of a request that names no tier: the default tier's, or model_id. */
  readonly defaultModel: string;
  /** Tier name → model id; empty when the operator set no tiers. */
  readonly tiers: Readonly<Record<string, string>>;
  /** The tier of a request that names none; set exactly when `tiers` is not empty. */
  readonly defaultTier?: string;
}

/** The model id for the request field `model` (absent: the default); a 400 listing the tiers for anything else. */
export function chooseModel(choice: ModelChoice, requested: unknown): string {
  if (requested === undefined) return choice.defaultModel;
  const names = Object.keys(choice.tiers);
  if (names.length === 0) {
    throw new InvalidRequestError('`model` picks one of the model tiers, and this agent has none (model_tiers is empty): remove `model`.');
  }
  if (typeof requested === 'string' && Object.prototype.hasOwnProperty.call(choice.tiers, requested)) {
    return choice.tiers[requested];
  }
  const given = typeof requested === 'string' ? `"${printable(requested, 64)}"` : `a ${requested === null ? 'null' : typeof requested}`;
  throw new InvalidRequestError(`\`model\` must name a model tier: ${names.map((n) => `"${n}"`).join(', ')}; got ${given}.`);
}

/** Every model a request may run on: the default and each tier's, once each. */
export function modelsOf(choice: ModelChoice): string[] {
  return [...new Set([choice.defaultModel, ...Object.values(choice.tiers)])];
}

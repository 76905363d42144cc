/**
 * Default models, shared by the runtime (when MODEL_ID is unset, e.g. locally)
 * and the stack (when the model_id variable is empty).
 */

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';
/** Bedrock foundation model behind the default cross-Region inference profile. */
export const DEFAULT_BEDROCK_FOUNDATION_MODEL = 'anthropic.claude-sonnet-5-5';

/**
 * The runtime's configuration, read from the environment once per container.
 * Every default lives here; the stack sets these variables from tfvars.
 */
import { boolEnv, intEnv, oneOfEnv, optionalEnv, type Env } from './env';
import type { AuthMode } from './http/auth';
import { DEFAULT_ANTHROPIC_MODEL, DEFAULT_BEDROCK_FOUNDATION_MODEL } from './models';
import { ConfigError } from './errors';
import DEFAULT_SYSTEM_PROMPT from './system-prompt.md';

export type LlmProvider = 'anthropic' | 'bedrock';

export interface Limits {
  /** Largest request body accepted, after base64 decoding. @unit bytes */
  readonly maxRequestBytes: number;
  /** Longest `input`. @unit characters */
  readonly maxInputChars: number;
  /** Most prior turns in `messages`. */
  readonly maxMessages: number;
  /** Largest `max_tokens` a caller may ask for, per model call. */
  readonly maxTokensCap: number;
  /** `max_tokens` per model call when the caller gives none. */
  readonly defaultMaxTokens: number;
  /** Model calls per request. */
  readonly maxIterations: number;
  /** Tool calls per request. */
  readonly maxToolCalls: number;
  /** Input plus output tokens per request, across all model calls. */
  readonly tokenBudget: number;
  /** Longest a single tool may run. @unit ms */
  readonly toolTimeoutMs: number;
}

export interface RuntimeConfig {
  readonly provider: LlmProvider;
  readonly model: string;
  /** Secrets Manager secret holding the Anthropic API key: the only place the key is read from. */
  readonly apiKeySecretArn?: string;
  readonly anthropicBaseUrl?: string;
  readonly bedrockBaseUrl?: string;
  readonly awsRegion: string;
  readonly systemPrompt: string;
  readonly logContent: boolean;
  readonly auth: AuthMode;
  readonly limits: Limits;
}

/** Bedrock's default is the US inference profile; the stack picks the Region's geography instead. */
export const DEFAULT_MODELS: Readonly<Record<LlmProvider, string>> = {
  anthropic: DEFAULT_ANTHROPIC_MODEL,
  bedrock: `us.${DEFAULT_BEDROCK_FOUNDATION_MODEL}`,
};

export const DEFAULT_LIMITS: Limits = {
  maxRequestBytes: 64 * 1024,
  maxInputChars: 16_000,
  maxMessages: 40,
  maxTokensCap: 4096,
  defaultMaxTokens: 1024,
  maxIterations: 8,
  maxToolCalls: 16,
  tokenBudget: 100_000,
  toolTimeoutMs: 10_000,
};

export function resolveConfig(env: Env): RuntimeConfig {
  const provider = oneOfEnv(env, 'LLM_PROVIDER', ['anthropic', 'bedrock'] as const, 'anthropic');
  const limits: Limits = {
    maxRequestBytes: intEnv(env, 'MAX_REQUEST_BYTES', DEFAULT_LIMITS.maxRequestBytes, 1024, 6 * 1024 * 1024),
    maxInputChars: intEnv(env, 'MAX_INPUT_CHARS', DEFAULT_LIMITS.maxInputChars, 1, 1_000_000),
    maxMessages: intEnv(env, 'MAX_MESSAGES', DEFAULT_LIMITS.maxMessages, 0, 1000),
    maxTokensCap: intEnv(env, 'MAX_TOKENS_CAP', DEFAULT_LIMITS.maxTokensCap, 1, 128_000),
    defaultMaxTokens: intEnv(env, 'DEFAULT_MAX_TOKENS', DEFAULT_LIMITS.defaultMaxTokens, 1, 128_000),
    maxIterations: intEnv(env, 'MAX_ITERATIONS', DEFAULT_LIMITS.maxIterations, 1, 100),
    maxToolCalls: intEnv(env, 'MAX_TOOL_CALLS', DEFAULT_LIMITS.maxToolCalls, 0, 1000),
    tokenBudget: intEnv(env, 'TOKEN_BUDGET', DEFAULT_LIMITS.tokenBudget, 1, 10_000_000),
    toolTimeoutMs: intEnv(env, 'TOOL_TIMEOUT_MS', DEFAULT_LIMITS.toolTimeoutMs, 1, 900_000),
  };
  if (limits.defaultMaxTokens > limits.maxTokensCap) {
    throw new ConfigError(`DEFAULT_MAX_TOKENS (${limits.defaultMaxTokens}) is above MAX_TOKENS_CAP (${limits.maxTokensCap}); lower it or raise the cap.`);
  }
  return {
    provider,
    model: optionalEnv(env, 'MODEL_ID') ?? DEFAULT_MODELS[provider],
    apiKeySecretArn: optionalEnv(env, 'ANTHROPIC_API_KEY_SECRET_ARN'),
    anthropicBaseUrl: optionalEnv(env, 'ANTHROPIC_BASE_URL'),
    bedrockBaseUrl: optionalEnv(env, 'ANTHROPIC_BEDROCK_BASE_URL'),
    awsRegion: optionalEnv(env, 'AWS_REGION') ?? optionalEnv(env, 'AWS_DEFAULT_REGION') ?? 'us-east-1',
    systemPrompt: optionalEnv(env, 'SYSTEM_PROMPT') ?? DEFAULT_SYSTEM_PROMPT.trim(),
    logContent: boolEnv(env, 'LOG_CONTENT', false),
    auth: resolveAuth(env),
    limits,
  };
}

/**
 * FUNCTION_URL_AUTH_TYPE=NONE requires AUTH_TOKEN_SHA256 (comma-separated hex
 * digests) unless ALLOW_UNAUTHENTICATED=true; AWS_IAM (the default) is
 * checked by the Function URL itself.
 */
function resolveAuth(env: Env): AuthMode {
  const type = oneOfEnv(env, 'FUNCTION_URL_AUTH_TYPE', ['AWS_IAM', 'NONE'] as const, 'AWS_IAM');
  if (type === 'AWS_IAM') return { kind: 'iam' };
  const digests = (optionalEnv(env, 'AUTH_TOKEN_SHA256') ?? '').split(',').map((d) => d.trim().toLowerCase()).filter((d) => d.length > 0);
  const bad = digests.find((d) => !/^[0-9a-f]{64}$/.test(d));
  if (bad !== undefined) throw new ConfigError(`AUTH_TOKEN_SHA256 holds "${bad.slice(0, 16)}…", which is not a hex SHA-256 digest (64 characters 0-9a-f).`);
  if (digests.length > 0) return { kind: 'token', digests: digests.map((d) => Buffer.from(d, 'hex')) };
  if (boolEnv(env, 'ALLOW_UNAUTHENTICATED', false)) return { kind: 'open' };
  throw new ConfigError('FUNCTION_URL_AUTH_TYPE is NONE but AUTH_TOKEN_SHA256 is empty: set token digests, or ALLOW_UNAUTHENTICATED=true to serve without a token.');
}

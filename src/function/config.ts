/**
 * The runtime's configuration, built once per execution environment from
 * the settings table (settings/table.ts): every name, default and limit lives
 * there; this module only shapes the parsed values for the code that uses them.
 */
import { priceOf, type PriceTable } from './agent/pricing';
import { TOKEN_ID_CHARS } from './auth/caller-id';
import { ConfigError } from './errors';
import { modelsOf, type ModelChoice } from './model-tiers';
import { DEFAULT_ANTHROPIC_MODEL, DEFAULT_BEDROCK_FOUNDATION_MODEL } from './models';
import { holds, readSettings, readSettingsOf, type Env, type Settings } from './settings/read';
import { STATE_FEATURE_SETTINGS, STATE_TABLE_NEEDED } from './state/features';
import DEFAULT_SYSTEM_PROMPT from './system-prompt.md';
import type { McpServers } from './tools/mcp/servers';
import type { ServerToolName, ServerToolsConfig } from './tools/server-tools';

export type LlmProvider = Settings['LLM_PROVIDER'];

export interface Limits {
  /** Largest request body accepted, after base64 decoding. @unit bytes */
  readonly maxRequestBytes: number;
  /** Longest `input`. @unit characters */
  readonly maxInputChars: number;
  /** Most prior turns in `messages`. */
  readonly maxMessages: number;
  /** Largest `max_tokens` a caller may ask for, per model call. */
  readonly maxTokensCap: number;
  /** `max_tokens` per model call when the caller gives none (never above the cap). */
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

/** Sign-in tokens (JWTs) from one OpenID Connect issuer. */
export interface JwtConfig {
  /** The `iss` tokens must carry; its keys are found through `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** A token's `aud` (or a Cognito access token's `client_id`) must be one of these. */
  readonly audiences: readonly string[];
  /** Scopes every token must carry. */
  readonly scopes: readonly string[];
  /** Least time between two fetches of the keys for an unknown `kid`. @unit ms */
  readonly keysCooldownMs: number;
  /** The issuer is a plain-http loopback one (tests, `npm run dev`): its `jwks_uri` may be plain http on loopback too. */
  readonly local: boolean;
}

/**
 * Who may call: checked by the Function URL (AWS_IAM); by bearer tokens,
 * either digests of static tokens or JWTs of an issuer, either admitting
 * the caller; or nobody (the explicit opt-out).
 */
export type AuthMode =
  { readonly kind: 'iam' } | { readonly kind: 'token'; readonly digests: readonly Buffer[]; readonly jwt?: JwtConfig } | { readonly kind: 'open' };

/** What lasts across requests, in the state table. */
export interface StateConfig {
  readonly tableName: string;
  /** Longest one call to the table may take, retries included. @unit ms */
  readonly callTimeoutMs: number;
  /** Server-side conversations, when on. */
  readonly sessions?: { readonly maxTurns: number; readonly ttlHours: number };
  /** Daily limits; 0 is off. */
  readonly budgets: { readonly callerDailyTokens: number; readonly dailyCostUsd: number };
}

/** Jobs: requests queued by POST /jobs (or a schedule) and run by the worker. */
export interface JobsConfig {
  /** The queue POST /jobs sends to. */
  readonly queueUrl: string;
  /** How long a job and its Idempotency-Key are kept. @unit hours */
  readonly retentionHours: number;
  /** Deliveries of a job's message before it goes to the dead-letter queue: the last attempt is final. */
  readonly maxReceiveCount: number;
  /** The `source` of the "Agent Job Finished" events on the default bus, when the worker puts them. */
  readonly eventSource?: string;
  /** The caps a job runs under: the request caps, unless a job_* variable overrides them. */
  readonly limits: Limits;
}

export interface RuntimeConfig {
  readonly provider: LlmProvider;
  /** The model of a request that names no tier. */
  readonly model: string;
  /** The default model and the tiers callers may pick. */
  readonly models: ModelChoice;
  /** The deployment's own model prices (`model_prices`), over the built-in list prices. */
  readonly prices: PriceTable;
  /** Secrets Manager secret holding the Anthropic API key: the only place the key is read from. */
  readonly apiKeySecretArn?: string;
  readonly anthropicBaseUrl?: string;
  readonly bedrockBaseUrl?: string;
  readonly awsRegion: string;
  readonly systemPrompt: string;
  readonly logContent: boolean;
  readonly limits: Limits;
  /** Remote MCP servers whose tools the agent may call (`mcp_servers`); empty when none. */
  readonly mcpServers: McpServers;
  /** Bedrock knowledge bases `knowledge_base_search` searches (`knowledge_base_ids`); empty when none. */
  readonly knowledgeBaseIds: readonly string[];
  /** Anthropic's server tools (`server_tools`) and their options; no names when none. */
  readonly serverTools: ServerToolsConfig;
  /** Absent when no feature needs the state table. */
  readonly state?: StateConfig;
  /** Absent when jobs are off. */
  readonly jobs?: JobsConfig;
}

/** Bedrock's default is the US inference profile; the stack picks the Region's geography instead. */
const DEFAULT_MODELS: Readonly<Record<LlmProvider, string>> = {
  anthropic: DEFAULT_ANTHROPIC_MODEL,
  bedrock: `us.${DEFAULT_BEDROCK_FOUNDATION_MODEL}`,
};

export function resolveConfig(env: Env): RuntimeConfig {
  const s = readSettings(env);
  const models = modelChoice(s);
  const model = models.defaultModel;
  checkPriced(models, s.MODEL_PRICES);
  const limits: Limits = {
    maxRequestBytes: s.MAX_REQUEST_BYTES,
    maxInputChars: s.MAX_INPUT_CHARS,
    maxMessages: s.MAX_MESSAGES,
    maxTokensCap: s.MAX_TOKENS_CAP,
    defaultMaxTokens: Math.min(s.DEFAULT_MAX_TOKENS, s.MAX_TOKENS_CAP),
    maxIterations: s.MAX_ITERATIONS,
    maxToolCalls: s.MAX_TOOL_CALLS,
    tokenBudget: s.TOKEN_BUDGET,
    toolTimeoutMs: s.TOOL_TIMEOUT_MS,
  };
  return {
    provider: s.LLM_PROVIDER,
    model,
    models,
    prices: s.MODEL_PRICES,
    apiKeySecretArn: s.ANTHROPIC_API_KEY_SECRET_ARN || undefined,
    anthropicBaseUrl: s.ANTHROPIC_BASE_URL || undefined,
    bedrockBaseUrl: s.ANTHROPIC_BEDROCK_BASE_URL || undefined,
    awsRegion: s.AWS_REGION,
    systemPrompt: s.SYSTEM_PROMPT || DEFAULT_SYSTEM_PROMPT.trim(),
    logContent: s.LOG_CONTENT,
    limits,
    mcpServers: s.MCP_SERVERS,
    knowledgeBaseIds: s.KNOWLEDGE_BASE_IDS,
    serverTools: {
      names: s.SERVER_TOOLS as readonly ServerToolName[],
      webSearchMaxUses: s.WEB_SEARCH_MAX_USES,
      webFetchMaxUses: s.WEB_FETCH_MAX_USES,
      allowedDomains: s.WEB_ALLOWED_DOMAINS,
    },
    ...stateConfig(s),
    ...jobsConfig(s, limits),
  };
}

/** The default model and the tiers; the table's rules have checked that the default tier is one of them. */
function modelChoice(s: Settings): ModelChoice {
  const tiers = s.MODEL_TIERS;
  if (Object.keys(tiers).length === 0) return { defaultModel: s.MODEL_ID || DEFAULT_MODELS[s.LLM_PROVIDER], tiers };
  return { defaultModel: tiers[s.DEFAULT_MODEL_TIER], tiers, defaultTier: s.DEFAULT_MODEL_TIER };
}

/**
 * Every model the deployment may call has a price, so its spend reaches the
 * budgets, CostUSD, the cost alarm and the kill switch (the plan refuses the
 * same configurations; this holds for environments set by hand).
 */
function checkPriced(models: ModelChoice, prices: PriceTable): void {
  const unpriced = modelsOf(models).filter((model) => priceOf(model, prices) === undefined);
  if (unpriced.length === 0) return;
  throw new ConfigError(
    `The model${unpriced.length > 1 ? 's' : ''} ${unpriced.join(', ')} (MODEL_ID or MODEL_TIERS) ${unpriced.length > 1 ? 'have' : 'has'} no price, so ${unpriced.length > 1 ? 'their' : 'its'} spend could not be metered: add ${unpriced.length > 1 ? 'them' : 'it'} to MODEL_PRICES (model_prices = { "${unpriced[0]}" = { input_usd_per_mtok = …, output_usd_per_mtok = … } }).`,
    'MODEL_PRICES',
  );
}

/** The events' source: the stack sets it with job_events_enabled. */
function eventSourceOf(s: Settings): string {
  if (!s.JOB_EVENT_SOURCE) {
    throw new ConfigError(
      'JOB_EVENTS_ENABLED is true, but JOB_EVENT_SOURCE is not set: the stack sets it to the function_name. Deploy with the stack, or set it.',
      'JOB_EVENT_SOURCE',
    );
  }
  return s.JOB_EVENT_SOURCE;
}

/** Jobs, when on: the queue is the stack's to name. */
function jobsConfig(s: Settings, limits: Limits): { jobs?: JobsConfig } {
  if (!s.ASYNC_JOBS_ENABLED) return {};
  if (!s.JOBS_QUEUE_URL) {
    throw new ConfigError(
      'ASYNC_JOBS_ENABLED is true, but JOBS_QUEUE_URL is not set: the stack sets it when it creates the jobs queue. Deploy with the stack, or set JOBS_QUEUE_URL.',
      'JOBS_QUEUE_URL',
    );
  }
  return {
    jobs: {
      queueUrl: s.JOBS_QUEUE_URL,
      retentionHours: s.JOB_RETENTION_HOURS,
      maxReceiveCount: s.JOB_MAX_RECEIVE_COUNT,
      ...(s.JOB_EVENTS_ENABLED ? { eventSource: eventSourceOf(s) } : {}),
      limits: {
        ...limits,
        maxIterations: s.JOB_MAX_ITERATIONS || limits.maxIterations,
        maxToolCalls: s.JOB_MAX_TOOL_CALLS || limits.maxToolCalls,
        tokenBudget: s.JOB_TOKEN_BUDGET || limits.tokenBudget,
      },
    },
  };
}

/** The state table's features, refusing a combination that cannot be served safely. */
function stateConfig(s: Settings): { state?: StateConfig } {
  if (!holds(STATE_TABLE_NEEDED, s)) return {};
  const budgets = { callerDailyTokens: s.CALLER_DAILY_TOKEN_BUDGET, dailyCostUsd: s.DAILY_COST_BUDGET_USD };
  if (!s.STATE_TABLE_NAME) {
    throw new ConfigError(
      `A feature that needs the state table is on (${STATE_FEATURE_SETTINGS.join(', ')}), but STATE_TABLE_NAME is not set: the stack sets it when it creates the state table. Deploy with the stack, or set STATE_TABLE_NAME.`,
      'STATE_TABLE_NAME',
    );
  }
  return {
    state: {
      tableName: s.STATE_TABLE_NAME,
      callTimeoutMs: s.STATE_CALL_TIMEOUT_MS,
      ...(s.SESSIONS_ENABLED ? { sessions: { maxTurns: s.MAX_SESSION_TURNS, ttlHours: s.SESSION_TTL_HOURS } } : {}),
      budgets,
    },
  };
}

/** The settings that decide who may call: read first, on their own (see resolveAuth). */
const AUTH_SETTINGS = [
  'FUNCTION_URL_AUTH_TYPE',
  'AUTH_TOKEN_SHA256',
  'AUTH_JWT_ISSUER',
  'AUTH_JWT_LOCAL_ISSUER',
  'AUTH_JWT_AUDIENCE',
  'AUTH_JWT_SCOPES',
  'AUTH_JWT_KEYS_COOLDOWN_MS',
  'ALLOW_UNAUTHENTICATED',
] as const;

/** Who may call, from the auth settings alone; throws ConfigError (naming the variable, never its value) when they are broken. */
export function resolveAuth(env: Env): AuthMode {
  return authMode(readSettingsOf(env, AUTH_SETTINGS));
}

/** The table's rule has already refused NONE without digests or the opt-out. */
function authMode(s: Pick<Settings, (typeof AUTH_SETTINGS)[number]>): AuthMode {
  if (s.FUNCTION_URL_AUTH_TYPE === 'AWS_IAM') return { kind: 'iam' };
  const issuer = s.AUTH_JWT_ISSUER || s.AUTH_JWT_LOCAL_ISSUER;
  const jwt: JwtConfig | undefined = issuer
    ? {
        issuer,
        audiences: s.AUTH_JWT_AUDIENCE,
        scopes: s.AUTH_JWT_SCOPES,
        keysCooldownMs: s.AUTH_JWT_KEYS_COOLDOWN_MS,
        local: issuer === s.AUTH_JWT_LOCAL_ISSUER,
      }
    : undefined;
  checkTokenIds(s.AUTH_TOKEN_SHA256);
  if (s.AUTH_TOKEN_SHA256.length > 0 || jwt) return { kind: 'token', digests: s.AUTH_TOKEN_SHA256.map((d) => Buffer.from(d, 'hex')), ...(jwt ? { jwt } : {}) };
  return { kind: 'open' };
}

/** A token's caller id is its digest's first TOKEN_ID_CHARS hex: two different digests that share them would be one caller. */
function checkTokenIds(digests: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const digest of digests) {
    const id = digest.slice(0, TOKEN_ID_CHARS);
    const other = seen.get(id);
    if (other !== undefined && other !== digest) {
      throw new ConfigError(
        `AUTH_TOKEN_SHA256 has two different digests that start with the same ${TOKEN_ID_CHARS} hex characters (${id}…), so their callers would share sessions and budgets: replace one of the two tokens.`,
        'AUTH_TOKEN_SHA256',
      );
    }
    seen.set(id, digest);
  }
}

/**
 * Every setting the function reads from its environment: name, type,
 * default, allowed values, description, and how it gets there. The function
 * parses its environment with this table and nothing else; the stack derives
 * the Terraform variables, their validations and the function's environment
 * from it; terraform.tfvars.example and the README's table are generated
 * from it. Adding a setting is one entry here plus its use.
 */
import type { Setting, SettingRule } from './types';

/** The metrics' namespace unless `metrics_namespace` says otherwise. */
const DEFAULT_METRICS_NAMESPACE = 'ClaudeAgent';
/** A model id as Anthropic and Bedrock spell them (empty: the default). */
const MODEL_ID_PATTERN = {
  regex: '^[A-Za-z0-9._:/-]*$',
  expected: 'made only of letters, digits and ". _ : / -", e.g. "claude-sonnet-5-5" or "us.anthropic.claude-sonnet-5-5"',
};
/** A tier's model: a model id, never empty. */
const TIER_MODEL_PATTERN = {
  regex: '^[A-Za-z0-9._:/-]+$',
  expected: 'model ids made only of letters, digits and ". _ : / -", e.g. "claude-haiku-5" or "us.anthropic.claude-haiku-5"',
};
/** A tier name: what callers send as `model`. */
const TIER_NAME = { regex: '^[a-z][a-z0-9_-]{0,31}$', expected: 'a tier name: a lower-case letter, then up to 31 of a-z, 0-9, "_" and "-", e.g. "fast"' };
const HTTP_URL = { regex: '^https?://[^\\s]+$', expected: 'an http(s) URL such as "https://gateway.example.com"' };
/**
 * The complete ARN of a secret, with the 6 characters Secrets Manager appends
 * to the name: the IAM policy grants exactly this ARN, and a partial one would
 * match no secret.
 */
const SECRET_ARN_PATTERN = {
  regex: '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$',
  expected:
    'the complete ARN of a Secrets Manager secret, ending in the 6 random characters Secrets Manager adds: "arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf" (aws secretsmanager describe-secret --secret-id <name> --query ARN)',
};
/** Bounds of a tool call's time. @unit milliseconds */
const TOOL_TIMEOUT_BOUNDS = { min: 1, max: 900_000 };

export const SETTINGS = {
  LLM_PROVIDER: {
    type: 'enum',
    values: ['anthropic', 'bedrock'],
    default: 'anthropic',
    description: 'Where the model runs: "anthropic" (Anthropic API, key from Secrets Manager) or "bedrock" (Amazon Bedrock, IAM auth).',
    delivery: { by: 'variable', variable: 'llm_provider', group: 'Model' },
  },
  MODEL_ID: {
    type: 'string',
    default: '',
    pattern: MODEL_ID_PATTERN,
    description:
      'Model to call. Empty means "claude-sonnet-5-5" on anthropic, and the Claude Sonnet 5.5 inference profile of the Region\'s geography (us./eu./apac.) on bedrock.',
    // With tiers the default model is the default tier's, which MODEL_TIERS and DEFAULT_MODEL_TIER carry.
    delivery: { by: 'variable', variable: 'model_id', group: 'Model', fromLocal: 'model_id', onlyWhen: { isEmpty: 'MODEL_TIERS' } },
  },
  MODEL_TIERS: {
    type: 'map',
    default: {},
    keyPattern: TIER_NAME,
    valuePattern: TIER_MODEL_PATTERN,
    maxEntries: 10,
    description:
      'Models callers may choose by tier name with the request field `model`, e.g. { fast = "claude-haiku-4-5", deep = "claude-opus-5" }: at most 10, never a raw model id from the caller. Empty: model_id serves every request. On bedrock the role may invoke exactly these models.',
    delivery: { by: 'variable', variable: 'model_tiers', group: 'Model' },
  },
  MODEL_PRICES: {
    type: 'prices',
    default: {},
    keyPattern: TIER_MODEL_PATTERN,
    maxEntries: 20,
    maxUsdPerMtok: 1000,
    pricedModels: ['MODEL_ID', 'MODEL_TIERS'],
    description:
      'Prices of models the built-in list does not know, by exact model id, in US dollars per million tokens, e.g. { "claude-haiku-5" = { input_usd_per_mtok = 1, output_usd_per_mtok = 5 } } (cache_write_usd_per_mtok and cache_read_usd_per_mtok default to 1.25 and 0.1 times input): every model of model_id and model_tiers must have a price, so its spend reaches the budgets, CostUSD and the cost alarms.',
    delivery: { by: 'variable', variable: 'model_prices', group: 'Model' },
  },
  DEFAULT_MODEL_TIER: {
    type: 'string',
    default: '',
    pattern: TIER_NAME,
    description: "With model_tiers: the tier of a request that names none (one of model_tiers' names).",
    delivery: { by: 'variable', variable: 'default_model_tier', group: 'Model', onlyWhen: { notEmpty: 'MODEL_TIERS' } },
  },
  ANTHROPIC_API_KEY_SECRET_ARN: {
    type: 'string',
    default: '',
    pattern: SECRET_ARN_PATTERN,
    description: 'ARN of an existing Secrets Manager secret whose value is the Anthropic API key. Used when llm_provider is "anthropic".',
    delivery: {
      by: 'variable',
      variable: 'anthropic_api_key_secret_arn',
      group: 'Anthropic API',
      fromLocal: 'anthropic_api_key_secret_arn',
      onlyWhen: { equals: ['LLM_PROVIDER', 'anthropic'] },
    },
  },
  ANTHROPIC_BASE_URL: {
    type: 'string',
    default: '',
    pattern: HTTP_URL,
    description: 'Base URL of the Anthropic API, for gateways and proxies. Empty means https://api.anthropic.com.',
    delivery: { by: 'variable', variable: 'anthropic_base_url', group: 'Anthropic API' },
  },
  ANTHROPIC_BEDROCK_BASE_URL: {
    type: 'string',
    default: '',
    pattern: HTTP_URL,
    description: "Base URL of Bedrock Runtime, for tests and local stand-ins. Empty means the Region's endpoint.",
    delivery: { by: 'local' },
  },
  FUNCTION_URL_AUTH_TYPE: {
    type: 'enum',
    values: ['AWS_IAM', 'NONE'],
    default: 'AWS_IAM',
    description: 'Who may call the Function URL: "AWS_IAM" (SigV4-signed requests from principals you allow) or "NONE" (public URL).',
    delivery: { by: 'variable', variable: 'function_url_auth_type', group: 'Function URL' },
  },
  AUTH_TOKEN_SHA256: {
    type: 'list',
    default: [],
    itemPattern: { regex: '^[0-9a-f]{64}$', expected: 'lower-case hex SHA-256 digests (64 characters 0-9a-f), not the tokens themselves' },
    description:
      'With auth type "NONE": hex SHA-256 digests of the accepted bearer tokens (printf %s "$TOKEN" | sha256sum). Only digests reach the function and the state.',
    delivery: { by: 'variable', variable: 'auth_token_sha256', group: 'Function URL', onlyWhen: { equals: ['FUNCTION_URL_AUTH_TYPE', 'NONE'] } },
  },
  AUTH_JWT_ISSUER: {
    type: 'string',
    default: '',
    pattern: {
      regex: '^https://[^\\s?#]+$',
      expected:
        'an https URL without query or fragment, exactly as your tokens\' `iss` claim spells it, e.g. "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"',
    },
    description:
      'With auth type "NONE": accept JWTs (Authorization: Bearer) from this OpenID Connect issuer, verified against its published keys; the caller is `jwt:<iss>#<sub>`. Needs jwt_audience.',
    // With cognito_user_pool_enabled, the stack sets the pool's issuer (src/stacks/cognito.ts).
    delivery: {
      by: 'variable',
      variable: 'jwt_issuer',
      group: 'Function URL',
      fromLocal: 'jwt_issuer',
      presentWhen: 'jwt_on',
      onlyWhen: { equals: ['FUNCTION_URL_AUTH_TYPE', 'NONE'] },
    },
  },
  AUTH_JWT_AUDIENCE: {
    type: 'list',
    default: [],
    itemPattern: { regex: '^[^\\s,]+$', expected: 'audiences without spaces or commas, such as an app client id' },
    description: "With jwt_issuer: the accepted audiences; a token's `aud` (or a Cognito access token's `client_id`) must be one of them.",
    // With cognito_user_pool_enabled, the stack sets the app client's id.
    delivery: {
      by: 'variable',
      variable: 'jwt_audience',
      group: 'Function URL',
      fromLocal: 'jwt_audience',
      presentWhen: 'jwt_on',
      onlyWhen: { equals: ['FUNCTION_URL_AUTH_TYPE', 'NONE'] },
    },
  },
  AUTH_JWT_SCOPES: {
    type: 'list',
    default: [],
    itemPattern: {
      regex: '^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$',
      expected: 'OAuth scopes (printable characters, no spaces, quotes or backslashes), e.g. "agent/invoke"',
    },
    description: 'With jwt_issuer: scopes every token must carry (its `scope` or `scp` claim); empty requires none.',
    delivery: { by: 'variable', variable: 'jwt_required_scopes', group: 'Function URL', onlyWhen: { equals: ['FUNCTION_URL_AUTH_TYPE', 'NONE'] } },
  },
  AUTH_JWT_LOCAL_ISSUER: {
    type: 'string',
    default: '',
    pattern: {
      regex: '^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?(/[^\\s?#]*)?$',
      expected: 'a plain-http issuer on this machine, e.g. "http://127.0.0.1:4010"',
    },
    description: 'In place of AUTH_JWT_ISSUER, a plain-http OpenID Connect issuer on the loopback address: for tests and `npm run dev` only.',
    delivery: { by: 'local' },
  },
  AUTH_JWT_KEYS_COOLDOWN_MS: {
    type: 'int',
    default: 60_000,
    min: 0,
    max: 3_600_000,
    unit: 'milliseconds',
    description: "Least time between two fetches of the issuer's keys for a token whose key (kid) is unknown: tests shorten it.",
    delivery: { by: 'local' },
  },
  STATE_CALL_TIMEOUT_MS: {
    type: 'int',
    default: 2_000,
    min: 100,
    max: 60_000,
    unit: 'milliseconds',
    description:
      'Longest one call to the state table may take, retries included, before the request is refused (503): DynamoDB answers in milliseconds; tests and `npm run dev` raise it for a local table on a loaded machine.',
    delivery: { by: 'local' },
  },
  INIT_PREFETCH_BUDGET_MS: {
    type: 'int',
    default: 3_000,
    min: 100,
    max: 9_000,
    unit: 'milliseconds',
    description:
      "Longest the init prefetch may hold up init, all steps together (Lambda's init phase allows 10 s): a step not done by then is left to the first request. Tests shorten it.",
    delivery: { by: 'local' },
  },
  ALLOW_UNAUTHENTICATED: {
    type: 'bool',
    default: false,
    description: 'With auth type "NONE" and neither tokens nor jwt_issuer: serve anyone. Anyone who finds the URL can spend your model budget.',
    delivery: {
      by: 'variable',
      variable: 'allow_unauthenticated',
      group: 'Function URL',
      onlyWhen: { all: [{ equals: ['FUNCTION_URL_AUTH_TYPE', 'NONE'] }, { isEmpty: 'AUTH_TOKEN_SHA256' }, { isEmpty: 'AUTH_JWT_ISSUER' }] },
    },
  },
  MAX_REQUEST_BYTES: {
    type: 'int',
    default: 65_536,
    min: 1024,
    max: 6_291_456,
    unit: 'bytes',
    description: 'Largest request body accepted, in bytes (413 above it), 1024 to 6291456.',
    delivery: { by: 'variable', variable: 'max_request_bytes', group: 'Abuse limits' },
  },
  MAX_INPUT_CHARS: {
    type: 'int',
    default: 16_000,
    min: 1,
    max: 1_000_000,
    unit: 'characters',
    description: 'Longest `input` accepted, in characters, 1 to 1000000.',
    delivery: { by: 'variable', variable: 'max_input_chars', group: 'Abuse limits' },
  },
  MAX_MESSAGES: {
    type: 'int',
    default: 40,
    min: 0,
    max: 1000,
    unit: 'turns',
    description: 'Most prior turns a request may carry in `messages`, 0 to 1000.',
    delivery: { by: 'variable', variable: 'max_messages', group: 'Abuse limits' },
  },
  MAX_TOKENS_CAP: {
    type: 'int',
    default: 4096,
    min: 1,
    max: 128_000,
    unit: 'tokens',
    description: 'Largest `max_tokens` a caller may request per model call, 1 to 128000.',
    delivery: { by: 'variable', variable: 'max_tokens_cap', group: 'Abuse limits' },
  },
  DEFAULT_MAX_TOKENS: {
    type: 'int',
    default: 1024,
    min: 1,
    max: 128_000,
    unit: 'tokens',
    description: 'Default `max_tokens` per model call when the caller gives none, 1 to 128000; above max_tokens_cap it is cut to the cap.',
    delivery: { by: 'variable', variable: 'default_max_tokens', group: 'Abuse limits', capBy: 'MAX_TOKENS_CAP' },
  },
  TOKEN_BUDGET: {
    type: 'int',
    default: 100_000,
    min: 1,
    max: 10_000_000,
    unit: 'tokens',
    description: 'Input plus output tokens one request may spend across all its model calls, 1 to 10000000.',
    delivery: { by: 'variable', variable: 'token_budget', group: 'Abuse limits' },
  },
  MAX_ITERATIONS: {
    type: 'int',
    default: 8,
    min: 1,
    max: 100,
    unit: 'calls',
    description: 'Model calls per request, 1 to 100.',
    delivery: { by: 'variable', variable: 'max_iterations', group: 'Abuse limits' },
  },
  MAX_TOOL_CALLS: {
    type: 'int',
    default: 16,
    min: 0,
    max: 1000,
    unit: 'calls',
    description: 'Tool calls per request, 0 to 1000.',
    delivery: { by: 'variable', variable: 'max_tool_calls', group: 'Abuse limits' },
  },
  TOOL_TIMEOUT_MS: {
    type: 'int',
    default: 10_000,
    ...TOOL_TIMEOUT_BOUNDS,
    unit: 'milliseconds',
    description: 'Longest one tool call may run, in milliseconds, 1 to 900000; it then returns an error to the model.',
    delivery: { by: 'variable', variable: 'tool_timeout_ms', group: 'Abuse limits' },
  },
  MCP_SERVERS: {
    type: 'mcp_servers',
    default: {},
    keyPattern: {
      regex: '^[A-Za-z0-9-]+(_[A-Za-z0-9-]+)*$',
      expected:
        'a server name of 1 to 20 characters of A-Za-z0-9, "_" and "-", without "__" and not starting or ending with "_" (the model sees its tools as <server>__<tool>, which must name one server only)',
    },
    maxKeyChars: 20,
    maxEntries: 10,
    urlPattern: {
      regex: '^(https://[^\\s/@?#]+(/[^\\s?#]*)?|http://(127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|localhost|\\[::1\\])(:[0-9]{1,5})?(/[^\\s?#]*)?)$',
      expected:
        'an https URL without credentials, query or fragment, e.g. "https://mcp.example.com/mcp" (plain http only on a loopback address, for tests and npm run dev; a token belongs in auth_secret_arn, never in the URL)',
    },
    secretArnPattern: SECRET_ARN_PATTERN,
    toolNamePattern: { regex: '^[A-Za-z0-9_-]{1,64}$', expected: 'tool names of 1 to 64 characters of A-Za-z0-9, "_" and "-"' },
    maxToolNameChars: 64,
    maxAllowedTools: 100,
    timeoutMs: TOOL_TIMEOUT_BOUNDS,
    description:
      'Remote MCP servers (Streamable HTTP) whose tools the agent may call, by name, e.g. { orders = { url = "https://mcp.example.com/mcp", auth_secret_arn = "arn:aws:secretsmanager:…:secret:orders-mcp-AbCdEf", allowed_tools = ["lookup_order"], timeout_ms = 10000 } }: at most 10. The model sees each tool as <server>__<tool>. auth_secret_arn (optional) names the secret sent as "Authorization: Bearer <value>"; allowed_tools (optional, default every tool the server lists) is an allow-list; timeout_ms (optional, default tool_timeout_ms) bounds each call. In a VPC the servers are reached through NAT (nat_egress_enabled).',
    delivery: { by: 'variable', variable: 'mcp_servers', group: 'Tools' },
  },
  KNOWLEDGE_BASE_IDS: {
    type: 'list',
    default: [],
    itemPattern: { regex: '^[0-9A-Za-z]{1,10}$', expected: 'Amazon Bedrock knowledge base ids: up to 10 letters and digits each, e.g. "KB12345678"' },
    description:
      'Amazon Bedrock knowledge bases in the function\'s Region the agent may search with the tool knowledge_base_search (the Retrieve API), e.g. ["KB12345678"]. The role may bedrock:Retrieve exactly these. Empty: no such tool.',
    delivery: { by: 'variable', variable: 'knowledge_base_ids', group: 'Tools' },
  },
  SERVER_TOOLS: {
    type: 'list',
    default: [],
    itemPattern: { regex: '^(web_search|web_fetch|code_execution)$', expected: 'server tool names: "web_search", "web_fetch" or "code_execution"' },
    description:
      'Anthropic\'s server-side tools the model may use, run by the Messages API itself, any of ["web_search", "web_fetch", "code_execution"]. Web searches are priced (10 US dollars per 1000) into cost_usd, CostUSD and the budgets; fetches cost their tokens only; code execution is billed by Anthropic per container hour, which no response reports. The Anthropic API only: Bedrock runs none of them.',
    delivery: { by: 'variable', variable: 'server_tools', group: 'Tools' },
  },
  WEB_SEARCH_MAX_USES: {
    type: 'int',
    default: 5,
    min: 1,
    max: 100,
    unit: 'searches',
    description: 'With web_search in server_tools: most web searches one model call may make, 1 to 100.',
    delivery: { by: 'variable', variable: 'web_search_max_uses', group: 'Tools', onlyWhen: { notEmpty: 'SERVER_TOOLS' } },
  },
  WEB_FETCH_MAX_USES: {
    type: 'int',
    default: 5,
    min: 1,
    max: 100,
    unit: 'fetches',
    description: 'With web_fetch in server_tools: most pages one model call may fetch, 1 to 100.',
    delivery: { by: 'variable', variable: 'web_fetch_max_uses', group: 'Tools', onlyWhen: { notEmpty: 'SERVER_TOOLS' } },
  },
  WEB_ALLOWED_DOMAINS: {
    type: 'list',
    default: [],
    itemPattern: {
      regex: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(/[^\\s]*)?$',
      expected: 'lower-case domains, optionally with a path, e.g. "docs.example.com" or "example.com/blog"',
    },
    description: 'With web_search or web_fetch: the only domains they may reach, e.g. ["docs.example.com"]. Empty: any domain.',
    delivery: { by: 'variable', variable: 'web_allowed_domains', group: 'Tools', onlyWhen: { notEmpty: 'SERVER_TOOLS' } },
  },
  LOG_CONTENT: {
    type: 'bool',
    default: false,
    description: 'Write prompts and answers into the request log lines (they may hold personal data).',
    delivery: { by: 'variable', variable: 'log_content', group: 'Observability' },
  },
  METRICS_NAMESPACE: {
    type: 'string',
    default: DEFAULT_METRICS_NAMESPACE,
    pattern: {
      // CloudWatch's namespace characters, not starting with white space or with the reserved "AWS/" (RE2 has no lookahead).
      regex: '^([0-9B-Za-z._/#:-]|A$|A[0-9A-VX-Za-z._/#: -]|AW$|AW[0-9A-RT-Za-z._/#: -]|AWS$|AWS[0-9A-Za-z._#: -])[0-9A-Za-z._/#: -]*$',
      expected: 'a CloudWatch namespace: letters, digits and ". - _ / # : space", not starting with a space or "AWS/", e.g. "ClaudeAgent" or "Agents/Support"',
    },
    maxLength: { chars: 255, why: 'CloudWatch namespaces have at most 255 characters' },
    description: 'CloudWatch namespace of the metrics the function writes into its log lines (embedded metric format).',
    delivery: {
      by: 'variable',
      variable: 'metrics_namespace',
      group: 'Observability',
      onlyWhen: { differs: ['METRICS_NAMESPACE', DEFAULT_METRICS_NAMESPACE] },
    },
  },
  SYSTEM_PROMPT: {
    type: 'string',
    default: '',
    maxLength: { chars: 3000, why: 'Lambda environment variables total 4 KB; for a longer prompt edit src/function/system-prompt.md' },
    description: 'Replaces the bundled system prompt (src/function/system-prompt.md) without a rebuild; empty keeps it.',
    delivery: { by: 'variable', variable: 'system_prompt', group: 'Model' },
  },
  SESSIONS_ENABLED: {
    type: 'bool',
    default: false,
    description: 'Server-side conversations: POST /agent accepts session_id, and GET and DELETE /sessions/{id} read and end one. Creates the state table.',
    delivery: { by: 'variable', variable: 'sessions_enabled', group: 'Sessions and budgets', onlyWhen: { isTrue: 'SESSIONS_ENABLED' } },
  },
  MAX_SESSION_TURNS: {
    type: 'int',
    default: 20,
    min: 2,
    max: 200,
    unit: 'turns',
    description: 'Turns (user or assistant messages) a session keeps, 2 to 200; the oldest are dropped first.',
    delivery: { by: 'variable', variable: 'max_session_turns', group: 'Sessions and budgets', onlyWhen: { isTrue: 'SESSIONS_ENABLED' } },
  },
  SESSION_TTL_HOURS: {
    type: 'int',
    default: 24,
    min: 1,
    max: 8760,
    unit: 'hours',
    description: 'Hours a session lives after its last use, 1 to 8760.',
    delivery: { by: 'variable', variable: 'session_ttl_hours', group: 'Sessions and budgets', onlyWhen: { isTrue: 'SESSIONS_ENABLED' } },
  },
  CALLER_DAILY_TOKEN_BUDGET: {
    type: 'int',
    default: 0,
    min: 0,
    max: 1_000_000_000,
    unit: 'tokens',
    description: 'Input plus output tokens one caller may spend per UTC day, 0 (off) to 1000000000. Creates the state table.',
    delivery: { by: 'variable', variable: 'caller_daily_token_budget', group: 'Sessions and budgets', onlyWhen: { isPositive: 'CALLER_DAILY_TOKEN_BUDGET' } },
  },
  DAILY_COST_BUDGET_USD: {
    type: 'number',
    default: 0,
    min: 0,
    max: 1_000_000,
    unit: 'US dollars',
    description: 'Estimated model cost all callers together may spend per UTC day, in US dollars at list prices, 0 (off) to 1000000. Creates the state table.',
    delivery: { by: 'variable', variable: 'daily_cost_budget_usd', group: 'Sessions and budgets', onlyWhen: { isPositive: 'DAILY_COST_BUDGET_USD' } },
  },
  STATE_TABLE_NAME: {
    type: 'string',
    default: '',
    description: 'The DynamoDB table holding sessions and usage, `<function_name>-state`, created when a feature needs it.',
    delivery: { by: 'stack', local: 'state_table_name', onlyWhen: 'state_table_needed' },
  },
  ASYNC_JOBS_ENABLED: {
    type: 'bool',
    default: false,
    description:
      'Long runs as jobs: POST /jobs queues a request (202), GET /jobs/{id} reports it, DELETE /jobs/{id} cancels it; a worker function runs them from an SQS queue. Creates the state table.',
    delivery: { by: 'variable', variable: 'async_jobs_enabled', group: 'Jobs', onlyWhen: { isTrue: 'ASYNC_JOBS_ENABLED' } },
  },
  JOB_RETENTION_HOURS: {
    type: 'int',
    default: 168,
    min: 1,
    max: 8760,
    unit: 'hours',
    description: 'Hours a job (its status, result and Idempotency-Key) is kept after it is submitted, 1 to 8760.',
    delivery: { by: 'variable', variable: 'job_retention_hours', group: 'Jobs', onlyWhen: { isTrue: 'ASYNC_JOBS_ENABLED' } },
  },
  JOB_MAX_RECEIVE_COUNT: {
    type: 'int',
    default: 3,
    min: 1,
    max: 100,
    unit: 'attempts',
    description:
      'Deliveries of a job before its message goes to the dead-letter queue, 1 to 100: a job whose attempt died (timeout, crash) is retried, and after the last one it is failed.',
    delivery: { by: 'variable', variable: 'job_max_receive_count', group: 'Jobs', onlyWhen: { isTrue: 'ASYNC_JOBS_ENABLED' }, worker: true },
  },
  JOB_MAX_ITERATIONS: {
    type: 'int',
    default: 0,
    min: 0,
    max: 100,
    unit: 'calls',
    description: 'Model calls per job, 0 (the same as max_iterations) to 100.',
    delivery: { by: 'variable', variable: 'job_max_iterations', group: 'Jobs', onlyWhen: { isTrue: 'ASYNC_JOBS_ENABLED' }, worker: true },
  },
  JOB_MAX_TOOL_CALLS: {
    type: 'int',
    default: 0,
    min: 0,
    max: 1000,
    unit: 'calls',
    description: 'Tool calls per job, 0 (the same as max_tool_calls) to 1000.',
    delivery: { by: 'variable', variable: 'job_max_tool_calls', group: 'Jobs', onlyWhen: { isTrue: 'ASYNC_JOBS_ENABLED' }, worker: true },
  },
  JOB_TOKEN_BUDGET: {
    type: 'int',
    default: 0,
    min: 0,
    max: 10_000_000,
    unit: 'tokens',
    description: 'Input plus output tokens one job may spend, 0 (the same as token_budget) to 10000000.',
    delivery: { by: 'variable', variable: 'job_token_budget', group: 'Jobs', onlyWhen: { isTrue: 'ASYNC_JOBS_ENABLED' }, worker: true },
  },
  JOB_EVENTS_ENABLED: {
    type: 'bool',
    default: false,
    description:
      'Put an "Agent Job Finished" event on the default EventBridge bus when a job ends (job id, caller, status, usage and cost; never the prompt or the answer).',
    delivery: {
      by: 'variable',
      variable: 'job_events_enabled',
      group: 'Jobs',
      onlyWhen: { all: [{ isTrue: 'ASYNC_JOBS_ENABLED' }, { isTrue: 'JOB_EVENTS_ENABLED' }] },
      worker: true,
    },
  },
  JOBS_QUEUE_URL: {
    type: 'string',
    default: '',
    description: 'The URL of the jobs queue, `<function_name>-jobs`, created when async_jobs_enabled is true.',
    delivery: { by: 'stack', local: 'jobs_queue_url', onlyWhen: 'jobs_enabled' },
  },
  JOB_EVENT_SOURCE: {
    type: 'string',
    default: '',
    description: 'The `source` of the worker\'s "Agent Job Finished" events: the agent\'s function_name.',
    delivery: { by: 'stack', local: 'job_event_source', onlyWhen: 'job_events_on', worker: true },
  },
  BREAKER_FUNCTION_NAMES: {
    type: 'list',
    default: [],
    description:
      'The functions the cost kill switch closes (reserved concurrency 0): the agent, and the jobs worker when jobs are on. Read by the breaker function only.',
    delivery: { by: 'breaker', local: 'breaker_function_names' },
  },
  AWS_REGION: {
    type: 'string',
    default: 'us-east-1',
    description: 'The Region the function runs in.',
    delivery: { by: 'lambda' },
  },
  _HANDLER: {
    type: 'string',
    default: '',
    description:
      "The export Lambda runs (index.handler, index.streamHandler, index.jobHandler or index.breakerHandler): the init prefetch does that export's work only.",
    delivery: { by: 'lambda' },
  },
  AWS_LAMBDA_INITIALIZATION_TYPE: {
    type: 'string',
    default: 'on-demand',
    description:
      'How Lambda started the environment ("on-demand", "provisioned-concurrency"): a provisioned one waits for traffic, so the init prefetch opens no connection it would leave idle.',
    delivery: { by: 'lambda' },
  },
  AWS_LAMBDA_FUNCTION_NAME: {
    type: 'string',
    default: 'local',
    description: "The function's name: the FunctionName dimension of its metrics.",
    delivery: { by: 'lambda' },
  },
} as const satisfies Readonly<Record<string, Setting>>;

export type SettingName = keyof typeof SETTINGS;

/** Rules that span settings: checked by Terraform at plan and by the function before it serves. */
export const SETTING_RULES: readonly SettingRule[] = [
  {
    setting: 'DEFAULT_MODEL_TIER',
    holds: { any: [{ isEmpty: 'MODEL_TIERS' }, { isKeyOf: ['DEFAULT_MODEL_TIER', 'MODEL_TIERS'] }] },
    message: (n) => `${n('DEFAULT_MODEL_TIER')} must name one of ${n('MODEL_TIERS')}' tiers: it is the model of every request that names none.`,
  },
  {
    setting: 'MODEL_ID',
    holds: { any: [{ isEmpty: 'MODEL_TIERS' }, { isEmpty: 'MODEL_ID' }] },
    message: (n) =>
      `${n('MODEL_ID')} and ${n('MODEL_TIERS')} are both set: with tiers, the default model is the one ${n('DEFAULT_MODEL_TIER')} names. Empty ${n('MODEL_ID')}, or put its model in a tier.`,
  },
  {
    setting: 'FUNCTION_URL_AUTH_TYPE',
    holds: {
      any: [
        { differs: ['FUNCTION_URL_AUTH_TYPE', 'NONE'] },
        { notEmpty: 'AUTH_TOKEN_SHA256' },
        { notEmpty: 'AUTH_JWT_ISSUER' },
        { notEmpty: 'AUTH_JWT_LOCAL_ISSUER' },
        { stackFlag: 'cognito_user_pool_enabled' },
        { isTrue: 'ALLOW_UNAUTHENTICATED' },
      ],
    },
    message: (n) =>
      `${n('FUNCTION_URL_AUTH_TYPE')} "NONE" makes the URL public: set ${n('AUTH_TOKEN_SHA256')} to the SHA-256 digests of your bearer tokens, or ${n('AUTH_JWT_ISSUER')} (with ${n('AUTH_JWT_AUDIENCE')}) to accept sign-in tokens (or cognito_user_pool_enabled = true for a Cognito user pool of its own), or set ${n('ALLOW_UNAUTHENTICATED')} = true to serve anyone (denial-of-wallet risk).`,
  },
  {
    setting: 'AUTH_JWT_AUDIENCE',
    holds: { any: [{ all: [{ isEmpty: 'AUTH_JWT_ISSUER' }, { isEmpty: 'AUTH_JWT_LOCAL_ISSUER' }] }, { notEmpty: 'AUTH_JWT_AUDIENCE' }] },
    message: (n) =>
      `${n('AUTH_JWT_ISSUER')} is set, but ${n('AUTH_JWT_AUDIENCE')} is empty: set it to the audiences your tokens carry (for Cognito, the app client id), so tokens the issuer made for other apps are refused.`,
  },
  {
    setting: 'SERVER_TOOLS',
    holds: { any: [{ isEmpty: 'SERVER_TOOLS' }, { equals: ['LLM_PROVIDER', 'anthropic'] }] },
    message: (n) =>
      `${n('SERVER_TOOLS')} (web_search, web_fetch, code_execution) run on Anthropic's servers, and ${n('LLM_PROVIDER')} "bedrock" offers none of them: empty ${n('SERVER_TOOLS')}, or use ${n('LLM_PROVIDER')} = "anthropic".`,
  },
  {
    setting: 'AUTH_JWT_LOCAL_ISSUER',
    holds: { any: [{ isEmpty: 'AUTH_JWT_ISSUER' }, { isEmpty: 'AUTH_JWT_LOCAL_ISSUER' }] },
    message: (n) => `${n('AUTH_JWT_ISSUER')} and ${n('AUTH_JWT_LOCAL_ISSUER')} are both set: use one issuer.`,
  },
];

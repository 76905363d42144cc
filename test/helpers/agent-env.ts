/**
 * Environment for handler tests: stubbed in beforeEach, restored in
 * afterEach, with the per-container caches (config, provider, secret)
 * dropped so each test starts cold.
 */
import { setLogSink } from '../../src/function/logging';
import { resetSecretCache } from '../../src/function/providers/secrets';
import { resetRuntime } from '../../src/function/runtime';

const MANAGED = [
  'LLM_PROVIDER', 'MODEL_ID', 'ANTHROPIC_API_KEY', 'ANTHROPIC_API_KEY_SECRET_ARN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_BEDROCK_BASE_URL',
  'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL',
  'AWS_EXECUTION_ENV', 'AWS_PROFILE', 'LOG_CONTENT', 'SYSTEM_PROMPT', 'MAX_REQUEST_BYTES', 'MAX_INPUT_CHARS', 'MAX_MESSAGES', 'MAX_TOKENS_CAP',
  'DEFAULT_MAX_TOKENS', 'MAX_ITERATIONS', 'MAX_TOOL_CALLS', 'TOKEN_BUDGET', 'TOOL_TIMEOUT_MS',
  'FUNCTION_URL_AUTH_TYPE', 'AUTH_TOKEN_SHA256', 'ALLOW_UNAUTHENTICATED',
];

export interface AgentEnv {
  /** JSON log lines written by the handler since the env was applied. */
  readonly logs: Array<Record<string, any>>;
  restore(): void;
}

export function applyAgentEnv(values: Record<string, string>): AgentEnv {
  const saved = Object.fromEntries(MANAGED.map((name) => [name, process.env[name]]));
  for (const name of MANAGED) delete process.env[name];
  Object.assign(process.env, values);
  resetRuntime();
  resetSecretCache();
  const logs: Array<Record<string, any>> = [];
  const previousSink = setLogSink((line) => logs.push(JSON.parse(line)));
  return {
    logs,
    restore() {
      setLogSink(previousSink);
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      resetRuntime();
      resetSecretCache();
    },
  };
}

/** The usual environment: Anthropic provider, a local key, the mock API as base URL. */
export function anthropicEnv(baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { LLM_PROVIDER: 'anthropic', MODEL_ID: 'claude-sonnet-5-5', ANTHROPIC_API_KEY: 'sk-ant-local-test', ANTHROPIC_BASE_URL: baseUrl, ...extra };
}

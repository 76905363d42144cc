/**
 * Environment for handler tests: stubbed in beforeEach, restored in
 * afterEach, with the per-container caches (config, provider, secret)
 * dropped so each test starts cold.
 */
import { setLogSink } from '../../src/function/logging';
import { startMessagesApi, type MessagesApiServer } from '../fixtures/servers/messages-api';
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

export interface AgentTestContext {
  /** The local Messages API of this describe block, reset before each test. */
  readonly api: MessagesApiServer;
  /** This test's environment (log lines included). */
  readonly env: AgentEnv;
  /** Replaces this test's environment with `envFor(api.url)` merged with `extra`. */
  useEnv(extra: Record<string, string>): void;
}

/**
 * Registers the hooks most handler tests share: one local Messages API for
 * the describe block (closed in afterAll), and a fresh, cold environment per
 * test (restored in afterEach).
 */
export function withAgentRuntime(envFor: (apiUrl: string) => Record<string, string> = (url) => anthropicEnv(url)): AgentTestContext {
  let api: MessagesApiServer | undefined;
  let env: AgentEnv | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is only available inside a test`);
    return value;
  };
  beforeAll(async () => {
    api = await startMessagesApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(() => {
    ready(api, 'api').reset();
    env = applyAgentEnv(envFor(ready(api, 'api').url));
  });
  afterEach(() => env?.restore());
  return {
    get api() {
      return ready(api, 'api');
    },
    get env() {
      return ready(env, 'env');
    },
    useEnv(extra) {
      env?.restore();
      env = applyAgentEnv({ ...envFor(ready(api, 'api').url), ...extra });
    },
  };
}

/**
 * The settings table is the function's whole configuration contract: its
 * defaults, its limits, its errors, and the only way the function reads its
 * environment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveAuth, resolveConfig } from '../../src/function/config';
import { ConfigError } from '../../src/function/errors';
import { readSettings } from '../../src/function/settings/read';
import { SETTINGS, SETTING_RULES } from '../../src/function/settings/table';
import type { Condition } from '../../src/function/settings/types';
import { REPO_ROOT } from '../helpers/project';

const FUNCTION_DIR = path.join(REPO_ROOT, 'src', 'function');

describe('settings', () => {
  test('an empty environment gives every default of the table', () => {
    const config = resolveConfig({});
    expect(config).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-5-5', awsRegion: 'us-east-1', logContent: false });
    expect(resolveAuth({})).toEqual({ kind: 'iam' });
    expect(config.limits).toEqual({
      maxRequestBytes: SETTINGS.MAX_REQUEST_BYTES.default,
      maxInputChars: SETTINGS.MAX_INPUT_CHARS.default,
      maxMessages: SETTINGS.MAX_MESSAGES.default,
      maxTokensCap: SETTINGS.MAX_TOKENS_CAP.default,
      defaultMaxTokens: SETTINGS.DEFAULT_MAX_TOKENS.default,
      maxIterations: SETTINGS.MAX_ITERATIONS.default,
      maxToolCalls: SETTINGS.MAX_TOOL_CALLS.default,
      tokenBudget: SETTINGS.TOKEN_BUDGET.default,
      toolTimeoutMs: SETTINGS.TOOL_TIMEOUT_MS.default,
    });
    expect(config.systemPrompt).toMatch(/^You are a helpful, precise assistant/);
  });

  test('bedrock defaults to the US Claude Sonnet 5.5 inference profile', () => {
    expect(resolveConfig({ LLM_PROVIDER: 'bedrock' }).model).toBe('us.anthropic.claude-sonnet-5-5');
  });

  test('a key in the environment is never read: the key comes from Secrets Manager only', () => {
    expect(JSON.stringify(resolveConfig({ ANTHROPIC_API_KEY: 'sk-ant-in-the-environment' }))).not.toContain('sk-ant-in-the-environment');
  });

  test('DEFAULT_MAX_TOKENS above MAX_TOKENS_CAP is cut to the cap, as the stack cuts it', () => {
    expect(resolveConfig({ DEFAULT_MAX_TOKENS: '5000', MAX_TOKENS_CAP: '2000' }).limits.defaultMaxTokens).toBe(2000);
  });

  const INVALID: Array<[label: string, env: Record<string, string>, message: string]> = [
    ['an unknown provider', { LLM_PROVIDER: 'openai' }, 'Environment variable LLM_PROVIDER must be one of anthropic, bedrock.'],
    ['zero iterations', { MAX_ITERATIONS: '0' }, 'Environment variable MAX_ITERATIONS must be a whole number from 1 to 100.'],
    ['a fractional budget', { TOKEN_BUDGET: '12.5' }, 'Environment variable TOKEN_BUDGET must be a whole number from 1 to 10000000.'],
    ['a boolean spelt "yes"', { LOG_CONTENT: 'yes' }, 'Environment variable LOG_CONTENT must be "true" or "false".'],
    [
      'a token instead of its digest',
      { FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: 'my-plain-text-token' },
      'Environment variable AUTH_TOKEN_SHA256 must hold lower-case hex SHA-256 digests',
    ],
    ['a base URL without scheme', { ANTHROPIC_BASE_URL: 'gw.internal.test' }, 'Environment variable ANTHROPIC_BASE_URL must be an http(s) URL'],
    ['a 3001-character prompt', { SYSTEM_PROMPT: 'x'.repeat(3001) }, 'Environment variable SYSTEM_PROMPT must be at most 3000 characters'],
    ['tiers as a JSON list', { MODEL_TIERS: '["claude-haiku-4-5"]' }, 'Environment variable MODEL_TIERS must be a JSON object of names to strings'],
    [
      'a tier with an empty model',
      { MODEL_TIERS: '{"fast":""}', DEFAULT_MODEL_TIER: 'fast' },
      'Environment variable MODEL_TIERS must have values that are model ids',
    ],
    [
      'eleven tiers',
      { MODEL_TIERS: JSON.stringify(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`tier${i}`, 'claude-haiku-4-5']))), DEFAULT_MODEL_TIER: 'tier0' },
      'Environment variable MODEL_TIERS must have at most 10 entries',
    ],
  ];

  test.each(INVALID)('rejects %s, naming the variable and what it allows but never the value', (_label, env, message) => {
    expect(() => readSettings(env)).toThrow(ConfigError);
    expect(() => readSettings(env)).toThrow(message);
    try {
      readSettings(env);
    } catch (error) {
      for (const value of Object.values(env)) if (value.length > 4) expect((error as Error).message).not.toContain(value);
    }
  });

  test('NONE without token digests or the opt-out is refused by the table’s rule, in the function’s names', () => {
    expect(() => readSettings({ FUNCTION_URL_AUTH_TYPE: 'NONE' })).toThrow(
      'FUNCTION_URL_AUTH_TYPE "NONE" makes the URL public: set AUTH_TOKEN_SHA256 to the SHA-256 digests of your bearer tokens, or AUTH_JWT_ISSUER (with AUTH_JWT_AUDIENCE) to accept sign-in tokens (or cognito_user_pool_enabled = true for a Cognito user pool of its own), or set ALLOW_UNAUTHENTICATED = true',
    );
    expect(readSettings({ FUNCTION_URL_AUTH_TYPE: 'NONE', ALLOW_UNAUTHENTICATED: 'true' }).ALLOW_UNAUTHENTICATED).toBe(true);
  });

  test('with tiers, the default model is the default tier’s, and every tier is offered', () => {
    const config = resolveConfig({ MODEL_TIERS: '{"fast":"claude-haiku-4-5","deep":"claude-opus-4-5"}', DEFAULT_MODEL_TIER: 'deep' });
    expect(config.model).toBe('claude-opus-4-5');
    expect(config.models).toEqual({ defaultModel: 'claude-opus-4-5', defaultTier: 'deep', tiers: { fast: 'claude-haiku-4-5', deep: 'claude-opus-4-5' } });
  });

  test('a tier whose model has no price is refused, budget or not, naming the model and MODEL_PRICES', () => {
    const env = { MODEL_TIERS: '{"fast":"claude-haiku-4-5","house":"my-fine-tuned-model"}', DEFAULT_MODEL_TIER: 'fast' };
    expect(() => resolveConfig(env)).toThrow(/^The model my-fine-tuned-model \(MODEL_ID or MODEL_TIERS\) has no price, .* add it to MODEL_PRICES/);
    const priced = resolveConfig({
      ...env,
      MODEL_PRICES: '{"my-fine-tuned-model":{"input_usd_per_mtok":2,"output_usd_per_mtok":8,"cache_write_usd_per_mtok":null}}',
    });
    expect(priced.prices['my-fine-tuned-model']).toMatchObject({ input_usd_per_mtok: 2, output_usd_per_mtok: 8 });
  });

  test.each([
    ['not JSON', 'x'],
    ['a list', '[]'],
    ['a price that is a string', '{"m":{"input_usd_per_mtok":"1","output_usd_per_mtok":5}}'],
    ['a negative price', '{"m":{"input_usd_per_mtok":-1,"output_usd_per_mtok":5}}'],
    ['a missing output price', '{"m":{"input_usd_per_mtok":1}}'],
    ['an unknown field', '{"m":{"input_usd_per_mtok":1,"output_usd_per_mtok":5,"per_request":1}}'],
  ])('MODEL_PRICES that is %s is refused, saying what it must be', (_, value) => {
    expect(() => resolveConfig({ MODEL_PRICES: value })).toThrow(
      /^Environment variable MODEL_PRICES must be a JSON object of model ids to \{"input_usd_per_mtok":n,"output_usd_per_mtok":n\}/,
    );
  });

  test('MCP_SERVERS as Terraform writes it (unset optional fields null) becomes the servers, optional fields left out', () => {
    const config = resolveConfig({
      MCP_SERVERS: JSON.stringify({
        orders: {
          url: 'https://mcp.example.com/mcp',
          auth_secret_arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf',
          allowed_tools: ['lookup_order'],
          timeout_ms: 5000,
        },
        'local-docs': { url: 'http://127.0.0.1:8931/mcp', auth_secret_arn: null, allowed_tools: null, timeout_ms: null },
      }),
    });
    expect(config.mcpServers).toEqual({
      orders: {
        url: 'https://mcp.example.com/mcp',
        authSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf',
        allowedTools: ['lookup_order'],
        timeoutMs: 5000,
      },
      'local-docs': { url: 'http://127.0.0.1:8931/mcp' },
    });
  });

  const server = (fields: Record<string, unknown>) => JSON.stringify({ orders: { url: 'https://mcp.example.com/mcp', ...fields } });
  test.each([
    ['plain http to a host that is not loopback', server({ url: 'http://mcp.example.com/mcp' }), /orders" whose url must be an https URL/],
    ['credentials in the URL', server({ url: 'https://user:pw@mcp.example.com/mcp' }), /orders" whose url must be/],
    [
      'a key in the query string',
      server({ url: 'https://mcp.example.com/mcp?api_key=k' }),
      /orders" whose url must be an https URL without credentials, query or fragment/,
    ],
    ['a loopback look-alike host', server({ url: 'http://localhost.example.com/mcp' }), /orders" whose url must be/],
    [
      'a secret ARN without its 6 random characters',
      server({ auth_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders' }),
      /whose auth_secret_arn must be the complete ARN/,
    ],
    ['an empty allow-list', server({ allowed_tools: [] }), /whose allowed_tools must be a list of 1 to 100 tool names/],
    ['a tool name with a dot', server({ allowed_tools: ['orders.lookup'] }), /whose allowed_tools must be tool names of 1 to 64/],
    ['a tool name the model could not see whole', server({ allowed_tools: ['x'.repeat(60)] }), /"orders__x+" is longer than 64 characters/],
    ['a fractional timeout', server({ timeout_ms: 1.5 }), /whose timeout_ms must be a whole number of milliseconds from 1 to 900000/],
    ['an unknown field', server({ headers: { 'X-Api-Key': 'k' } }), /fields must be url, auth_secret_arn, allowed_tools and timeout_ms only \(not "headers"\)/],
    ['a server name with "__" (its tools would be ambiguous)', JSON.stringify({ a__b: { url: 'https://x.example.com' } }), /names that are each a server name/],
    ['a server name ending in "_"', JSON.stringify({ a_: { url: 'https://x.example.com' } }), /names that are each a server name/],
    ['a server name of 21 characters', JSON.stringify({ ['s'.repeat(21)]: { url: 'https://x.example.com' } }), /server names of at most 20 characters/],
  ])('MCP_SERVERS with %s is refused, naming the server and the field', (_, value, message) => {
    expect(() => resolveConfig({ MCP_SERVERS: value })).toThrow(message);
    expect(() => resolveConfig({ MCP_SERVERS: value })).toThrow(/^Environment variable MCP_SERVERS /);
  });

  test('server tools on Bedrock are refused, naming the setting and the fix', () => {
    expect(() => resolveConfig({ LLM_PROVIDER: 'bedrock', SERVER_TOOLS: 'web_search' })).toThrow(
      /^SERVER_TOOLS \(web_search, web_fetch, code_execution\) run on Anthropic's servers, and LLM_PROVIDER "bedrock" offers none of them: empty SERVER_TOOLS, or use LLM_PROVIDER = "anthropic"\.$/,
    );
    expect(resolveConfig({ SERVER_TOOLS: 'web_search,code_execution' }).serverTools).toEqual({
      names: ['web_search', 'code_execution'],
      webSearchMaxUses: 5,
      webFetchMaxUses: 5,
      allowedDomains: [],
    });
    expect(() => resolveConfig({ SERVER_TOOLS: 'computer' })).toThrow(
      /SERVER_TOOLS must hold server tool names: "web_search", "web_fetch" or "code_execution"/,
    );
  });

  test('every environment variable the configuration reads is in the table', () => {
    const read = new Set<string>();
    const recording = new Proxy({}, { get: (_target, name) => (typeof name === 'string' && read.add(name), undefined) });
    resolveConfig(recording);
    expect([...read].filter((name) => !(name in SETTINGS))).toEqual([]);
    expect([...read].sort()).toEqual(Object.keys(SETTINGS).sort());
  });

  const sources = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : /\.m?ts$/.test(e.name) ? [path.join(dir, e.name)] : []));

  test("no module of the function reads a setting's description: the build leaves them out of the zip", () => {
    // A module that reaches the table (SETTINGS, or a setting it is handed) and reads `.description`.
    const readers = sources(FUNCTION_DIR).filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return /\bSETTINGS\b|\bsetting\b/.test(text) && /(?:\bSETTINGS(?:\.\w+|\[[^\]]+\])|\bsetting)\.description\b/.test(text);
    });
    expect(readers.map((f) => path.relative(FUNCTION_DIR, f))).toEqual([]);
  });

  test('no module of the function reads the environment but through the table', () => {
    const readers = sources(FUNCTION_DIR).filter((file) => /process\.env|\benv\s*\[|\benv\.[A-Z_]+/.test(fs.readFileSync(file, 'utf8')));
    // runtime.ts hands process.env to the configuration, init.mts to the prefetch, metrics/context.ts to the metrics' own two
    // settings and breaker/handler.ts to the kill switch's; settings/read.ts is the table's reader. providers/get-secret-value.ts
    // stands in for the AWS SDK's client and reads the SDK's own variables (the role's credentials, the endpoint), as the SDK does.
    expect(readers.map((f) => path.relative(FUNCTION_DIR, f)).sort()).toEqual([
      'breaker/handler.ts',
      'init.mts',
      'metrics/context.ts',
      'providers/get-secret-value.ts',
      'runtime.ts',
      'settings/read.ts',
    ]);
  });

  test('conditions and rules name only settings of the table, and each variable backs one setting', () => {
    // A stack flag names a Terraform variable that is no setting, by design.
    const names = (condition: Condition): string[] =>
      'all' in condition
        ? condition.all.flatMap(names)
        : 'any' in condition
          ? condition.any.flatMap(names)
          : 'stackFlag' in condition
            ? []
            : ([Object.values(condition)[0]].flat().slice(0, 1) as string[]);
    const referenced = [
      ...Object.values(SETTINGS).flatMap((s) => (s.delivery.by === 'variable' && 'onlyWhen' in s.delivery ? names(s.delivery.onlyWhen as Condition) : [])),
      ...Object.values(SETTINGS).flatMap((s) => (s.delivery.by === 'variable' && 'capBy' in s.delivery ? [s.delivery.capBy as string] : [])),
      ...SETTING_RULES.flatMap((rule) => [rule.setting, ...names(rule.holds)]),
    ];
    expect(referenced.filter((name) => !(name in SETTINGS))).toEqual([]);
    const variables = Object.values(SETTINGS).flatMap((s) => (s.delivery.by === 'variable' ? [s.delivery.variable] : []));
    expect(new Set(variables).size).toBe(variables.length);
  });

  test('who may call is read from the auth settings alone: a broken unrelated setting does not stop authentication', () => {
    const digest = 'a'.repeat(64);
    expect(resolveAuth({ FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: digest, MAX_TOKENS_CAP: 'lots' })).toEqual({
      kind: 'token',
      digests: [Buffer.from(digest, 'hex')],
    });
    expect(() => resolveAuth({ FUNCTION_URL_AUTH_TYPE: 'NONE' })).toThrow(/FUNCTION_URL_AUTH_TYPE "NONE" makes the URL public/);
  });
});

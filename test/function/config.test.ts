/** The runtime configuration: defaults in one place, and clear errors for bad values. */
import { DEFAULT_LIMITS, resolveConfig } from '../../src/function/config';
import { ConfigError } from '../../src/function/errors';

describe('resolveConfig', () => {
  test('an empty environment gives the Anthropic provider, its default model and the default limits', () => {
    const config = resolveConfig({});
    expect(config).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-5-5', awsRegion: 'us-east-1', logContent: false, limits: DEFAULT_LIMITS });
    expect(config.systemPrompt).toMatch(/^You are a helpful, precise assistant/);
  });

  test('bedrock defaults to the US Claude Sonnet 5.5 inference profile', () => {
    expect(resolveConfig({ LLM_PROVIDER: 'bedrock' }).model).toBe('us.anthropic.claude-sonnet-5-5');
  });

  test('a key in the environment is never read: the key comes from Secrets Manager only', () => {
    expect(JSON.stringify(resolveConfig({ ANTHROPIC_API_KEY: 'sk-ant-in-the-environment' }))).not.toContain('sk-ant-in-the-environment');
  });

  test.each([
    [{ LLM_PROVIDER: 'openai' }, 'Environment variable LLM_PROVIDER is "openai"; it must be one of anthropic, bedrock.'],
    [{ MAX_ITERATIONS: '0' }, 'Environment variable MAX_ITERATIONS is "0"; it must be a whole number from 1 to 100.'],
    [{ TOKEN_BUDGET: '12.5' }, 'Environment variable TOKEN_BUDGET is "12.5"; it must be a whole number from 1 to 10000000.'],
    [{ LOG_CONTENT: 'yes' }, 'Environment variable LOG_CONTENT is "yes"; it must be "true" or "false".'],
    [{ DEFAULT_MAX_TOKENS: '5000' }, 'DEFAULT_MAX_TOKENS (5000) is above MAX_TOKENS_CAP (4096); lower it or raise the cap.'],
  ])('rejects %j', (env, message) => {
    expect(() => resolveConfig(env)).toThrow(ConfigError);
    expect(() => resolveConfig(env)).toThrow(message);
  });
});

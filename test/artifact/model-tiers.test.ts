/**
 * Model tiers (MODEL_TIERS, DEFAULT_MODEL_TIER): callers pick a tier by name
 * with the request field `model`, never a model id. Through the zip under the
 * runtime client, against the local Messages API and Bedrock stand-in.
 */
import { agentEvent, eventFixture } from '../helpers/events';
import { anthropicEnv, withZipRuntime } from '../helpers/zip-runtime';

const TIERS = { fast: 'claude-haiku-4-5', standard: 'claude-sonnet-5-5', deep: 'claude-opus-4-5' };
const answer = { kind: 'message' as const, content: [{ type: 'text' as const, text: 'ok' }], usage: { input_tokens: 1000, output_tokens: 100 } };

describe('model tiers (Anthropic API)', () => {
  const ctx = withZipRuntime((services) => {
    // With tiers, MODEL_ID stays unset: the default tier names the default model.
    const env = anthropicEnv(services);
    delete env.MODEL_ID;
    return { ...env, MODEL_TIERS: JSON.stringify(TIERS), DEFAULT_MODEL_TIER: 'standard' };
  });

  test.each(Object.entries(TIERS))('the tier "%s" calls %s, and the answer names that model and prices it', async (tier, model) => {
    ctx.api.enqueue(answer);
    const response = await ctx.invoke(agentEvent({ input: 'hi', model: tier }));
    expect(response.statusCode).toBe(200);
    expect(ctx.api.requests.map((r) => r.body.model)).toEqual([model]);
    expect(response.json.model).toBe(model);
    expect(response.json.cost_usd).toEqual(expect.any(Number));
    expect(ctx.fn.jsonLines().find((l) => l.path === '/agent')).toMatchObject({ model, status: 200 });
  });

  test('a request that names no tier runs on the default tier', async () => {
    ctx.api.enqueue(answer);
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(ctx.api.requests[0].body.model).toBe('claude-sonnet-5-5');
    expect(response.json.model).toBe('claude-sonnet-5-5');
  });

  test('the tiers price differently: the cost follows the model that ran', async () => {
    ctx.api.enqueue(answer, answer);
    const fast = await ctx.invoke(agentEvent({ input: 'hi', model: 'fast' }));
    const deep = await ctx.invoke(agentEvent({ input: 'hi', model: 'deep' }));
    // 1000 input and 100 output tokens at list prices per million: $1/$5 and $5/$25.
    expect(fast.json.cost_usd).toBeCloseTo(0.0015, 10);
    expect(deep.json.cost_usd).toBeCloseTo(0.0075, 10);
  });

  test.each([
    ['an unknown tier', 'turbo', '`model` must name a model tier: "fast", "standard", "deep"; got "turbo".'],
    ['a raw model id', 'claude-opus-4-5', '`model` must name a model tier: "fast", "standard", "deep"; got "claude-opus-4-5".'],
    ['a number', 3, '`model` must name a model tier: "fast", "standard", "deep"; got a number.'],
    ['an empty name', '', '`model` must name a model tier: "fast", "standard", "deep"; got "".'],
    ['a prototype key', '__proto__', '`model` must name a model tier: "fast", "standard", "deep"; got "__proto__".'],
  ])('%s is a 400 listing the tiers, before any model call', async (_label, model, message) => {
    const response = await ctx.invoke(agentEvent({ input: 'hi', model }));
    expect(response.statusCode).toBe(400);
    expect(response.json.error).toMatchObject({ type: 'invalid_request', message });
    expect(ctx.api.requests).toHaveLength(0);
  });

  test('GET /health lists the tiers and the default tier', async () => {
    const response = await ctx.invoke(eventFixture('get-health'));
    expect(response.json).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-5-5', model_tiers: TIERS, default_model_tier: 'standard' });
  });

  test('the streaming export runs the tier too', async () => {
    ctx.api.enqueue(answer);
    const streamed = await ctx.stream(agentEvent({ input: 'hi', model: 'fast' }));
    expect(ctx.api.requests[0].body.model).toBe('claude-haiku-4-5');
    expect(streamed.events.find((e) => e.event === 'done')?.data.model).toBe('claude-haiku-4-5');
  });
});

describe('model tiers: configuration the function refuses', () => {
  const ctx = withZipRuntime();

  test('without tiers, `model` is a 400 that says there are none', async () => {
    const response = await ctx.invoke(agentEvent({ input: 'hi', model: 'fast' }));
    expect(response.statusCode).toBe(400);
    expect(response.json.error.message).toBe('`model` picks one of the model tiers, and this agent has none (model_tiers is empty): remove `model`.');
    expect(ctx.api.requests).toHaveLength(0);
  });

  test.each([
    [
      'a default tier that is not a tier',
      { MODEL_TIERS: JSON.stringify(TIERS), DEFAULT_MODEL_TIER: 'turbo' },
      "DEFAULT_MODEL_TIER must name one of MODEL_TIERS' tiers",
    ],
    ['tiers without a default tier', { MODEL_TIERS: JSON.stringify(TIERS) }, "DEFAULT_MODEL_TIER must name one of MODEL_TIERS' tiers"],
    [
      'tiers beside MODEL_ID',
      { MODEL_TIERS: JSON.stringify(TIERS), DEFAULT_MODEL_TIER: 'fast', MODEL_ID: 'claude-opus-4-5' },
      'MODEL_ID and MODEL_TIERS are both set',
    ],
    ['tiers that are not JSON', { MODEL_TIERS: 'fast=claude-haiku-4-5', DEFAULT_MODEL_TIER: 'fast' }, 'Environment variable MODEL_TIERS must be a JSON object'],
    [
      'a tier name with capitals',
      { MODEL_TIERS: '{"Fast":"claude-haiku-4-5"}', DEFAULT_MODEL_TIER: 'fast' },
      'Environment variable MODEL_TIERS must have names',
    ],
  ])('%s: a 500 that names no setting, and a log line that names it', async (_label, env, message) => {
    await ctx.useEnv(env);
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(500);
    expect(response.json.error).toMatchObject({ type: 'internal_error', message: 'The agent is misconfigured; its log says which setting to fix.' });
    expect(JSON.stringify(ctx.fn.jsonLines())).toContain(message);
    expect(ctx.api.requests).toHaveLength(0);
  });
});

describe('model tiers (Bedrock)', () => {
  const BEDROCK_TIERS = { fast: 'us.anthropic.claude-haiku-4-5', deep: 'global.anthropic.claude-opus-4-5' };
  const ctx = withZipRuntime((services) => ({
    LLM_PROVIDER: 'bedrock',
    ANTHROPIC_BEDROCK_BASE_URL: services.api,
    MODEL_TIERS: JSON.stringify(BEDROCK_TIERS),
    DEFAULT_MODEL_TIER: 'fast',
  }));

  test.each(Object.entries(BEDROCK_TIERS))('the tier "%s" invokes %s', async (tier, model) => {
    ctx.api.enqueue(answer);
    const response = await ctx.invoke(agentEvent({ input: 'hi', model: tier }));
    expect(response.statusCode).toBe(200);
    expect(ctx.api.requests[0].path).toBe(`/model/${encodeURIComponent(model)}/invoke-with-response-stream`);
    expect(response.json).toMatchObject({ provider: 'bedrock', model });
  });
});

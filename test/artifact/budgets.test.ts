/**
 * Daily budgets (caller_daily_token_budget, daily_cost_budget_usd), through
 * the built zip under the runtime client, against a real DynamoDB API
 * (dynalite) on 127.0.0.1.
 */
import { emfProblems, metricValue } from '../helpers/emf';
import { agentEvent, asCaller, type FunctionUrlEventFixture } from '../helpers/events';
import { stateEnv, withZipRuntime } from '../helpers/zip-runtime';

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';
/** What one scripted call spends: 25 input + 12 output tokens (the mock's default usage). */
const TOKENS_PER_CALL = 37;

const ask = (caller = ALICE, input = 'hi'): FunctionUrlEventFixture => asCaller(agentEvent({ input }), caller);
const text = (value: string, usage?: { input_tokens: number; output_tokens: number }) => ({
  kind: 'message' as const,
  content: [{ type: 'text' as const, text: value }],
  ...(usage ? { usage } : {}),
});
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const secondsToMidnight = () => {
  const next = new Date();
  next.setUTCHours(24, 0, 0, 0);
  return Math.ceil((next.getTime() - Date.now()) / 1000);
};

describe('caller_daily_token_budget', () => {
  const ctx = withZipRuntime((services) => stateEnv(services, { CALLER_DAILY_TOKEN_BUDGET: '100' }), { state: true });
  beforeEach(() => ctx.api.setDefault(text('ok')));

  test('past the budget a caller gets 429 budget_exceeded with retry-after until UTC midnight, and no model call is made', async () => {
    for (let n = 0; n < 3; n += 1) expect((await ctx.invoke(ask())).statusCode).toBe(200); // 37, 74, 111 tokens
    const calls = ctx.api.requests.length;
    const refused = await ctx.invoke(ask());
    expect(refused.statusCode).toBe(429);
    expect(refused.json.error).toMatchObject({ type: 'budget_exceeded', message: expect.stringContaining('caller_daily_token_budget') });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(retryAfter - secondsToMidnight())).toBeLessThanOrEqual(5);
    expect(ctx.api.requests.length).toBe(calls);
    const [, , , line] = await ctx.fn.requestLogs(4);
    expect(line).toMatchObject({ status: 429, error_code: 'budget_exceeded', caller: `iam:${ALICE}` });
  });

  test('usage is counted per caller and per UTC day in the state table, with a TTL', async () => {
    await ctx.invoke(ask());
    await ctx.invoke(ask());
    const item = await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `USAGE#${utcDay(Date.now())}`);
    expect(Number(item?.tokens?.N)).toBe(2 * TOKENS_PER_CALL);
    expect(Number(item?.expires_at?.N)).toBeGreaterThan(Date.now() / 1000 + secondsToMidnight());
  });

  test('one caller’s spent budget does not limit another caller', async () => {
    await ctx.dynamodb.put({ pk: { S: `CALLER#iam:${ALICE}` }, sk: { S: `USAGE#${utcDay(Date.now())}` }, tokens: { N: '100' } });
    expect((await ctx.invoke(ask(ALICE))).statusCode).toBe(429);
    expect((await ctx.invoke(ask(BOB))).statusCode).toBe(200);
  });

  test('the budget renews each UTC day: yesterday’s spending does not count today', async () => {
    const yesterday = utcDay(Date.now() - 86_400_000);
    await ctx.dynamodb.put({ pk: { S: `CALLER#iam:${ALICE}` }, sk: { S: `USAGE#${yesterday}` }, tokens: { N: '100000' } });
    expect((await ctx.invoke(ask())).statusCode).toBe(200);
  });

  test('it is checked before each model call: a run that spends it stops before its next call, with what it produced', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [{ type: 'tool_use', id: 't1', name: 'current_time', input: {} }], usage: { input_tokens: 90, output_tokens: 20 } },
      text('never asked'),
    );
    const response = await ctx.invoke(ask());
    expect(response.statusCode).toBe(429);
    expect(response.json.error.type).toBe('budget_exceeded');
    expect(response.json.partial).toMatchObject({ iterations: 1, tool_calls: [expect.objectContaining({ name: 'current_time' })] });
    expect(ctx.api.requests).toHaveLength(1);
  });

  test('a refusal counts as a BudgetRejection (a 4xx, not a fault), with the tokens spent before it', async () => {
    ctx.api.enqueue({
      kind: 'message',
      content: [{ type: 'tool_use', id: 't1', name: 'current_time', input: {} }],
      usage: { input_tokens: 90, output_tokens: 20 },
    });
    const response = await ctx.invoke(ask());
    const [line] = await ctx.fn.requestLogs();
    expect(emfProblems(JSON.stringify(line))).toEqual([]);
    expect(metricValue(line, 'BudgetRejections', ['FunctionName'])).toBe(1);
    expect(metricValue(line, 'Errors', ['FunctionName', 'ErrorType'])).toBe(1);
    expect(line.ErrorType).toBe('budget_exceeded');
    expect(metricValue(line, 'Faults', ['FunctionName'])).toBe(0);
    expect(metricValue(line, 'InputTokens', ['FunctionName'])).toBe(response.json.partial.usage.input_tokens);
    expect(metricValue(line, 'OutputTokens', ['FunctionName'])).toBe(20);
  });

  test('the streaming export refuses with a real 429 before any byte', async () => {
    await ctx.dynamodb.put({ pk: { S: `CALLER#iam:${ALICE}` }, sk: { S: `USAGE#${utcDay(Date.now())}` }, tokens: { N: '500' } });
    const streamed = await ctx.stream(ask());
    expect(streamed.prelude.statusCode).toBe(429);
    expect(streamed.prelude.headers['retry-after']).toMatch(/^\d+$/);
  });

  test('fail closed: when the state table cannot be read the request is refused with 503, not served unmetered', async () => {
    await ctx.useEnv({ CALLER_DAILY_TOKEN_BUDGET: '100', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' });
    const response = await ctx.invoke(ask());
    expect(response.statusCode).toBe(503);
    expect(response.json.error).toMatchObject({
      type: 'unavailable',
      message: expect.stringMatching(/state table could not be read.*refused rather than served/),
    });
    expect(ctx.api.requests).toHaveLength(0);
  });

  test('concurrent requests are counted exactly (atomic additions)', async () => {
    await ctx.useEnv({ CALLER_DAILY_TOKEN_BUDGET: '1000000' });
    await Promise.all([ctx.invoke(ask()), ctx.stream(ask())]);
    const item = await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `USAGE#${utcDay(Date.now())}`);
    expect(Number(item?.tokens?.N)).toBe(2 * TOKENS_PER_CALL);
  });
});

describe('daily_cost_budget_usd', () => {
  const ctx = withZipRuntime((services) => stateEnv(services, { DAILY_COST_BUDGET_USD: '0.01' }), { state: true });

  test('all callers together: once spent, every caller gets 429 naming the budget', async () => {
    // claude-sonnet-5-5 at its list price: 4,000 input tokens cost more than one cent.
    ctx.api.enqueue(text('expensive', { input_tokens: 4_000, output_tokens: 10 }));
    expect((await ctx.invoke(ask(ALICE))).statusCode).toBe(200);
    const item = await ctx.dynamodb.item('DEPLOYMENT', `USAGE#${utcDay(Date.now())}`);
    expect(Number(item?.cost_micro_usd?.N)).toBeGreaterThanOrEqual(10_000);
    for (const caller of [ALICE, BOB]) {
      const refused = await ctx.invoke(ask(caller));
      expect(refused.statusCode).toBe(429);
      expect(refused.json.error.message).toMatch(/daily cost budget \(\$0\.01, daily_cost_budget_usd, all callers together\)/);
    }
    expect(ctx.api.requests).toHaveLength(1);
  });

  test('a model without a list price cannot be metered: the function refuses to serve and the log names the setting', async () => {
    await ctx.useEnv({ DAILY_COST_BUDGET_USD: '5', MODEL_ID: 'claude-unpriced-model-1' });
    const response = await ctx.invoke(ask());
    expect(response.statusCode).toBe(500);
    const [line] = await ctx.fn.requestLogs();
    expect(line.error_message).toMatch(/DAILY_COST_BUDGET_USD is set, but the model claude-unpriced-model-1 has no list price/);
  });
});

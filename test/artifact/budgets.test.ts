/**
 * Daily budgets (caller_daily_token_budget, daily_cost_budget_usd), through
 * the built zip under the runtime client, against a real DynamoDB API
 * (dynalite) on 127.0.0.1.
 */
import { emfProblems, metricValue } from '../helpers/emf';
import { agentEvent, asCaller, type FunctionUrlEventFixture } from '../helpers/events';
import { stateEnv, withZipRuntime } from '../helpers/zip-runtime';
import { startFaultProxy } from '../fixtures/servers/fault-proxy';

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

  test('a model without a price cannot be metered: the function refuses to serve and the log names the setting', async () => {
    await ctx.useEnv({ DAILY_COST_BUDGET_USD: '5', MODEL_ID: 'claude-unpriced-model-1' });
    const response = await ctx.invoke(ask());
    expect(response.statusCode).toBe(500);
    const [line] = await ctx.fn.requestLogs();
    expect(line.error_message).toMatch(/The model claude-unpriced-model-1 \(MODEL_ID or MODEL_TIERS\) has no price.*MODEL_PRICES/);
  });

  test('a tier whose model has a price of the deployment’s own is metered at that price', async () => {
    const prices = { 'claude-haiku-5': { input_usd_per_mtok: 1, output_usd_per_mtok: 5 } };
    await ctx.useEnv({
      DAILY_COST_BUDGET_USD: '0.01',
      MODEL_ID: '',
      MODEL_TIERS: '{"next":"claude-haiku-5"}',
      DEFAULT_MODEL_TIER: 'next',
      MODEL_PRICES: JSON.stringify(prices),
    });
    ctx.api.enqueue(text('priced', { input_tokens: 10_000, output_tokens: 10 }));
    expect((await ctx.invoke(ask())).json.cost_usd).toBe(0.01005);
    expect(Number((await ctx.dynamodb.item('DEPLOYMENT', `USAGE#${utcDay(Date.now())}`))?.cost_micro_usd?.N)).toBe(10_050);
    expect((await ctx.invoke(ask())).statusCode).toBe(429);
  });
});

describe('every model call is paid for, also one that fails', () => {
  const LIMITS = { CALLER_DAILY_TOKEN_BUDGET: '100000000', DAILY_COST_BUDGET_USD: '1000' };
  const ctx = withZipRuntime((services) => stateEnv(services, LIMITS), { state: true });
  const today = () => utcDay(Date.now());
  const callerTokens = async () => Number((await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `USAGE#${today()}`))?.tokens?.N ?? 0);
  const deploymentMicroUsd = async () => Number((await ctx.dynamodb.item('DEPLOYMENT', `USAGE#${today()}`))?.cost_micro_usd?.N ?? 0);

  test('a stream that fails after message_start is charged the input it reported, and the caller keeps the partial text', async () => {
    ctx.api.enqueue({ kind: 'stream-error', textBefore: 'ab', errorType: 'overloaded_error', usage: { input_tokens: 90_000 } });
    const streamed = await ctx.stream(ask());
    expect(streamed.events.find((e) => e.event === 'error')?.data.error.type).toBe('overloaded');
    expect(streamed.body).toContain('ab');
    // 90,000 input tokens reported in message_start, 1 output token
    expect(await callerTokens()).toBe(90_001);
    expect(await deploymentMicroUsd()).toBe(270_015); // claude-sonnet-5-5: $3 and $15 per million
    const [line] = await ctx.fn.requestLogs();
    expect(line).toMatchObject({ input_tokens: 90_000, output_tokens: 1, cost_usd: 0.270015 });
    expect(line.usage_estimated).toBeUndefined();
    expect(metricValue(line, 'CostUSD', ['FunctionName'])).toBe(0.270015);
  });

  test('a call cut off by the deadline mid-stream is charged what it reported', async () => {
    ctx.api.enqueue({ ...text('a b c d'), usage: { input_tokens: 50_000, output_tokens: 40 }, tokenDelayMs: 20_000 });
    // 6 s: room for the key and the budget check on a loaded machine, so the call itself is what the deadline cuts.
    const response = await ctx.invoke(ask(), { remainingMs: 6_000 });
    expect(response.statusCode).toBe(504);
    expect(response.json.partial.usage).toMatchObject({ input_tokens: 50_000, output_tokens: 1 });
    expect(await callerTokens()).toBe(50_001);
  });

  test('a call that failed before the provider reported anything is charged an estimate of its input, and the log says so', async () => {
    ctx.api.enqueue({ kind: 'hang' });
    const response = await ctx.invoke(ask(ALICE, 'x'.repeat(3_000)), { remainingMs: 6_000 });
    expect(response.statusCode).toBe(504);
    const [line] = await ctx.fn.requestLogs();
    expect(line.usage_estimated).toBe(true);
    // The input alone is 3,000 characters: at least 1,000 tokens at three characters a token.
    expect(line.input_tokens).toBeGreaterThanOrEqual(1_000);
    expect(await callerTokens()).toBe(line.input_tokens);
    expect(await deploymentMicroUsd()).toBeGreaterThan(0);
  });

  test('a call the provider refused with an HTTP status ran nothing and is not charged', async () => {
    ctx.api.enqueue({ kind: 'error', status: 400, errorType: 'invalid_request_error', message: 'bad' });
    expect((await ctx.invoke(ask())).statusCode).toBe(502);
    expect(await callerTokens()).toBe(0);
    const [line] = await ctx.fn.requestLogs();
    expect(line.usage_estimated).toBeUndefined();
  });

  test('a usage write that fails after a successful call keeps the answer, and logs and counts what it could not record', async () => {
    // Given: every budget write fails, while the check before the call reads the table as usual
    const proxy = await startFaultProxy(ctx.dynamodb.url);
    try {
      proxy.inject({ when: (r) => r.target.endsWith('.UpdateItem') && r.body.includes('ADD tokens'), error: { status: 500, type: 'InternalServerError' } });
      await ctx.useEnv({ ...LIMITS, AWS_ENDPOINT_URL_DYNAMODB: proxy.url });
      ctx.api.enqueue(text('the answer'));
      // When
      const response = await ctx.invoke(ask());
      // Then
      expect(response.statusCode).toBe(200);
      expect(response.json.output).toBe('the answer');
      // The request line comes last: once it is read, the lines before it are too.
      const [line] = await ctx.fn.requestLogs();
      expect(line).toMatchObject({ status: 200, input_tokens: 25, output_tokens: 12 });
      const missed = ctx.fn.jsonLines().find((l) => l.message === 'usage not recorded');
      expect(missed).toMatchObject({ caller: `iam:${ALICE}`, tokens: TOKENS_PER_CALL, usage_estimated: false });
      expect(metricValue(missed!, 'UsageNotRecorded', ['FunctionName'])).toBe(1);
      expect(proxy.faulted.length).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});

/**
 * LLM_PROVIDER=bedrock: the same agent through Bedrock's
 * InvokeModelWithResponseStream (AWS event stream), SigV4-signed with the
 * function's credentials, against a local endpoint (ANTHROPIC_BEDROCK_BASE_URL).
 * Through the zip under the runtime client: the Bedrock SDK loads from its
 * lazily imported chunk.
 */
import { agentEvent, eventFixture } from '../helpers/events';
import { withZipRuntime } from '../helpers/zip-runtime';

const MODEL = 'us.anthropic.claude-sonnet-5-5';

describe('Bedrock provider', () => {
  const ctx = withZipRuntime((services) => ({
    LLM_PROVIDER: 'bedrock',
    MODEL_ID: MODEL,
    ANTHROPIC_BEDROCK_BASE_URL: services.api,
  }));

  test('health reports the bedrock provider and model', async () => {
    const response = await ctx.invoke(eventFixture('get-health'));
    expect(response.json).toMatchObject({ provider: 'bedrock', model: MODEL });
  });

  test('a tool-use conversation runs through InvokeModelWithResponseStream with SigV4', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [{ type: 'tool_use', id: 't1', name: 'calculator', input: { expression: '6*7' } }] },
      { kind: 'message', content: [{ type: 'text', text: 'The answer is 42.' }], usage: { input_tokens: 30, output_tokens: 8, cache_read_input_tokens: 20 } },
    );
    const response = await ctx.invoke(agentEvent({ input: 'What is 6 times 7?' }));
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ provider: 'bedrock', model: MODEL, output: 'The answer is 42.', iterations: 2 });
    expect(response.json.usage.cache_read_input_tokens).toBe(20);
    const [first] = ctx.api.requests;
    expect(first.path).toBe(`/model/${encodeURIComponent(MODEL)}/invoke-with-response-stream`);
    expect(first.body.anthropic_version).toEqual(expect.any(String));
    expect(first.body.model).toBeUndefined();
    expect(String(first.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIALOCALEXECUTIONROLE\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
  });

  test('a Bedrock throttle that outlasts the retries is a 429 rate_limited', async () => {
    ctx.api.setDefault({ kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'Too many requests', headers: { 'retry-after-ms': '1' } });
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(429);
    expect(response.json.error.type).toBe('rate_limited');
  });

  test('the streaming export forwards Bedrock tokens as SSE text events', async () => {
    ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'one two three' }] });
    const streamed = await ctx.stream(agentEvent({ input: 'count' }));
    expect(
      streamed.events
        .filter((e) => e.event === 'text')
        .map((e) => e.data.text)
        .join(''),
    ).toBe('one two three');
    expect(streamed.events.at(-1)).toMatchObject({ event: 'done', data: { provider: 'bedrock' } });
  });
});

/**
 * The agent loop, through the zip under the runtime client, against the
 * local Messages API: tool use, caps, prompt caching and the server-side
 * system prompt.
 */
import { agentEvent } from '../helpers/events';
import { withZipRuntime } from '../helpers/zip-runtime';
import { TOOLS } from '../../src/function/tools';

const calc = (expression: string, id?: string) => ({ type: 'tool_use' as const, name: 'calculator', input: { expression }, ...(id ? { id } : {}) });
const text = (t: string) => ({ type: 'text' as const, text: t });

describe('agent loop', () => {
  const ctx = withZipRuntime();

  test('a tool call is run and its result sent back to the model', async () => {
    // Given a model that asks for the calculator, then answers
    ctx.api.enqueue({ kind: 'message', content: [text('Computing.'), calc('12*34', 'toolu_1')] }, { kind: 'message', content: [text('It is 408.')] });
    // When the agent runs
    const response = await ctx.invoke(agentEvent({ input: 'What is 12 times 34?' }));
    // Then the second call carries the tool result, and the answer is the last text
    expect(response.json).toMatchObject({ output: 'It is 408.', iterations: 2, tool_calls: [{ name: 'calculator', is_error: false }] });
    expect(ctx.api.requests[1].body.messages).toEqual([
      { role: 'user', content: 'What is 12 times 34?' },
      { role: 'assistant', content: [text('Computing.'), { type: 'tool_use', id: 'toolu_1', name: 'calculator', input: { expression: '12*34' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '408', is_error: false }] },
    ]);
  });

  test('a tool that fails returns is_error content to the model, not a 500', async () => {
    ctx.api.enqueue({ kind: 'message', content: [calc('1/0', 'toolu_div')] }, { kind: 'message', content: [text('Division by zero is undefined.')] });
    const response = await ctx.invoke(agentEvent({ input: '1/0?' }));
    expect(response.statusCode).toBe(200);
    expect(response.json.tool_calls).toEqual([{ name: 'calculator', is_error: true, duration_ms: expect.any(Number) }]);
    expect((ctx.api.requests[1].body.messages as any[])[2].content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_div',
      content: 'Division by zero.',
      is_error: true,
    });
  });

  test('an unknown tool name is reported to the model as an error', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [{ type: 'tool_use', id: 'toolu_x', name: 'rm_rf', input: {} }] },
      { kind: 'message', content: [text('Sorry.')] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'delete everything' }));
    expect(response.json.tool_calls[0]).toMatchObject({ name: 'rm_rf', is_error: true });
    expect((ctx.api.requests[1].body.messages as any[])[2].content[0].content).toBe('There is no tool named "rm_rf".');
  });

  test('the tool calls of one turn all run, and all results go back in one message', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [calc('1+1', 'a'), calc('2+2', 'b'), { type: 'tool_use', id: 'c', name: 'current_time', input: { timezone: 'UTC' } }] },
      { kind: 'message', content: [text('done')] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'three things' }));
    expect(response.json.tool_calls.map((t: any) => t.name)).toEqual(['calculator', 'calculator', 'current_time']);
    const results = (ctx.api.requests[1].body.messages as any[])[2].content.map((r: any) => [r.tool_use_id, r.is_error]);
    expect(results).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
    ]);
  });

  test('MAX_ITERATIONS stops the loop with stop_reason max_iterations', async () => {
    await ctx.useEnv({ MAX_ITERATIONS: '2' });
    ctx.api.setDefault({ kind: 'message', content: [calc('1+1')] });
    try {
      const response = await ctx.invoke(agentEvent({ input: 'loop forever' }));
      expect(response.statusCode).toBe(200);
      expect(response.json).toMatchObject({ stop_reason: 'max_iterations', iterations: 2 });
      expect(ctx.api.requests).toHaveLength(2);
    } finally {
      ctx.api.setDefault(undefined);
    }
  });

  test('MAX_TOOL_CALLS stops before a turn that would exceed it', async () => {
    await ctx.useEnv({ MAX_TOOL_CALLS: '2' });
    ctx.api.enqueue({ kind: 'message', content: [calc('1'), calc('2')] }, { kind: 'message', content: [calc('3')] });
    const response = await ctx.invoke(agentEvent({ input: 'many tools' }));
    expect(response.json).toMatchObject({ stop_reason: 'max_tool_calls', iterations: 2 });
    expect(response.json.tool_calls).toHaveLength(2);
  });

  test('TOKEN_BUDGET stops the loop once spent, and caps max_tokens by what is left', async () => {
    await ctx.useEnv({ TOKEN_BUDGET: '100' });
    ctx.api.enqueue(
      { kind: 'message', content: [calc('1')], usage: { input_tokens: 60, output_tokens: 10 } },
      { kind: 'message', content: [calc('2')], usage: { input_tokens: 40, output_tokens: 10 } },
    );
    const response = await ctx.invoke(agentEvent({ input: 'spend', max_tokens: 500 }));
    expect(response.json).toMatchObject({ stop_reason: 'token_budget', iterations: 2 });
    expect(ctx.api.requests.map((r) => r.body.max_tokens)).toEqual([100, 30]);
  });

  test('the caller’s max_tokens is passed to the model', async () => {
    ctx.api.enqueue({ kind: 'message', content: [text('short')] });
    await ctx.invoke(agentEvent({ input: 'hi', max_tokens: 64 }));
    expect(ctx.api.requests[0].body.max_tokens).toBe(64);
  });

  test('prior turns come before the new input', async () => {
    ctx.api.enqueue({ kind: 'message', content: [text('You said blue.')] });
    await ctx.invoke(
      agentEvent({
        input: 'What did I say?',
        messages: [
          { role: 'user', content: 'blue' },
          { role: 'assistant', content: 'Noted.' },
        ],
      }),
    );
    expect(ctx.api.requests[0].body.messages).toEqual([
      { role: 'user', content: 'blue' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'What did I say?' },
    ]);
  });

  test('the system prompt and the tool definitions are marked for prompt caching', async () => {
    ctx.api.enqueue({ kind: 'message', content: [text('ok')] });
    await ctx.invoke(agentEvent({ input: 'hi' }));
    const body = ctx.api.requests[0].body as any;
    expect(body.system).toEqual([{ type: 'text', text: expect.stringContaining('helpful, precise assistant'), cache_control: { type: 'ephemeral' } }]);
    // Every tool of the registry, as the registry defines it (no list to update when a tool is added)
    expect(body.tools.map((t: any) => ({ name: t.name, description: t.description, input_schema: t.input_schema }))).toEqual(
      TOOLS.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema })),
    );
    expect(body.tools.at(-1).cache_control).toEqual({ type: 'ephemeral' });
    expect(body.tools.slice(0, -1).every((t: any) => t.cache_control === undefined)).toBe(true);
  });

  test('SYSTEM_PROMPT replaces the bundled system prompt', async () => {
    await ctx.useEnv({ SYSTEM_PROMPT: 'You are a pirate.' });
    ctx.api.enqueue({ kind: 'message', content: [text('Arr.')] });
    await ctx.invoke(agentEvent({ input: 'hi' }));
    expect((ctx.api.requests[0].body as any).system[0].text).toBe('You are a pirate.');
  });

  test('the model and streaming flag sent upstream come from the configuration', async () => {
    await ctx.useEnv({ MODEL_ID: 'claude-haiku-4-5' });
    ctx.api.enqueue({ kind: 'message', content: [text('ok')] });
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(ctx.api.requests[0].body).toMatchObject({ model: 'claude-haiku-4-5', stream: true });
    expect(ctx.api.requests[0].headers.authorization).toBe('Bearer sk-ant-local-test');
    // (25 in * $1 + 12 out * $5) / 1e6
    expect(response.json.cost_usd).toBe(0.000085);
  });
});

/**
 * One structured JSON log line per request, as the zip writes it under the
 * runtime client (what CloudWatch receives); content only with
 * LOG_CONTENT=true; every 5xx explains its cause.
 */
import { agentEvent, eventFixture } from '../helpers/events';
import { withoutEmf } from '../helpers/emf';
import { withZipRuntime } from '../helpers/zip-runtime';

describe('request log', () => {
  const ctx = withZipRuntime();

  const answerWithTool = () =>
    ctx.api.enqueue(
      {
        kind: 'message',
        content: [{ type: 'tool_use', id: 't', name: 'calculator', input: { expression: '1+1' } }],
        usage: { input_tokens: 50, output_tokens: 10, cache_creation_input_tokens: 200 },
      },
      { kind: 'message', content: [{ type: 'text', text: 'secret answer text' }], usage: { input_tokens: 60, output_tokens: 5, cache_read_input_tokens: 200 } },
    );

  test('a request writes exactly one line with ids, model, counts, tokens, cost, duration and outcome (besides its metrics)', async () => {
    answerWithTool();
    await ctx.invoke(agentEvent({ input: 'private question text' }));
    const logs = await ctx.fn.requestLogs();
    expect(logs).toHaveLength(1);
    expect(withoutEmf(logs[0])).toEqual({
      level: 'INFO',
      message: 'request',
      timestamp: expect.any(String),
      caller: 'iam:arn:aws:iam::123456789012:user/caller',
      request_id: '8f6c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b',
      method: 'POST',
      path: '/agent',
      status: 200,
      outcome: 'ok',
      provider: 'anthropic',
      model: 'claude-sonnet-5-5',
      iterations: 2,
      tool_calls: 1,
      tool_errors: 0,
      input_tokens: 110,
      output_tokens: 15,
      cache_creation_input_tokens: 200,
      cache_read_input_tokens: 200,
      cost_usd: expect.any(Number),
      stop_reason: 'end_turn',
      duration_ms: expect.any(Number),
      streaming: false,
    });
  });

  test('prompt and output text are not logged by default', async () => {
    answerWithTool();
    await ctx.invoke(agentEvent({ input: 'private question text' }));
    await ctx.fn.requestLogs();
    const line = ctx.fn.output.join('\n');
    expect(line).not.toContain('private question text');
    expect(line).not.toContain('secret answer text');
  });

  test('LOG_CONTENT=true adds input and output', async () => {
    await ctx.useEnv({ LOG_CONTENT: 'true' });
    answerWithTool();
    await ctx.invoke(agentEvent({ input: 'private question text' }));
    expect((await ctx.fn.requestLogs())[0]).toMatchObject({ input: 'private question text', output: 'secret answer text' });
  });

  test('an error is logged with its type and status', async () => {
    await ctx.invoke({ ...eventFixture('get-health'), rawPath: '/missing' });
    expect(await ctx.fn.requestLogs()).toEqual([
      expect.objectContaining({
        level: 'WARN',
        status: 404,
        outcome: 'error',
        error_type: 'not_found',
        error_message: expect.stringContaining('No route for /missing'),
      }),
    ]);
    expect((await ctx.fn.requestLogs())[0].error).toBeUndefined();
  });

  test('an upstream failure logs the cause, its stack frames and the provider’s request id, never the key', async () => {
    // Given a model provider that fails every call with a 500 and a request id
    ctx.api.setDefault({
      kind: 'error',
      status: 500,
      errorType: 'api_error',
      message: 'upstream exploded',
      headers: { 'request-id': 'req_upstream_42', 'retry-after-ms': '1' },
    });
    // When a request runs
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    // Then the caller sees the safe 502, and the log line names what failed and where
    expect(response.statusCode).toBe(502);
    const [line] = await ctx.fn.requestLogs();
    expect(line).toMatchObject({ status: 502, error_type: 'upstream_error', upstream_request_id: 'req_upstream_42' });
    expect(line.error).toMatchObject({
      name: 'InternalServerError',
      message: expect.stringContaining('upstream exploded'),
      upstream_request_id: 'req_upstream_42',
    });
    expect(line.error.stack.length).toBeGreaterThan(0);
    expect(line.error.stack[0]).toMatch(/^at /);
    expect(ctx.fn.output.join('\n')).not.toContain('sk-ant-local-test');
  });
});

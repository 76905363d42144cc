/**
 * The streaming export through an implementation of the `awslambda` globals
 * that writes what Lambda's runtime writes: a JSON prelude with statusCode
 * and headers, 8 NUL bytes, then the body.
 */
import { HTTP_INTEGRATION_CONTENT_TYPE, isStreamingHandler, RuntimeResponseStream } from '../../../src/dev/lambda-runtime';
import { withAgentRuntime } from '../../helpers/agent-env';
import { agentEvent, eventFixture, invokeBuffered, invokeStreaming, lambdaContext, loadHandlers } from '../../helpers/lambda';

describe('streaming export', () => {
  const ctx = withAgentRuntime();

  test('streamHandler is wrapped with awslambda.streamifyResponse', () => {
    expect(isStreamingHandler(loadHandlers().streamHandler)).toBe(true);
    expect(isStreamingHandler(loadHandlers().handler)).toBe(false);
  });

  test('the stream starts with the JSON prelude and 8 NUL bytes, then SSE', async () => {
    ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'Hi there' }] });
    const streamed = await invokeStreaming(agentEvent({ input: 'hi' }));
    expect(streamed.contentType).toBe(HTTP_INTEGRATION_CONTENT_TYPE);
    const first = streamed.chunks[0].bytes;
    expect(first.subarray(first.length - 8)).toEqual(Buffer.alloc(8));
    expect(JSON.parse(first.subarray(0, first.length - 8).toString())).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': '8f6c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
    });
    expect(streamed.body.startsWith('event: text\ndata: {"text":"Hi "}\n\n')).toBe(true);
  });

  test('a tool turn streams text, tool_use, tool_result, text, then done', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [{ type: 'text', text: 'Let me add.' }, { type: 'tool_use', id: 'toolu_9', name: 'calculator', input: { expression: '2+2' } }] },
      { kind: 'message', content: [{ type: 'text', text: 'Four.' }] },
    );
    const streamed = await invokeStreaming(agentEvent({ input: '2+2?' }));
    const collapsed = streamed.events.map((e) => e.event).filter((name, i, all) => name !== all[i - 1]);
    expect(collapsed).toEqual(['text', 'tool_use', 'tool_result', 'text', 'done']);
    expect(streamed.events.find((e) => e.event === 'tool_use')!.data).toEqual({ id: 'toolu_9', name: 'calculator', input: { expression: '2+2' } });
    expect(streamed.events.find((e) => e.event === 'tool_result')!.data).toEqual({ id: 'toolu_9', name: 'calculator', is_error: false, duration_ms: expect.any(Number) });
  });

  test('the done event carries the same object as the buffered response', async () => {
    const reply = { kind: 'message' as const, content: [{ type: 'text' as const, text: 'Same answer.' }], usage: { input_tokens: 10, output_tokens: 3 } };
    ctx.api.enqueue(reply, reply);
    const buffered = await invokeBuffered(agentEvent({ input: 'q' }));
    const streamed = await invokeStreaming(agentEvent({ input: 'q' }));
    const done = streamed.events.at(-1)!;
    expect(done.event).toBe('done');
    const normalise = (o: any) => ({ ...o, tool_calls: o.tool_calls.map((t: any) => ({ ...t, duration_ms: 0 })) });
    expect(normalise(done.data)).toEqual(normalise(buffered.json));
  });

  test('the first text event leaves before the model has produced its last token', async () => {
    ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'one two three four five six' }], tokenDelayMs: 40 });
    const streamed = await invokeStreaming(agentEvent({ input: 'count' }));
    const firstText = streamed.events.find((e) => e.event === 'text')!;
    expect(firstText.at).toBeLessThan(ctx.api.lastEventAt()!);
  });

  test('a failure before any output keeps its real status and a JSON body', async () => {
    ctx.api.setDefault({ kind: 'error', status: 429, errorType: 'rate_limit_error', headers: { 'retry-after-ms': '1', 'retry-after': '3' } });
    const streamed = await invokeStreaming(agentEvent({ input: 'hi' }));
    expect(streamed.prelude.statusCode).toBe(429);
    expect(streamed.prelude.headers).toMatchObject({ 'content-type': 'application/json', 'retry-after': '3' });
    expect(JSON.parse(streamed.body).error.type).toBe('rate_limited');
  });

  test('invalid input is a 400 JSON response, not a stream', async () => {
    const streamed = await invokeStreaming(agentEvent({ input: '' }));
    expect(streamed.prelude.statusCode).toBe(400);
    expect(JSON.parse(streamed.body).error.type).toBe('invalid_request');
  });

  test('GET /health answers JSON through the streaming export too', async () => {
    const streamed = await invokeStreaming(eventFixture('get-health'));
    expect(streamed.prelude.statusCode).toBe(200);
    expect(JSON.parse(streamed.body)).toMatchObject({ status: 'ok', provider: 'anthropic' });
  });

  test('a client that goes away mid-stream does not crash the function', async () => {
    ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'one two three four five' }], tokenDelayMs: 20 });
    let writes = 0;
    const stream = new RuntimeResponseStream(() => {
      writes += 1;
      // After the prelude and the first event, the connection breaks.
      if (writes === 2) setImmediate(() => stream.destroy(new Error('client disconnected')));
    });
    await expect(loadHandlers().streamHandler(agentEvent({ input: 'hi' }), stream, lambdaContext())).resolves.toBeUndefined();
    expect(ctx.env.logs.at(-1)).toMatchObject({ status: 200, outcome: 'ok', streaming: true });
  });
});

/**
 * The streaming export through Lambda's own runtime client: its
 * `awslambda.streamifyResponse` and `HttpResponseStream`, and the chunked
 * POST to the Runtime API that carries a JSON prelude, 8 NUL bytes, then the
 * body.
 */
import { HTTP_INTEGRATION_CONTENT_TYPE } from '../../src/dev/lambda/function-url';
import { agentEvent, eventFixture } from '../helpers/events';
import { withZipRuntime } from '../helpers/zip-runtime';

describe('streaming export', () => {
  const ctx = withZipRuntime();

  test('the runtime client streams index.streamHandler and buffers index.handler', async () => {
    const streamed = await ctx.stream(eventFixture('get-health'));
    const buffered = await ctx.invoke(eventFixture('get-health'));
    expect(streamed.outcome.kind).toBe('stream');
    expect(buffered.outcome.kind).toBe('response');
  });

  test('the stream starts with the JSON prelude and 8 NUL bytes, then SSE', async () => {
    ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'Hi there' }] });
    const streamed = await ctx.stream(agentEvent({ input: 'hi' }));
    expect(streamed.contentType).toBe(HTTP_INTEGRATION_CONTENT_TYPE);
    const raw = streamed.outcome.kind === 'stream' ? streamed.outcome.body : Buffer.alloc(0);
    const delimiter = raw.indexOf(Buffer.alloc(8));
    expect(JSON.parse(raw.subarray(0, delimiter).toString())).toEqual({
      statusCode: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'x-request-id': '8f6c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    });
    expect(streamed.body.startsWith('event: text\ndata: {"text":"Hi "}\n\n')).toBe(true);
  });

  test('a tool turn streams text, tool_use, tool_result, text, then done', async () => {
    ctx.api.enqueue(
      {
        kind: 'message',
        content: [
          { type: 'text', text: 'Let me add.' },
          { type: 'tool_use', id: 'toolu_9', name: 'calculator', input: { expression: '2+2' } },
        ],
      },
      { kind: 'message', content: [{ type: 'text', text: 'Four.' }] },
    );
    const streamed = await ctx.stream(agentEvent({ input: '2+2?' }));
    const collapsed = streamed.events.map((e) => e.event).filter((name, i, all) => name !== all[i - 1]);
    expect(collapsed).toEqual(['text', 'tool_use', 'tool_result', 'text', 'done']);
    expect(streamed.events.find((e) => e.event === 'tool_use')!.data).toEqual({ id: 'toolu_9', name: 'calculator', input: { expression: '2+2' } });
    expect(streamed.events.find((e) => e.event === 'tool_result')!.data).toEqual({
      id: 'toolu_9',
      name: 'calculator',
      is_error: false,
      duration_ms: expect.any(Number),
      content: '4',
    });
  });

  test('the done event carries the same object as the buffered response', async () => {
    const reply = { kind: 'message' as const, content: [{ type: 'text' as const, text: 'Same answer.' }], usage: { input_tokens: 10, output_tokens: 3 } };
    ctx.api.enqueue(reply, reply);
    const buffered = await ctx.invoke(agentEvent({ input: 'q' }));
    const streamed = await ctx.stream(agentEvent({ input: 'q' }));
    const done = streamed.events.at(-1)!;
    expect(done.event).toBe('done');
    const normalise = (o: any) => ({ ...o, tool_calls: o.tool_calls.map((t: any) => ({ ...t, duration_ms: 0 })) });
    expect(normalise(done.data)).toEqual(normalise(buffered.json));
  });

  test('each text event reaches the Runtime API before the model has produced its last token', async () => {
    // Given a model that sends six tokens 40 ms apart
    ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'one two three four five six' }], tokenDelayMs: 40 });
    // When the function streams them through the runtime client
    const streamed = await ctx.stream(agentEvent({ input: 'count' }));
    // Then the first five left the function while the model was still writing: nothing is held back
    const texts = streamed.events.filter((e) => e.event === 'text');
    expect(texts.map((e) => e.data.text).join('')).toBe('one two three four five six');
    expect(texts[4].at).toBeLessThan(ctx.api.lastEventAt()!);
  });

  test('a failure before any output keeps its real status and a JSON body', async () => {
    ctx.api.setDefault({ kind: 'error', status: 429, errorType: 'rate_limit_error', headers: { 'retry-after-ms': '1', 'retry-after': '3' } });
    const streamed = await ctx.stream(agentEvent({ input: 'hi' }));
    expect(streamed.prelude.statusCode).toBe(429);
    expect(streamed.prelude.headers).toMatchObject({ 'content-type': 'application/json', 'retry-after': '3' });
    expect(JSON.parse(streamed.body).error.type).toBe('rate_limited');
  });

  test('invalid input is a 400 JSON response, not a stream', async () => {
    const streamed = await ctx.stream(agentEvent({ input: '' }));
    expect(streamed.prelude.statusCode).toBe(400);
    expect(JSON.parse(streamed.body).error.type).toBe('invalid_request');
  });

  test('GET /health answers JSON through the streaming export too', async () => {
    const streamed = await ctx.stream(eventFixture('get-health'));
    expect(streamed.prelude.statusCode).toBe(200);
    expect(JSON.parse(streamed.body)).toMatchObject({ status: 'ok', provider: 'anthropic' });
  });

  test('a caller that goes away mid-stream does not crash the function: it logs the run and serves the next request', async () => {
    // Given a stream whose connection drops after the prelude and the first event
    ctx.api.enqueue(
      { kind: 'message', content: [{ type: 'text', text: 'one two three four five' }], tokenDelayMs: 20 },
      { kind: 'message', content: [{ type: 'text', text: 'again' }] },
    );
    const dropped = await ctx.stream(agentEvent({ input: 'hi' }), { dropStreamAfterChunks: 3 });
    expect(dropped.outcome).toMatchObject({ kind: 'stream', dropped: true });
    // Then the run finishes and is logged, the runtime client's stray rejection is logged instead of
    // ending the process, and the same execution environment answers the next request
    const [line] = await ctx.fn.requestLogs();
    expect(line).toMatchObject({ status: 200, outcome: 'ok', streaming: true });
    expect(ctx.fn.jsonLines()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'unhandled rejection', error: expect.objectContaining({ name: expect.any(String) }) }),
    );
    const next = await ctx.stream(agentEvent({ input: 'again' }));
    expect(next.events.at(-1)).toMatchObject({ event: 'done', data: { output: 'again' } });
  });
});

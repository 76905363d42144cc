/**
 * Upstream faults from the local Messages API, for both exports: each maps
 * to its status in the HTTP contract, within the Lambda deadline, without
 * leaking the upstream body. Through the zip under the runtime client, whose
 * execution environment is stopped if the function overruns its timeout.
 */
import type { Reply } from '../../src/dev/stand-ins/messages-api';
import { agentEvent } from '../helpers/events';
import { withZipRuntime, type InvokeOptions } from '../helpers/zip-runtime';

const FAULTS: Array<[label: string, reply: Reply, status: number, type: string]> = [
  [
    '429 rate limit',
    { kind: 'error', status: 429, errorType: 'rate_limit_error', message: 'secret upstream detail', headers: { 'retry-after': '7', 'retry-after-ms': '5' } },
    429,
    'rate_limited',
  ],
  [
    '529 overloaded',
    { kind: 'error', status: 529, errorType: 'overloaded_error', message: 'secret upstream detail', headers: { 'retry-after-ms': '5' } },
    503,
    'overloaded',
  ],
  [
    '500 api error',
    { kind: 'error', status: 500, errorType: 'api_error', message: 'secret upstream detail', headers: { 'retry-after-ms': '5' } },
    502,
    'upstream_error',
  ],
  ['a connection reset', { kind: 'reset' }, 502, 'upstream_error'],
];

describe('upstream faults', () => {
  const ctx = withZipRuntime();

  describe.each([['buffered'], ['streaming']])('%s export', (mode) => {
    const invoke = async (event: unknown, options: InvokeOptions = {}) => {
      if (mode === 'buffered') {
        const r = await ctx.invoke(event, options);
        return { status: r.statusCode, headers: r.headers, json: r.json, raw: r.body };
      }
      const s = await ctx.stream(event, options);
      const isJson = s.prelude.headers['content-type'] === 'application/json';
      return { status: s.prelude.statusCode, headers: s.prelude.headers, json: isJson ? JSON.parse(s.body) : { events: s.events }, raw: s.body };
    };

    test.each(FAULTS)('%s that outlasts the retries maps to its status', async (_label, reply, status, type) => {
      ctx.api.setDefault(reply);
      const response = await invoke(agentEvent({ input: 'hi' }));
      expect(response.status).toBe(status);
      expect(response.json.error).toEqual({ type, message: expect.any(String), request_id: expect.any(String) });
      expect(response.raw).not.toContain('secret upstream detail');
      if (status === 429) expect(response.headers['retry-after']).toBe('7');
    });

    test('a transient 529 is retried by the SDK within the deadline', async () => {
      ctx.api.enqueue(
        { kind: 'error', status: 529, errorType: 'overloaded_error', headers: { 'retry-after-ms': '5' } },
        { kind: 'message', content: [{ type: 'text', text: 'second try' }] },
      );
      const response = await invoke(agentEvent({ input: 'hi' }));
      expect(response.status).toBe(200);
      expect(ctx.api.requests).toHaveLength(2);
    });

    // In these, an answer from the function at all (a 504, a 429, an error event) shows it stopped before Lambda's timeout would have.
    test('a model that never answers is cut at the deadline: 504 before Lambda’s timeout', async () => {
      ctx.api.setDefault({ kind: 'hang' });
      const remainingMs = 4_000;
      const response = await invoke(agentEvent({ input: 'hi' }), { remainingMs });
      expect(response.status).toBe(504);
      expect(response.json.error.type).toBe('timeout');
    });

    test('under deadline pressure a 429 with a long retry-after is answered at once, not waited out', async () => {
      ctx.api.setDefault({ kind: 'error', status: 429, errorType: 'rate_limit_error', headers: { 'retry-after': '30' } });
      const remainingMs = 5_000;
      const response = await invoke(agentEvent({ input: 'hi' }), { remainingMs });
      expect(response.status).toBe(429);
      expect(response.headers['retry-after']).toBe('30');
      expect(ctx.api.requests).toHaveLength(1);
    });

    test('a slow stream that outlives the deadline is cut: 504 within it', async () => {
      ctx.api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'one two three four five six seven eight nine ten' }], tokenDelayMs: 800 });
      const remainingMs = 4_000;
      const response = await invoke(agentEvent({ input: 'hi' }), { remainingMs });
      if (mode === 'buffered') expect(response.status).toBe(504);
      // Streaming already committed 200 with the first tokens: the timeout arrives as the last event.
      else expect(response.json.events.at(-1)).toMatchObject({ event: 'error', data: { error: { type: 'timeout' } } });
    });

    test('with too little time left, no model call starts and the answer is 504', async () => {
      const response = await invoke(agentEvent({ input: 'hi' }), { remainingMs: 1_500 });
      expect(response.status).toBe(504);
      expect(ctx.api.requests).toHaveLength(0);
    });

    test('a slow first byte within the deadline still succeeds', async () => {
      ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'slow but fine' }], firstByteDelayMs: 300 });
      const response = await invoke(agentEvent({ input: 'hi' }));
      expect(response.status).toBe(200);
    });
  });

  test('buffered: an error event in the middle of the stream is a 503 for overloaded_error', async () => {
    ctx.api.setDefault({ kind: 'stream-error', textBefore: 'Partial ', errorType: 'overloaded_error' });
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(503);
    expect(response.json.error.type).toBe('overloaded');
  });

  test('streaming: an error event after the first tokens becomes an SSE error event on the open stream', async () => {
    ctx.api.setDefault({ kind: 'stream-error', textBefore: 'Partial ', errorType: 'overloaded_error' });
    const streamed = await ctx.stream(agentEvent({ input: 'hi' }));
    expect(streamed.prelude.statusCode).toBe(200);
    const names = streamed.events.map((e) => e.event);
    expect(names[0]).toBe('text');
    expect(names.at(-1)).toBe('error');
    expect(streamed.events.at(-1)!.data.error).toMatchObject({ type: 'overloaded', request_id: expect.any(String) });
  });

  test('a timeout after a tool turn carries the partial result', async () => {
    // Given a first turn that uses a tool, and a second call that never answers
    ctx.api.enqueue({
      kind: 'message',
      content: [
        { type: 'text', text: 'Working on it.' },
        { type: 'tool_use', id: 't', name: 'calculator', input: { expression: '2+2' } },
      ],
    });
    ctx.api.setDefault({ kind: 'hang' });
    // When the deadline passes
    const response = await ctx.invoke(agentEvent({ input: 'hi' }), { remainingMs: 4_000 });
    // Then the 504 says what had been produced
    expect(response.statusCode).toBe(504);
    expect(response.json.partial).toMatchObject({ output: 'Working on it.', iterations: 2, tool_calls: [{ name: 'calculator', is_error: false }] });
  });
});

/**
 * The second adversarial review's findings, each reproduced through the zip
 * under the runtime client: schemas that could hang or break the function,
 * malformed provider replies, retry-after beyond the deadline, configuration
 * errors before authentication, events without an IAM authorizer, the SDK's
 * own logging, unbounded texts, and a Secrets Manager read outside the deadline.
 */
import { agentEvent, eventFixture, withRoute } from '../helpers/events';
import { withZipRuntime, type InvokeOptions } from '../helpers/zip-runtime';

const submit = (input: unknown, id = 'toolu_submit') => ({ type: 'tool_use' as const, id, name: 'submit_result', input });
const schemaWith = (property: Record<string, unknown>) => ({ type: 'object', properties: { v: property }, required: ['v'] });

describe('hardening (second review)', () => {
  const ctx = withZipRuntime();

  describe('1. caller schemas run in bounded time, whatever the pattern or format', () => {
    test.each([
      ['pattern "^(x+)+y$" on 31 x', { type: 'string', pattern: '^(x+)+y$' }, 'x'.repeat(31)],
      ['pattern "(a|aa)+$" on 40 a and a b', { type: 'string', pattern: '^(a|aa)+$' }, `${'a'.repeat(40)}b`],
      ['format "url" on 33 a', { type: 'string', format: 'url' }, 'a'.repeat(33)],
      ['format "uri" on 5,000 characters', { type: 'string', format: 'uri' }, `http://${'a:'.repeat(2_500)} `],
      ['format "email" on 5,000 characters', { type: 'string', format: 'email' }, `${'a.'.repeat(2_500)}@`],
    ])('%s: the invalid result is answered within the deadline, twice', async (_label, property, value) => {
      ctx.api.enqueue({ kind: 'message', content: [submit({ v: value })] }, { kind: 'message', content: [submit({ v: value }, 'toolu_2')] });
      // An unbounded match would run past the 6 s function timeout: the function answering at all shows the work was bounded.
      const response = await ctx.invoke(agentEvent({ input: 'x', output_schema: schemaWith(property) }), { remainingMs: 6_000 });
      expect(response.outcome.kind).toBe('response');
      expect(response.statusCode).toBe(502);
      expect(response.json.error.message).toMatch(/does not match output_schema after a retry/);
    });

    test('a pattern the linear-time engine cannot run (a backreference) is refused up front, naming where it is', async () => {
      const response = await ctx.invoke(agentEvent({ input: 'x', output_schema: schemaWith({ type: 'string', pattern: '^(a+)\\1$' }) }));
      expect(response.statusCode).toBe(400);
      expect(response.json.error.message).toMatch(/output_schema.*\/properties\/v\/pattern/);
      expect(ctx.api.requests).toHaveLength(0);
    });
  });

  describe('2. the whole schema is checked before any model call', () => {
    /** 900 levels of `items` in 8 KB of body, as the review sent it. */
    const deep = (levels: number) =>
      JSON.parse(`{"type":"object","properties":{"v":${'{"items":'.repeat(levels)}{}${'}'.repeat(levels)}}}`) as Record<string, unknown>;
    test.each([
      [
        'an invalid pattern deep in a property',
        schemaWith({ type: 'object', properties: { w: { type: 'string', pattern: '([a-z' } } }),
        /\/properties\/v\/properties\/w\/pattern/,
      ],
      [
        'a $ref cycle',
        { type: 'object', $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, properties: { v: { $ref: '#/$defs/a' } } },
        /\/\$defs\/a|\/\$defs\/b/,
      ],
      ['a remote $ref', schemaWith({ $ref: 'https://example.com/schema.json' }), /\/properties\/v\/\$ref/],
      ['a $ref to nothing', schemaWith({ $ref: '#/$defs/missing' }), /\/properties\/v\/\$ref/],
      ['a schema nested 900 levels deep', deep(900), /nests deeper than/],
      ['an unknown type deep inside', schemaWith({ type: 'array', items: { type: 'strnig' } }), /\/properties\/v\/items\/type/],
    ])('%s is a 400 naming the part, and no model is called', async (_label, schema, where) => {
      const response = await ctx.invoke(agentEvent({ input: 'x', output_schema: schema }));
      expect(response.statusCode).toBe(400);
      expect(response.json.error.type).toBe('invalid_request');
      expect(response.json.error.message).toMatch(where);
      expect(ctx.api.requests).toHaveLength(0);
    });
  });

  describe.each([['buffered'], ['streaming']])('3. malformed provider replies are 502 (%s)', (mode) => {
    const call = async (options: InvokeOptions = {}) => {
      if (mode === 'buffered') {
        const r = await ctx.invoke(agentEvent({ input: 'hi' }), options);
        return { status: r.statusCode, error: r.json?.error, raw: r.body };
      }
      const s = await ctx.stream(agentEvent({ input: 'hi' }), options);
      const last = s.events.at(-1);
      const error = s.prelude.statusCode === 200 ? (last?.event === 'error' ? last.data.error : undefined) : JSON.parse(s.body).error;
      return { status: s.prelude.statusCode === 200 && error ? 502 : s.prelude.statusCode, error, raw: s.body };
    };
    test.each([
      ['a 200 with invalid JSON', { kind: 'raw', status: 200, contentType: 'application/json', body: '{"id": "msg_1", "content": [' }],
      ['a 200 with an HTML page', { kind: 'raw', status: 200, contentType: 'text/html', body: '<html><body>secret upstream detail</body></html>' }],
      ['an empty event stream', { kind: 'raw', status: 200, contentType: 'text/event-stream', body: '' }],
      ['a connection dropped mid-stream', { kind: 'drop-mid-stream', textBefore: 'Partial ' }],
    ] as const)('%s', async (_label, reply) => {
      ctx.api.setDefault(reply);
      const response = await call();
      expect(response.status).toBe(502);
      expect(response.error).toMatchObject({ type: 'upstream_error' });
      expect(response.raw).not.toContain('secret upstream detail');
      const [log] = await ctx.fn.requestLogs();
      expect(log).toMatchObject({ error_code: 'provider_failed' });
    });
  });

  describe('5. a retry-after longer than the time left', () => {
    test('as an HTTP date an hour ahead: 429 at once, with the retry-after passed on', async () => {
      const later = new Date(Date.now() + 3_600_000).toUTCString();
      ctx.api.setDefault({ kind: 'error', status: 429, errorType: 'rate_limit_error', headers: { 'retry-after': later } });
      // Waiting the hour out would end in Lambda's timeout: a 429 from the function, after one call, is the answer at once.
      const response = await ctx.invoke(agentEvent({ input: 'hi' }), { remainingMs: 12_000 });
      expect(response.outcome.kind).toBe('response');
      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe(later);
      expect(ctx.api.requests).toHaveLength(1);
    });
  });

  describe('6. authentication comes before configuration, and nothing echoes a value', () => {
    const RAW_TOKEN = 'raw-token-not-a-digest-0123456789abcdef';
    test('a malformed AUTH_TOKEN_SHA256 answers a generic 500 that echoes none of it; the log names the variable only', async () => {
      await ctx.useEnv({ FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: RAW_TOKEN });
      const response = await ctx.invoke(agentEvent({ input: 'hi' }));
      expect(response.statusCode).toBe(500);
      expect(response.json.error.message).not.toMatch(/AUTH_TOKEN_SHA256/);
      const output = ctx.fn.output.join('\n');
      expect(response.body).not.toContain(RAW_TOKEN.slice(0, 8));
      expect(output).not.toContain(RAW_TOKEN.slice(0, 8));
      const [log] = await ctx.fn.requestLogs();
      expect(log.error_message).toMatch(/AUTH_TOKEN_SHA256/);
    });

    test('an anonymous caller of a public URL whose other settings are broken gets 401, not a configuration error', async () => {
      const digest = '4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031e';
      await ctx.useEnv({ FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: digest, MAX_TOKENS_CAP: 'lots' });
      const response = await ctx.invoke(agentEvent({ input: 'hi' }));
      expect(response.statusCode).toBe(401);
    });
  });

  describe('should fix', () => {
    test('AWS_IAM mode refuses an event that carries no IAM authorizer (a direct invoke with a crafted event)', async () => {
      const event = agentEvent({ input: 'hi' });
      const requestContext = { ...event.requestContext };
      delete requestContext.authorizer;
      const response = await ctx.invoke({ ...event, requestContext });
      expect(response.statusCode).toBe(401);
      expect(ctx.api.requests).toHaveLength(0);
    });

    test.each([
      ['an unparseable event', '{secret upstream detail'],
      ['an event JSON.parse quotes in its error', 'secret upstream detail'],
    ])("neither the SDK's own logging nor the failure's log line writes upstream content: %s", async (_label, data) => {
      ctx.api.setDefault({ kind: 'raw', status: 200, contentType: 'text/event-stream', body: `event: content_block_delta\ndata: ${data}\n\n` });
      const response = await ctx.invoke(agentEvent({ input: 'hi' }));
      expect(response.statusCode).toBe(502);
      const [log] = await ctx.fn.requestLogs();
      expect(log.error.name).toBe('AnthropicError');
      expect(ctx.fn.output.join('\n')).not.toContain('secret');
      expect(
        ctx.fn
          .jsonLines()
          .filter((line) => line.message === 'model sdk')
          .map((line) => line.sdk_message),
      ).toContain('Could not parse message into JSON:');
    });

    test('a 10,000-character method is logged short', async () => {
      const response = await ctx.invoke(withRoute(eventFixture('post-agent'), 'X'.repeat(10_000), '/agent'));
      expect(response.statusCode).toBe(405);
      const [log] = await ctx.fn.requestLogs();
      expect(String(log.method).length).toBeLessThanOrEqual(20);
      expect(response.body.length).toBeLessThan(1_000);
    });

    test('a tool error about a 1 MiB argument goes back to the model short', async () => {
      ctx.api.enqueue(
        { kind: 'message', content: [{ type: 'tool_use', id: 't1', name: 'current_time', input: { timezone: 'Z'.repeat(1 << 20) } }] },
        { kind: 'message', content: [{ type: 'text', text: 'done' }] },
      );
      const response = await ctx.invoke(agentEvent({ input: 'time?' }));
      expect(response.statusCode).toBe(200);
      const toolResult = (ctx.api.requests[1].body as any).messages.at(-1).content[0];
      expect(toolResult).toMatchObject({ type: 'tool_result', is_error: true });
      expect(JSON.stringify(toolResult.content).length).toBeLessThan(2_000);
    });

    test('a body of 200,000 unknown fields gets a short error message', async () => {
      await ctx.useEnv({ MAX_REQUEST_BYTES: String(6 * 1024 * 1024) });
      const body = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`field_${i}`, 1]));
      const response = await ctx.invoke(agentEvent(body));
      expect(response.statusCode).toBe(400);
      expect(response.json.error.message.length).toBeLessThan(1_000);
      expect(response.json.error.message).toMatch(/Unknown field/);
    });

    test('a Secrets Manager that never answers is cut at the request deadline: 504 within it', async () => {
      ctx.secrets.hang(true);
      try {
        await ctx.fn.restart(); // a new environment: no key cached
        expect((await ctx.invoke(eventFixture('get-health'))).statusCode).toBe(200);
        // A read outside the deadline would end in Lambda's timeout; the function's own 504 shows it was cut in time.
        const response = await ctx.invoke(agentEvent({ input: 'hi' }), { remainingMs: 3_500 });
        expect(response.outcome.kind).toBe('response');
        expect(response.statusCode).toBe(504);
      } finally {
        ctx.secrets.hang(false);
      }
    });
  });
});

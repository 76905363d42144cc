/**
 * Server-side conversations (sessions_enabled), through the built zip under
 * the runtime client, against a real DynamoDB API (dynalite) on 127.0.0.1.
 */
import { agentEvent, asCaller, eventFixture, withRoute, type FunctionUrlEventFixture } from '../helpers/events';
import { stateEnv, withZipRuntime } from '../helpers/zip-runtime';
import { startFaultProxy } from '../fixtures/servers/fault-proxy';

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';
const SESSION = 'chat-2026-11-25.a1';

const ask = (body: Record<string, unknown>, caller = ALICE): FunctionUrlEventFixture => asCaller(agentEvent(body), caller);
const sessionRoute = (method: 'GET' | 'DELETE', id: string, caller = ALICE): FunctionUrlEventFixture =>
  asCaller(withRoute(eventFixture('get-health'), method, `/sessions/${id}`), caller);
const text = (value: string) => ({ kind: 'message' as const, content: [{ type: 'text' as const, text: value }] });
/** The messages the model got in the `n`th call, as role/content pairs. */
const sentTo = (requests: ReadonlyArray<{ body: Record<string, unknown> }>, n: number) =>
  (requests[n].body.messages as Array<{ role: string; content: unknown }>).map(({ role, content }) => ({ role, content }));

describe('sessions', () => {
  const ctx = withZipRuntime((services) => stateEnv(services, { SESSIONS_ENABLED: 'true' }), { state: true });

  /** An exchange in SESSION whose expiry passed a minute ago, which DynamoDB's TTL has not removed yet. */
  const putExpiredConversation = async () => {
    const turns = JSON.stringify([
      { role: 'user', content: 'old question', at: '2026-11-01T00:00:00.000Z' },
      { role: 'assistant', content: 'old answer', at: '2026-11-01T00:00:00.000Z' },
    ]);
    const past = Math.floor(Date.now() / 1000) - 60;
    await ctx.dynamodb.put({ pk: { S: `CALLER#iam:${ALICE}` }, sk: { S: `SESSION#${SESSION}` }, turns: { S: turns }, expires_at: { N: String(past) } });
  };

  test('the stored turns of a session are sent before the new input, and the exchange is appended', async () => {
    ctx.api.enqueue(text('Nice to meet you, Ada.'), text('Your name is Ada.'));
    const first = await ctx.invoke(ask({ input: 'My name is Ada.', session_id: SESSION }));
    expect(first.statusCode).toBe(200);
    expect(first.json).toMatchObject({ session_id: SESSION, session_updated: true });

    const second = await ctx.invoke(ask({ input: 'What is my name?', session_id: SESSION }));
    expect(second.statusCode).toBe(200);
    expect(second.json.output).toBe('Your name is Ada.');
    expect(sentTo(ctx.api.requests, 0)).toEqual([{ role: 'user', content: 'My name is Ada.' }]);
    expect(sentTo(ctx.api.requests, 1)).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);

    const read = await ctx.invoke(sessionRoute('GET', SESSION));
    expect(read.statusCode).toBe(200);
    expect(read.json).toMatchObject({ session_id: SESSION });
    expect(read.json.turns.map((t: { role: string; content: string }) => [t.role, t.content])).toEqual([
      ['user', 'My name is Ada.'],
      ['assistant', 'Nice to meet you, Ada.'],
      ['user', 'What is my name?'],
      ['assistant', 'Your name is Ada.'],
    ]);
    for (const field of ['created_at', 'updated_at', 'expires_at']) expect(Number.isNaN(Date.parse(read.json[field]))).toBe(false);
    expect(Date.parse(read.json.updated_at)).toBeGreaterThanOrEqual(Date.parse(read.json.created_at));
  });

  test('a session expires session_ttl_hours after its last use: the TTL attribute is set on the item', async () => {
    await ctx.useEnv({ SESSIONS_ENABLED: 'true', SESSION_TTL_HOURS: '6' });
    ctx.api.enqueue(text('ok'));
    const before = Math.floor(Date.now() / 1000);
    expect((await ctx.invoke(ask({ input: 'hi', session_id: SESSION }))).statusCode).toBe(200);
    const after = Math.floor(Date.now() / 1000);
    const item = await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `SESSION#${SESSION}`);
    const expiresAt = Number(item?.expires_at?.N);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 6 * 3600);
    expect(expiresAt).toBeLessThanOrEqual(after + 6 * 3600);
    expect(item?.lock_owner).toBeUndefined(); // released with the answer
  });

  test('an expired session is gone at once, even before DynamoDB deletes it', async () => {
    await putExpiredConversation();
    expect((await ctx.invoke(sessionRoute('GET', SESSION))).statusCode).toBe(404);
    ctx.api.enqueue(text('fresh'));
    expect((await ctx.invoke(ask({ input: 'new question', session_id: SESSION }))).statusCode).toBe(200);
    expect(sentTo(ctx.api.requests, 0)).toEqual([{ role: 'user', content: 'new question' }]);
  });

  describe('a session belongs to the caller that created it', () => {
    beforeEach(async () => {
      ctx.api.enqueue(text('secret answer'));
      expect((await ctx.invoke(ask({ input: 'my secret question', session_id: SESSION }, ALICE))).statusCode).toBe(200);
    });

    test('another caller reading it gets 404, exactly as for a session that does not exist', async () => {
      const other = await ctx.invoke(sessionRoute('GET', SESSION, BOB));
      const missing = await ctx.invoke(sessionRoute('GET', 'no-such-session', ALICE));
      expect(other.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(other.json.error.type).toBe('not_found');
      expect(other.json.error.message).toBe(`No session ${SESSION}.`);
      expect(other.body).not.toContain('secret');
    });

    test('another caller deleting it gets 404 and the session stays', async () => {
      expect((await ctx.invoke(sessionRoute('DELETE', SESSION, BOB))).statusCode).toBe(404);
      expect((await ctx.invoke(sessionRoute('GET', SESSION, ALICE))).statusCode).toBe(200);
    });

    test('another caller using the same id starts a conversation of its own and sees none of the first', async () => {
      ctx.api.enqueue(text('hello Bob'));
      expect((await ctx.invoke(ask({ input: 'hello', session_id: SESSION }, BOB))).statusCode).toBe(200);
      expect(sentTo(ctx.api.requests, 1)).toEqual([{ role: 'user', content: 'hello' }]);
      const alice = await ctx.invoke(sessionRoute('GET', SESSION, ALICE));
      expect(alice.json.turns.map((t: { content: string }) => t.content)).toEqual(['my secret question', 'secret answer']);
    });
  });

  test('DELETE /sessions/{id} deletes it: 204 with no body, then 404, and the next request starts fresh', async () => {
    ctx.api.enqueue(text('first'), text('second'));
    await ctx.invoke(ask({ input: 'one', session_id: SESSION }));
    const deleted = await ctx.invoke(sessionRoute('DELETE', SESSION));
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await ctx.invoke(sessionRoute('DELETE', SESSION))).statusCode).toBe(404);
    expect((await ctx.invoke(sessionRoute('GET', SESSION))).statusCode).toBe(404);
    await ctx.invoke(ask({ input: 'two', session_id: SESSION }));
    expect(sentTo(ctx.api.requests, 1)).toEqual([{ role: 'user', content: 'two' }]);
  });

  test('at most max_session_turns turns are kept, oldest dropped first, starting with a user turn', async () => {
    await ctx.useEnv({ SESSIONS_ENABLED: 'true', MAX_SESSION_TURNS: '4' });
    for (const n of [1, 2, 3]) {
      ctx.api.enqueue(text(`answer ${n}`));
      expect((await ctx.invoke(ask({ input: `question ${n}`, session_id: SESSION }))).statusCode).toBe(200);
    }
    const read = await ctx.invoke(sessionRoute('GET', SESSION));
    expect(read.json.turns.map((t: { content: string }) => t.content)).toEqual(['question 2', 'answer 2', 'question 3', 'answer 3']);
    expect(sentTo(ctx.api.requests, 2).map((m) => m.content)).toEqual(['question 1', 'answer 1', 'question 2', 'answer 2', 'question 3']);
  });

  test('the item stays under DynamoDB’s 400 KB whatever the inputs: a maximal input and a huge answer full of escapes are stored, cut', async () => {
    const input = '"\\\n'.repeat(333_333).slice(0, 1_000_000); // every character is escaped in JSON
    await ctx.useEnv({ SESSIONS_ENABLED: 'true', MAX_SESSION_TURNS: '200', MAX_INPUT_CHARS: '1000000', MAX_REQUEST_BYTES: '6291456' });
    const answer = `${'\u0001'.repeat(200_000)}${'€'.repeat(200_000)}`;
    ctx.api.enqueue(text('small'), text(answer));
    expect((await ctx.invoke(ask({ input: 'warm up', session_id: SESSION }))).statusCode).toBe(200);
    const response = await ctx.invoke(ask({ input, session_id: SESSION }));
    expect(response.statusCode).toBe(200);
    const item = await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `SESSION#${SESSION}`);
    const bytes = Object.entries(item ?? {}).reduce((sum, [name, value]) => sum + name.length + Buffer.byteLength(value.S ?? value.N ?? '', 'utf8'), 0);
    expect(bytes).toBeLessThan(400 * 1024);
    const read = await ctx.invoke(sessionRoute('GET', SESSION));
    const turns = read.json.turns as Array<{ role: string; content: string }>;
    expect(turns[0].role).toBe('user');
    expect(turns.at(-1)?.content).toMatch(/\[truncated: the rest did not fit in the session\]$/);
    expect(turns.at(-1)?.content.startsWith('\u0001\u0001\u0001')).toBe(true);
  });

  test('a second request on a session in use gets 409 conflict at once, and no turn is lost or interleaved', async () => {
    ctx.api.enqueue({ ...text('slow answer'), firstByteDelayMs: 1_500 });
    const first = ctx.invoke(ask({ input: 'slow question', session_id: SESSION }));
    await waitFor(async () => (await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `SESSION#${SESSION}`))?.lock_owner !== undefined);
    let firstDone = false;
    void first.finally(() => (firstDone = true));
    const second = await ctx.stream(ask({ input: 'impatient question', session_id: SESSION })); // the other export: another environment
    // At once: answered while the first request still holds the session, not after it.
    expect(firstDone).toBe(false);
    expect(second.prelude.statusCode).toBe(409);
    expect(JSON.parse(second.body).error).toMatchObject({ type: 'conflict', message: expect.stringContaining(`Session ${SESSION} is in use`) });
    expect((await first).statusCode).toBe(200);
    expect(ctx.api.requests).toHaveLength(1);
    const read = await ctx.invoke(sessionRoute('GET', SESSION));
    expect(read.json.turns.map((t: { content: string }) => t.content)).toEqual(['slow question', 'slow answer']);
  });

  test.each([
    ['cut by max_tokens', { ...text('half an ans'), stop_reason: 'max_tokens' }],
    ['empty', { kind: 'message' as const, content: [] }],
  ])('an answer %s is returned but not stored: session_updated is false and says why', async (_label, reply) => {
    ctx.api.enqueue(text('kept'), reply, text('after'));
    await ctx.invoke(ask({ input: 'one', session_id: SESSION }));
    const response = await ctx.invoke(ask({ input: 'not kept', session_id: SESSION }));
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ session_id: SESSION, session_updated: false, session_not_updated: 'incomplete_answer' });
    expect((await ctx.invoke(ask({ input: 'two', session_id: SESSION }))).statusCode).toBe(200); // released at once
    const read = await ctx.invoke(sessionRoute('GET', SESSION));
    expect(read.json.turns.map((t: { content: string }) => t.content)).toEqual(['one', 'kept', 'two', 'after']);
    const [, line] = await ctx.fn.requestLogs(2);
    expect(line).toMatchObject({ session_updated: false, session_not_updated: 'incomplete_answer' });
  });

  test('a session in use cannot be deleted: 409, and the running request still stores its turn', async () => {
    ctx.api.enqueue({ ...text('slow answer'), firstByteDelayMs: 1_000 });
    const first = ctx.invoke(ask({ input: 'slow question', session_id: SESSION }));
    await waitFor(async () => (await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `SESSION#${SESSION}`))?.lock_owner !== undefined);
    const deleted = await ctx.stream(sessionRoute('DELETE', SESSION));
    expect(deleted.prelude.statusCode).toBe(409);
    expect((await first).json.session_updated).toBe(true);
    expect((await ctx.invoke(sessionRoute('DELETE', SESSION))).statusCode).toBe(204);
  });

  test('an expired conversation does not come back when a request on it fails', async () => {
    await putExpiredConversation();
    ctx.api.enqueue({ kind: 'error', status: 400, errorType: 'invalid_request_error', message: 'bad' });
    expect((await ctx.invoke(ask({ input: 'fails', session_id: SESSION }))).statusCode).toBe(502);
    expect((await ctx.invoke(sessionRoute('GET', SESSION))).statusCode).toBe(404);
  });

  test('an expired conversation does not come back when the write that empties it fails', async () => {
    // Given: an expired conversation DynamoDB has not removed yet, and a table that fails the write emptying it
    await putExpiredConversation();
    const proxy = await startFaultProxy(ctx.dynamodb.url);
    try {
      proxy.inject({ when: (r) => r.target.endsWith('.UpdateItem') && r.body.includes('REMOVE turns'), error: { status: 500, type: 'InternalServerError' } });
      await ctx.useEnv({ SESSIONS_ENABLED: 'true', AWS_ENDPOINT_URL_DYNAMODB: proxy.url });
      // When: a request continues the session
      const failed = await ctx.invoke(ask({ input: 'continue', session_id: SESSION }));
      // Then: 503, nothing reached the model, and the conversation stays expired
      expect(failed.statusCode).toBe(503);
      expect(ctx.api.requests).toHaveLength(0);
      expect(proxy.faulted.length).toBeGreaterThan(0);
      expect((await ctx.invoke(sessionRoute('GET', SESSION))).statusCode).toBe(404);
      // And once the table is back, the next request starts the session empty
      proxy.heal();
      ctx.api.enqueue(text('fresh'));
      expect((await ctx.invoke(ask({ input: 'again', session_id: SESSION }))).statusCode).toBe(200);
      expect(sentTo(ctx.api.requests, 0)).toEqual([{ role: 'user', content: 'again' }]);
    } finally {
      await proxy.close();
    }
  });

  test('a failed request leaves the session as it was and free for the next one', async () => {
    ctx.api.enqueue(text('kept'), { kind: 'error', status: 400, errorType: 'invalid_request_error', message: 'bad' }, text('after'));
    await ctx.invoke(ask({ input: 'one', session_id: SESSION }));
    expect((await ctx.invoke(ask({ input: 'fails', session_id: SESSION }))).statusCode).toBe(502);
    expect((await ctx.invoke(ask({ input: 'two', session_id: SESSION }))).statusCode).toBe(200);
    const read = await ctx.invoke(sessionRoute('GET', SESSION));
    expect(read.json.turns.map((t: { content: string }) => t.content)).toEqual(['one', 'kept', 'two', 'after']);
  });

  describe('streaming', () => {
    test('the done event carries session_id and the turn is stored', async () => {
      ctx.api.enqueue(text('streamed answer'));
      const response = await ctx.stream(ask({ input: 'stream it', session_id: SESSION }));
      const done = response.events.find((e) => e.event === 'done');
      expect(done?.data.session_id).toBe(SESSION);
      const read = await ctx.invoke(sessionRoute('GET', SESSION));
      expect(read.json.turns.map((t: { content: string }) => t.content)).toEqual(['stream it', 'streamed answer']);
    });

    test('an answer that fails mid-stream is not stored', async () => {
      ctx.api.enqueue({ kind: 'stream-error', textBefore: 'half an ans', errorType: 'overloaded_error' });
      const response = await ctx.stream(ask({ input: 'will fail', session_id: SESSION }));
      expect(response.events.map((e) => e.event)).toContain('error');
      expect((await ctx.invoke(sessionRoute('GET', SESSION))).statusCode).toBe(404);
    });
  });

  test.each([
    [
      'session_id with messages',
      {
        input: 'x',
        session_id: SESSION,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
      },
      /either `session_id`.*or `messages`/,
    ],
    ['a session id of 7 characters', { input: 'x', session_id: 'abcdefg' }, /8 to 128 characters/],
    ['a session id with a slash', { input: 'x', session_id: 'abc/defgh' }, /8 to 128 characters/],
    ['a session id of 129 characters', { input: 'x', session_id: 'a'.repeat(129) }, /8 to 128 characters/],
    ['a numeric session id', { input: 'x', session_id: 12345678 }, /8 to 128 characters/],
  ])('%s is a 400 before any model call or table access', async (_name, body, message) => {
    const response = await ctx.invoke(ask(body));
    expect(response.statusCode).toBe(400);
    expect(response.json.error.message).toMatch(message);
    expect(ctx.api.requests).toHaveLength(0);
    expect(await ctx.dynamodb.items()).toEqual([]);
  });

  test('the log line names the caller and the session, never the turns', async () => {
    ctx.api.enqueue(text('logged answer'));
    await ctx.invoke(ask({ input: 'private words', session_id: SESSION }));
    const [line] = await ctx.fn.requestLogs(1);
    expect(line).toMatchObject({ caller: `iam:${ALICE}`, session_id: SESSION, status: 200 });
    expect(JSON.stringify(ctx.fn.output)).not.toContain('private words');
  });

  test('sessions on without STATE_TABLE_NAME: the function refuses to serve and the log names the setting', async () => {
    await ctx.useEnv({ SESSIONS_ENABLED: 'true', STATE_TABLE_NAME: '' });
    const response = await ctx.invoke(ask({ input: 'hi', session_id: SESSION }));
    expect(response.statusCode).toBe(500);
    expect(ctx.api.requests).toHaveLength(0);
    const [line] = await ctx.fn.requestLogs(1);
    expect(line.error_message).toMatch(/needs the state table is on .* but STATE_TABLE_NAME is not set/);
  });

  test('when the state table cannot be reached the request is refused with 503, before any model call', async () => {
    await ctx.useEnv({ SESSIONS_ENABLED: 'true', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' });
    const response = await ctx.invoke(ask({ input: 'hi', session_id: SESSION }));
    expect(response.statusCode).toBe(503);
    expect(response.json.error).toMatchObject({ type: 'unavailable', message: expect.stringContaining('state table could not be') });
    expect(ctx.api.requests).toHaveLength(0);
    const [line] = await ctx.fn.requestLogs(1);
    expect(line).toMatchObject({ status: 503, error_code: 'state_unavailable' });
    expect(JSON.stringify(line.error)).toMatch(/ECONNREFUSED/);
  });
});

describe('sessions without authentication (allow_unauthenticated)', () => {
  const ctx = withZipRuntime((services) => stateEnv(services, { SESSIONS_ENABLED: 'true', FUNCTION_URL_AUTH_TYPE: 'NONE', ALLOW_UNAUTHENTICATED: 'true' }), {
    state: true,
  });

  test('every caller is anonymous, so a session id must be at least 32 characters: the only key to the conversation', async () => {
    const short = await ctx.invoke(agentEvent({ input: 'hi', session_id: SESSION }));
    expect(short.statusCode).toBe(400);
    expect(short.json.error.message).toMatch(/at least 32 random characters, e\.g\. a UUID/);
    expect((await ctx.invoke(withRoute(eventFixture('get-health'), 'GET', `/sessions/${SESSION}`))).statusCode).toBe(400);
    ctx.api.enqueue(text('ok'));
    const long = await ctx.invoke(agentEvent({ input: 'hi', session_id: '3f2b8c1e-9a4d-4e5f-8b6a-1c2d3e4f5a6b' }));
    expect(long.statusCode).toBe(200);
    expect(long.json.session_updated).toBe(true);
  });
});

describe('sessions off (the default)', () => {
  const ctx = withZipRuntime();

  test('session_id is a 400 that names sessions_enabled', async () => {
    const response = await ctx.invoke(agentEvent({ input: 'x', session_id: SESSION }));
    expect(response.statusCode).toBe(400);
    expect(response.json.error.message).toMatch(/sessions_enabled = true/);
  });

  test.each(['GET', 'DELETE'] as const)('%s /sessions/{id} is a 404 that names sessions_enabled', async (method) => {
    const response = await ctx.invoke(withRoute(eventFixture('get-health'), method, `/sessions/${SESSION}`));
    expect(response.statusCode).toBe(404);
    expect(response.json.error.message).toMatch(/sessions_enabled = true/);
  });

  test('the log line still names the caller, and no session', async () => {
    ctx.api.enqueue(text('ok'));
    expect((await ctx.invoke(agentEvent({ input: 'x' }))).statusCode).toBe(200);
    const [line] = await ctx.fn.requestLogs(1);
    expect(line.caller).toBe('iam:arn:aws:iam::123456789012:user/caller');
    expect(line.session_id).toBeUndefined();
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

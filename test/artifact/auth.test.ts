/**
 * Public (NONE) URLs: the handler requires a bearer token whose SHA-256 digest
 * is configured, compared in constant time; AWS_IAM leaves auth to the URL.
 */
import { createHash } from 'node:crypto';
import { agentEvent, eventFixture, withAuthorization } from '../helpers/events';
import { anthropicEnv, withZipRuntime } from '../helpers/zip-runtime';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

describe('bearer-token auth for NONE-auth URLs', () => {
  const ctx = withZipRuntime((services) =>
    anthropicEnv(services, { FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: `${digest('first-token')},${digest('second-token')}` }),
  );
  const useEnv = (extra: Record<string, string>) => ctx.useEnv({ AUTH_TOKEN_SHA256: '', ...extra });
  beforeEach(() => ctx.api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'ok' }] }));

  test('a request without a token is 401 with a Bearer challenge, before any model call', async () => {
    const before = ctx.api.requests.length;
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json.error).toMatchObject({ type: 'unauthorized', message: 'Send `Authorization: Bearer <token>`.' });
    expect(ctx.api.requests.length).toBe(before);
  });

  test('a wrong token is 401', async () => {
    const response = await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), 'Bearer not-the-token'));
    expect(response.statusCode).toBe(401);
    expect(response.json.error.message).toBe('The bearer token is not valid.');
  });

  test.each([['first-token'], ['second-token']])('any configured token is accepted (%s)', async (token) => {
    const response = await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), `Bearer ${token}`));
    expect(response.statusCode).toBe(200);
  });

  test.each([
    ['empty', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['no scheme', 'first-token'],
    ['Basic credentials', `Basic ${Buffer.from('user:first-token').toString('base64')}`],
    ['another scheme', 'Token first-token'],
    ['no separator', 'Bearerfirst-token'],
    ['a quoted token', 'Bearer "first-token"'],
    ['two tokens', 'Bearer first-token second-token'],
    ['two headers joined by Lambda', 'Bearer nope, Bearer first-token'],
    ['a trailing newline', 'Bearer first-token\n'],
    ['a trailing carriage return', 'Bearer first-token\r'],
    ['a NUL inside', 'Bearer first\u0000-token'],
    ['a prefix of the token', 'Bearer first-toke'],
    ['the token with an extra character', 'Bearer first-tokenX'],
    ['the token upper-cased', 'Bearer FIRST-TOKEN'],
    ['a non-ASCII look-alike', 'Bearer first\u2010token'],
    ['the digest instead of the token', `Bearer ${digest('first-token')}`],
    ['the token base64-encoded', `Bearer ${Buffer.from('first-token').toString('base64')}`],
    ['a leading space inside the token', 'Bearer \u00a0first-token'],
    ['a one-character token', 'Bearer x'],
    ['a 1 MiB token', `Bearer ${'a'.repeat(1 << 20)}`],
    ['a 1 MiB header of spaces', `Bearer${' '.repeat(1 << 20)}first-token-not`],
    ['a comma only', ','],
    ['the scheme twice', 'Bearer Bearer first-token'],
    ['a tab inside the token', 'Bearer first\t-token'],
    ['JSON', '{"token":"first-token"}'],
  ])('a malformed or wrong Authorization is 401, never a crash or a 200: %s', async (_label, authorization) => {
    const response = await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), authorization));
    expect(response.statusCode).toBe(401);
    expect(response.json.error.type).toBe('unauthorized');
    expect(response.body.length).toBeLessThan(500);
  });

  test('the scheme is case-insensitive but the token is not', async () => {
    expect((await ctx.invoke(withAuthorization(eventFixture('get-health'), 'bearer first-token'))).statusCode).toBe(200);
    expect((await ctx.invoke(withAuthorization(eventFixture('get-health'), 'Bearer FIRST-TOKEN'))).statusCode).toBe(401);
  });

  test('the token is checked before routing: an unknown path without a token is 401, not 404', async () => {
    const response = await ctx.invoke({ ...eventFixture('get-health'), rawPath: '/admin' });
    expect(response.statusCode).toBe(401);
  });

  test('the streaming export enforces it too', async () => {
    const streamed = await ctx.stream(agentEvent({ input: 'hi' }));
    expect(streamed.prelude.statusCode).toBe(401);
  });

  test('AWS_IAM leaves authentication to the Function URL', async () => {
    await useEnv({ FUNCTION_URL_AUTH_TYPE: 'AWS_IAM' });
    expect((await ctx.invoke(agentEvent({ input: 'hi' }))).statusCode).toBe(200);
  });

  test('ALLOW_UNAUTHENTICATED=true serves without a token; the caller is anonymous', async () => {
    await useEnv({ FUNCTION_URL_AUTH_TYPE: 'NONE', ALLOW_UNAUTHENTICATED: 'true' });
    expect((await ctx.invoke(agentEvent({ input: 'hi' }))).statusCode).toBe(200);
    expect((await ctx.fn.requestLogs())[0].caller).toBe('anonymous');
  });

  test('the caller id of a token is a short id of its digest: the same for every request with it, never the token', async () => {
    await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), 'Bearer first-token'));
    await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), 'Bearer second-token'));
    await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), 'Bearer first-token'));
    const callers = (await ctx.fn.requestLogs(3)).map((line) => line.caller);
    expect(callers).toEqual([
      `token:${digest('first-token').slice(0, 12)}`,
      `token:${digest('second-token').slice(0, 12)}`,
      `token:${digest('first-token').slice(0, 12)}`,
    ]);
    expect(ctx.fn.output.join('\n')).not.toMatch(/first-token|second-token/);
  });

  test('a request that fails authentication is logged without a caller', async () => {
    await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), 'Bearer wrong'));
    const [line] = await ctx.fn.requestLogs();
    expect(line.status).toBe(401);
    expect(line.caller).toBeUndefined();
  });

  test('NONE without digests or the opt-out refuses to serve; the log names both fixes', async () => {
    await useEnv({ FUNCTION_URL_AUTH_TYPE: 'NONE' });
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(500);
    expect(response.json.error.type).toBe('internal_error');
    const [line] = await ctx.fn.requestLogs();
    expect(line.error_message).toMatch(/FUNCTION_URL_AUTH_TYPE "NONE" makes the URL public: set AUTH_TOKEN_SHA256 .* or set ALLOW_UNAUTHENTICATED = true/);
  });

  test('a configured value that is not a digest is refused without echoing it whole', async () => {
    await useEnv({ FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: 'my-plain-text-secret-token-value' });
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('my-plain-text-secret-token-value');
  });
});

/**
 * Public (NONE) URLs: the handler requires a bearer token whose SHA-256 digest
 * is configured, compared in constant time; AWS_IAM leaves auth to the URL.
 */
import { createHash } from 'node:crypto';
import { anthropicEnv, withAgentRuntime } from '../../helpers/agent-env';
import { agentEvent, eventFixture, invokeBuffered, invokeStreaming } from '../../helpers/lambda';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');
const withAuth = (event: any, authorization?: string) => ({ ...event, headers: { ...event.headers, ...(authorization ? { authorization } : {}) } });

describe('bearer-token auth for NONE-auth URLs', () => {
  const ctx = withAgentRuntime((url) => anthropicEnv(url, { FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: `${digest('first-token')},${digest('second-token')}` }));
  const useEnv = (extra: Record<string, string>) => ctx.useEnv({ AUTH_TOKEN_SHA256: '', ...extra });
  beforeEach(() => ctx.api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'ok' }] }));

  test('a request without a token is 401 with a Bearer challenge, before any model call', async () => {
    const before = ctx.api.requests.length;
    const response = await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json.error).toMatchObject({ type: 'unauthorized', message: 'Send `Authorization: Bearer <token>`.' });
    expect(ctx.api.requests.length).toBe(before);
  });

  test('a wrong token is 401', async () => {
    const response = await invokeBuffered(withAuth(agentEvent({ input: 'hi' }), 'Bearer not-the-token'));
    expect(response.statusCode).toBe(401);
    expect(response.json.error.message).toBe('The bearer token is not valid.');
  });

  test.each([['first-token'], ['second-token']])('any configured token is accepted (%s)', async (token) => {
    const response = await invokeBuffered(withAuth(agentEvent({ input: 'hi' }), `Bearer ${token}`));
    expect(response.statusCode).toBe(200);
  });

  test('the scheme is case-insensitive but the token is not', async () => {
    expect((await invokeBuffered(withAuth(eventFixture('get-health'), 'bearer first-token'))).statusCode).toBe(200);
    expect((await invokeBuffered(withAuth(eventFixture('get-health'), 'Bearer FIRST-TOKEN'))).statusCode).toBe(401);
  });

  test('the token is checked before routing: an unknown path without a token is 401, not 404', async () => {
    const response = await invokeBuffered({ ...eventFixture('get-health'), rawPath: '/admin' });
    expect(response.statusCode).toBe(401);
  });

  test('the streaming export enforces it too', async () => {
    const streamed = await invokeStreaming(agentEvent({ input: 'hi' }));
    expect(streamed.prelude.statusCode).toBe(401);
  });

  test('AWS_IAM leaves authentication to the Function URL', async () => {
    useEnv({ FUNCTION_URL_AUTH_TYPE: 'AWS_IAM' });
    expect((await invokeBuffered(agentEvent({ input: 'hi' }))).statusCode).toBe(200);
  });

  test('ALLOW_UNAUTHENTICATED=true serves without a token', async () => {
    useEnv({ FUNCTION_URL_AUTH_TYPE: 'NONE', ALLOW_UNAUTHENTICATED: 'true' });
    expect((await invokeBuffered(agentEvent({ input: 'hi' }))).statusCode).toBe(200);
  });

  test('NONE without digests or the opt-out refuses to serve, naming both fixes', async () => {
    useEnv({ FUNCTION_URL_AUTH_TYPE: 'NONE' });
    const response = await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(500);
    expect(response.json.error.message).toMatch(/AUTH_TOKEN_SHA256 is empty: set token digests, or ALLOW_UNAUTHENTICATED=true/);
  });

  test('a configured value that is not a digest is refused without echoing it whole', async () => {
    useEnv({ FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_TOKEN_SHA256: 'my-plain-text-secret-token-value' });
    const response = await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('my-plain-text-secret-token-value');
  });
});

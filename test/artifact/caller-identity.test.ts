/**
 * One caller is one caller: the caller id that keys sessions, budgets and
 * jobs is the signed name exactly, for sign-in subjects and IAM ARNs alike,
 * through the zip under the runtime client with a local OIDC issuer and a
 * local DynamoDB. A subject that is not a non-empty string names nobody.
 */
import { startOidcIssuer, type OidcIssuer } from '../../src/dev/stand-ins/oidc-issuer';
import { agentEvent, asCaller, eventFixture, withAuthorization, withRoute, type FunctionUrlEventFixture } from '../helpers/events';
import { stateEnv, withZipRuntime } from '../helpers/zip-runtime';

const AUDIENCE = 'app-client-1';
const SESSION = 'shared-session-name-0001';
const text = (value: string) => ({ kind: 'message' as const, content: [{ type: 'text' as const, text: value }] });
const longName = (end: string) => `${'x'.repeat(200)}${end}`;
/** An IAM user ARN with a path longer than 256 characters, ending in `name`. */
const longArn = (name: string) => `arn:aws:iam::123456789012:user/${'department/'.repeat(26)}${name}`;

/** Pairs of different names that a lossy caller id made one: each must stay two callers. */
const DISTINCT_SUBJECTS: Array<[string, string, string]> = [
  ['accents', 'josé', 'josè'],
  ['umlauts', 'müller', 'mäller'],
  ['the same first 200 characters', longName('a'), longName('b')],
  ['control characters', 'ann\u0001lee', 'ann\u0002lee'],
];

describe('caller identity', () => {
  let issuer: OidcIssuer;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
  });
  afterAll(() => issuer.close());
  const ctx = withZipRuntime(
    (services) =>
      stateEnv(services, { SESSIONS_ENABLED: 'true', FUNCTION_URL_AUTH_TYPE: 'NONE', AUTH_JWT_LOCAL_ISSUER: issuer.url, AUTH_JWT_AUDIENCE: AUDIENCE }),
    { state: true },
  );
  beforeEach(() => ctx.api.setDefault(text('ok')));

  const signed = async (event: FunctionUrlEventFixture, sub: unknown) =>
    withAuthorization(event, `Bearer ${await issuer.sign({ aud: AUDIENCE, sub } as never)}`);
  const askIn = (sub: unknown, input: string) => signed(agentEvent({ input, session_id: SESSION }), sub);
  const readSession = (sub: unknown) => signed(withRoute(eventFixture('get-health'), 'GET', `/sessions/${SESSION}`), sub);

  test.each(DISTINCT_SUBJECTS)('sign-in subjects that differ only in %s are two callers with two sessions', async (_, first, second) => {
    // Given: the first subject's conversation
    expect((await ctx.invoke(await askIn(first, 'my secret is 42'))).statusCode).toBe(200);
    // When: the second subject reads a session of the same name
    const read = await ctx.invoke(await readSession(second));
    // Then: it finds nothing, and each caller id is the subject exactly
    expect(read.statusCode).toBe(404);
    const callers = (await ctx.fn.requestLogs(2)).map((line) => line.caller);
    expect(callers).toEqual([`jwt:${issuer.url}#${first}`, `jwt:${issuer.url}#${second}`]);
    expect((await ctx.invoke(await readSession(first))).json.turns).toHaveLength(2);
  });

  test('a subject too long for a key gets a digest id: two such subjects stay two callers', async () => {
    const [first, second] = [`${'y'.repeat(1500)}1`, `${'y'.repeat(1500)}2`];
    expect((await ctx.invoke(await askIn(first, 'mine'))).statusCode).toBe(200);
    expect((await ctx.invoke(await readSession(second))).statusCode).toBe(404);
    const [a, b] = (await ctx.fn.requestLogs(2)).map((line) => String(line.caller));
    expect(a).toMatch(/^jwt-sha256:[0-9a-f]{64}$/);
    expect(b).toMatch(/^jwt-sha256:[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  test('the subject 123 (a number) is refused, and the subject "123" (a string) is a caller of its own', async () => {
    const refused = await ctx.invoke(await askIn(123, 'as a number'));
    expect(refused.statusCode).toBe(401);
    expect(refused.json.error.message).toBe("The token's sub claim is a number; it must be a string that names the caller.");
    expect((await ctx.invoke(await askIn('123', 'as a string'))).statusCode).toBe(200);
    expect(ctx.api.requests).toHaveLength(1);
  });

  test.each([
    ['an object', { a: 1 }, "The token's sub claim is an object; it must be a string that names the caller."],
    ['a list', ['u'], "The token's sub claim is a list; it must be a string that names the caller."],
    ['null', null, "The token's sub claim is null; it must be a string that names the caller."],
    ['empty', '', "The token's sub claim is empty; it must name the caller."],
    ['a lone surrogate', 'ab\ud800', "The token's sub claim is not well-formed Unicode (it has a lone surrogate)."],
  ])('a subject that is %s is a 401 that says so, before any model call', async (_, sub, message) => {
    const response = await ctx.invoke(await askIn(sub, 'hi'));
    expect(response.statusCode).toBe(401);
    expect(response.json.error.message).toBe(message);
    expect(ctx.api.requests).toHaveLength(0);
  });

  test('two IAM callers whose ARNs share their first 256 characters are two callers', async () => {
    await ctx.useEnv({ SESSIONS_ENABLED: 'true', FUNCTION_URL_AUTH_TYPE: 'AWS_IAM', AUTH_JWT_LOCAL_ISSUER: '', AUTH_JWT_AUDIENCE: '' });
    const [alice, bob] = [longArn('alice'), longArn('bob')];
    expect(alice.slice(0, 256)).toBe(bob.slice(0, 256));
    expect((await ctx.invoke(asCaller(agentEvent({ input: 'mine', session_id: SESSION }), alice))).statusCode).toBe(200);
    expect((await ctx.invoke(asCaller(withRoute(eventFixture('get-health'), 'GET', `/sessions/${SESSION}`), bob))).statusCode).toBe(404);
    expect((await ctx.fn.requestLogs(2)).map((line) => line.caller)).toEqual([`iam:${alice}`, `iam:${bob}`]);
  });
});

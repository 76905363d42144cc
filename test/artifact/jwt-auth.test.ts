/**
 * Sign-in tokens (JWTs) on a NONE-auth URL, through the zip under the
 * runtime client, against a local OpenID Connect issuer on 127.0.0.1 whose
 * keys the test generates and whose tokens jose signs. Every refusal is a
 * 401 that says what was wrong and never echoes the token; no refused
 * request reaches the model.
 */
import { createHash } from 'node:crypto';
import { startOidcIssuer, type OidcIssuer } from '../../src/dev/stand-ins/oidc-issuer';
import { agentEvent, eventFixture, withAuthorization } from '../helpers/events';
import { anthropicEnv, withZipRuntime } from '../helpers/zip-runtime';

const AUDIENCE = 'app-client-1';
const SCOPE = 'agent/invoke';
/** The function's cooldown between two fetches of the keys for an unknown kid, shortened from a minute. @unit ms */
const COOLDOWN_MS = 1500;
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const withToken = (token: string) => withAuthorization(agentEvent({ input: 'hi' }), `Bearer ${token}`);
/** Claims a valid token for this agent carries. */
const VALID = { aud: AUDIENCE, scope: `openid ${SCOPE}` };

describe('JWT sign-in (NONE-auth URL, local OIDC issuer)', () => {
  let issuer: OidcIssuer;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
  });
  afterAll(() => issuer.close());
  const ctx = withZipRuntime((services) =>
    anthropicEnv(services, {
      FUNCTION_URL_AUTH_TYPE: 'NONE',
      AUTH_JWT_LOCAL_ISSUER: issuer.url,
      AUTH_JWT_AUDIENCE: `other-app,${AUDIENCE}`,
      AUTH_JWT_SCOPES: SCOPE,
      AUTH_JWT_KEYS_COOLDOWN_MS: String(COOLDOWN_MS),
    }),
  );
  beforeEach(() => ctx.api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'ok' }] }));

  /** Refused tokens: each made fresh (expiry is relative to now), with what the 401 must say. */
  const REFUSED: Array<[label: string, token: () => Promise<string>, message: string | RegExp]> = [
    ['expired two minutes ago', () => issuer.sign(VALID, { expiresIn: -120 }), /^The token expired at \d{4}-\d\d-\d\dT/],
    ['not valid for another two minutes', () => issuer.sign(VALID, { notBeforeIn: 120 }), /^The token is not valid before \d{4}-\d\d-\d\dT/],
    [
      'from another issuer',
      () => issuer.sign({ ...VALID, iss: 'https://issuer.example.com' }),
      'The token comes from another issuer: its iss is not the issuer this agent trusts.',
    ],
    ['for another audience', () => issuer.sign({ ...VALID, aud: 'someone-else' }), /^The token was issued for another audience/],
    ['with no audience at all', () => issuer.sign({ scope: SCOPE }), /^The token was issued for another audience/],
    [
      'a Cognito access token of another app client',
      () => issuer.sign({ token_use: 'access', client_id: 'someone-else', scope: SCOPE }),
      /^The token was issued for another audience/,
    ],
    [
      'an ID token carrying the client id as client_id only',
      () => issuer.sign({ token_use: 'id', client_id: AUDIENCE, scope: SCOPE }),
      /^The token was issued for another audience/,
    ],
    ['without the required scope', () => issuer.sign({ aud: AUDIENCE, scope: 'openid profile' }), `The token lacks the required scope "${SCOPE}".`],
    ['without sub', () => issuer.sign({ ...VALID, sub: undefined }), 'The token has no sub claim, which names the caller.'],
    ['without exp', () => issuer.sign({ ...VALID, exp: undefined }), 'The token has no exp claim: this agent accepts only tokens that expire.'],
    [
      'unsigned (alg "none")',
      async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${(await issuer.sign(VALID)).split('.')[1]}.`,
      /^The token is signed with "none"; this agent accepts only asymmetric signatures \(RS256/,
    ],
    [
      'HS256 with the issuer’s public key as the secret',
      () => hs256WithPublicKey(issuer),
      /^The token is signed with "HS256"; this agent accepts only asymmetric signatures/,
    ],
    [
      'signed by a key the issuer never published',
      () => issuer.signWithUnpublishedKey(VALID),
      "The token's key (kid) is not one of the issuer's published keys.",
    ],
    ['with a tampered payload', () => tampered(issuer), "The token's signature does not verify against the issuer's key."],
    ['with its signature truncated', async () => (await issuer.sign(VALID)).slice(0, -12), "The token's signature does not verify against the issuer's key."],
    ['with its signature removed', async () => (await issuer.sign(VALID)).split('.').slice(0, 2).join('.'), /^The bearer token is not a well-formed JWT/],
    ['garbage', () => Promise.resolve('this-is-not-a-token'), /^The bearer token is not a well-formed JWT/],
    ['three dots of garbage', () => Promise.resolve('abc.def.ghi'), /^The bearer token is not a well-formed JWT/],
  ];

  test.each(REFUSED)('a token %s is a 401 saying so, never echoing the token, before any model call', async (_label, make, message) => {
    const token = await make();
    const response = await ctx.invoke(withToken(token));
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json.error.type).toBe('unauthorized');
    expect(response.json.error.message).toMatch(message);
    expect(response.body).not.toContain(token);
    expect(ctx.api.requests).toHaveLength(0);
    // The log line says why, without the token either.
    const line = ctx.fn.jsonLines().find((l) => l.path === '/agent');
    expect(line).toMatchObject({ status: 401, error_type: 'unauthorized', error_message: response.json.error.message });
    expect(JSON.stringify(ctx.fn.jsonLines())).not.toContain(token);
  });

  test('no Authorization header is a 401 asking for a bearer token', async () => {
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(401);
    expect(response.json.error.message).toBe('Send `Authorization: Bearer <token>`.');
  });

  test.each([['access_token'], ['id_token'], ['token']])('a valid token in the query string (%s) is refused, with or without the header', async (name) => {
    const token = await issuer.sign(VALID);
    const inQuery = { ...agentEvent({ input: 'hi' }), rawQueryString: `${name}=${token}` };
    for (const event of [inQuery, withAuthorization(inQuery, `Bearer ${token}`)]) {
      const response = await ctx.invoke(event);
      expect(response.statusCode).toBe(401);
      expect(response.json.error.message).toMatch(/^Send the token in the `Authorization: Bearer` header: a token in the query string/);
      expect(response.body).not.toContain(token);
    }
    expect(ctx.api.requests).toHaveLength(0);
  });

  test.each([['RS256'], ['ES256']] as const)('a valid %s token is admitted, and the caller is jwt:<iss>#<sub>', async (alg) => {
    const response = await ctx.invoke(withToken(await issuer.sign({ ...VALID, sub: `user-${alg}` }, { alg })));
    expect(response.statusCode).toBe(200);
    expect(ctx.fn.jsonLines().find((l) => l.path === '/agent')).toMatchObject({ status: 200, caller: `jwt:${issuer.url}#user-${alg}` });
  });

  test('a token that expired less than a minute ago is within the clock leeway', async () => {
    expect((await ctx.invoke(withToken(await issuer.sign(VALID, { expiresIn: -30 })))).statusCode).toBe(200);
  });

  test('a Cognito access token (client_id, no aud) and an ID token with several audiences are admitted', async () => {
    const access = await issuer.sign({ token_use: 'access', client_id: AUDIENCE, scope: SCOPE });
    const id = await issuer.sign({ ...VALID, aud: ['unrelated', AUDIENCE] });
    expect((await ctx.invoke(withToken(access))).statusCode).toBe(200);
    expect((await ctx.invoke(withToken(id))).statusCode).toBe(200);
  });

  test('the scope may come as `scp`, a list (Okta, Entra ID)', async () => {
    const token = await issuer.sign({ aud: AUDIENCE, scp: ['openid', SCOPE] });
    expect((await ctx.invoke(withToken(token))).statusCode).toBe(200);
  });

  test('the discovery document is read once per execution environment, and the keys are reused', async () => {
    const before = { ...issuer.fetches };
    for (let i = 0; i < 3; i += 1) expect((await ctx.invoke(withToken(await issuer.sign(VALID)))).statusCode).toBe(200);
    expect(issuer.fetches).toEqual(before);
    expect(before.discovery).toBe(1);
  });

  test('a rotated key is picked up: an unknown kid refetches the keys, at most once per cooldown', async () => {
    // Given keys fetched just now
    expect((await ctx.invoke(withToken(await issuer.sign(VALID)))).statusCode).toBe(200);
    await ctx.invoke(withToken(await issuer.signWithUnpublishedKey(VALID)));
    const fetched = issuer.fetches.jwks;
    // When the issuer publishes a new key and signs with it, within the cooldown
    const kid = await issuer.addKey('ES256');
    const fresh = await issuer.sign(VALID, { kid });
    const early = await ctx.invoke(withToken(fresh));
    // Then the keys are not fetched again yet, and the token is refused as signed by an unknown key
    expect(early.statusCode).toBe(401);
    expect(early.json.error.message).toBe("The token's key (kid) is not one of the issuer's published keys.");
    expect(issuer.fetches.jwks).toBe(fetched);
    // After the cooldown, the same token makes the function fetch the keys once more, and it is admitted
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 200));
    expect((await ctx.invoke(withToken(fresh))).statusCode).toBe(200);
    expect(issuer.fetches.jwks).toBe(fetched + 1);
    // And a key the issuer stopped publishing stops working once the keys are fetched again
    const old = await issuer.sign(VALID, { kid });
    issuer.removeKey(kid);
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 200));
    await ctx.invoke(withToken(await issuer.signWithUnpublishedKey(VALID)));
    expect((await ctx.invoke(withToken(old))).statusCode).toBe(401);
  });

  test('static bearer tokens and JWTs configured together: either admits its caller', async () => {
    const digest = createHash('sha256').update('static-token').digest('hex');
    await ctx.useEnv({ AUTH_TOKEN_SHA256: digest });
    expect((await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), 'Bearer static-token'))).statusCode).toBe(200);
    expect((await ctx.invoke(withToken(await issuer.sign(VALID)))).statusCode).toBe(200);
    const wrong = await ctx.invoke(withAuthorization(agentEvent({ input: 'hi' }), 'Bearer wrong-static-token'));
    expect(wrong.json.error.message).toBe('The bearer token is not valid.');
    const admitted = ctx.fn.jsonLines().filter((l) => l.path === '/agent' && l.status === 200);
    expect(admitted.map((l) => String(l.caller).split(':')[0])).toEqual(['token', 'jwt']);
  });

  test('an issuer that cannot be reached is a 503, and the log line names its discovery document', async () => {
    const gone = await startOidcIssuer();
    await gone.close();
    await ctx.useEnv({ AUTH_JWT_LOCAL_ISSUER: gone.url });
    const response = await ctx.invoke(withToken(await issuer.sign(VALID)));
    expect(response.statusCode).toBe(503);
    expect(response.json.error.type).toBe('unavailable');
    expect(ctx.fn.jsonLines().find((l) => l.path === '/agent')?.error_message).toBe(
      `The sign-in issuer's discovery document (${gone.url}/.well-known/openid-configuration) could not be read, so no token can be checked.`,
    );
  });

  test.each([
    ['its discovery document', ['discovery'] as const],
    ['its keys', ['jwks'] as const],
  ])('an issuer that never sends %s is a 503 at the request deadline, with a log line, not a Lambda timeout', async (_, stalled) => {
    // Given: a new environment (no keys cached) and an issuer that hangs; the function has 3 s, the issuer's own timeouts 5 s
    const slow = await startOidcIssuer();
    try {
      slow.stall(stalled);
      // The init prefetch gives up on the hanging issuer at its budget (shortened here), leaving the request to meet the hang itself.
      await ctx.useEnv({ AUTH_JWT_LOCAL_ISSUER: slow.url, INIT_PREFETCH_BUDGET_MS: '1000' });
      // When
      const response = await ctx.invoke(withToken(await slow.sign(VALID)), { remainingMs: 3_000 });
      // Then
      expect(response.outcome.kind).not.toBe('timeout');
      expect(response.statusCode).toBe(503);
      const [line] = await ctx.fn.requestLogs();
      expect(line).toMatchObject({ status: 503, error_code: 'issuer_unavailable' });
      expect(line.error_message).toBe(`The sign-in issuer (${slow.url}) did not answer before the request's deadline, so the token could not be checked.`);
      expect(ctx.api.requests).toHaveLength(0);
    } finally {
      await slow.close();
    }
  });

  test('GET /health needs a token too', async () => {
    expect((await ctx.invoke(eventFixture('get-health'))).statusCode).toBe(401);
    expect((await ctx.invoke(withAuthorization(eventFixture('get-health'), `Bearer ${await issuer.sign(VALID)}`))).statusCode).toBe(200);
  });
});

/** The classic key-confusion forgery: HS256, with the issuer's public key as the HMAC secret. */
async function hs256WithPublicKey(issuer: OidcIssuer): Promise<string> {
  const jose = await import('jose');
  const rsa = issuer.publicJwk(kidOf(await issuer.sign(VALID)));
  const secret = new TextEncoder().encode(JSON.stringify(rsa));
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ ...VALID, iss: issuer.url, sub: 'attacker', exp: now + 300 })
    .setProtectedHeader({ alg: 'HS256', kid: String(rsa.kid) })
    .sign(secret);
}

/** A valid token with one claim changed after signing. */
async function tampered(issuer: OidcIssuer): Promise<string> {
  const [header, payload, signature] = (await issuer.sign(VALID)).split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${base64url({ ...claims, sub: 'admin' })}.${signature}`;
}

/** The `kid` in a token's header. */
function kidOf(token: string): string {
  return String((JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid);
}

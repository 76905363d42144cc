/**
 * Init-time prefetch, through the built zip under the runtime client: init
 * does what the first request of the configuration would (the key from
 * Secrets Manager, a connection to the model's endpoint, the sign-in
 * issuer's keys), so that request reads nothing more; a dependency that
 * fails or hangs at init is logged, bounded, and read again by the first
 * request, which answers normally once the dependency is back.
 */
import { startOidcIssuer, type OidcIssuer } from '../../src/dev/stand-ins/oidc-issuer';
import { agentEvent, withAuthorization } from '../helpers/events';
import { anthropicEnv, stateEnv, withZipRuntime, type ZipTestContext } from '../helpers/zip-runtime';

/** The prefetch's bound in these tests (INIT_PREFETCH_BUDGET_MS, 3 s unless set), short so a hang costs little. @unit ms */
const PREFETCH_BUDGET_MS = 1_500;

const prefetchLines = (ctx: ZipTestContext) => ctx.fn.jsonLines().filter((line) => line.message === 'init prefetch');

describe('init prefetch', () => {
  const ctx = withZipRuntime((services) => anthropicEnv(services, { INIT_PREFETCH_BUDGET_MS: String(PREFETCH_BUDGET_MS) }));
  beforeEach(() => ctx.api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'ok' }] }));
  afterEach(() => {
    ctx.secrets.deny(undefined);
    ctx.secrets.hang(false);
  });

  test('init reads the key and opens the model connection; the first request reads nothing more', async () => {
    // Given: a new execution environment, started and not yet invoked
    await ctx.useEnv({});
    const readsBefore = ctx.secrets.calls.length;
    await ctx.fn.warm();
    // Then: init has read the key once, opened the connection (GET /, not a model request) and said so
    expect(ctx.secrets.calls.length - readsBefore).toBe(1);
    expect(ctx.api.connectionProbes()).toBeGreaterThanOrEqual(1);
    expect(ctx.api.requests).toHaveLength(0);
    expect(prefetchLines(ctx)).toEqual([
      expect.objectContaining({ level: 'INFO', prefetched: ['model', 'model connection'], duration_ms: expect.any(Number) }),
    ]);
    // When: the first request comes
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    // Then: it answers without reading the key again
    expect(response.statusCode).toBe(200);
    expect(ctx.secrets.calls.length - readsBefore).toBe(1);
  });

  test('a key Secrets Manager refuses at init is read again by the first request, which answers once the secret is back', async () => {
    await ctx.useEnv({});
    const readsBefore = ctx.secrets.calls.length;
    ctx.secrets.deny('InternalServiceError');
    await ctx.fn.warm();
    const [line] = prefetchLines(ctx);
    expect(line).toMatchObject({ level: 'WARN', prefetched: ['model connection'], retried_by: 'the first request' });
    expect(line.failed).toEqual([
      { step: 'model', error: expect.objectContaining({ message: 'Secrets Manager refused to return the Anthropic API key (InternalServiceError).' }) },
    ]);
    // The secret is back: the first request reads it and answers
    ctx.secrets.deny(undefined);
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(200);
    expect(ctx.secrets.calls.length - readsBefore).toBe(2);
  });

  test('a Secrets Manager that hangs at init is given up when the prefetch budget ends, and the first request answers once it is back', async () => {
    await ctx.useEnv({});
    ctx.secrets.hang(true);
    await ctx.fn.warm();
    const [line] = prefetchLines(ctx);
    // Bounded: the budget ended the read (its deadline's message; the read's own 5 s timeout would say "Cannot reach")
    expect(line).toMatchObject({
      level: 'WARN',
      failed: [
        { step: 'model', error: expect.objectContaining({ message: 'The request ran out of time while reading the Anthropic API key from Secrets Manager.' }) },
      ],
    });
    ctx.secrets.hang(false);
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(200);
  });

  test('a provisioned environment reads the key but opens no connection it would leave idle until traffic comes', async () => {
    await ctx.useEnv({ AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' });
    const probesBefore = ctx.api.connectionProbes();
    await ctx.fn.warm();
    expect(prefetchLines(ctx)).toEqual([expect.objectContaining({ level: 'INFO', prefetched: ['model'] })]);
    expect(ctx.api.connectionProbes()).toBe(probesBefore);
    expect((await ctx.invoke(agentEvent({ input: 'hi' }))).statusCode).toBe(200);
  });

  test('the kill switch prefetches nothing: no key read, no connection, no log line', async () => {
    await ctx.useEnv({});
    const readsBefore = ctx.secrets.calls.length;
    const probesBefore = ctx.api.connectionProbes();
    await ctx.fn.warm('breaker');
    expect(ctx.secrets.calls.length).toBe(readsBefore);
    expect(ctx.api.connectionProbes()).toBe(probesBefore);
    expect(prefetchLines(ctx)).toEqual([]);
  });

  test('an invalid configuration prefetches nothing and leaves the error to each request, whose log line names it', async () => {
    await ctx.useEnv({ MAX_ITERATIONS: 'many' });
    await ctx.fn.warm();
    expect(prefetchLines(ctx)).toEqual([expect.objectContaining({ level: 'WARN', prefetched: [], skipped: 'the configuration is invalid' })]);
    expect(prefetchLines(ctx)[0].error.message).toContain('MAX_ITERATIONS');
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(500);
    const [line] = await ctx.fn.requestLogs();
    expect(JSON.stringify(line)).toContain('MAX_ITERATIONS');
  });
});

describe('init prefetch with JWT sign-in', () => {
  let issuer: OidcIssuer;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
  });
  afterAll(() => issuer.close());
  const ctx = withZipRuntime((services) =>
    anthropicEnv(services, {
      FUNCTION_URL_AUTH_TYPE: 'NONE',
      AUTH_JWT_LOCAL_ISSUER: issuer.url,
      AUTH_JWT_AUDIENCE: 'app',
      INIT_PREFETCH_BUDGET_MS: String(PREFETCH_BUDGET_MS),
    }),
  );
  beforeEach(() => ctx.api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'ok' }] }));
  afterEach(() => issuer.stall([]));
  const signedIn = async () => withAuthorization(agentEvent({ input: 'hi' }), `Bearer ${await issuer.sign({ aud: 'app' })}`);

  test('init fetches the issuer’s discovery document and keys; the first token is checked without fetching them', async () => {
    await ctx.useEnv({});
    const before = { ...issuer.fetches };
    await ctx.fn.warm();
    expect(issuer.fetches.discovery - before.discovery).toBe(1);
    expect(issuer.fetches.jwks - before.jwks).toBe(1);
    expect(prefetchLines(ctx)).toEqual([expect.objectContaining({ level: 'INFO', prefetched: ['model', 'model connection', 'sign-in keys'] })]);
    const response = await ctx.invoke(await signedIn());
    expect(response.statusCode).toBe(200);
    expect(issuer.fetches).toEqual({ discovery: before.discovery + 1, jwks: before.jwks + 1 });
  });

  test.each([
    ['its discovery document', ['discovery'] as const],
    ['its keys', ['jwks'] as const],
  ])('an issuer that hangs on %s at init is given up at the budget, and the first token is checked once the issuer answers', async (_, stalled) => {
    await ctx.useEnv({});
    issuer.stall(stalled);
    await ctx.fn.warm();
    expect(prefetchLines(ctx)).toEqual([
      expect.objectContaining({ level: 'WARN', prefetched: ['model', 'model connection'], failed: [expect.objectContaining({ step: 'sign-in keys' })] }),
    ]);
    // The issuer answers again: the first request fetches afresh instead of waiting behind the fetch init abandoned
    issuer.stall([]);
    const response = await ctx.invoke(await signedIn());
    expect(response.statusCode).toBe(200);
  });
});

describe('init prefetch with the state table and jobs', () => {
  const ctx = withZipRuntime(
    (services) =>
      stateEnv(services, {
        SESSIONS_ENABLED: 'true',
        ASYNC_JOBS_ENABLED: 'true',
        // Loading the clients makes no call: the queue need not exist.
        JOBS_QUEUE_URL: 'http://127.0.0.1:9/123456789012/agent-jobs',
        JOB_EVENTS_ENABLED: 'true',
        JOB_EVENT_SOURCE: 'agent',
      }),
    { state: true },
  );

  test('the agent also loads the state table client; the worker its own code and the job events client too', async () => {
    await ctx.fn.warm('buffered');
    expect(prefetchLines(ctx)).toEqual([expect.objectContaining({ level: 'INFO', prefetched: ['model', 'model connection', 'state table client'] })]);
    ctx.fn.clearOutput();
    await ctx.fn.warm('jobs');
    expect(prefetchLines(ctx)).toEqual([
      expect.objectContaining({ level: 'INFO', prefetched: ['model', 'model connection', 'state table client', 'worker code', 'job events client'] }),
    ]);
  });
});

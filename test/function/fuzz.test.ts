/**
 * Property-based: thousands of malformed Function URL events and bodies.
 * Every one gets a JSON response with a request id; none throws out of the
 * handler or hangs. Valid requests that slip through reach the local mock API.
 */
import fc from 'fast-check';
import { startMessagesApi, type MessagesApiServer } from '../fixtures/servers/messages-api';
import { anthropicEnv, applyAgentEnv, type AgentEnv } from '../helpers/agent-env';
import { agentEvent, eventFixture, invokeBuffered, invokeStreaming, lambdaContext } from '../helpers/lambda';

const PER_CALL_LIMIT_MS = 5_000;

/** Fails the property if the handler takes longer than the limit (a hang). */
function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PER_CALL_LIMIT_MS} ms`)), PER_CALL_LIMIT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The response contract for any input: JSON, a request id in header and body. */
function expectContract(status: number, headers: Record<string, string>, body: string): void {
  expect(headers['x-request-id']).toEqual(expect.any(String));
  const json = JSON.parse(body) as { request_id?: string; error?: { type: string; message: string; request_id: string } };
  if (status >= 400) {
    expect(json.error).toEqual({ type: expect.any(String), message: expect.any(String), request_id: headers['x-request-id'] });
    expect(body).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
  } else {
    expect([200]).toContain(status);
  }
}

const deepJson = fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const deepObject = fc.integer({ min: 1, max: 5_000 }).map((depth) => `${'{"input":'.repeat(depth)}"x"${'}'.repeat(depth)}`);
const hugeString = fc.integer({ min: 60_000, max: 200_000 }).map((n) => JSON.stringify({ input: 'x'.repeat(n) }));
const bodies = fc.oneof(
  fc.string(),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.record({ input: fc.anything(), messages: fc.anything(), output_schema: fc.anything(), max_tokens: fc.anything() }, { requiredKeys: [] }).map((r) => JSON.stringify(r)),
  deepJson,
  deepObject,
  hugeString,
);
const methods = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'), fc.string({ maxLength: 12 }));
const paths = fc.oneof(fc.constantFrom('/agent', '/health', '/', '/agent/', '//agent', '/%00', '/__proto__', '/constructor'), fc.webPath(), fc.string({ maxLength: 300 }));

describe('fuzzing the handler', () => {
  let api: MessagesApiServer;
  let env: AgentEnv;
  beforeAll(async () => {
    api = await startMessagesApi();
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'ok' }] });
    env = applyAgentEnv(anthropicEnv(api.url));
  });
  afterAll(async () => {
    env.restore();
    await api.close();
  });

  test('malformed bodies always get a JSON answer with a request id', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async (body, base64) => {
        const r = await bounded(invokeBuffered(agentEvent(body, { base64 })));
        expectContract(r.statusCode, r.headers, r.body);
      }),
      { numRuns: 1500 },
    );
  }, 120_000);

  test('invalid UTF-8 and bad base64 always get a 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 256 }).map((bytes) => ({ body: Buffer.from([0xc3, 0x28, ...bytes]).toString('base64'), isBase64Encoded: true })),
          fc.string({ minLength: 1 }).filter((s) => !/^[A-Za-z0-9+/\s]*={0,2}$/.test(s)).map((s) => ({ body: s, isBase64Encoded: true })),
        ),
        async (patch) => {
          const r = await bounded(invokeBuffered({ ...agentEvent('{}'), ...patch }));
          expect(r.statusCode).toBe(400);
          expectContract(r.statusCode, r.headers, r.body);
        },
      ),
      { numRuns: 1000 },
    );
  }, 120_000);

  test('unknown methods and paths get 404 or 405, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(methods, paths, async (method, path) => {
        const base = eventFixture('get-health');
        const event = { ...base, rawPath: path, requestContext: { ...base.requestContext, http: { ...base.requestContext.http, method } } };
        const r = await bounded(invokeBuffered(event));
        expectContract(r.statusCode, r.headers, r.body);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  test('events of the wrong shape, missing requestContext included, get a JSON error', async () => {
    const events = fc.oneof(
      fc.anything(),
      fc.record({ rawPath: fc.anything(), requestContext: fc.anything(), headers: fc.anything(), body: fc.anything(), isBase64Encoded: fc.anything() }, { requiredKeys: [] }),
      fc.constant({ ...agentEvent({ input: 'hi' }), requestContext: undefined }),
      fc.constant({ ...agentEvent({ input: 'hi' }), headers: null, cookies: null, queryStringParameters: null }),
    );
    await fc.assert(
      fc.asyncProperty(events, async (event) => {
        const r = await bounded(invokeBuffered(event));
        expectContract(r.statusCode, r.headers, r.body);
      }),
      { numRuns: 1500 },
    );
  }, 120_000);

  test('the streaming export holds the same contract for malformed bodies', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const s = await bounded(invokeStreaming(agentEvent(body), lambdaContext()));
        const isJson = s.prelude.headers['content-type'] === 'application/json';
        if (isJson) expectContract(s.prelude.statusCode, s.prelude.headers, s.body);
        else expect(s.events.at(-1)?.event).toMatch(/^(done|error)$/);
      }),
      { numRuns: 500 },
    );
  }, 120_000);
});

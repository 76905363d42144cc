/**
 * Property-based, through the zip under the runtime client: thousands of
 * malformed Function URL events and bodies. Every one gets a JSON response
 * with a request id; none escapes as a function error, crashes the process
 * or runs into the timeout. Valid requests that slip through reach the local
 * mock API. Caller schemas with patterns and formats shaped for catastrophic
 * backtracking validate near-miss results within the deadline.
 */
import fc from 'fast-check';
import type { InvocationOutcome } from '../../src/dev/lambda/invocation';
import { agentEvent, eventFixture, withRoute } from '../helpers/events';
import { hostileProperty, nearMiss, schemaWith } from '../helpers/hostile-schemas';
import { anthropicEnv, startLocalServices, ZipFunction } from '../helpers/zip-runtime';

/** Past this, a run counts as a hang: Lambda would stop it and bill the whole timeout. @unit ms */
const PER_CALL_LIMIT_MS = 5_000;

/** The function answered: no unhandled error, no crash, no timeout. */
function expectAnswered(outcome: InvocationOutcome): void {
  expect({ kind: outcome.kind }).toEqual({ kind: expect.stringMatching(/^(response|stream)$/) });
  if (outcome.kind === 'stream') expect(outcome.error).toBeUndefined();
}

/** The response contract for any input: JSON, a request id in header and body. */
function expectContract(status: number, headers: Record<string, string>, body: string): void {
  expect(headers['x-request-id']).toEqual(expect.any(String));
  const json = JSON.parse(body) as { request_id?: string; error?: { type: string; message: string; request_id: string } };
  if (status >= 400) {
    expect(json.error).toEqual({ type: expect.any(String), message: expect.any(String), request_id: headers['x-request-id'] });
    expect(body).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|index\.mjs/);
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
  fc
    .record({ input: fc.anything(), messages: fc.anything(), output_schema: fc.anything(), max_tokens: fc.anything() }, { requiredKeys: [] })
    .map((r) => JSON.stringify(r)),
  deepJson,
  deepObject,
  hugeString,
);
const methods = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'), fc.string({ maxLength: 12 }));
const paths = fc.oneof(
  fc.constantFrom('/agent', '/health', '/', '/agent/', '//agent', '/%00', '/__proto__', '/constructor'),
  fc.webPath(),
  fc.string({ maxLength: 300 }),
);

describe('fuzzing the zip', () => {
  let services: Awaited<ReturnType<typeof startLocalServices>>;
  let fn: ZipFunction;
  const invoke = (event: unknown) => fn.invoke(event, { remainingMs: PER_CALL_LIMIT_MS });
  beforeAll(async () => {
    services = await startLocalServices();
    services.api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'ok' }] });
    fn = new ZipFunction(anthropicEnv(services.urls));
  });
  afterAll(async () => {
    await Promise.all([fn.close(), services.close()]);
  });

  test('malformed bodies always get a JSON answer with a request id', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async (body, base64) => {
        const r = await invoke(agentEvent(body, { base64 }));
        expectAnswered(r.outcome);
        expectContract(r.statusCode, r.headers, r.body);
      }),
      { numRuns: 1500 },
    );
  }, 120_000);

  test('invalid UTF-8 and bad base64 always get a 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .uint8Array({ minLength: 1, maxLength: 256 })
            .map((bytes) => ({ body: Buffer.from([0xc3, 0x28, ...bytes]).toString('base64'), isBase64Encoded: true })),
          fc
            .string({ minLength: 1 })
            .filter((s) => !/^[A-Za-z0-9+/\s]*={0,2}$/.test(s))
            .map((s) => ({ body: s, isBase64Encoded: true })),
        ),
        async (patch) => {
          const r = await invoke({ ...agentEvent('{}'), ...patch });
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
        const r = await invoke(withRoute(eventFixture('get-health'), method, path));
        expectAnswered(r.outcome);
        expectContract(r.statusCode, r.headers, r.body);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  test('events of the wrong shape, missing requestContext included, get a JSON error', async () => {
    const events = fc.oneof(
      fc.anything(),
      fc.record(
        { rawPath: fc.anything(), requestContext: fc.anything(), headers: fc.anything(), body: fc.anything(), isBase64Encoded: fc.anything() },
        { requiredKeys: [] },
      ),
      fc.constant({ ...agentEvent({ input: 'hi' }), requestContext: undefined }),
      fc.constant({ ...agentEvent({ input: 'hi' }), headers: null, cookies: null, queryStringParameters: null }),
    );
    await fc.assert(
      fc.asyncProperty(events, async (event) => {
        const r = await invoke(event);
        expectAnswered(r.outcome);
        expectContract(r.statusCode, r.headers, r.body);
      }),
      { numRuns: 1500 },
    );
  }, 120_000);

  test('output_schema with hostile patterns and formats, on near-miss results: every answer within the deadline', async () => {
    const submit = (v: string, id: string) => ({ type: 'tool_use' as const, id, name: 'submit_result', input: { v } });
    await fc.assert(
      fc.asyncProperty(hostileProperty, nearMiss, async (property, value) => {
        services.api.reset();
        services.api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'ok' }] });
        services.api.enqueue({ kind: 'message', content: [submit(value, 't1')] }, { kind: 'message', content: [submit(value, 't2')] });
        const r = await invoke(agentEvent({ input: 'x', output_schema: schemaWith(property) }));
        expectAnswered(r.outcome);
        expectContract(r.statusCode, r.headers, r.body);
        // The body names the cause when the status is not one of these.
        expect({ status: [200, 400, 502].includes(r.statusCode) ? 'expected' : r.statusCode, body: r.body }).toMatchObject({ status: 'expected' });
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  test('the streaming export holds the same contract for malformed bodies', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const s = await fn.stream(agentEvent(body), { remainingMs: PER_CALL_LIMIT_MS });
        expectAnswered(s.outcome);
        const isJson = s.prelude.headers['content-type'] === 'application/json';
        if (isJson) expectContract(s.prelude.statusCode, s.prelude.headers, s.body);
        else expect(s.events.at(-1)?.event).toMatch(/^(done|error)$/);
      }),
      { numRuns: 500 },
    );
  }, 120_000);
});

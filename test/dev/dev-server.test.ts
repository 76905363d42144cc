/**
 * `npm run dev` end to end: the real CLI builds the zip and serves it on a
 * free port, against the local Messages API, in both invoke modes.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { invoke } from '../../src/dev/invoke';
import { regionOfFunctionUrl } from '../../src/dev/sign';
import { startMessagesApi, type MessagesApiServer } from '../../src/dev/stand-ins/messages-api';
import { startDevCli, type RunningDevServer } from '../../src/dev/dev-process';

describe('npm run dev', () => {
  let api: MessagesApiServer;
  let buffered: RunningDevServer;
  let streaming: RunningDevServer;
  let keyless: RunningDevServer;
  let mocked: RunningDevServer;

  beforeAll(async () => {
    api = await startMessagesApi();
    const env = { LLM_PROVIDER: 'anthropic', MODEL_ID: 'claude-sonnet-5-5', ANTHROPIC_API_KEY: 'sk-ant-dev', ANTHROPIC_BASE_URL: api.url };
    [buffered, streaming, keyless, mocked] = await Promise.all([
      startDevCli([], env),
      // Sessions and a budget on: the dev server serves the state table from a local DynamoDB.
      // Jobs too: a local queue that a local worker consumes.
      startDevCli(['--invoke-mode', 'RESPONSE_STREAM'], { ...env, SESSIONS_ENABLED: 'true', CALLER_DAILY_TOKEN_BUDGET: '1000000', ASYNC_JOBS_ENABLED: 'true' }),
      startDevCli([], { LLM_PROVIDER: 'anthropic' }),
      // The mock model wins over the shell's provider: no AWS, no key. With the demo MCP server.
      startDevCli(['--mock-model', '--mcp-demo'], { LLM_PROVIDER: 'bedrock', MODEL_ID: 'claude-sonnet-5-5' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([buffered?.stop(), streaming?.stop(), keyless?.stop(), mocked?.stop()]);
    await api?.close();
  });

  beforeEach(() => api.reset());

  test('--mock-model: the terminal says answers are canned, and a question runs the whole loop with a tool call, no key and no account', async () => {
    expect(mocked.output()).toMatch(/model access: the local mock model \(http:\/\/127\.0\.0\.1:\d+\): CANNED answers, no model is called/);
    const response = await fetch(`${mocked.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":"What is (3 + 4) * 2?"}',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: string; provider: string; iterations: number; tool_calls: Array<{ name: string }> };
    expect(body).toMatchObject({ provider: 'anthropic', iterations: 2, tool_calls: [{ name: 'calculator' }] });
    expect(body.output).toMatch(/^\[canned answer from the local mock model\] The tool answered this: 14$/);
    expect(api.requests).toHaveLength(0);
  });

  test('--mcp-demo: the terminal names the demo MCP server, and a question about an order calls its tool through it, token and all', async () => {
    expect(mocked.output()).toMatch(/mcp servers: demo \(http:\/\/127\.0\.0\.1:\d+\/mcp\); tools appear as <server>__<tool>/);
    const response = await fetch(`${mocked.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":"Where is order A-1001?"}',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: string; tool_calls: Array<{ name: string; server?: string; is_error: boolean }> };
    expect(body.tool_calls).toEqual([{ name: 'demo__lookup_order', server: 'demo', is_error: false, duration_ms: expect.any(Number) }]);
    expect(body.output).toBe(
      '[canned answer from the local mock model] The tool answered this: Order A-1001: shipped on 2026-12-01, arriving 2026-12-04; total 42.00 EUR.',
    );
  });

  test('--mock-model answers a structured-output request with the smallest result its schema allows', async () => {
    const output_schema = {
      type: 'object',
      required: ['city', 'population', 'tags'],
      properties: {
        city: { type: 'string', minLength: 1 },
        population: { type: 'integer', minimum: 1 },
        tags: { type: 'array', minItems: 1, items: { enum: ['big'] } },
      },
    };
    const response = await fetch(`${mocked.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'x', output_schema }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { result: unknown }).result).toEqual({ city: 'canned', population: 1, tags: ['big'] });
  });

  test.each([['buffered'], ['streaming']])('GET /health answers 200 (%s)', async (mode) => {
    const server = mode === 'buffered' ? buffered : streaming;
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toMatchObject({ status: 'ok', provider: 'anthropic', model: 'claude-sonnet-5-5' });
  });

  test('with sessions on it serves the state table from a local DynamoDB, and says so', async () => {
    expect(streaming.output()).toMatch(/state: a local DynamoDB in memory \(http:\/\/127\.0\.0\.1:\d+, table agent-state\)/);
    expect(buffered.output()).not.toMatch(/state:/);
    api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'Noted, Ada.' }] }, { kind: 'message', content: [{ type: 'text', text: 'Ada.' }] });
    const ask = (input: string) =>
      fetch(`${streaming.url}/agent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input, session_id: 'dev-session-1' }),
      });
    expect(await (await ask('I am Ada.')).text()).toContain('"session_id":"dev-session-1"');
    await (await ask('Who am I?')).text();
    expect((api.requests[1].body.messages as unknown[]).length).toBe(3);
    const session = await fetch(`${streaming.url}/sessions/dev-session-1`);
    expect(session.status).toBe(200);
    expect(((await session.json()) as { turns: unknown[] }).turns).toHaveLength(4);
  });

  test('with jobs on, POST /jobs answers 202 and the local worker runs the job to the same result POST /agent gives', async () => {
    expect(streaming.output()).toMatch(/jobs: a local SQS queue \(http:\/\/127\.0\.0\.1:\d+\/123456789012\/agent-jobs\) consumed by a local worker/);
    expect(buffered.output()).not.toMatch(/jobs:/);
    api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'The nightly report is done.' }] });
    const submitted = await fetch(`${streaming.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'Write the nightly report.' }),
    });
    expect(submitted.status).toBe(202);
    const { job_id: id, status_url: statusUrl } = (await submitted.json()) as { job_id: string; status_url: string };
    expect(submitted.headers.get('location')).toBe(statusUrl);
    let job: { status: string; result?: { output?: string } } = { status: 'queued' };
    for (const end = Date.now() + 30_000; !['succeeded', 'failed', 'cancelled'].includes(job.status);) {
      if (Date.now() > end) throw new Error(`job ${id} is still ${job.status} after 30 s:\n${streaming.output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await (await fetch(`${streaming.url}${statusUrl}`)).json()) as typeof job;
    }
    expect(job).toMatchObject({ status: 'succeeded', result: { output: 'The nightly report is done.' } });
    expect(api.requests).toHaveLength(1);
    // The job reads as ended as soon as the worker stores it; the delivery (and its line) ends after the worker returns.
    const delivered = /jobs \| delivered message [0-9a-f-]{36}: response, deleted/;
    for (const end = Date.now() + 10_000; !delivered.test(streaming.output());) {
      if (Date.now() > end) throw new Error(`no "delivered … deleted" line 10 s after job ${id} ended:\n${streaming.output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  test('POST /agent answers JSON in buffered mode', async () => {
    api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'Hello from the mock.' }] });
    const response = await fetch(`${buffered.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'hi' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ output: 'Hello from the mock.', provider: 'anthropic' });
    expect(api.requests[0].headers.authorization).toBe('Bearer sk-ant-dev');
  });

  describe('requests from other web pages', () => {
    /** A POST /agent as a page would send it: text/plain needs no CORS preflight. */
    const post = (headers: Record<string, string>): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const url = new URL(`${buffered.url}/agent`);
        const req = http.request(
          { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'text/plain', ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        req.on('error', reject);
        req.end('{"input":"spend the key"}');
      });
    const port = () => new URL(buffered.url).port;

    test.each([
      [
        'a Host that is another name (DNS rebinding)',
        () => ({ host: `attacker.example:${port()}` }),
        /Host header "attacker\.example:\d+" is not this server's address/,
      ],
      ['a Host on another port', () => ({ host: '127.0.0.1:1' }), /is not this server's address/],
      [
        'an Origin of another site',
        () => ({ host: `127.0.0.1:${port()}`, origin: 'https://attacker.example' }),
        /comes from the web page at "https:\/\/attacker\.example"/,
      ],
      ['the Origin "null" (a sandboxed page)', () => ({ host: `127.0.0.1:${port()}`, origin: 'null' }), /comes from the web page at "null"/],
    ])('%s is refused with 403, and the model is never called', async (_, headers, message) => {
      const response = await post(headers());
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body).Message).toMatch(message);
      expect(api.requests).toHaveLength(0);
    });

    test.each([
      ['the chat page itself (its own Origin)', () => ({ host: `127.0.0.1:${port()}`, origin: buffered.url })],
      ['localhost', () => ({ host: `localhost:${port()}`, origin: `http://localhost:${port()}` })],
    ])('%s is served', async (_, headers) => {
      api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'ok' }] });
      expect((await post(headers())).status).toBe(200);
    });
  });

  test('in streaming mode the first event arrives before the mock has produced its last token', async () => {
    // Given a model that emits eight tokens, 60 ms apart
    api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'a b c d e f g h' }], tokenDelayMs: 60 });
    // When the client reads the stream
    const response = await fetch(`${streaming.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'letters' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    let firstEventAt: number | undefined;
    let text = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      firstEventAt ??= performance.now();
      text += new TextDecoder().decode(chunk);
    }
    // Then the first bytes came before the last token was written, and the stream is complete
    expect(firstEventAt).toBeLessThan(api.lastEventAt()!);
    expect(text.startsWith('event: text\n')).toBe(true);
    expect(text).toContain('event: done\n');
  });

  test('in streaming mode an error before the first token keeps its status', async () => {
    const response = await fetch(`${streaming.url}/agent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input": ""}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request');
  });

  test('without a key or AWS credentials the server starts and /agent answers 502 naming what is missing', async () => {
    expect(keyless.output()).toMatch(/model access: none configured/);
    const response = await fetch(`${keyless.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'hi' }),
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /No Anthropic API key is configured: set ANTHROPIC_API_KEY_SECRET_ARN .*`npm run dev` sets it from ANTHROPIC_API_KEY/,
    );
  });

  describe('npm run invoke', () => {
    const capture = (sink: string[]) => (text: string) => void sink.push(text);

    test('prints the streamed answer piece by piece as it arrives', async () => {
      api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'one two three' }], tokenDelayMs: 10 });
      const out: string[] = [];
      const err: string[] = [];
      const code = await invoke({ question: 'count', url: streaming.url, auth: 'none', out: capture(out), err: capture(err) });
      expect(code).toBe(0);
      expect(out).toEqual(['one ', 'two ', 'three']);
      expect(err.join('')).toMatch(/1 model call\(s\), 0 tool call\(s\)/);
    });

    test('prints the output of a buffered answer, then its tool calls and usage on stderr', async () => {
      api.enqueue(
        { kind: 'message', content: [{ type: 'tool_use', id: 'toolu_1', name: 'calculator', input: { expression: '2^20' } }] },
        { kind: 'message', content: [{ type: 'text', text: 'Buffered answer.' }] },
      );
      const out: string[] = [];
      const err: string[] = [];
      expect(await invoke({ question: 'q', url: buffered.url, auth: 'none', out: capture(out), err: capture(err) })).toBe(0);
      expect(out.join('')).toBe('Buffered answer.\n');
      expect(err.join('')).toMatch(/^\[tool calculator, \d+ ms\]\n\[2 model call\(s\), 1 tool call\(s\), \d+ in \/ \d+ out tokens, ~\$[\d.]+\]\n$/);
    });

    test('with nothing listening it says what is not answering and how to start it, not "fetch failed"', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      await expect(invoke({ question: 'q', url: `http://127.0.0.1:${port}`, auth: 'none', out: () => undefined, err: () => undefined })).rejects.toThrow(
        `Nothing answered at http://127.0.0.1:${port} (ECONNREFUSED). Start the dev server with \`npm run dev\``,
      );
    });

    test('an error response is printed with its type and exits 1', async () => {
      const err: string[] = [];
      expect(await invoke({ question: 'q', url: keyless.url, auth: 'none', out: () => undefined, err: capture(err) })).toBe(1);
      expect(err.join('')).toMatch(/^error 502 \(upstream_error\): No Anthropic API key/);
    });

    describe('authentication', () => {
      let seen: http.IncomingHttpHeaders[];
      let server: http.Server;
      let url: string;
      beforeAll(async () => {
        seen = [];
        server = http.createServer((req, res) => {
          seen.push(req.headers);
          req.resume();
          req.on('end', () => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ output: 'signed ok' }));
          });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      });
      afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

      test('AWS_IAM: the request is SigV4-signed for the lambda service in the URL’s Region', async () => {
        await invoke({
          question: 'q',
          url,
          auth: 'iam',
          region: 'eu-west-1',
          credentials: { accessKeyId: 'AKIDINVOKETEST', secretAccessKey: 'secret', sessionToken: 'token' },
          out: () => undefined,
          err: () => undefined,
        });
        const headers = seen.at(-1)!;
        expect(headers.authorization).toMatch(
          /^AWS4-HMAC-SHA256 Credential=AKIDINVOKETEST\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
        );
        expect(headers['x-amz-security-token']).toBe('token');
        expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      });

      test('NONE: a token is sent as a bearer token', async () => {
        await invoke({ question: 'q', url, auth: 'token', token: 'tok-123', out: () => undefined, err: () => undefined });
        expect(seen.at(-1)!.authorization).toBe('Bearer tok-123');
      });

      test('the Region is read from a Function URL host', () => {
        expect(regionOfFunctionUrl(new URL('https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws/'))).toBe('ap-southeast-2');
        expect(regionOfFunctionUrl(new URL('http://127.0.0.1:3000'))).toBeUndefined();
      });
    });
  });
});

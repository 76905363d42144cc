/**
 * The dev server's Function URL semantics, with an echo function (run by the
 * real runtime client, like the agent's zip) behind a real server on
 * 127.0.0.1: request → payload-v2 event, result → HTTP response.
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { hostNode } from '../../src/dev/lambda/binaries';
import { LocalFunction } from '../../src/dev/lambda/local-function';
import { startDevServer, type DevServer } from '../../src/dev/server';

const ECHO = path.join(__dirname, '..', 'fixtures', 'functions', 'echo');
const echo = (handler: string) => new LocalFunction({ taskRoot: ECHO, handler, node: hostNode() });
/** The event the echo function received, read back from its answer. */
let lastEvent: any;

/** A raw request, so repeated headers and exact bytes reach the server as written. */
function send(url: string, options: { method?: string; path: string; headers?: Array<[string, string]>; body?: Buffer }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    // An array value goes out as one header line per element.
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of options.headers ?? []) {
      const existing = headers[name.toLowerCase()];
      headers[name.toLowerCase()] = existing === undefined ? value : [existing, value].flat();
    }
    const req = http.request({ hostname, port, method: options.method ?? 'GET', path: options.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('dev server request translation (buffered)', () => {
  let server: DevServer;
  let fn: LocalFunction;
  /** Sends a request and keeps the event the function saw. */
  const request = async (url: string, options: Parameters<typeof send>[1]) => {
    const response = await send(url, options);
    lastEvent = JSON.parse(response.body.toString());
    return response;
  };
  /** A header that makes the echo function answer with `result`. */
  const answering = (result: unknown): [string, string] => ['x-echo-result', Buffer.from(JSON.stringify(result)).toString('base64')];
  beforeAll(async () => {
    fn = echo('index.handler');
    server = await startDevServer({ port: 0, target: () => fn, log: () => undefined, timeoutSeconds: 30 });
  });
  afterAll(async () => {
    await server.close();
    await fn.close();
  });

  test('cookies move from the Cookie header to `cookies`', async () => {
    await request(server.url, { path: '/health', headers: [['Cookie', 'session=abc; theme=dark']] });
    expect(lastEvent.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(lastEvent.headers.cookie).toBeUndefined();
  });

  test('header names are lower-cased and repeated headers joined with commas', async () => {
    await request(server.url, {
      path: '/x',
      headers: [
        ['X-Custom', 'one'],
        ['x-custom', 'two'],
        ['Accept', 'text/plain'],
      ],
    });
    expect(lastEvent.headers['x-custom']).toBe('one,two');
    expect(lastEvent.headers.accept).toBe('text/plain');
  });

  test('raw path, raw query string and comma-joined query parameters', async () => {
    await request(server.url, { path: '/a%20b/c?x=1&x=2&y=hello%20world' });
    expect(lastEvent).toMatchObject({ rawPath: '/a%20b/c', rawQueryString: 'x=1&x=2&y=hello%20world', queryStringParameters: { x: '1,2', y: 'hello world' } });
  });

  test('no query string means no queryStringParameters, as AWS sends it', async () => {
    await request(server.url, { path: '/health' });
    expect(lastEvent.rawQueryString).toBe('');
    expect('queryStringParameters' in lastEvent).toBe(false);
    expect('body' in lastEvent).toBe(false);
  });

  test('a binary body arrives base64-encoded', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await request(server.url, { method: 'POST', path: '/agent', headers: [['content-type', 'application/octet-stream']], body: bytes });
    expect(lastEvent.isBase64Encoded).toBe(true);
    expect(Buffer.from(lastEvent.body, 'base64')).toEqual(bytes);
  });

  test('a JSON body arrives as text', async () => {
    await request(server.url, { method: 'POST', path: '/agent', headers: [['content-type', 'application/json']], body: Buffer.from('{"input":"hé"}') });
    expect(lastEvent).toMatchObject({ body: '{"input":"hé"}', isBase64Encoded: false });
  });

  test('requestContext carries method, path, source IP, request id and time', async () => {
    await request(server.url, { method: 'POST', path: '/agent?q=1', headers: [['user-agent', 'test-agent/1.0']] });
    expect(lastEvent.version).toBe('2.0');
    expect(lastEvent.requestContext).toMatchObject({
      http: { method: 'POST', path: '/agent', sourceIp: '127.0.0.1', userAgent: 'test-agent/1.0', protocol: 'HTTP/1.1' },
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      routeKey: '$default',
      time: expect.stringMatching(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
    });
  });

  test("an AWS_IAM URL's events carry the IAM authorizer Lambda adds after checking SigV4 (the local account's)", async () => {
    await request(server.url, { method: 'GET', path: '/health' });
    expect(lastEvent.requestContext.authorizer).toEqual({
      iam: expect.objectContaining({ accountId: '000000000000', userArn: expect.stringMatching(/^arn:aws:iam::000000000000:/) }),
    });
  });

  test('the result maps to status, headers, cookies and a base64-decoded body', async () => {
    const result = {
      statusCode: 418,
      headers: { 'x-a': '1' },
      cookies: ['c1=x', 'c2=y'],
      body: Buffer.from([9, 8, 7]).toString('base64'),
      isBase64Encoded: true,
    };
    const response = await send(server.url, { path: '/', headers: [answering(result)] });
    expect(response.status).toBe(418);
    expect(response.headers['x-a']).toBe('1');
    expect(response.headers['set-cookie']).toEqual(['c1=x', 'c2=y']);
    expect(response.body).toEqual(Buffer.from([9, 8, 7]));
  });

  test('a result without statusCode is sent as JSON with status 200', async () => {
    const response = await send(server.url, { path: '/', headers: [answering({ hello: 'world' })] });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({ hello: 'world' });
  });
});

describe('dev server streaming', () => {
  let server: DevServer;
  let fn: LocalFunction;
  beforeAll(async () => {
    fn = echo('index.streamHandler');
    server = await startDevServer({ port: 0, invokeMode: 'RESPONSE_STREAM', target: () => fn, log: () => undefined });
  });
  afterAll(async () => {
    await server.close();
    await fn.close();
  });

  test('the prelude becomes the status line and headers; body chunks follow', async () => {
    const response = await send(server.url, { path: '/stream' });
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(response.body.toString()).toBe('first second');
  });
});

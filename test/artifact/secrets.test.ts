/**
 * The Anthropic key from a local Secrets Manager endpoint (found through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER), through the zip as Lambda runs it: the
 * default deployment's path. Fetched once per execution environment, fetched
 * again after a 401, never leaked in a response.
 */
import * as net from 'node:net';
import { startMessagesApi, type MessagesApiServer } from '../../src/dev/stand-ins/messages-api';
import { startSecretsManager, type SecretsManagerServer } from '../../src/dev/stand-ins/secrets-manager';
import { startFaultProxy } from '../fixtures/servers/fault-proxy';
import { agentEvent } from '../helpers/events';
import { ZipFunction } from '../helpers/zip-runtime';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:anthropic-api-key-AbCdEf';
const ok = { kind: 'message' as const, content: [{ type: 'text' as const, text: 'ok' }] };

describe('API key from Secrets Manager (the default deployment)', () => {
  let api: MessagesApiServer;
  let secrets: SecretsManagerServer;
  let fn: ZipFunction;
  /** What the stack sets for llm_provider = "anthropic" with a secret ARN. */
  const deployedEnv = (extra: Record<string, string> = {}) => ({
    LLM_PROVIDER: 'anthropic',
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY_SECRET_ARN: SECRET_ARN,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    ...extra,
  });

  beforeAll(async () => {
    api = await startMessagesApi();
    secrets = await startSecretsManager(SECRET_ARN, 'sk-ant-from-secrets-manager');
    fn = new ZipFunction(deployedEnv());
  });
  afterAll(async () => {
    await Promise.all([fn.close(), api.close(), secrets.close()]);
  });
  beforeEach(async () => {
    api.reset();
    secrets.calls.length = 0;
    secrets.setSecret('sk-ant-from-secrets-manager');
    secrets.deny(undefined);
    // Each test starts in a cold execution environment, with no cached key.
    await fn.restart();
    fn.clearOutput();
  });

  test('the key is read with a SigV4-signed GetSecretValue and sent to the API', async () => {
    api.enqueue(ok);
    const response = await fn.invoke(agentEvent({ input: 'hi' }));
    expect(response.json).toMatchObject({ output: 'ok' });
    expect(response.statusCode).toBe(200);
    expect(secrets.calls).toEqual([
      {
        secretId: SECRET_ARN,
        authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=ASIALOCALEXECUTIONROLE\/\d{8}\/us-east-1\/secretsmanager\/aws4_request/),
      },
    ]);
    expect(api.requests[0].headers.authorization).toBe('Bearer sk-ant-from-secrets-manager');
  });

  test('the key is fetched once per execution environment and reused by later requests', async () => {
    api.enqueue(ok, ok, ok);
    for (let i = 0; i < 3; i += 1) expect((await fn.invoke(agentEvent({ input: `hi ${i}` }))).statusCode).toBe(200);
    expect(secrets.calls).toHaveLength(1);
  });

  test('the secret is read in the Region of its ARN, not the function’s', async () => {
    const otherRegion = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:anthropic-api-key-AbCdEf';
    const elsewhere = new ZipFunction(deployedEnv({ ANTHROPIC_API_KEY_SECRET_ARN: otherRegion }));
    try {
      await elsewhere.invoke(agentEvent({ input: 'hi' }));
      expect(secrets.calls[0].authorization).toMatch(/\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/);
    } finally {
      await elsewhere.close();
    }
  });

  test('after a 401 the secret is read again and the call retried once (rotation)', async () => {
    // Given an environment that cached the old key
    api.enqueue(ok);
    await fn.invoke(agentEvent({ input: 'warm up' }));
    // When the key is rotated and the API rejects the old one
    secrets.setSecret('sk-ant-rotated');
    api.enqueue({ kind: 'error', status: 401, errorType: 'authentication_error' }, ok);
    const response = await fn.invoke(agentEvent({ input: 'after rotation' }));
    // Then the new key is fetched and used
    expect(response.statusCode).toBe(200);
    expect(secrets.calls).toHaveLength(2);
    expect(api.requests.at(-1)!.headers.authorization).toBe('Bearer sk-ant-rotated');
  });

  test('a 401 with an unchanged key is a 502, with no endless retry', async () => {
    api.enqueue({ kind: 'error', status: 401, errorType: 'authentication_error' }, { kind: 'error', status: 401, errorType: 'authentication_error' });
    const response = await fn.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(502);
    expect(response.json.error.message).toBe("The model provider rejected the function's credentials (HTTP 401).");
    expect(api.requests).toHaveLength(1);
  });

  test('a denied secret is a 502 naming the AWS error type, never its message', async () => {
    secrets.deny('AccessDeniedException');
    const response = await fn.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(502);
    expect(response.json.error.message).toBe('Secrets Manager refused to return the Anthropic API key (AccessDeniedException).');
    expect(response.body).not.toContain('must not leak');
    expect(api.requests).toHaveLength(0);
  });

  test('a failed read is not cached: the next request tries again', async () => {
    secrets.deny('InternalServiceError');
    expect((await fn.invoke(agentEvent({ input: 'hi' }))).statusCode).toBe(502);
    secrets.deny(undefined);
    api.enqueue(ok);
    const second = await fn.invoke(agentEvent({ input: 'hi' }));
    expect(second.json.error?.message).toBeUndefined();
    expect(second.statusCode).toBe(200);
    expect(secrets.calls.length).toBeGreaterThanOrEqual(2);
  });

  test('a secret holding JSON yields its ANTHROPIC_API_KEY field', async () => {
    secrets.setSecret(JSON.stringify({ ANTHROPIC_API_KEY: 'sk-ant-in-json' }));
    api.enqueue(ok);
    await fn.invoke(agentEvent({ input: 'hi' }));
    expect(api.requests[0].headers.authorization).toBe('Bearer sk-ant-in-json');
  });

  test('the streaming export reads the key the same way', async () => {
    api.enqueue(ok);
    const streamed = await fn.stream(agentEvent({ input: 'hi' }));
    expect(streamed.prelude.statusCode).toBe(200);
    expect(streamed.events.at(-1)).toMatchObject({ event: 'done', data: { output: 'ok' } });
    expect(secrets.calls).toHaveLength(1);
  });

  test('on Lambda, ANTHROPIC_API_KEY alone is not accepted', async () => {
    const keyInEnv = new ZipFunction(deployedEnv({ ANTHROPIC_API_KEY_SECRET_ARN: '', ANTHROPIC_API_KEY: 'sk-ant-in-env' }));
    try {
      const response = await keyInEnv.invoke(agentEvent({ input: 'hi' }));
      expect(response.statusCode).toBe(502);
      expect(response.json.error.message).toMatch(/No Anthropic API key is configured: set ANTHROPIC_API_KEY_SECRET_ARN/);
      expect(response.body).not.toContain('sk-ant-in-env');
    } finally {
      await keyInEnv.close();
    }
  });

  test('a Secrets Manager that fails once (a 500) is asked again, and the request answers', async () => {
    const proxy = await startFaultProxy(secrets.url);
    proxy.inject({ when: ({ target }) => target === 'secretsmanager.GetSecretValue', error: { status: 500, type: 'InternalServiceError' }, times: 1 });
    const flaky = new ZipFunction(deployedEnv({ AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url }));
    try {
      api.setDefault(ok);
      const response = await flaky.invoke(agentEvent({ input: 'hi' }));
      expect(response.statusCode).toBe(200);
      // The init's read met the 500 and its one retry got the key (init reports no failure): the request read nothing more.
      expect(proxy.faulted).toEqual(['secretsmanager.GetSecretValue']);
      expect(secrets.calls).toHaveLength(1);
      expect(flaky.jsonLines().filter((line) => line.message === 'init prefetch')).toEqual([
        expect.objectContaining({ level: 'INFO', prefetched: expect.arrayContaining(['model']) }),
      ]);
    } finally {
      await flaky.close();
      await proxy.close();
    }
  });

  test('an unreachable Secrets Manager is a 502 whose log line names the cause', async () => {
    // A port that was free a moment ago: nothing listens there (not a port fetch refuses to use, such as 9).
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new ZipFunction(deployedEnv({ AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}` }));
    try {
      const response = await unreachable.invoke(agentEvent({ input: 'hi' }));
      expect(response.statusCode).toBe(502);
      expect(response.json.error.message).toBe('Cannot reach Secrets Manager to read the Anthropic API key.');
      const [line] = await unreachable.requestLogs();
      expect(line.error).toMatchObject({ name: expect.any(String), message: expect.stringMatching(/ECONNREFUSED|connect/i), stack: expect.any(Array) });
    } finally {
      await unreachable.close();
    }
  });
});

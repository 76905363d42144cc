/**
 * The Anthropic key from a local Secrets Manager endpoint (found through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER): fetched once per container, fetched
 * again after a 401, never leaked in a response.
 */
import { startMessagesApi, type MessagesApiServer } from '../../fixtures/servers/messages-api';
import { startSecretsManager, type SecretsManagerServer } from '../../fixtures/servers/secrets-manager';
import { applyAgentEnv, type AgentEnv } from '../../helpers/agent-env';
import { agentEvent, invokeBuffered } from '../../helpers/lambda';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:anthropic-api-key-AbCdEf';
const ok = { kind: 'message' as const, content: [{ type: 'text' as const, text: 'ok' }] };

describe('API key from Secrets Manager', () => {
  let api: MessagesApiServer;
  let secrets: SecretsManagerServer;
  let env: AgentEnv;
  const lambdaEnv = (extra: Record<string, string> = {}) => ({
    LLM_PROVIDER: 'anthropic',
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY_SECRET_ARN: SECRET_ARN,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIATESTACCESSKEY',
    AWS_SECRET_ACCESS_KEY: 'test-secret-access-key',
    AWS_SESSION_TOKEN: 'test-session-token',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    ...extra,
  });

  beforeAll(async () => {
    api = await startMessagesApi();
    secrets = await startSecretsManager(SECRET_ARN, 'sk-ant-from-secrets-manager');
  });
  afterAll(async () => {
    await Promise.all([api.close(), secrets.close()]);
  });
  beforeEach(() => {
    api.reset();
    secrets.calls.length = 0;
    secrets.setSecret('sk-ant-from-secrets-manager');
    secrets.deny(undefined);
    env = applyAgentEnv(lambdaEnv());
  });
  afterEach(() => env.restore());

  test('the key is read with a SigV4-signed GetSecretValue and sent to the API', async () => {
    api.enqueue(ok);
    const response = await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(200);
    expect(secrets.calls).toEqual([{ secretId: SECRET_ARN, authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=ASIATESTACCESSKEY\/\d{8}\/us-east-1\/secretsmanager\/aws4_request/) }]);
    expect(api.requests[0].headers.authorization).toBe('Bearer sk-ant-from-secrets-manager');
  });

  test('the key is fetched once per container and reused by later requests', async () => {
    api.enqueue(ok, ok, ok);
    for (let i = 0; i < 3; i += 1) expect((await invokeBuffered(agentEvent({ input: `hi ${i}` }))).statusCode).toBe(200);
    expect(secrets.calls).toHaveLength(1);
  });

  test('after a 401 the secret is read again and the call retried once (rotation)', async () => {
    // Given a container that cached the old key
    api.enqueue(ok);
    await invokeBuffered(agentEvent({ input: 'warm up' }));
    // When the key is rotated and the API rejects the old one
    secrets.setSecret('sk-ant-rotated');
    api.enqueue({ kind: 'error', status: 401, errorType: 'authentication_error' }, ok);
    const response = await invokeBuffered(agentEvent({ input: 'after rotation' }));
    // Then the new key is fetched and used
    expect(response.statusCode).toBe(200);
    expect(secrets.calls).toHaveLength(2);
    expect(api.requests.at(-1)!.headers.authorization).toBe('Bearer sk-ant-rotated');
  });

  test('a 401 with an unchanged key is a 502, with no endless retry', async () => {
    api.enqueue({ kind: 'error', status: 401, errorType: 'authentication_error' }, { kind: 'error', status: 401, errorType: 'authentication_error' });
    const response = await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(502);
    expect(response.json.error.message).toBe("The model provider rejected the function's credentials (HTTP 401).");
    expect(api.requests).toHaveLength(1);
  });

  test('a denied secret is a 502 naming the AWS error type, never its message', async () => {
    secrets.deny('AccessDeniedException');
    const response = await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(502);
    expect(response.json.error.message).toBe('Secrets Manager refused to return the Anthropic API key (AccessDeniedException).');
    expect(response.body).not.toContain('must not leak');
    expect(api.requests).toHaveLength(0);
  });

  test('a failed read is not cached: the next request tries again', async () => {
    secrets.deny('InternalServiceError');
    expect((await invokeBuffered(agentEvent({ input: 'hi' }))).statusCode).toBe(502);
    secrets.deny(undefined);
    api.enqueue(ok);
    const second = await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(second.json.error?.message).toBeUndefined();
    expect(second.statusCode).toBe(200);
    expect(secrets.calls).toHaveLength(2);
  });

  test('a secret holding JSON yields its ANTHROPIC_API_KEY field', async () => {
    secrets.setSecret(JSON.stringify({ ANTHROPIC_API_KEY: 'sk-ant-in-json' }));
    api.enqueue(ok);
    await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(api.requests[0].headers.authorization).toBe('Bearer sk-ant-in-json');
  });

  test('on Lambda, ANTHROPIC_API_KEY alone is not accepted', async () => {
    env.restore();
    env = applyAgentEnv(lambdaEnv({ ANTHROPIC_API_KEY_SECRET_ARN: '', ANTHROPIC_API_KEY: 'sk-ant-in-env' }));
    const response = await invokeBuffered(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(502);
    expect(response.json.error.message).toMatch(/No Anthropic API key is configured: set ANTHROPIC_API_KEY_SECRET_ARN/);
    expect(response.body).not.toContain('sk-ant-in-env');
  });
});

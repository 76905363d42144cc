/** One structured JSON log line per request; content only with LOG_CONTENT=true. */
import { startMessagesApi, type MessagesApiServer } from '../fixtures/servers/messages-api';
import { anthropicEnv, applyAgentEnv, type AgentEnv } from '../helpers/agent-env';
import { agentEvent, eventFixture, invokeBuffered } from '../helpers/lambda';

describe('request log', () => {
  let api: MessagesApiServer;
  let env: AgentEnv | undefined;
  beforeAll(async () => {
    api = await startMessagesApi();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => api.reset());
  afterEach(() => env?.restore());

  const answerWithTool = () =>
    api.enqueue(
      { kind: 'message', content: [{ type: 'tool_use', id: 't', name: 'calculator', input: { expression: '1+1' } }], usage: { input_tokens: 50, output_tokens: 10, cache_creation_input_tokens: 200 } },
      { kind: 'message', content: [{ type: 'text', text: 'secret answer text' }], usage: { input_tokens: 60, output_tokens: 5, cache_read_input_tokens: 200 } },
    );

  test('a request writes exactly one line with ids, model, counts, tokens, cost, duration and outcome', async () => {
    env = applyAgentEnv(anthropicEnv(api.url));
    answerWithTool();
    await invokeBuffered(agentEvent({ input: 'private question text' }));
    expect(env.logs).toHaveLength(1);
    expect(env.logs[0]).toEqual({
      level: 'INFO',
      message: 'request',
      timestamp: expect.any(String),
      request_id: '8f6c1a2b-3d4e-4f50-8a6b-7c8d9e0f1a2b',
      method: 'POST',
      path: '/agent',
      status: 200,
      outcome: 'ok',
      provider: 'anthropic',
      model: 'claude-sonnet-5-5',
      iterations: 2,
      tool_calls: 1,
      tool_errors: 0,
      input_tokens: 110,
      output_tokens: 15,
      cache_creation_input_tokens: 200,
      cache_read_input_tokens: 200,
      cost_usd: expect.any(Number),
      stop_reason: 'end_turn',
      duration_ms: expect.any(Number),
      streaming: false,
    });
  });

  test('prompt and output text are not logged by default', async () => {
    env = applyAgentEnv(anthropicEnv(api.url));
    answerWithTool();
    await invokeBuffered(agentEvent({ input: 'private question text' }));
    const line = JSON.stringify(env.logs);
    expect(line).not.toContain('private question text');
    expect(line).not.toContain('secret answer text');
  });

  test('LOG_CONTENT=true adds input and output', async () => {
    env = applyAgentEnv(anthropicEnv(api.url, { LOG_CONTENT: 'true' }));
    answerWithTool();
    await invokeBuffered(agentEvent({ input: 'private question text' }));
    expect(env.logs[0]).toMatchObject({ input: 'private question text', output: 'secret answer text' });
  });

  test('an error is logged with its type and status', async () => {
    env = applyAgentEnv(anthropicEnv(api.url));
    await invokeBuffered({ ...eventFixture('get-health'), rawPath: '/missing' });
    expect(env.logs).toEqual([expect.objectContaining({ level: 'WARN', status: 404, outcome: 'error', error_type: 'not_found' })]);
  });
});

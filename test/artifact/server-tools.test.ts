/**
 * Anthropic's server tools (server_tools), through the zip under the
 * runtime client, against the local Messages API: the tools offered with
 * their type versions and options, their blocks sent back as they came,
 * searches priced and logged, and a paused turn continued.
 */
import { estimateCostUsd } from '../../src/function/agent/pricing';
import { DEFAULT_USAGE } from '../../src/dev/stand-ins/messages-api';
import { SERVER_TOOL_TYPES, WEB_SEARCH_USD_PER_REQUEST } from '../../src/function/tools/server-tools';
import { agentEvent } from '../helpers/events';
import { anthropicEnv, withZipRuntime } from '../helpers/zip-runtime';

const MODEL = 'claude-sonnet-5-5';
const search = { type: 'server_tool_use' as const, id: 'srvtoolu_1', name: 'web_search', input: { query: 'lambda durable functions' } };
const searchResult = {
  type: 'web_search_tool_result' as const,
  tool_use_id: 'srvtoolu_1',
  content: [
    { type: 'web_search_result', url: 'https://docs.example.com/durable', title: 'Durable functions', encrypted_content: 'EqQBCioIAhgB', page_age: null },
  ],
};
const text = (t: string) => ({ type: 'text' as const, text: t });

describe("Anthropic's server tools through the zip", () => {
  const ctx = withZipRuntime((services) =>
    anthropicEnv(services, {
      MODEL_ID: MODEL,
      SERVER_TOOLS: 'web_search,web_fetch,code_execution',
      WEB_SEARCH_MAX_USES: '3',
      WEB_ALLOWED_DOMAINS: 'docs.example.com,example.com/blog',
    }),
  );

  test('the server tools are offered with their type versions and options, after the run’s own tools', async () => {
    ctx.api.enqueue({ kind: 'message', content: [text('Hello.')] });
    await ctx.invoke(agentEvent({ input: 'hi' }));
    const tools = ctx.api.requests[0].body.tools as Array<Record<string, unknown>>;
    expect(tools.slice(-3)).toEqual([
      { type: SERVER_TOOL_TYPES.web_search, name: 'web_search', max_uses: 3, allowed_domains: ['docs.example.com', 'example.com/blog'] },
      { type: SERVER_TOOL_TYPES.web_fetch, name: 'web_fetch', max_uses: 5, allowed_domains: ['docs.example.com', 'example.com/blog'] },
      { type: SERVER_TOOL_TYPES.code_execution, name: 'code_execution', cache_control: { type: 'ephemeral' } },
    ]);
    expect(tools.slice(0, -3).map((t) => t.name)).toEqual(['calculator', 'current_time', 'knowledge_search']);
  });

  test('web searches are priced into cost_usd and logged with the request; a paused turn is continued and its text kept', async () => {
    // Given a turn that searches twice and pauses, then one that answers
    ctx.api.enqueue(
      {
        kind: 'message',
        content: [search, searchResult, text('Durable functions')],
        stop_reason: 'pause_turn',
        usage: { server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 } },
      },
      { kind: 'message', content: [text(' run for up to a year.')] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'How long can a durable function run?' }));
    // Then the answer joins both parts, the searches are counted and priced
    expect(response.statusCode).toBe(200);
    const tokens = {
      input_tokens: 2 * DEFAULT_USAGE.input_tokens,
      output_tokens: 2 * DEFAULT_USAGE.output_tokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    };
    expect(response.json).toMatchObject({
      output: 'Durable functions run for up to a year.',
      iterations: 2,
      stop_reason: 'end_turn',
      usage: { ...tokens, web_search_requests: 2 },
    });
    expect(response.json.cost_usd).toBeCloseTo(estimateCostUsd(MODEL, tokens)! + 2 * WEB_SEARCH_USD_PER_REQUEST, 6);
    // The paused turn went back as it came, with no user turn after it
    const messages = ctx.api.requests[1].body.messages as Array<{ role: string; content: unknown }>;
    expect(messages.at(-1)).toEqual({ role: 'assistant', content: [search, searchResult, text('Durable functions')] });
    // The request line carries the searches
    const [line] = await ctx.fn.requestLogs(1);
    expect(line).toMatchObject({ web_search_requests: 2, cost_usd: response.json.cost_usd });
  });
});

/**
 * Usage as the agent sums it: tokens from every call, and the server
 * tools' requests, which appear only when there were some; web searches are
 * priced into the estimated cost.
 */
import { estimateCostUsd } from '../../../src/function/agent/pricing';
import { addUsage, emptyUsage } from '../../../src/function/agent/usage';
import { WEB_SEARCH_USD_PER_REQUEST } from '../../../src/function/tools/server-tools';

describe('usage', () => {
  test('a call without server tools adds no request counts', () => {
    const total = emptyUsage();
    addUsage(total, { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: null, server_tool_use: null });
    expect(total).toEqual({ input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  test("the server tools' requests add up across calls, from a response's usage and from a summed one", () => {
    const total = emptyUsage();
    addUsage(total, { input_tokens: 1, server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 } });
    addUsage(total, { input_tokens: 1, server_tool_use: { web_search_requests: 1, web_fetch_requests: 3 } });
    const copy = emptyUsage();
    addUsage(copy, total);
    expect(copy).toEqual({
      input_tokens: 2,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      web_search_requests: 3,
      web_fetch_requests: 3,
    });
  });

  test('each web search adds its price to the cost; a fetch adds nothing beyond its tokens; an unpriced model stays unpriced', () => {
    const tokens = { input_tokens: 1_000, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const base = estimateCostUsd('claude-sonnet-5-5', tokens)!;
    expect(estimateCostUsd('claude-sonnet-5-5', { ...tokens, web_search_requests: 4, web_fetch_requests: 7 })).toBeCloseTo(
      base + 4 * WEB_SEARCH_USD_PER_REQUEST,
      6,
    );
    expect(estimateCostUsd('a-model-nobody-priced', { ...tokens, web_search_requests: 4 })).toBeNull();
  });
});

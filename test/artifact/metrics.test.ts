/**
 * Metrics without API calls: the zip's log lines under the runtime client
 * are CloudWatch Embedded Metric Format, and the metrics CloudWatch would
 * extract from them equal what the response says (usage, cost, tool calls)
 * and how it ended (errors by type, faults, budget refusals).
 */
import { DEFAULT_METRICS_NAMESPACE } from '../../src/function/metrics/definitions';
import { emfProblems, extractedMetrics, metricValue } from '../helpers/emf';
import { agentEvent } from '../helpers/events';
import { withZipRuntime } from '../helpers/zip-runtime';

const FUNCTION_NAME = 'claude-agent-local';
const BY_FUNCTION = ['FunctionName'];
const BY_MODEL = ['FunctionName', 'Model'];
const BY_ERROR_TYPE = ['FunctionName', 'ErrorType'];
const BY_TOOL = ['FunctionName', 'ToolName'];

const toolThenAnswer = (tool = 'calculator') => [
  {
    kind: 'message' as const,
    content: [{ type: 'tool_use' as const, id: 't1', name: tool, input: { expression: '6*7' } }],
    usage: { input_tokens: 50, output_tokens: 10, cache_creation_input_tokens: 200 },
  },
  {
    kind: 'message' as const,
    content: [{ type: 'text' as const, text: 'It is 42.' }],
    usage: { input_tokens: 60, output_tokens: 5, cache_read_input_tokens: 200 },
  },
];

describe('metrics in the log lines', () => {
  const ctx = withZipRuntime();

  /** The metrics of the one request line, per dimension set. */
  const requestLine = async () => {
    const [line] = await ctx.fn.requestLogs();
    expect(emfProblems(JSON.stringify(line))).toEqual([]);
    return line;
  };
  const usageMetrics = (line: Record<string, any>, dims: readonly string[]) => ({
    input_tokens: metricValue(line, 'InputTokens', dims),
    output_tokens: metricValue(line, 'OutputTokens', dims),
    cache_read_input_tokens: metricValue(line, 'CacheReadInputTokens', dims),
    cache_creation_input_tokens: metricValue(line, 'CacheCreationInputTokens', dims),
  });

  test('a buffered answer: tokens, cost, model and tool calls equal the response, per function and per model', async () => {
    ctx.api.enqueue(...toolThenAnswer());
    const { json } = await ctx.invoke(agentEvent({ input: 'six times seven?' }));
    const line = await requestLine();

    for (const dims of [BY_FUNCTION, BY_MODEL]) {
      expect(usageMetrics(line, dims)).toEqual(json.usage);
      expect(metricValue(line, 'CostUSD', dims)).toBe(json.cost_usd);
      expect(metricValue(line, 'ModelCalls', dims)).toBe(json.iterations);
      expect(metricValue(line, 'ToolCalls', dims)).toBe(json.tool_calls.length);
      expect(metricValue(line, 'ToolErrors', dims)).toBe(0);
      expect(metricValue(line, 'Requests', dims)).toBe(1);
      expect(metricValue(line, 'Errors', dims)).toBe(0);
      expect(metricValue(line, 'Faults', dims)).toBe(0);
      expect(metricValue(line, 'BudgetRejections', dims)).toBe(0);
      expect(metricValue(line, 'Duration', dims)).toBe(line.duration_ms);
      expect(metricValue(line, 'TimeToFirstToken', dims)).toBeUndefined();
    }
    const extracted = extractedMetrics(line);
    expect(new Set(extracted.map((m) => m.namespace))).toEqual(new Set([DEFAULT_METRICS_NAMESPACE]));
    expect(extracted.find((m) => m.name === 'Requests' && m.dimensions.Model)?.dimensions).toEqual({ FunctionName: FUNCTION_NAME, Model: json.model });
    expect(extracted.find((m) => m.name === 'Duration')?.unit).toBe('Milliseconds');
    expect(extracted.find((m) => m.name === 'CostUSD')?.unit).toBe('None');
    expect(extracted.find((m) => m.name === 'InputTokens')?.unit).toBe('Count');
  });

  test('each tool the request used gets a line with its calls and errors per ToolName', async () => {
    ctx.api.enqueue(...toolThenAnswer());
    await ctx.invoke(agentEvent({ input: 'six times seven?' }));
    await ctx.fn.requestLogs();
    const toolLines = ctx.fn.jsonLines().filter((l) => l.message === 'tool usage');
    expect(toolLines).toHaveLength(1);
    expect(emfProblems(JSON.stringify(toolLines[0]))).toEqual([]);
    expect(toolLines[0]).toMatchObject({ tool: 'calculator', calls: 1, errors: 0, request_id: expect.any(String) });
    expect(metricValue(toolLines[0], 'ToolCalls', BY_TOOL)).toBe(1);
    expect(extractedMetrics(toolLines[0])[0].dimensions).toEqual({ FunctionName: FUNCTION_NAME, ToolName: 'calculator' });
  });

  test('a tool name the model made up counts as unknown_tool: model output never creates a metric', async () => {
    ctx.api.enqueue(...toolThenAnswer('drop_database_' + 'x'.repeat(40)));
    await ctx.invoke(agentEvent({ input: 'go' }));
    await ctx.fn.requestLogs();
    const [toolLine] = ctx.fn.jsonLines().filter((l) => l.message === 'tool usage');
    expect(toolLine).toMatchObject({ tool: 'unknown_tool', calls: 1, errors: 1 });
    expect(JSON.stringify(toolLine)).not.toContain('drop_database');
  });

  test('a streamed answer adds TimeToFirstToken, between 0 and the duration, and its tokens equal the done event', async () => {
    ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'streamed words arrive' }], tokenDelayMs: 20 });
    const streamed = await ctx.stream(agentEvent({ input: 'hi' }));
    const done = streamed.events.find((e) => e.event === 'done')!.data;
    const line = await requestLine();
    const ttft = metricValue(line, 'TimeToFirstToken', BY_FUNCTION)!;
    expect(ttft).toBe(line.time_to_first_token_ms);
    expect(ttft).toBeGreaterThanOrEqual(0);
    expect(ttft).toBeLessThan(metricValue(line, 'Duration', BY_FUNCTION)!);
    expect(usageMetrics(line, BY_MODEL)).toEqual(done.usage);
    expect(metricValue(line, 'CostUSD', BY_MODEL)).toBe(done.cost_usd);
  });

  test('a failure after some model calls: an error and a fault, by type, with the tokens the partial result reports', async () => {
    ctx.api.enqueue(toolThenAnswer()[0], { kind: 'error', status: 500, errorType: 'api_error', message: 'boom' });
    const { statusCode, json } = await ctx.invoke(agentEvent({ input: 'go' }));
    expect(statusCode).toBe(502);
    const line = await requestLine();
    expect(metricValue(line, 'Errors', BY_FUNCTION)).toBe(1);
    expect(metricValue(line, 'Faults', BY_FUNCTION)).toBe(1);
    expect(metricValue(line, 'Errors', BY_ERROR_TYPE)).toBe(1);
    expect(line.ErrorType).toBe(json.error.type);
    expect(usageMetrics(line, BY_FUNCTION)).toEqual(json.partial.usage);
    expect(metricValue(line, 'CostUSD', BY_FUNCTION)).toBe(json.partial.cost_usd);
    expect(metricValue(line, 'ModelCalls', BY_FUNCTION)).toBe(json.partial.iterations);
  });

  test('a caller error is an error but not a fault, and costs nothing', async () => {
    const { statusCode, json } = await ctx.invoke(agentEvent({ input: '' }));
    expect(statusCode).toBe(400);
    const line = await requestLine();
    expect(metricValue(line, 'Errors', BY_ERROR_TYPE)).toBe(1);
    expect(line.ErrorType).toBe(json.error.type);
    expect(metricValue(line, 'Faults', BY_FUNCTION)).toBe(0);
    expect(metricValue(line, 'CostUSD', BY_FUNCTION)).toBe(0);
    expect(metricValue(line, 'InputTokens', BY_FUNCTION)).toBe(0);
  });

  test('an error event on an open stream counts as the error it is, though the status was 200', async () => {
    ctx.api.enqueue({ kind: 'stream-error', textBefore: 'partial words ', errorType: 'overloaded_error' });
    const streamed = await ctx.stream(agentEvent({ input: 'hi' }));
    const error = streamed.events.find((e) => e.event === 'error')!.data;
    const line = await requestLine();
    expect(line.status).toBe(200);
    expect(line.ErrorType).toBe(error.error.type);
    expect(metricValue(line, 'Errors', BY_ERROR_TYPE)).toBe(1);
    expect(metricValue(line, 'Faults', BY_FUNCTION)).toBe(1);
    expect(metricValue(line, 'TimeToFirstToken', BY_FUNCTION)).toBeGreaterThanOrEqual(0);
  });

  test('a model with no price is never served: the function refuses it and its log names MODEL_PRICES', async () => {
    await ctx.useEnv({ MODEL_ID: 'claude-unpriced-test-model' });
    const response = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(response.statusCode).toBe(500);
    expect(ctx.api.requests).toHaveLength(0);
    const line = await requestLine();
    expect(line.error_message).toMatch(/^The model claude-unpriced-test-model \(MODEL_ID or MODEL_TIERS\) has no price, .* add it to MODEL_PRICES/);
  });

  test('MODEL_PRICES prices a model the built-in list does not know: cost_usd and CostUSD use it', async () => {
    const prices = {
      'claude-unpriced-test-model': { input_usd_per_mtok: 2, output_usd_per_mtok: 10, cache_write_usd_per_mtok: null, cache_read_usd_per_mtok: null },
    };
    await ctx.useEnv({ MODEL_ID: 'claude-unpriced-test-model', MODEL_PRICES: JSON.stringify(prices) });
    ctx.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1_000, output_tokens: 100 } });
    const { json } = await ctx.invoke(agentEvent({ input: 'hi' }));
    expect(json.cost_usd).toBe(0.003); // 1,000 × $2 + 100 × $10, per million
    const line = await requestLine();
    expect(metricValue(line, 'CostUSD', BY_FUNCTION)).toBe(0.003);
    expect(line.Model).toBe('claude-unpriced-test-model');
  });

  test('METRICS_NAMESPACE names the namespace', async () => {
    await ctx.useEnv({ METRICS_NAMESPACE: 'Agents/Support' });
    await ctx.invoke(agentEvent({ input: '' }));
    const line = await requestLine();
    expect(new Set(extractedMetrics(line).map((m) => m.namespace))).toEqual(new Set(['Agents/Support']));
  });

  test.each([['AWS/Lambda'], ['n'.repeat(256)], ['bad|char']])(
    'an invalid METRICS_NAMESPACE (%j) is a misconfiguration that still counts, as internal_error, in the default namespace',
    async (namespace) => {
      await ctx.useEnv({ METRICS_NAMESPACE: namespace });
      const { statusCode, json } = await ctx.invoke(agentEvent({ input: 'hi' }));
      expect(statusCode).toBe(500);
      expect(json.error.type).toBe('internal_error');
      const line = await requestLine();
      expect(line.error_message).toContain('METRICS_NAMESPACE');
      expect(metricValue(line, 'Errors', BY_ERROR_TYPE)).toBe(1);
      expect(line.ErrorType).toBe('internal_error');
      expect(new Set(extractedMetrics(line).map((m) => m.namespace))).toEqual(new Set([DEFAULT_METRICS_NAMESPACE]));
    },
  );
});

/**
 * MCP servers' tools (mcp_servers), through the zip under the runtime
 * client: a real MCP server built with the official SDK on 127.0.0.1
 * (Streamable HTTP, bearer auth), its token read from the local Secrets
 * Manager, and a second server that never answers.
 */
import { startMcpServer, type McpStandIn } from '../../src/dev/stand-ins/mcp-server';
import { agentEvent } from '../helpers/events';
import { anthropicEnv, withZipRuntime } from '../helpers/zip-runtime';

const ORDERS_TOKEN = 'mcp-orders-token-3f9a';
const ORDERS_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-mcp-token-QwErTy';
/** The orders server's calls and listing are bounded by this (its slow tool never answers); room for a loaded machine to list within it. */
const ORDERS_TIMEOUT_MS = 2_500;
/** The silent server's listing is bounded by this. */
const SILENT_TIMEOUT_MS = 500;

const text = (t: string) => ({ type: 'text' as const, text: t });
const use = (id: string, name: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, id, name, input });

describe('MCP servers through the zip', () => {
  let orders: McpStandIn;
  let silent: McpStandIn;
  beforeAll(async () => {
    [orders, silent] = await Promise.all([startMcpServer({ bearer: ORDERS_TOKEN }), startMcpServer()]);
    silent.hang(true);
  });
  const ctx = withZipRuntime((services) =>
    anthropicEnv(services, {
      MCP_SERVERS: JSON.stringify({
        orders: {
          url: orders.url,
          auth_secret_arn: ORDERS_SECRET_ARN,
          allowed_tools: ['lookup_order', 'slow_lookup', 'failing_lookup'],
          timeout_ms: ORDERS_TIMEOUT_MS,
        },
        silent: { url: silent.url, auth_secret_arn: null, allowed_tools: null, timeout_ms: SILENT_TIMEOUT_MS },
      }),
    }),
  );
  beforeAll(() => ctx.secrets.putSecret(ORDERS_SECRET_ARN, ORDERS_TOKEN));
  afterAll(async () => Promise.all([orders?.close(), silent?.close()]));
  beforeEach(() => {
    orders.requests.length = 0;
    orders.calls.length = 0;
  });

  const offered = (request = 0) =>
    (ctx.api.requests[request].body.tools as Array<{ name: string; description: string; input_schema: unknown }>).map((t) => t.name);

  test('an allowed tool is offered as <server>__<tool>, called with the secret as bearer token, and its result reaches the answer', async () => {
    // Given a model that looks up an order, then answers from the result
    ctx.api.enqueue(
      { kind: 'message', content: [use('toolu_1', 'orders__lookup_order', { order_id: 'A-1001' })] },
      { kind: 'message', content: [text('Your order shipped on 1 December.')] },
    );
    // When the agent runs
    const response = await ctx.invoke(agentEvent({ input: 'Where is order A-1001?' }));
    // Then the answer is the model's, and the tool call is recorded with its server
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      output: 'Your order shipped on 1 December.',
      tool_calls: [{ name: 'orders__lookup_order', server: 'orders', is_error: false }],
    });
    // The model saw the allowed tools with the server's description and schema, and nothing of the silent server
    expect(offered()).toEqual(['calculator', 'current_time', 'knowledge_search', 'orders__failing_lookup', 'orders__lookup_order', 'orders__slow_lookup']);
    const lookup = (ctx.api.requests[0].body.tools as any[]).find((t) => t.name === 'orders__lookup_order');
    expect(lookup.description).toBe('Looks up one order by its id (e.g. "A-1001"): its status and total.');
    expect(lookup.input_schema).toMatchObject({ type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] });
    // The server ran the call, every request carrying the token from Secrets Manager
    expect(orders.calls).toEqual([{ tool: 'lookup_order', args: { order_id: 'A-1001' } }]);
    expect(orders.requests.length).toBeGreaterThan(0);
    expect(orders.requests.every((r) => r.authorization === `Bearer ${ORDERS_TOKEN}`)).toBe(true);
    expect(ctx.secrets.calls.filter((c) => c.secretId === ORDERS_SECRET_ARN).length).toBeGreaterThanOrEqual(1);
    // The result went back to the model as the tool's result
    expect((ctx.api.requests[1].body.messages as any[])[2].content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_1',
      content: 'Order A-1001: shipped on 2026-12-01, arriving 2026-12-04; total 42.00 EUR.',
      is_error: false,
    });
    // The tool's usage line carries the server as a metric dimension
    const usage = ctx.fn.jsonLines().find((line) => line.message === 'tool usage' && line.tool === 'orders__lookup_order');
    expect(usage).toMatchObject({ server: 'orders', ToolServer: 'orders', calls: 1, errors: 0 });
    expect(usage!._aws.CloudWatchMetrics[0].Dimensions).toEqual(expect.arrayContaining([['FunctionName', 'ToolServer']]));
  });

  test('a server that never answers costs the request only its tools: the others work, the log line names it, and the next request does not wait for it', async () => {
    // Given a fresh environment (no list cached), and a model that answers at once
    await ctx.fn.restart();
    ctx.api.setDefault({ kind: 'message', content: [text('Hello.')] });
    try {
      const first = await ctx.invoke(agentEvent({ input: 'hi' }));
      // Then the request succeeds with the orders server's tools and none of the silent one's
      expect(first.statusCode).toBe(200);
      expect(offered().filter((n) => n.startsWith('silent__'))).toEqual([]);
      expect(offered()).toContain('orders__lookup_order');
      const leftOut = ctx.fn.jsonLines().filter((line) => line.message === 'mcp server left out');
      expect(leftOut).toEqual([
        expect.objectContaining({ level: 'WARN', server: 'silent', cause: `it did not answer within ${SILENT_TIMEOUT_MS} ms (connecting)` }),
      ]);
      // When another request comes within the retry pause
      const seen = silent.requests.length;
      const second = await ctx.invoke(agentEvent({ input: 'hi again' }));
      // Then the silent server is not asked again, and the line says why it is left out
      expect(second.statusCode).toBe(200);
      expect(silent.requests.length).toBe(seen);
      expect(ctx.fn.jsonLines().filter((line) => line.message === 'mcp server left out')).toHaveLength(2);
    } finally {
      ctx.api.setDefault(undefined);
    }
  });

  test("init lists the servers' tools ahead (prefetch): the first request only calls, and a server that failed at init is asked again", async () => {
    // Given a fresh environment whose init has run
    await ctx.fn.restart();
    await ctx.fn.warm();
    const init = ctx.fn.jsonLines().find((line) => line.message === 'init prefetch');
    // The step reports the server that failed (the orders server's list is kept all the same)
    expect(init?.prefetched).toEqual(['model', 'model connection']);
    expect(JSON.stringify(init?.failed)).toMatch(/mcp tools.*listing failed for silent: /);
    expect(orders.requests.flatMap((r) => r.rpc)).toEqual(['initialize', 'notifications/initialized', 'tools/list']);
    const silentSeen = silent.requests.length;
    // When the first request calls a tool
    ctx.api.enqueue(
      { kind: 'message', content: [use('toolu_2', 'orders__lookup_order', { order_id: 'B-2001' })] },
      { kind: 'message', content: [text('Delivered.')] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'Where is B-2001?' }));
    // Then the orders server sees only the call, and the silent one is asked again (init's failure is not remembered)
    expect(response.json.tool_calls).toEqual([{ name: 'orders__lookup_order', server: 'orders', is_error: false, duration_ms: expect.any(Number) }]);
    expect(orders.requests.flatMap((r) => r.rpc)).toEqual(['initialize', 'notifications/initialized', 'tools/list', 'tools/call lookup_order']);
    expect(silent.requests.length).toBeGreaterThan(silentSeen);
  });

  test('a tool outside allowed_tools is never offered, and a call naming it never reaches the server', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [use('toolu_x', 'orders__cancel_order', { order_id: 'A-1001' })] },
      { kind: 'message', content: [text('I cannot cancel orders.')] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'Cancel A-1001.' }));
    expect(response.statusCode).toBe(200);
    expect(offered()).not.toContain('orders__cancel_order');
    expect(response.json.tool_calls).toEqual([{ name: 'orders__cancel_order', is_error: true, duration_ms: expect.any(Number) }]);
    expect((ctx.api.requests[1].body.messages as any[])[2].content[0].content).toBe('There is no tool named "orders__cancel_order".');
    expect(orders.calls).toEqual([]);
  });

  test('a tool that never answers becomes an error result within its timeout_ms, and the request still answers', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [use('toolu_slow', 'orders__slow_lookup', { order_id: 'A-1002' })] },
      { kind: 'message', content: [text('The order system is slow today.')] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'Where is A-1002?' }));
    expect(response.statusCode).toBe(200);
    expect(response.json.tool_calls).toEqual([{ name: 'orders__slow_lookup', server: 'orders', is_error: true, duration_ms: expect.any(Number) }]);
    // The call was bounded by the server's timeout_ms (the runner's deadline), not by the request's
    expect(response.json.tool_calls[0].duration_ms).toBeGreaterThanOrEqual(ORDERS_TIMEOUT_MS - 50);
    expect((ctx.api.requests[1].body.messages as any[])[2].content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_slow',
      content: `The tool did not finish within ${ORDERS_TIMEOUT_MS} ms.`,
      is_error: true,
    });
    expect(orders.calls).toEqual([{ tool: 'slow_lookup', args: { order_id: 'A-1002' } }]);
  });

  test("a tool's isError result reaches the model as an error result, with the server's text", async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [use('toolu_f', 'orders__failing_lookup', { order_id: 'B-2001' })] },
      { kind: 'message', content: [text('The order database is down.')] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'Where is B-2001?' }));
    expect(response.statusCode).toBe(200);
    expect((ctx.api.requests[1].body.messages as any[])[2].content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_f',
      content: 'The order database is unavailable (looking up B-2001).',
      is_error: true,
    });
    const usage = ctx.fn.jsonLines().find((line) => line.message === 'tool usage' && line.tool === 'orders__failing_lookup');
    expect(usage).toMatchObject({ server: 'orders', calls: 1, errors: 1 });
  });

  test('a server that forgot its session (a restart) gets a new one, and the call is made once', async () => {
    // Given a stateful server, and a call made on its session
    const stateful = await startMcpServer({ sessions: true });
    try {
      await ctx.useEnv({ MCP_SERVERS: JSON.stringify({ stateful: { url: stateful.url, allowed_tools: ['lookup_order'] } }) });
      const ask = async (order: string) => {
        ctx.api.enqueue(
          { kind: 'message', content: [use(`toolu_${order}`, 'stateful__lookup_order', { order_id: order })] },
          { kind: 'message', content: [text('Done.')] },
        );
        return ctx.invoke(agentEvent({ input: `Where is ${order}?` }));
      };
      expect((await ask('A-1001')).json.tool_calls).toEqual([expect.objectContaining({ name: 'stateful__lookup_order', is_error: false })]);
      // When the server forgets every session, and the next call names the old one
      stateful.forgetSessions();
      const after = await ask('A-1002');
      // Then the call succeeds on a new session, and the server ran each call once
      expect(after.json.tool_calls).toEqual([expect.objectContaining({ name: 'stateful__lookup_order', is_error: false })]);
      expect(stateful.calls).toEqual([
        { tool: 'lookup_order', args: { order_id: 'A-1001' } },
        { tool: 'lookup_order', args: { order_id: 'A-1002' } },
      ]);
      expect(stateful.requests.flatMap((r) => r.rpc).filter((m) => m === 'initialize')).toHaveLength(2);
    } finally {
      await stateful.close();
    }
  });

  test('a server that refuses the token is left out, and the log line says it answered 401', async () => {
    // Given the secret holds a token the server does not accept
    await ctx.useEnv({});
    ctx.secrets.putSecret(ORDERS_SECRET_ARN, 'a-revoked-token');
    ctx.api.enqueue({ kind: 'message', content: [text('Hello.')] });
    try {
      const response = await ctx.invoke(agentEvent({ input: 'hi' }));
      expect(response.statusCode).toBe(200);
      expect(offered().filter((n) => n.includes('__'))).toEqual([]);
      const orderLine = ctx.fn.jsonLines().find((line) => line.message === 'mcp server left out' && line.server === 'orders');
      expect(orderLine?.cause).toMatch(/401/);
      // The token never reaches a log line
      expect(ctx.fn.jsonLines().some((line) => JSON.stringify(line).includes('a-revoked-token'))).toBe(false);
    } finally {
      ctx.secrets.putSecret(ORDERS_SECRET_ARN, ORDERS_TOKEN);
    }
  });
});

/**
 * A small MCP server on 127.0.0.1, built with the official TypeScript SDK
 * (Streamable HTTP, stateless: a server and a transport per request, as the
 * SDK's stateless example does). `npm run dev -- --mcp-demo` starts it so a
 * new user sees MCP tools without owning a server; the tests use it as the
 * real server the function talks to.
 *
 * Its tools, over an in-memory order book:
 * - `lookup_order`: one order by id;
 * - `list_orders`: every order of a customer;
 * - `cancel_order`: what an allow-list should keep away from the model;
 * - `slow_lookup`: answers only when the call is cancelled (a tool that never answers);
 * - `failing_lookup`: an `isError` result.
 * With `bearer`, a request without `Authorization: Bearer <bearer>` gets a 401.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { listenOnLoopback } from '../loopback';

export interface McpStandIn {
  /** The endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** Every HTTP request: its method, its Authorization header, and the JSON-RPC methods and tool names it carried. */
  readonly requests: Array<{ method: string; authorization?: string; rpc: string[] }>;
  /** Every tool call the server ran (or began), with its arguments. */
  readonly calls: Array<{ tool: string; args: Record<string, unknown> }>;
  /** Leaves every request unanswered while `on` (a server that never answers). */
  hang(on: boolean): void;
  /** With `sessions`: forgets every session, as a restarted server would (their next requests get a 404). */
  forgetSessions(): void;
  close(): Promise<void>;
}

export interface McpStandInOptions {
  /** The token every request must carry as `Authorization: Bearer <bearer>`. @default - none needed */
  readonly bearer?: string;
  /** Keep sessions (`Mcp-Session-Id`), as a stateful server does. @default false: stateless */
  readonly sessions?: boolean;
}

const ORDERS: Readonly<Record<string, { customer: string; status: string; total: string }>> = {
  'A-1001': { customer: 'ada@example.com', status: 'shipped on 2026-12-01, arriving 2026-12-04', total: '42.00 EUR' },
  'A-1002': { customer: 'ada@example.com', status: 'being packed', total: '17.50 EUR' },
  'B-2001': { customer: 'grace@example.com', status: 'delivered on 2026-11-28', total: '99.90 EUR' },
};

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

function orderServer(calls: McpStandIn['calls']): McpServer {
  const server = new McpServer({ name: 'demo-orders', version: '1.0.0' });
  const record = (tool: string, args: Record<string, unknown>) => calls.push({ tool, args });
  server.registerTool(
    'lookup_order',
    { description: 'Looks up one order by its id (e.g. "A-1001"): its status and total.', inputSchema: { order_id: z.string().describe('The order id.') } },
    ({ order_id }) => {
      record('lookup_order', { order_id });
      const order = ORDERS[order_id];
      return order ? text(`Order ${order_id}: ${order.status}; total ${order.total}.`) : { ...text(`There is no order ${order_id}.`), isError: true };
    },
  );
  server.registerTool(
    'list_orders',
    { description: "Lists a customer's orders by e-mail address.", inputSchema: { customer: z.string().describe("The customer's e-mail address.") } },
    ({ customer }) => {
      record('list_orders', { customer });
      const ids = Object.entries(ORDERS).filter(([, order]) => order.customer === customer);
      return text(ids.length === 0 ? `No orders for ${customer}.` : ids.map(([id, order]) => `${id}: ${order.status}`).join('\n'));
    },
  );
  server.registerTool('cancel_order', { description: 'Cancels an order.', inputSchema: { order_id: z.string() } }, ({ order_id }) => {
    record('cancel_order', { order_id });
    return text(`Order ${order_id} cancelled.`);
  });
  server.registerTool('slow_lookup', { description: 'Looks up an order, very slowly.', inputSchema: { order_id: z.string() } }, ({ order_id }, extra) => {
    record('slow_lookup', { order_id });
    return new Promise((resolve) => extra.signal.addEventListener('abort', () => resolve(text('cancelled')), { once: true }));
  });
  server.registerTool('failing_lookup', { description: 'Looks up an order and fails.', inputSchema: { order_id: z.string() } }, ({ order_id }) => {
    record('failing_lookup', { order_id });
    return { ...text(`The order database is unavailable (looking up ${order_id}).`), isError: true };
  });
  return server;
}

export async function startMcpServer(options: McpStandInOptions = {}): Promise<McpStandIn> {
  const requests: McpStandIn['requests'] = [];
  const calls: McpStandIn['calls'] = [];
  let hanging = false;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const messages = (Array.isArray(body) ? body : [body]) as Array<{ method?: string; params?: { name?: string } } | undefined>;
      const rpc = messages.flatMap((m) => (m?.method ? [m.method === 'tools/call' ? `tools/call ${m.params?.name}` : m.method] : []));
      requests.push({ method: req.method ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), rpc });
      if (hanging) return;
      if (options.bearer !== undefined && req.headers.authorization !== `Bearer ${options.bearer}`) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized' }, id: null }));
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
        return;
      }
      if (options.sessions) return sessionful(req, res, body);
      const mcp = orderServer(calls);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      mcp
        .connect(transport)
        .then(() => transport.handleRequest(req, res, body))
        .catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
    });
  });
  /** With sessions: a server and transport per session, as the SDK's stateful example keeps them; an unknown session is a 404. */
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  function sessionful(req: http.IncomingMessage, res: http.ServerResponse, body: unknown): void {
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (typeof id === 'string' && !transport) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
      return;
    }
    if (!transport) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => void sessions.set(sid, created),
      });
      transport = created;
      void orderServer(calls).connect(created);
    }
    transport.handleRequest(req, res, body).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  }

  const listening = await listenOnLoopback(server);
  return {
    url: `${listening.url}/mcp`,
    requests,
    calls,
    hang: (on) => void (hanging = on),
    forgetSessions: () => {
      for (const transport of sessions.values()) void transport.close();
      sessions.clear();
    },
    close: listening.close,
  };
}

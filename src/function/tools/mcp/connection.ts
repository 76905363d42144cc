/**
 * One MCP server, reached over Streamable HTTP with the official TypeScript
 * SDK as a client. Loaded on first use, in the chunk of tools/mcp: a
 * deployment without MCP servers never loads or parses the SDK.
 *
 * The connection is kept for the execution environment (one initialize
 * handshake, then one POST per list or call). It never opens the optional
 * standing GET stream (its fetch answers 405 for GET, which the SDK reads as
 * "not offered"): the agent takes no requests from servers, and a stream held
 * open across Lambda's freeze would only break. Only the configured URL's
 * origin is ever contacted, and redirects stay within it (the SDK's
 * same-origin policy).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type CallToolResult, type Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { VERSION } from '../../version';

export type ListedTool = McpTool;
export type { CallToolResult };

/** Pages of a tool list read at most; a server that pages on past this is cut there, and the log line says so. */
const MAX_LIST_PAGES = 20;

export interface McpConnection {
  /** Every tool the server lists (following its pages), and whether the list was cut at MAX_LIST_PAGES. */
  listTools(signal: AbortSignal, timeoutMs: number): Promise<{ tools: ListedTool[]; truncated: boolean }>;
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** Opens a connection (the initialize handshake), sending `bearer` as `Authorization: Bearer` when given. */
export async function connect(url: string, bearer: string | undefined, signal: AbortSignal, timeoutMs: number): Promise<McpConnection> {
  const endpoint = new URL(url);
  const transport = new StreamableHTTPClientTransport(endpoint, {
    requestInit: bearer === undefined ? {} : { headers: { Authorization: `Bearer ${bearer}` } },
    fetch: (input, init) => {
      if ((init?.method ?? 'GET').toUpperCase() === 'GET') return Promise.resolve(new Response(null, { status: 405 }));
      const target = new URL(input instanceof Request ? input.url : String(input));
      if (target.origin !== endpoint.origin) return Promise.reject(new Error(`refused to contact ${target.origin}: only ${endpoint.origin} is configured`));
      return fetch(input, init);
    },
    reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1_000, maxReconnectionDelay: 1_000, reconnectionDelayGrowFactor: 1 },
  });
  const client = new Client({ name: 'claude-agent-lambda', version: VERSION }, { capabilities: {} });
  try {
    await whileRunning(signal, (scoped) => client.connect(transport, { signal: scoped, timeout: timeoutMs }));
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return {
    async listTools(listSignal, listTimeoutMs) {
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
        const params = cursor === undefined ? {} : { cursor };
        const result = await whileRunning(listSignal, (scoped) => client.listTools(params, { signal: scoped, timeout: listTimeoutMs }));
        tools.push(...result.tools);
        cursor = result.nextCursor;
        if (cursor === undefined) return { tools, truncated: false };
      }
      return { tools, truncated: true };
    },
    async callTool(name, args, callSignal, callTimeoutMs) {
      const result = await whileRunning(callSignal, (scoped) =>
        client.callTool({ name, arguments: args }, undefined, { signal: scoped, timeout: callTimeoutMs }),
      );
      return result as CallToolResult;
    },
    close: () => client.close(),
  };
}

/**
 * Runs one SDK request with a signal that follows `signal` only while the
 * request runs. The SDK never removes its abort listener, so a signal that
 * aborts later (a timeout's, a deadline's) would make it send
 * `notifications/cancelled` for a request long answered.
 */
async function whileRunning<T>(signal: AbortSignal, request: (scoped: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const follow = () => controller.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  try {
    return await request(controller.signal);
  } finally {
    signal.removeEventListener('abort', follow);
  }
}

/** The HTTP status a failed request got, when the transport saw one. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0 ? error.code : undefined;
}

/** The server rejected the credentials (HTTP 401 or 403): read the secret again before the next attempt. */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403);
}

/**
 * The connection itself is gone: closed, a request that never reached the
 * server (fetch failed), or a session the server no longer knows (HTTP 404,
 * after which the MCP spec has the client start a new one). An HTTP error
 * such as 429 or 503, or a tool's own error, leaves the connection as it is.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof McpError) return error.code === (ErrorCode.ConnectionClosed as number);
  if (error instanceof StreamableHTTPError) return error.code === 404;
  return error instanceof TypeError;
}

/** A failure after which the server cannot have run the request: the session it named was gone (HTTP 404). */
export function isSessionGone(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/** The server does not know the tool (any more): its list is read again. */
export function isUnknownTool(error: unknown): boolean {
  return error instanceof McpError && error.code === (ErrorCode.InvalidParams as number) && /\bnot found\b/i.test(error.message);
}

/**
 * The tools of the deployment's MCP servers (`mcp_servers`), as tools of the
 * agent: listed on first use per execution environment and kept for
 * LIST_TTL_MS, read again sooner when a call names a tool its server no
 * longer has. Only `allowed_tools` are offered, as `<server>__<tool>`. A
 * server whose listing fails is left out of that request (a log line names
 * it and the cause) and not asked again for RETRY_AFTER_MS, so a server that
 * is down costs the requests after the first nothing. Loaded on first use
 * (tools/toolset): this module, the SDK and their dependencies are a chunk of
 * their own.
 */
import { getSecretString } from '../../providers/get-secret-value';
import { writeLogLine } from '../../logging';
import { untilAborted } from '../../until-aborted';
import { bounded, printable } from '../../text';
import type { Tool } from '../types';
import {
  connect,
  httpStatusOf,
  isAuthFailure,
  isConnectionFailure,
  isSessionGone,
  isUnknownTool,
  type CallToolResult,
  type ListedTool,
  type McpConnection,
} from './connection';
import { MODEL_TOOL_NAME, modelToolName, type McpServerConfig, type McpServers } from './servers';

/** How long a server's tool list is kept. @unit ms */
export const LIST_TTL_MS = 5 * 60_000;
/** How long a server whose listing failed is left out before it is asked again. @unit ms */
export const RETRY_AFTER_MS = 30_000;
/** Longest a listing (connecting included) may take, whatever the server's timeout_ms. @unit ms */
export const MAX_LISTING_MS = 5_000;
/** Longest read of a bearer token from Secrets Manager. @unit ms */
const SECRET_READ_MS = 5_000;
/** Longest cause quoted in a log line. @unit characters */
const MAX_CAUSE_CHARS = 300;

export interface McpToolsOptions {
  /** Each server's timeout_ms when it sets none (the run's tool_timeout_ms). @unit ms */
  readonly defaultTimeoutMs: number;
  /** Time the listing may take, at most: what the request can spare before its first model call. @unit ms */
  readonly budgetMs: number;
  /** The request's deadline. */
  readonly signal: AbortSignal;
  /** The function's Region, for a secret ARN that names none. */
  readonly region: string;
  /** For the log lines. */
  readonly requestId?: string;
}

interface ServerState {
  config: McpServerConfig;
  connection?: Promise<McpConnection>;
  bearer?: Promise<string>;
  tools?: { readonly list: readonly Tool[]; readonly until: number };
  leftOutUntil?: number;
  leftOutCause?: string;
  listing?: Promise<readonly Tool[]>;
}

const servers = new Map<string, ServerState>();

/** The tools of every server that answers, servers in name order, each server's tools in name order (stable, for prompt caching). */
export async function mcpTools(configured: McpServers, options: McpToolsOptions): Promise<Tool[]> {
  const names = Object.keys(configured).sort();
  const lists = await Promise.all(names.map((name) => toolsOf(name, stateOf(name, configured[name]), options)));
  return lists.flat();
}

/**
 * Init's prefetch: every server's list, read and kept as the first request
 * would. A failure here is not remembered (the first request asks again, as
 * if there had been no prefetch); it is thrown, naming the servers.
 */
export async function warmMcpTools(configured: McpServers, options: McpToolsOptions): Promise<void> {
  const names = Object.keys(configured).sort();
  const outcomes = await Promise.allSettled(
    names.map((name) => {
      const state = stateOf(name, configured[name]);
      if (state.tools && state.tools.until > Date.now()) return Promise.resolve();
      state.listing ??= list(name, state, options).finally(() => {
        state.listing = undefined;
      });
      return state.listing;
    }),
  );
  const failed = names.flatMap((name, i) => {
    const outcome = outcomes[i];
    return outcome.status === 'rejected' ? [`${name}: ${describe(outcome.reason)}`] : [];
  });
  if (failed.length > 0) throw new Error(`listing failed for ${failed.join('; ')}`);
}

function stateOf(name: string, config: McpServerConfig): ServerState {
  let state = servers.get(name);
  // A changed configuration (tests, npm run dev) starts afresh.
  if (!state || JSON.stringify(state.config) !== JSON.stringify(config)) {
    if (state?.connection) void closeQuietly(state.connection);
    state = { config };
    servers.set(name, state);
  }
  return state;
}

async function toolsOf(name: string, state: ServerState, options: McpToolsOptions): Promise<readonly Tool[]> {
  const now = Date.now();
  if (state.tools && state.tools.until > now) return state.tools.list;
  if (state.leftOutUntil !== undefined && state.leftOutUntil > now) {
    leftOut(
      name,
      `listing failed ${Math.round((now - (state.leftOutUntil - RETRY_AFTER_MS)) / 1000)} s ago (${state.leftOutCause}); asked again after ${RETRY_AFTER_MS / 1000} s`,
      options,
    );
    return [];
  }
  // Concurrent requests of one environment share one listing (a provisioned environment can serve several): it is
  // bounded by the server's own time, and each request waits for it only as long as it can spare.
  state.listing ??= list(name, state, options)
    .catch((error: unknown) => {
      // Recorded here, so a failure is remembered even when every request gave up waiting for it.
      state.leftOutUntil = Date.now() + RETRY_AFTER_MS;
      state.leftOutCause = describe(error);
      throw error;
    })
    .finally(() => {
      state.listing = undefined;
    });
  const patience = AbortSignal.any([options.signal, AbortSignal.timeout(Math.max(1, options.budgetMs))]);
  try {
    return await untilAborted(state.listing, patience, () => new GaveUp(patience.reason));
  } catch (error) {
    if (isGiveUp(error)) {
      // The request's own time ran out: the server is not at fault, and the listing goes on for the next request.
      leftOut(name, 'the request had no more time to wait for its listing', options);
      return [];
    }
    leftOut(name, describe(error), options);
    return [];
  }
}

/** A listing bounded by the server's timeout_ms, at most MAX_LISTING_MS, whoever waits for it. */
async function list(name: string, state: ServerState, options: McpToolsOptions): Promise<readonly Tool[]> {
  const timeoutMs = Math.max(1, Math.min(state.config.timeoutMs ?? options.defaultTimeoutMs, MAX_LISTING_MS));
  const signal = AbortSignal.timeout(timeoutMs);
  let used: Promise<McpConnection> | undefined;
  const attempt = async () => {
    used = connectionOf(state, options.region, timeoutMs);
    const connection = await untilAborted(used, signal, () => new GaveUp(signal.reason)).catch((error: unknown) => {
      throw isGiveUp(error) ? new Error(`it did not answer within ${timeoutMs} ms (connecting)`) : error;
    });
    return connection.listTools(signal, timeoutMs);
  };
  let listed: Awaited<ReturnType<McpConnection['listTools']>>;
  try {
    listed = await attempt();
  } catch (error) {
    forget(state, error, used);
    // A stale connection (a session the server ended, a socket closed while frozen) or a rotated token: once more, afresh.
    if (signal.aborted || !(isAuthFailure(error) || isConnectionFailure(error))) throw error;
    listed = await attempt();
  }
  const tools = offered(name, state.config, listed.tools, options);
  if (listed.truncated)
    refused(name, [{ tool: '(more pages)', reason: 'the server listed more pages of tools than are read; the rest are not offered' }], options);
  state.tools = { list: tools, until: Date.now() + LIST_TTL_MS };
  state.leftOutUntil = undefined;
  return tools;
}

/** The listed tools the model may see: allowed, and with a name it can call. Refusals and allowed tools the server lacks are logged. */
function offered(server: string, config: McpServerConfig, listed: readonly ListedTool[], options: McpToolsOptions): Tool[] {
  const allowed = config.allowedTools ? new Set(config.allowedTools) : undefined;
  const problems: Array<{ tool: string; reason: string }> = [];
  const seen = new Set<string>();
  const tools: Tool[] = [];
  for (const tool of [...listed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (allowed && !allowed.has(tool.name)) continue;
    const name = modelToolName(server, tool.name);
    if (!MODEL_TOOL_NAME.test(name)) {
      problems.push({
        tool: printable(tool.name, 80),
        reason: `"${printable(name, 80)}" is not a tool name the model accepts (1 to 64 of A-Za-z0-9, "_", "-")`,
      });
      continue;
    }
    if (seen.has(name)) {
      problems.push({ tool: tool.name, reason: 'the server lists it twice' });
      continue;
    }
    seen.add(name);
    tools.push(mcpTool(server, tool, config, options));
  }
  for (const missing of config.allowedTools ?? []) {
    if (!listed.some((tool) => tool.name === missing)) problems.push({ tool: missing, reason: 'in allowed_tools, but the server does not list it' });
  }
  if (problems.length > 0) refused(server, problems, options);
  return tools;
}

function mcpTool(server: string, listed: ListedTool, config: McpServerConfig, { defaultTimeoutMs, region }: McpToolsOptions): Tool {
  const state = () => servers.get(server);
  return {
    name: modelToolName(server, listed.name),
    description: listed.description ?? listed.title ?? `Tool ${listed.name} of the MCP server ${server}.`,
    // The schema as the server gives it, but for `$schema`, which is no part of the Messages API's input_schema.
    inputSchema: { ...withoutSchemaKeyword(listed.inputSchema), type: 'object' },
    server,
    timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
    async run(input, { signal }) {
      const current = state();
      if (!current) throw new Error(`The MCP server ${server} is no longer configured.`);
      // The runner's signal fires at the tool's timeout or the deadline; the SDK's own timeout is a backstop.
      const timeoutMs = config.timeoutMs ?? defaultTimeoutMs;
      const call = async (): Promise<CallToolResult> => {
        const used = connectionOf(current, region, timeoutMs);
        try {
          return await (await untilAborted(used, signal, () => new GaveUp(signal.reason))).callTool(listed.name, input, signal, timeoutMs);
        } catch (error) {
          if (!signal.aborted) forget(current, error, used);
          throw error;
        }
      };
      let result: CallToolResult;
      try {
        try {
          result = await call();
        } catch (error) {
          // A session the server ended (a restart, an expiry): it never ran the call, so once more on a new one.
          if (signal.aborted || !isSessionGone(error)) throw error;
          result = await call();
        }
      } catch (error) {
        if (signal.aborted) throw error;
        if (isUnknownTool(error)) current.tools = undefined;
        throw new Error(`The MCP server ${server} failed the call: ${describe(error)}`);
      }
      // The SDK's servers answer a call to a tool they no longer have with an error result: the list is read again.
      if (result.isError && isUnknownToolResult(result, listed.name)) current.tools = undefined;
      return resultText(result);
    },
  };
}

function withoutSchemaKeyword(schema: ListedTool['inputSchema']): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...schema };
  delete rest.$schema;
  return rest;
}

function isUnknownToolResult(result: CallToolResult, tool: string): boolean {
  return result.content.some((part) => part.type === 'text' && part.text.includes(`Tool ${tool} not found`));
}

/**
 * The text the model gets from a result: text parts as they are, other
 * content summarised, structured content as JSON when there is no text.
 * An `isError` result is thrown, so the model gets it as an error.
 */
export function resultText(result: CallToolResult): string {
  const parts = result.content.map((part) => {
    switch (part.type) {
      case 'text':
        return part.text;
      case 'image':
      case 'audio':
        return `[${part.type} ${part.mimeType}, ${Math.floor((part.data.length * 3) / 4)} bytes, not shown]`;
      case 'resource':
        return 'text' in part.resource
          ? part.resource.text
          : `[resource ${part.resource.uri}${part.resource.mimeType ? ` (${part.resource.mimeType})` : ''}, binary, not shown]`;
      case 'resource_link':
        return `[resource link ${part.uri}${part.name ? ` "${part.name}"` : ''}]`;
      default:
        return `[${(part as { type: string }).type} content, not shown]`;
    }
  });
  let text = parts.join('\n');
  if (text === '' && result.structuredContent !== undefined) text = JSON.stringify(result.structuredContent);
  if (result.isError) throw new Error(text === '' ? 'The tool reported an error without a message.' : text);
  return text === '' ? '(the tool returned no content)' : text;
}

/** The server's connection, opened once (bounded by `timeoutMs`, whoever waits for it) and shared by the environment's requests. */
function connectionOf(state: ServerState, region: string, timeoutMs: number): Promise<McpConnection> {
  if (!state.connection) {
    const opening = bearerOf(state, region).then((bearer) => connect(state.config.url, bearer, AbortSignal.timeout(timeoutMs), timeoutMs));
    state.connection = opening;
    opening.catch(() => {
      if (state.connection === opening) state.connection = undefined;
    });
  }
  return state.connection;
}

/** The bearer token from the server's secret, read once per environment (again after the server refuses it). */
function bearerOf(state: ServerState, region: string): Promise<string | undefined> {
  const arn = state.config.authSecretArn;
  if (arn === undefined) return Promise.resolve(undefined);
  if (!state.bearer) {
    const reading = getSecretString(arn, region, AbortSignal.timeout(SECRET_READ_MS)).then((value) => {
      const token = value?.trim() ?? '';
      // eslint-disable-next-line no-control-regex
      if (token === '' || /[\u0000-\u001f\u007f]/.test(token))
        throw new Error(
          `The secret ${arn} has no text value, or one with control characters: store the bare token as the secret's text (no "Bearer " prefix, no line breaks).`,
        );
      return token;
    });
    state.bearer = reading;
    reading.catch(() => {
      if (state.bearer === reading) state.bearer = undefined;
    });
  }
  return state.bearer;
}

/** After a failure: a broken connection is dropped, and a refused token read again. */
/**
 * After a failure on `used`: a refused token is read again, and a connection
 * that is gone (or refused the token) is not used again. It is dropped, not
 * closed: other calls may still be waiting on it, and it holds no stream.
 */
function forget(state: ServerState, error: unknown, used: Promise<McpConnection> | undefined): void {
  if (isAuthFailure(error)) state.bearer = undefined;
  if ((isAuthFailure(error) || isConnectionFailure(error)) && used !== undefined && state.connection === used) state.connection = undefined;
}

async function closeQuietly(connection: Promise<McpConnection>): Promise<void> {
  try {
    await (await connection).close();
  } catch {
    // Closing a connection that never opened, or whose server is gone.
  }
}

/** The reason a wait given up by `untilAborted` rejects with. */
class GaveUp extends Error {
  constructor(reason: unknown) {
    super(reason instanceof Error ? reason.message : 'aborted');
    this.name = 'GaveUp';
  }
}
const isGiveUp = (error: unknown): boolean => error instanceof GaveUp;

function describe(error: unknown): string {
  if (error instanceof Error) {
    const status = httpStatusOf(error);
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    const name = error.name === 'Error' ? '' : `${error.name}: `;
    return bounded(`${status !== undefined ? `HTTP ${status}: ` : ''}${name}${error.message}${cause}`, MAX_CAUSE_CHARS);
  }
  return bounded(String(error), MAX_CAUSE_CHARS);
}

function leftOut(server: string, cause: string, options: McpToolsOptions): void {
  writeLogLine('WARN', 'mcp server left out', { ...(options.requestId ? { request_id: options.requestId } : {}), server, cause }, []);
}

function refused(server: string, tools: ReadonlyArray<{ tool: string; reason: string }>, options: McpToolsOptions): void {
  writeLogLine('WARN', 'mcp tools not offered', { ...(options.requestId ? { request_id: options.requestId } : {}), server, tools }, []);
}

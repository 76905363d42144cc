/**
 * The tools of one run: the registry's own (tools/index), then, when the
 * deployment names MCP servers, theirs, from a chunk loaded on first use: a
 * deployment without MCP servers never loads it.
 */
import { writeLogLine } from '../logging';
import { TOOLS } from './index';
import type * as McpTools from './mcp/index';
import type { McpServers } from './mcp/servers';
import type { Tool } from './types';

export interface ToolSet {
  /** In the order the model sees them (stable, for prompt caching). */
  readonly tools: readonly Tool<Record<string, unknown>>[];
  find(name: string): Tool<Record<string, unknown>> | undefined;
}

export interface ToolSetOptions {
  /** A server's timeout when it sets none. @unit ms */
  readonly defaultTimeoutMs: number;
  /** Longest the listing may take. @unit ms */
  readonly budgetMs: number;
  readonly signal: AbortSignal;
  readonly region: string;
  readonly requestId?: string;
}

/** The tools of this code (tools/index). */
export const BUILT_IN_TOOLS: ToolSet = toolSet(TOOLS);

let loading: Promise<typeof McpTools> | undefined;

/** The built-in tools, and the tools of every MCP server that answers in time. */
export async function toolsFor(servers: McpServers, options: ToolSetOptions): Promise<ToolSet> {
  if (Object.keys(servers).length === 0) return BUILT_IN_TOOLS;
  let mcp: Tool[];
  try {
    mcp = await (await loadMcp()).mcpTools(servers, options);
  } catch (error) {
    // Only a chunk that failed to load gets here (a server's failure leaves that server out): the built-in tools still work.
    writeLogLine('ERROR', 'mcp servers left out', { ...(options.requestId ? { request_id: options.requestId } : {}), cause: String(error) }, []);
    return BUILT_IN_TOOLS;
  }
  return mcp.length === 0 ? BUILT_IN_TOOLS : toolSet([...BUILT_IN_TOOLS.tools, ...mcp]);
}

/** The MCP chunk, loaded once per environment (init's prefetch loads it ahead when servers are configured). */
export function loadMcp(): Promise<typeof McpTools> {
  if (!loading) {
    const attempt = import('./mcp/index.js');
    // A failed load is not kept: the next request tries again.
    attempt.catch(() => {
      if (loading === attempt) loading = undefined;
    });
    loading = attempt;
  }
  return loading;
}

function toolSet(tools: readonly Tool<Record<string, unknown>>[]): ToolSet {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  return { tools, find: (name) => byName.get(name) };
}

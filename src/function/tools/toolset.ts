/**
 * The tools of one run: the registry's own (tools/index), then
 * `knowledge_base_search` when the deployment names knowledge bases, then,
 * when it names MCP servers, theirs, from a chunk loaded on first use: a
 * deployment without MCP servers never loads it.
 */
import { writeLogLine } from '../logging';
import { TOOLS } from './index';
import { knowledgeBaseSearch } from './knowledge-base-search';
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
const BUILT_IN_TOOLS: ToolSet = toolSet(TOOLS);

let configured: { readonly key: string; readonly set: ToolSet } | undefined;

/** The deployment's own tools: the built-in ones, and `knowledge_base_search` over `knowledgeBaseIds` when there are any. */
export function configuredTools(knowledgeBaseIds: readonly string[], region: string): ToolSet {
  if (knowledgeBaseIds.length === 0) return BUILT_IN_TOOLS;
  const key = `${region} ${knowledgeBaseIds.join(',')}`;
  if (configured?.key !== key) configured = { key, set: toolSet([...TOOLS, knowledgeBaseSearch(knowledgeBaseIds, region)] as Tool<Record<string, unknown>>[]) };
  return configured.set;
}

let loading: Promise<typeof McpTools> | undefined;

/** `base`, and the tools of every MCP server that answers in time. */
export async function toolsFor(base: ToolSet, servers: McpServers, options: ToolSetOptions): Promise<ToolSet> {
  if (Object.keys(servers).length === 0) return base;
  let mcp: Tool[];
  try {
    mcp = await (await loadMcp()).mcpTools(servers, options);
  } catch (error) {
    // Only a chunk that failed to load gets here (a server's failure leaves that server out): the built-in tools still work.
    writeLogLine('ERROR', 'mcp servers left out', { ...(options.requestId ? { request_id: options.requestId } : {}), cause: String(error) }, []);
    return base;
  }
  return mcp.length === 0 ? base : toolSet([...base.tools, ...mcp]);
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

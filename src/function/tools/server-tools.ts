/**
 * Anthropic's server tools (`server_tools`): web search, web fetch and code
 * execution, run by the Messages API itself within a model call. Each is
 * sent with the newest type version the pinned SDK (@anthropic-ai/sdk
 * 1.12.0) knows; a model too old for it gets a 400 from the API naming the
 * tool. Their results come back in the assistant's content and go back to
 * the model with it; nothing runs in the function.
 */
import type Anthropic from '@anthropic-ai/sdk';

export type ServerToolName = 'web_search' | 'web_fetch' | 'code_execution';

/** The type version sent for each tool. */
export const SERVER_TOOL_TYPES = {
  web_search: 'web_search_20260318',
  web_fetch: 'web_fetch_20260318',
  code_execution: 'code_execution_20260521',
} as const satisfies Record<ServerToolName, string>;

/** What a web search costs on the Anthropic API: 10 US dollars per 1000. @unit US dollars */
export const WEB_SEARCH_USD_PER_REQUEST = 0.01;

export interface ServerToolsConfig {
  readonly names: readonly ServerToolName[];
  readonly webSearchMaxUses: number;
  readonly webFetchMaxUses: number;
  /** The only domains web search and web fetch may reach; empty: any. */
  readonly allowedDomains: readonly string[];
}

/** The tool definitions, in a stable order (for prompt caching). */
export function serverToolDefinitions(config: ServerToolsConfig): Anthropic.ToolUnion[] {
  const domains = config.allowedDomains.length > 0 ? { allowed_domains: [...config.allowedDomains] } : {};
  const tools: Anthropic.ToolUnion[] = [];
  if (config.names.includes('web_search'))
    tools.push({ type: SERVER_TOOL_TYPES.web_search, name: 'web_search', max_uses: config.webSearchMaxUses, ...domains });
  if (config.names.includes('web_fetch')) tools.push({ type: SERVER_TOOL_TYPES.web_fetch, name: 'web_fetch', max_uses: config.webFetchMaxUses, ...domains });
  if (config.names.includes('code_execution')) tools.push({ type: SERVER_TOOL_TYPES.code_execution, name: 'code_execution' });
  return tools;
}

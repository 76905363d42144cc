/**
 * The MCP servers a deployment names (`mcp_servers`, the MCP_SERVERS
 * setting), and how their tools are named for the model: `<server>__<tool>`.
 * Server names have no `__` and do not end in `_`, so a tool's name splits
 * back into its server and its tool in exactly one way.
 */

export interface McpServerConfig {
  /** The Streamable HTTP endpoint: https, or http on a loopback address. */
  readonly url: string;
  /** The Secrets Manager secret whose value is sent as `Authorization: Bearer <value>`. @default - no Authorization header */
  readonly authSecretArn?: string;
  /** The only tools offered to the model. @default - every tool the server lists */
  readonly allowedTools?: readonly string[];
  /** Longest one call may run (and the listing, capped at MAX_LISTING_MS). @default - tool_timeout_ms */
  readonly timeoutMs?: number;
}

export type McpServers = Readonly<Record<string, McpServerConfig>>;

/** Between a server's name and its tool's in the name the model sees. */
export const TOOL_NAME_SEPARATOR = '__';

/** What the Messages API accepts as a tool name. */
export const MODEL_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The name the model sees for `tool` of `server`. */
export function modelToolName(server: string, tool: string): string {
  return `${server}${TOOL_NAME_SEPARATOR}${tool}`;
}

/** Whether `url` is one the function may contact: https anywhere, http only on a loopback address; no credentials, query or fragment. */
export function isAllowedServerUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Credentials belong in auth_secret_arn: a URL sits in plain text in the function's environment.
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') return false;
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && isLoopback(parsed.hostname);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

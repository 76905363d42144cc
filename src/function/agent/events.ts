/** What the agent reports while it works; the streaming handler turns these into SSE events. */

export interface ToolCallRecord {
  readonly name: string;
  /** The MCP server that ran the tool. */
  readonly server?: string;
  readonly is_error: boolean;
  readonly duration_ms: number;
}

export interface AgentEvents {
  onText?(text: string): void;
  onToolUse?(event: { id: string; name: string; input: unknown }): void;
  /** `content` is what the model was given, cut to MAX_STREAMED_RESULT_CHARS for the caller. */
  onToolResult?(event: { id: string; name: string; is_error: boolean; duration_ms: number; content: string }): void;
}

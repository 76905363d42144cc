/** The shape every tool module exports. */

export interface ToolContext {
  /** Fires when the tool's time is up or the request is abandoned. */
  readonly signal: AbortSignal;
}

export interface Tool<Input = Record<string, unknown>> {
  /** Name the model calls the tool by: letters, digits, `_` and `-`. */
  readonly name: string;
  /** What the tool does and when to use it, written for the model. */
  readonly description: string;
  /** JSON Schema of the input (root type "object"). */
  readonly inputSchema: { readonly type: 'object'; readonly [key: string]: unknown };
  /** The MCP server that runs the tool (tools/mcp). @default - a tool of this code */
  readonly server?: string;
  /** Longest one call may run. @default - the run's tool_timeout_ms */
  readonly timeoutMs?: number;
  /** Returns the text the model sees; throws to report an error to the model. */
  run(input: Input, context: ToolContext): Promise<string> | string;
}

/** A tool's refusal of its input; reported to the model as an error result. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

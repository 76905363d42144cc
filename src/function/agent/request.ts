/** What the agent runs: a validated request, whatever transport it came by. */

export interface PriorTurn {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

export interface AgentRequest {
  readonly input: string;
  readonly messages: readonly PriorTurn[];
  readonly outputSchema?: Record<string, unknown>;
  readonly maxTokens: number;
  /** The server-side conversation to continue (sessions_enabled); exclusive with `messages`. */
  readonly sessionId?: string;
}

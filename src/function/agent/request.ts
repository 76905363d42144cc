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
  /** The model id to call: the default's, or that of the tier the caller named with `model`. */
  readonly model: string;
  /** The server-side conversation to continue (sessions_enabled); exclusive with `messages`. */
  readonly sessionId?: string;
}

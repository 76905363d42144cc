/**
 * Everything that happens before the agent runs, shared by both exports:
 * decode the event, route it, answer /health, validate the /agent body.
 * All of it throws HttpError, so no model call starts on bad input.
 */
import { Deadline } from '../agent/deadline';
import type { AgentEvents } from '../agent/events';
import { runAgent, type AgentResult } from '../agent/loop';
import { findUpstreamRequestId, reportError } from '../error-report';
import { HttpError } from '../errors';
import { logRequest } from '../logging';
import { getRuntime, type Runtime } from '../runtime';
import { VERSION } from '../version';
import { parseAgentRequest, type AgentRequest } from './agent-request';
import { verifyRequest } from './auth';
import type { DecodedRequest, LambdaContext } from './event';
import { matchRoute } from './routes';

export type Prepared =
  | { readonly kind: 'health'; readonly body: Record<string, string> }
  | { readonly kind: 'agent'; readonly runtime: Runtime; readonly request: AgentRequest };

export function prepare(request: DecodedRequest): Prepared {
  if (request.malformed) throw new HttpError('invalid_request', request.malformed);
  const runtime = getRuntime();
  // Before routing, so an unauthenticated caller learns nothing about the routes.
  verifyRequest(runtime.config.auth, request.headers);
  const route = matchRoute(request);
  if (route === 'health') {
    return { kind: 'health', body: { status: 'ok', provider: runtime.provider.name, model: runtime.provider.model, version: VERSION } };
  }
  return { kind: 'agent', runtime, request: parseAgentRequest(request.body, runtime.config.limits) };
}

/** Runs the agent for a prepared /agent request, with the deadline from Lambda's context. */
export function runPrepared(
  prepared: Extract<Prepared, { kind: 'agent' }>,
  request: DecodedRequest,
  context: Partial<LambdaContext> | undefined,
  events?: AgentEvents,
): Promise<AgentResult> {
  return runAgent({
    requestId: request.requestId,
    request: prepared.request,
    config: prepared.runtime.config,
    provider: prepared.runtime.provider,
    deadline: new Deadline(remainingTime(context)),
    events,
  });
}

/** Lambda's remaining time; a generous default when run outside Lambda without a context. */
export function remainingTime(context: Partial<LambdaContext> | undefined): number {
  const fallbackMs = 60_000;
  try {
    const value = context?.getRemainingTimeInMillis?.();
    return typeof value === 'number' && Number.isFinite(value) ? value : fallbackMs;
  } catch {
    return fallbackMs;
  }
}

export function asHttpError(error: unknown): HttpError {
  return error instanceof HttpError ? error : new HttpError('internal_error', 'The agent failed unexpectedly.', { cause: error });
}

/** Longest error message written to the log line. @unit characters */
const MAX_LOGGED_MESSAGE_CHARS = 300;

/** The original failure under an HttpError that mapped it, or the HttpError itself when it is the failure. */
function rootFailure(error: HttpError): unknown {
  let current: unknown = error;
  while (current instanceof HttpError && current.cause !== undefined) current = current.cause;
  return current;
}

/** Writes the request's log line once it has an outcome. */
export function logOutcome(
  request: DecodedRequest,
  startedAt: number,
  streaming: boolean,
  outcome: { status: number; result?: AgentResult; error?: HttpError; prepared?: Prepared },
): void {
  let runtime: Runtime | undefined;
  try {
    runtime = outcome.prepared?.kind === 'agent' ? outcome.prepared.runtime : getRuntime();
  } catch {
    runtime = undefined; // misconfigured: the error itself is logged
  }
  const { result, error } = outcome;
  const agentInput = outcome.prepared?.kind === 'agent' ? outcome.prepared.request.input : undefined;
  const logContent = runtime?.config.logContent ?? false;
  // For a 5xx the operator needs the failure behind the safe message: the first error in the chain that is not ours.
  const failure = error && error.status >= 500 ? reportError(rootFailure(error)) : undefined;
  const upstreamRequestId = findUpstreamRequestId(failure);
  logRequest({
    request_id: request.requestId,
    method: request.method,
    path: request.path.slice(0, 128),
    status: outcome.status,
    outcome: error ? 'error' : 'ok',
    ...(error ? { error_type: error.type, error_message: error.message.slice(0, MAX_LOGGED_MESSAGE_CHARS) } : {}),
    ...(failure ? { error: failure } : {}),
    ...(upstreamRequestId ? { upstream_request_id: upstreamRequestId } : {}),
    provider: runtime?.provider.name,
    model: runtime?.provider.model,
    iterations: result?.iterations,
    tool_calls: result?.tool_calls.length,
    tool_errors: result?.tool_calls.filter((t) => t.is_error).length,
    usage: result?.usage,
    cost_usd: result?.cost_usd,
    stop_reason: result?.stop_reason,
    duration_ms: Date.now() - startedAt,
    streaming,
    ...(logContent && agentInput !== undefined ? { input: agentInput } : {}),
    ...(logContent && result ? { output: result.output } : {}),
  });
}

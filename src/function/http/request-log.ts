/**
 * The request's log line, written once it has an outcome: who asked what,
 * what it cost and how it ended. For a 5xx it also carries the failure
 * behind the safe message the caller got.
 */
import type { AgentResult } from '../agent/loop';
import { findUpstreamRequestId, reportError } from '../error-report';
import { AgentError } from '../errors';
import { logRequest } from '../logging';
import { toolUsage } from '../metrics/request-metrics';
import { configuredTools } from '../tools/toolset';
import { getRuntime, type Runtime } from '../runtime';
import { printable } from '../text';
import type { HttpFailure } from './error-response';
import type { DecodedRequest } from './event';
import type { Prepared } from './prepare-request';

/** Longest error message and method written to the log line. @unit characters */
const MAX_LOGGED_MESSAGE_CHARS = 300;
const MAX_LOGGED_METHOD_CHARS = 16;
const MAX_LOGGED_PATH_CHARS = 128;

export interface Outcome {
  readonly status: number;
  readonly result?: AgentResult;
  readonly failure?: HttpFailure;
  readonly prepared?: Prepared;
  /** The authenticated caller's id (see auth/verify-request); none when authentication failed. */
  readonly caller?: string;
  /** Streaming: when the first text left the function. @unit ms since the epoch */
  readonly firstTextAt?: number;
}

export function logOutcome(request: DecodedRequest, startedAt: number, streaming: boolean, outcome: Outcome): void {
  const runtime = outcome.prepared?.runtime ?? currentRuntime();
  const { result, failure } = outcome;
  const agentInput = outcome.prepared?.kind === 'agent' ? outcome.prepared.request.input : undefined;
  const logContent = runtime?.config.logContent ?? false;
  // For a 5xx the operator needs the failure behind the safe message: the first error in the chain that is not ours.
  const report = failure && failure.status >= 500 ? reportError(rootFailure(failure.error)) : undefined;
  const upstreamRequestId = failure?.error.upstreamRequestId ?? findUpstreamRequestId(report);
  // What the request spent: the result's, or what a failed run had produced before it stopped.
  const spent = result ?? failure?.error.partial;
  logRequest(
    {
      request_id: request.requestId,
      method: printable(request.method, MAX_LOGGED_METHOD_CHARS),
      path: printable(request.path, MAX_LOGGED_PATH_CHARS),
      status: outcome.status,
      ...(outcome.caller ? { caller: outcome.caller } : {}),
      outcome: failure ? 'error' : 'ok',
      ...(failure
        ? {
            error_type: failure.type,
            error_code: failure.error.code,
            error_status: failure.status,
            error_message: loggedMessage(failure).slice(0, MAX_LOGGED_MESSAGE_CHARS),
          }
        : {}),
      ...(report ? { error: report } : {}),
      ...(upstreamRequestId ? { upstream_request_id: upstreamRequestId } : {}),
      provider: runtime?.provider.name,
      // The model the request ran on (its tier's), else the default.
      model: outcome.prepared?.kind === 'agent' ? outcome.prepared.request.model : runtime?.provider.model,
      iterations: spent?.iterations,
      tool_calls: spent?.tool_calls.length,
      tool_errors: spent?.tool_calls.filter((t) => t.is_error).length,
      usage: spent?.usage,
      cost_usd: spent?.cost_usd,
      ...(spent?.usage_estimated ? { usage_estimated: true } : {}),
      stop_reason: result?.stop_reason,
      session_id: outcome.prepared?.kind === 'agent' ? outcome.prepared.request.sessionId : undefined,
      session_updated: result?.session_updated,
      session_not_updated: result?.session_not_updated,
      duration_ms: Date.now() - startedAt,
      ...(outcome.firstTextAt !== undefined ? { time_to_first_token_ms: outcome.firstTextAt - startedAt } : {}),
      streaming,
      ...(logContent && agentInput !== undefined ? { input: agentInput } : {}),
      ...(logContent && result ? { output: result.output } : {}),
    },
    toolUsage(spent?.tool_calls ?? [], (name) =>
      runtime ? configuredTools(runtime.config.knowledgeBaseIds, runtime.config.awsRegion).find(name) !== undefined : false,
    ),
  );
}

/** The caller's message, except for a misconfiguration: the caller gets a generic one, the log names the setting. */
function loggedMessage(failure: HttpFailure): string {
  return failure.error.code === 'misconfigured' ? failure.error.message : failure.message;
}

function currentRuntime(): Runtime | undefined {
  try {
    return getRuntime();
  } catch {
    return undefined; // misconfigured: the error itself is logged
  }
}

/** The original failure under an AgentError that mapped it, or the AgentError itself when it is the failure. */
function rootFailure(error: AgentError): unknown {
  let current: unknown = error;
  while (current instanceof AgentError && current.cause !== undefined) current = current.cause;
  return current;
}

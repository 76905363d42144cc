/**
 * Runs the agent for a prepared /agent request within the request's
 * deadline: the output schema compiled first, the session held (and its
 * turns sent before the new input) when the request names one, the daily
 * budgets checked before each model call and charged after it. A session is
 * stored only when the answer completed; otherwise it is released untouched.
 */
import { Deadline } from '../agent/deadline';
import type { AgentEvents } from '../agent/events';
import { runAgent, type AgentResult } from '../agent/loop';
import { COMPILE_BUDGET_MS, compileOutputSchema } from '../agent/output-schema';
import type { HeldSession } from '../state/sessions';
import type { DecodedRequest, LambdaContext } from './event';
import type { Prepared } from './prepare-request';

/** What the agent has when Lambda gives no context (never on Lambda). @unit ms */
const REMAINING_WITHOUT_CONTEXT_MS = 60_000;

/** The request's deadline, from Lambda's remaining time. */
export function deadlineOf(context: Partial<LambdaContext> | undefined): Deadline {
  return new Deadline(remainingTime(context));
}

export async function runPrepared(
  prepared: Extract<Prepared, { kind: 'agent' }>,
  request: DecodedRequest,
  deadline: Deadline,
  events?: AgentEvents,
): Promise<AgentResult> {
  const { runtime, caller } = prepared;
  // The whole schema is checked and compiled before the first model call: a defect is a 400 that costs nothing.
  const schema = prepared.request.outputSchema;
  const outputSchema = schema ? await compileOutputSchema(schema, Math.min(COMPILE_BUDGET_MS, deadline.remainingMs())) : undefined;
  const { sessions, budgets } = runtime;
  const sessionId = prepared.request.sessionId;
  let held: HeldSession | undefined;
  if (sessionId !== undefined && sessions) {
    held = await deadline.abortable((signal) => sessions.hold(caller, sessionId, request.requestId, deadline.endsAtMs(), signal));
  }
  try {
    const result = await runAgent({
      requestId: request.requestId,
      request: held ? { ...prepared.request, messages: held.turns.map(({ role, content }) => ({ role, content })) } : prepared.request,
      config: runtime.config,
      provider: runtime.provider,
      deadline,
      outputSchema,
      events,
      ...(budgets
        ? {
            meter: {
              beforeModelCall: () => deadline.abortable((signal) => budgets.check(caller, signal)),
              afterModelCall: (tokens, costUsd) => deadline.abortable((signal) => budgets.record(caller, tokens, costUsd, signal)),
            },
          }
        : {}),
    });
    if (!held || !sessions) return result;
    const answer = result.result !== undefined ? JSON.stringify(result.result) : result.output;
    const session = held;
    held = undefined; // completing the session releases its lock, whatever the outcome
    await deadline.abortable((signal) => sessions.complete(caller, session, prepared.request.input, answer, signal));
    return { ...result, session_id: sessionId };
  } finally {
    if (held && sessions) await sessions.release(caller, held);
  }
}

/** Lambda's remaining time for this invocation. */
function remainingTime(context: Partial<LambdaContext> | undefined): number {
  try {
    const value = context?.getRemainingTimeInMillis?.();
    return typeof value === 'number' && Number.isFinite(value) ? value : REMAINING_WITHOUT_CONTEXT_MS;
  } catch {
    return REMAINING_WITHOUT_CONTEXT_MS;
  }
}

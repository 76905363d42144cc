/** Runs the agent for a prepared /agent request, with the deadline Lambda's context gives. */
import { Deadline } from '../agent/deadline';
import { COMPILE_BUDGET_MS, compileOutputSchema } from '../agent/output-schema';
import type { AgentEvents } from '../agent/events';
import { runAgent, type AgentResult } from '../agent/loop';
import type { DecodedRequest, LambdaContext } from './event';
import type { Prepared } from './prepare-request';

/** What the agent has when Lambda gives no context (never on Lambda). @unit ms */
const REMAINING_WITHOUT_CONTEXT_MS = 60_000;

export async function runPrepared(
  prepared: Extract<Prepared, { kind: 'agent' }>,
  request: DecodedRequest,
  context: Partial<LambdaContext> | undefined,
  events?: AgentEvents,
): Promise<AgentResult> {
  const deadline = new Deadline(remainingTime(context));
  // The whole schema is checked and compiled before the first model call: a defect is a 400 that costs nothing.
  const schema = prepared.request.outputSchema;
  const outputSchema = schema ? await compileOutputSchema(schema, Math.min(COMPILE_BUDGET_MS, deadline.remainingMs())) : undefined;
  return runAgent({
    requestId: request.requestId,
    request: prepared.request,
    config: prepared.runtime.config,
    provider: prepared.runtime.provider,
    deadline,
    outputSchema,
    events,
  });
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

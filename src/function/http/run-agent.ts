/**
 * Runs the agent for a prepared /agent request within the request's
 * deadline: the output schema compiled first, the session held (and its
 * turns sent before the new input) when the request names one, the daily
 * budgets checked before each model call and charged after it. A session is
 * updated only with a complete answer; otherwise it is released untouched,
 * and the result says why (`session_updated: false`, `session_not_updated`).
 */
import { Deadline } from '../agent/deadline';
import type { AgentEvents } from '../agent/events';
import { runAgent, type AgentResult, type SessionNotUpdated } from '../agent/loop';
import { COMPILE_BUDGET_MS, compileOutputSchema } from '../agent/output-schema';
import { reportError } from '../error-report';
import { SessionBusyError } from '../errors';
import { writeLogLine } from '../logging';
import { LINE_DIMENSION_SETS } from '../metrics/definitions';
import type { Budgets } from '../state/budgets';
import type { HeldSession, Sessions } from '../state/sessions';
import type { Limits } from '../config';
import type { LambdaContext } from './event';
import type { Prepared } from './prepare-request';

/** What the agent has when Lambda gives no context (never on Lambda). @unit ms */
const REMAINING_WITHOUT_CONTEXT_MS = 60_000;

/** The request's deadline, from Lambda's remaining time. */
export function deadlineOf(context: Partial<LambdaContext> | undefined): Deadline {
  return new Deadline(remainingTime(context));
}

/** What a job changes in a run: its own caps, a check for a cancel before each model call and tool run, and patience with a held session. */
export interface RunOptions {
  readonly limits?: Limits;
  readonly checkpoint?: () => Promise<void>;
  /**
   * How long to wait for a session another request holds, instead of a 409 at once.
   * @default 0 @unit ms
   */
  readonly sessionWaitMs?: number;
}

/** How often a waiting run tries a held session again. @unit ms */
const SESSION_RETRY_MS = 250;

export async function runPrepared(
  prepared: Extract<Prepared, { kind: 'agent' }>,
  requestId: string,
  deadline: Deadline,
  events?: AgentEvents,
  options: RunOptions = {},
): Promise<AgentResult> {
  const { runtime, caller } = prepared;
  // The whole schema is checked and compiled before the first model call: a defect is a 400 that costs nothing.
  const schema = prepared.request.outputSchema;
  const outputSchema = schema ? await compileOutputSchema(schema, Math.min(COMPILE_BUDGET_MS, deadline.remainingMs())) : undefined;
  const { sessions, budgets } = runtime;
  const sessionId = prepared.request.sessionId;
  let held: HeldSession | undefined;
  if (sessionId !== undefined && sessions) {
    held = await holdSession(sessions, caller, sessionId, requestId, deadline, options.sessionWaitMs ?? 0);
  }
  try {
    const result = await runAgent({
      requestId,
      request: held ? { ...prepared.request, messages: held.turns.map(({ role, content }) => ({ role, content })) } : prepared.request,
      config: options.limits ? { ...runtime.config, limits: options.limits } : runtime.config,
      checkpoint: options.checkpoint,
      provider: runtime.provider,
      deadline,
      outputSchema,
      events,
      ...(budgets
        ? {
            meter: {
              beforeModelCall: () => deadline.abortable((signal) => budgets.check(caller, signal)),
              afterModelCall: (tokens, costUsd, estimated) => recordUsage(budgets, caller, requestId, { tokens, costUsd, estimated }, deadline),
            },
          }
        : {}),
    });
    if (!held || !sessions) return result;
    const session = held;
    held = undefined; // saveTurn releases the lock, whatever happens
    const outcome = await saveTurn(sessions, caller, session, prepared.request.input, result, deadline);
    return { ...result, session_id: session.id, session_updated: outcome === 'updated', ...(outcome === 'updated' ? {} : { session_not_updated: outcome }) };
  } finally {
    if (held && sessions) await sessions.release(caller, held);
  }
}

/** Holds the session, trying again while `waitMs` lasts when another request holds it (SessionBusyError after that). */
async function holdSession(sessions: Sessions, caller: string, sessionId: string, owner: string, deadline: Deadline, waitMs: number): Promise<HeldSession> {
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    try {
      return await deadline.abortable((signal) => sessions.hold(caller, sessionId, owner, deadline.endsAtMs(), signal));
    } catch (error) {
      if (!(error instanceof SessionBusyError) || Date.now() + SESSION_RETRY_MS > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, SESSION_RETRY_MS));
    }
  }
}

/** What the usage write may take when the work deadline has passed (it comes out of the response reserve). @unit ms */
const USAGE_WRITE_MS = 500;

/**
 * Adds a model call's spend to the daily counters. The call is made and paid
 * for whatever happens here: a failed write is logged with what it could not
 * record (the request log line still carries the spend for CostUSD and the
 * alarms), never turned into an error that would hide the answer.
 */
async function recordUsage(
  budgets: Budgets,
  caller: string,
  requestId: string,
  spent: { tokens: number; costUsd: number | null; estimated: boolean },
  deadline: Deadline,
): Promise<void> {
  try {
    await budgets.record(caller, spent.tokens, spent.costUsd, AbortSignal.timeout(Math.max(USAGE_WRITE_MS, deadline.remainingMs())));
  } catch (error) {
    writeLogLine(
      'ERROR',
      'usage not recorded',
      { request_id: requestId, caller, tokens: spent.tokens, cost_usd: spent.costUsd, usage_estimated: spent.estimated, error: reportError(error) },
      [{ dimensionSets: LINE_DIMENSION_SETS, values: { UsageNotRecorded: 1 } }],
    );
  }
}

/** Stop reasons of a complete answer: only such an exchange is stored. */
const COMPLETE_ANSWERS = new Set(['end_turn', 'stop_sequence', 'result_submitted']);
/** What the session write may take when the work deadline has passed (it comes out of the response reserve). @unit ms */
const SESSION_WRITE_MS = 500;

/**
 * Appends the exchange to the session and releases it, when the answer is
 * complete and not empty. The answer is the caller's whatever happens here:
 * a session that could not be updated is reported, not turned into an error.
 */
async function saveTurn(
  sessions: Sessions,
  caller: string,
  held: HeldSession,
  input: string,
  result: AgentResult,
  deadline: Deadline,
): Promise<'updated' | SessionNotUpdated> {
  const answer = result.result !== undefined ? JSON.stringify(result.result) : result.output;
  if (!COMPLETE_ANSWERS.has(result.stop_reason) || answer.trim() === '') {
    await sessions.release(caller, held);
    return 'incomplete_answer';
  }
  try {
    const stored = await sessions.complete(caller, held, input, answer, AbortSignal.timeout(Math.max(SESSION_WRITE_MS, deadline.remainingMs())));
    return stored ? 'updated' : 'session_gone';
  } catch {
    await sessions.release(caller, held);
    return 'state_unavailable';
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

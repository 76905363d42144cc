/**
 * `POST /jobs`: the request is validated exactly as `POST /agent` validates
 * it (body, output schema compiled, session id) and the caller's daily
 * budgets are checked, all before anything is stored; then the job is stored
 * and its message sent. A message that cannot be sent leaves no job behind,
 * and a replay of its Idempotency-Key never returns a job whose message is
 * still being sent: it gets 409 with `retry-after` until the first request
 * has sent it (or has ended without, when the replay sends it itself).
 */
import { RESPONSE_RESERVE_MS, type Deadline } from '../agent/deadline';
import { ConflictError } from '../errors';
import { COMPILE_BUDGET_MS, compileOutputSchema } from '../agent/output-schema';
import { parseAgentRequest } from '../http/agent-request';
import type { DecodedRequest } from '../http/event';
import type { Runtime } from '../runtime';
import { idempotencyKeyOf, idempotentJobId, newJobId } from './ids';
import { encodeJobMessage } from './messages';
import type { JobView } from './store';

export interface Submitted {
  /** 202, also for the job an Idempotency-Key already named (then with `idempotent-replayed: true`). */
  readonly status: 202;
  readonly body: { readonly job_id: string; readonly status: JobView['status']; readonly status_url: string };
  readonly headers: Readonly<Record<string, string>>;
}

export const jobPath = (jobId: string): string => `/jobs/${jobId}`;

/** What marking a job sent may take; past that a replay may send it again. @unit ms */
const MARK_SENT_MS = 1_000;

export async function submitJob(runtime: Runtime, request: DecodedRequest, caller: string, deadline: Deadline): Promise<Submitted> {
  const jobs = runtime.jobs!;
  const agentRequest = parseAgentRequest(request.body, runtime.config.limits, { enabled: runtime.sessions !== undefined, caller }, runtime.config.models);
  const key = idempotencyKeyOf(request.headers['idempotency-key'], caller);
  if (agentRequest.outputSchema) await compileOutputSchema(agentRequest.outputSchema, Math.min(COMPILE_BUDGET_MS, deadline.remainingMs()));
  const { budgets } = runtime;
  if (budgets) await deadline.abortable((signal) => budgets.check(caller, signal));

  const jobId = key === undefined ? newJobId() : idempotentJobId(caller, key);
  // With a key, the job reads as being submitted until this request could no longer be alive to send it.
  const submitUntilMs = deadline.endsAtMs() + RESPONSE_RESERVE_MS;
  const idempotent = key !== undefined;
  const { view, created, unsentUntilMs } = await deadline.abortable((signal) =>
    jobs.store.create(caller, jobId, request.body, { idempotent, ...(idempotent ? { submitUntilMs } : {}) }, signal),
  );
  if (unsentUntilMs !== undefined) {
    // A replay while the first request is still sending: its job may yet be discarded, so it is not returned.
    const waitMs = unsentUntilMs - Date.now();
    const claimed = waitMs <= 0 && (await deadline.abortable((signal) => jobs.store.claimSubmission(caller, jobId, unsentUntilMs, submitUntilMs, signal)));
    if (!claimed) {
      throw new ConflictError(
        'The first request with this Idempotency-Key is still submitting its job; send this one again after retry-after seconds to learn how it went.',
        Math.max(1, Math.ceil(waitMs / 1000)),
      );
    }
  }
  if (created || unsentUntilMs !== undefined) {
    try {
      await deadline.abortable((signal) => jobs.queue.send(encodeJobMessage(jobId, caller), signal));
    } catch (error) {
      await jobs.store.discard(caller, jobId).catch(() => undefined);
      throw error;
    }
    // The message is queued whatever happens here: a failed mark only makes a later replay send it again, which the worker runs once.
    if (idempotent) await jobs.store.markSent(caller, jobId, AbortSignal.timeout(MARK_SENT_MS)).catch(() => undefined);
  }
  const statusUrl = jobPath(jobId);
  return {
    status: 202,
    body: { job_id: jobId, status: view.status, status_url: statusUrl },
    headers: { location: statusUrl, ...(created ? {} : { 'idempotent-replayed': 'true' }) },
  };
}

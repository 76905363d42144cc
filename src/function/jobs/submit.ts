/**
 * `POST /jobs`: the request is validated exactly as `POST /agent` validates
 * it (body, output schema compiled, session id) and the caller's daily
 * budgets are checked, all before anything is stored; then the job is stored
 * and its message sent. A message that cannot be sent leaves no job behind.
 */
import type { Deadline } from '../agent/deadline';
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

export async function submitJob(runtime: Runtime, request: DecodedRequest, caller: string, deadline: Deadline): Promise<Submitted> {
  const jobs = runtime.jobs!;
  const agentRequest = parseAgentRequest(request.body, runtime.config.limits, { enabled: runtime.sessions !== undefined, caller }, runtime.config.models);
  const key = idempotencyKeyOf(request.headers['idempotency-key'], caller);
  if (agentRequest.outputSchema) await compileOutputSchema(agentRequest.outputSchema, Math.min(COMPILE_BUDGET_MS, deadline.remainingMs()));
  const { budgets } = runtime;
  if (budgets) await deadline.abortable((signal) => budgets.check(caller, signal));

  const jobId = key === undefined ? newJobId() : idempotentJobId(caller, key);
  const { view, created } = await deadline.abortable((signal) => jobs.store.create(caller, jobId, request.body, { idempotent: key !== undefined }, signal));
  if (created) {
    try {
      await deadline.abortable((signal) => jobs.queue.send(encodeJobMessage(jobId, caller), signal));
    } catch (error) {
      await jobs.store.discard(caller, jobId).catch(() => undefined);
      throw error;
    }
  }
  const statusUrl = jobPath(jobId);
  return {
    status: 202,
    body: { job_id: jobId, status: view.status, status_url: statusUrl },
    headers: { location: statusUrl, ...(created ? {} : { 'idempotent-replayed': 'true' }) },
  };
}

/**
 * Everything that happens before the agent runs, shared by both exports:
 * check the event could be read, authenticate (before the rest of the
 * configuration is even read), route, answer /health and /sessions/{id},
 * and validate the /agent body. All of it throws RequestError, so no model
 * call starts on bad input.
 */
import type { Deadline } from '../agent/deadline';
import type { AgentRequest } from '../agent/request';
import { InvalidRequestError, RequestError } from '../errors';
import { validJobId } from '../jobs/ids';
import { submitJob } from '../jobs/submit';
import type { ModelChoice } from '../model-tiers';
import { getAuth, getRuntime, type Runtime } from '../runtime';
import { VERSION } from '../version';
import { parseAgentRequest, validSessionId } from './agent-request';
import { verifyRequest } from '../auth/verify-request';
import type { DecodedRequest } from './event';
import { matchRoute } from './routes';

export type Prepared =
  /** A request answered without the agent: a status, a JSON body (none for 204) and extra headers. */
  | {
      readonly kind: 'reply';
      readonly runtime: Runtime;
      readonly caller: string;
      readonly status: number;
      readonly body?: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'agent'; readonly runtime: Runtime; readonly caller: string; readonly request: AgentRequest };

/**
 * First of all: an unauthenticated caller learns nothing, neither the routes
 * nor that a setting is broken. Returns the caller id (see auth/verify-request).
 */
export async function authenticate(request: DecodedRequest, deadline: Deadline): Promise<string> {
  if (request.malformed) throw new InvalidRequestError(request.malformed);
  // Fetching a sign-in issuer's keys counts against the deadline: a slow issuer is a 503 with a log line, not Lambda's timeout.
  return deadline.abortable((signal) => verifyRequest(getAuth(), request, signal));
}

/** What GET /health says about tiers, when there are any: each tier's model, and the default tier. */
function tiersOf(models: ModelChoice): { model_tiers?: Readonly<Record<string, string>>; default_model_tier?: string } {
  return models.defaultTier ? { model_tiers: models.tiers, default_model_tier: models.defaultTier } : {};
}

/** Routes an authenticated request: a reply (health, sessions, jobs), or a validated /agent request. */
export async function prepare(request: DecodedRequest, caller: string, deadline: Deadline): Promise<Prepared> {
  const runtime = getRuntime();
  const route = matchRoute(request, { sessions: runtime.sessions !== undefined, jobs: runtime.jobs !== undefined });
  switch (route.name) {
    case 'health':
      return {
        kind: 'reply',
        runtime,
        caller,
        status: 200,
        body: { status: 'ok', provider: runtime.provider.name, model: runtime.provider.model, ...tiersOf(runtime.config.models), version: VERSION },
      };
    case 'session': {
      const sessions = runtime.sessions!;
      const id = validSessionId(route.sessionId, caller);
      if (request.method === 'DELETE') {
        await deadline.abortable((signal) => sessions.remove(caller, id, signal));
        return { kind: 'reply', runtime, caller, status: 204 };
      }
      return { kind: 'reply', runtime, caller, status: 200, body: await deadline.abortable((signal) => sessions.read(caller, id, signal)) };
    }
    case 'submit-job': {
      const submitted = await submitJob(runtime, request, caller, deadline);
      return { kind: 'reply', runtime, caller, ...submitted };
    }
    case 'job': {
      const store = runtime.jobs!.store;
      const id = validJobId(route.jobId);
      const view = await deadline.abortable((signal) => (request.method === 'DELETE' ? store.cancel(caller, id, signal) : store.read(caller, id, signal)));
      // Another caller's job is not found, exactly as one that never existed.
      if (!view) throw new RequestError('not_found', `No job ${id}: it does not exist, belongs to another caller, or is older than job_retention_hours.`);
      return { kind: 'reply', runtime, caller, status: 200, body: view };
    }
    case 'agent':
      return {
        kind: 'agent',
        runtime,
        caller,
        request: parseAgentRequest(request.body, runtime.config.limits, { enabled: runtime.sessions !== undefined, caller }, runtime.config.models),
      };
  }
}

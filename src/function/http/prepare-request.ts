/**
 * Everything that happens before the agent runs, shared by both exports:
 * check the event could be read, authenticate (before the rest of the
 * configuration is even read), route, answer /health, and
 * validate the /agent body. All of it throws RequestError, so no model call
 * starts on bad input.
 */
import type { AgentRequest } from '../agent/request';
import { InvalidRequestError } from '../errors';
import { getAuth, getRuntime, type Runtime } from '../runtime';
import { VERSION } from '../version';
import { parseAgentRequest } from './agent-request';
import { verifyRequest } from './auth';
import type { DecodedRequest } from './event';
import { matchRoute } from './routes';

export type Prepared =
  | { readonly kind: 'health'; readonly runtime: Runtime; readonly body: Record<string, string> }
  | { readonly kind: 'agent'; readonly runtime: Runtime; readonly request: AgentRequest };

export function prepare(request: DecodedRequest): Prepared {
  if (request.malformed) throw new InvalidRequestError(request.malformed);
  // First of all: an unauthenticated caller learns nothing, neither the routes nor that a setting is broken.
  verifyRequest(getAuth(), request);
  const runtime = getRuntime();
  if (matchRoute(request) === 'health') {
    return { kind: 'health', runtime, body: { status: 'ok', provider: runtime.provider.name, model: runtime.provider.model, version: VERSION } };
  }
  return { kind: 'agent', runtime, request: parseAgentRequest(request.body, runtime.config.limits) };
}

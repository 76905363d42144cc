/** The HTTP contract's routes; anything else is a 404, or a 405 that says which methods are allowed. */
import { RequestError } from '../errors';
import { printable } from '../text';
import type { DecodedRequest } from './event';

export type Route = { readonly name: 'health' } | { readonly name: 'agent' } | { readonly name: 'session'; readonly sessionId: string };

const ROUTES: Readonly<Record<string, { route: Route; methods: readonly string[] }>> = {
  '/health': { route: { name: 'health' }, methods: ['GET'] },
  '/agent': { route: { name: 'agent' }, methods: ['POST'] },
};
/** `/sessions/<id>`: the id itself is checked by the session route. */
const SESSION_PATH = /^\/sessions\/([^/]+)$/;
const SESSION_METHODS = ['GET', 'DELETE'];

/** A known path asked with a method it does not serve. */
export class MethodNotAllowedError extends RequestError {
  constructor(
    message: string,
    /** The `allow` header value. */
    readonly allow: string,
  ) {
    super('method_not_allowed', message);
    this.name = 'MethodNotAllowedError';
  }
}

/**
 * The route of a request. `sessions` says whether `/sessions/{id}` exists:
 * with sessions off it is a 404 that names the variable.
 */
export function matchRoute(request: DecodedRequest, sessions = false): Route {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  const session = SESSION_PATH.exec(path);
  if (session) {
    if (!sessions) throw new RequestError('not_found', 'Sessions are off for this agent: set sessions_enabled = true to use /sessions.');
    allowed(request, path, SESSION_METHODS);
    return { name: 'session', sessionId: safeDecode(session[1]) };
  }
  const entry = Object.prototype.hasOwnProperty.call(ROUTES, path) ? ROUTES[path] : undefined;
  if (!entry) {
    const use = sessions ? 'GET /health, POST /agent, or GET or DELETE /sessions/{id}' : 'GET /health or POST /agent';
    throw new RequestError('not_found', `No route for ${printable(request.path, 64)}. Use ${use}.`);
  }
  allowed(request, path, entry.methods);
  return entry.route;
}

/** Throws 405 unless the method is one of `methods` (HEAD counts as GET). */
function allowed(request: DecodedRequest, path: string, methods: readonly string[]): void {
  const withHead = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
  if (withHead.includes(request.method)) return;
  throw new MethodNotAllowedError(
    `${printable(request.method, 64)} is not allowed on ${printable(path, 64)}; use ${methods.join(' or ')}.`,
    withHead.join(', '),
  );
}

/** `%41` → `A`; text that is not valid percent-encoding stays as it is (and fails the id check). */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

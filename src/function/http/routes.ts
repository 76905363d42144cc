/** The HTTP contract's routes; anything else is a 404, or a 405 that says which methods are allowed. */
import { RequestError } from '../errors';
import { printable } from '../text';
import type { DecodedRequest } from './event';

export type Route = 'health' | 'agent';

const ROUTES: Readonly<Record<string, { route: Route; method: string }>> = {
  '/health': { route: 'health', method: 'GET' },
  '/agent': { route: 'agent', method: 'POST' },
};

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

export function matchRoute(request: DecodedRequest): Route {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  const entry = Object.prototype.hasOwnProperty.call(ROUTES, path) ? ROUTES[path] : undefined;
  if (!entry) throw new RequestError('not_found', `No route for ${printable(request.path, 64)}. Use GET /health or POST /agent.`);
  const allowed = entry.method === 'GET' ? 'GET, HEAD' : entry.method;
  const method = request.method === 'HEAD' && entry.method === 'GET' ? 'GET' : request.method;
  if (method !== entry.method) {
    throw new MethodNotAllowedError(`${printable(request.method, 64)} is not allowed on ${path}; use ${entry.method}.`, allowed);
  }
  return entry.route;
}

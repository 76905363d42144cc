/** The HTTP contract's routes; anything else is a 404 or a 405 with `allow`. */
import { HttpError } from '../errors';
import type { DecodedRequest } from './event';

export type Route = 'health' | 'agent';

const ROUTES: Readonly<Record<string, { route: Route; method: string }>> = {
  '/health': { route: 'health', method: 'GET' },
  '/agent': { route: 'agent', method: 'POST' },
};

export function matchRoute(request: DecodedRequest): Route {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  const entry = Object.prototype.hasOwnProperty.call(ROUTES, path) ? ROUTES[path] : undefined;
  if (!entry) throw new HttpError('not_found', `No route for ${truncate(request.path)}. Use GET /health or POST /agent.`);
  const allowed = entry.method === 'GET' ? 'GET, HEAD' : entry.method;
  const method = request.method === 'HEAD' && entry.method === 'GET' ? 'GET' : request.method;
  if (method !== entry.method) {
    throw new HttpError('method_not_allowed', `${truncate(request.method)} is not allowed on ${path}; use ${entry.method}.`, { headers: { allow: allowed } });
  }
  return entry.route;
}

function truncate(text: string, max = 64): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/** The HTTP contract's routes; anything else is a 404, or a 405 that says which methods are allowed. */
import { RequestError } from '../errors';
import { printable } from '../text';
import type { DecodedRequest } from './event';

export type Route =
  | { readonly name: 'health' }
  | { readonly name: 'agent' }
  | { readonly name: 'session'; readonly sessionId: string }
  | { readonly name: 'submit-job' }
  | { readonly name: 'job'; readonly jobId: string };

const ROUTES: Readonly<Record<string, { route: Route; methods: readonly string[]; feature?: Feature }>> = {
  '/health': { route: { name: 'health' }, methods: ['GET'] },
  '/agent': { route: { name: 'agent' }, methods: ['POST'] },
  '/jobs': { route: { name: 'submit-job' }, methods: ['POST'], feature: 'jobs' },
};
/** `/sessions/<id>` and `/jobs/<id>`: the ids themselves are checked by their routes. */
const ID_ROUTES: ReadonlyArray<{ path: RegExp; methods: readonly string[]; feature: Feature; route: (id: string) => Route }> = [
  { path: /^\/sessions\/([^/]+)$/, methods: ['GET', 'DELETE'], feature: 'sessions', route: (sessionId) => ({ name: 'session', sessionId }) },
  { path: /^\/jobs\/([^/]+)$/, methods: ['GET', 'DELETE'], feature: 'jobs', route: (jobId) => ({ name: 'job', jobId }) },
];

/** Routes that exist only when their feature is on. */
export type Feature = 'sessions' | 'jobs';
/** Which features are on. */
export type Features = Readonly<Record<Feature, boolean>>;
const FEATURE_OFF: Readonly<Record<Feature, string>> = {
  sessions: 'Sessions are off for this agent: set sessions_enabled = true to use /sessions.',
  jobs: 'Jobs are off for this agent: set async_jobs_enabled = true to use /jobs.',
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

/**
 * The route of a request. A route of a feature that is off is a 404 that
 * names the variable turning it on.
 */
export function matchRoute(request: DecodedRequest, features: Features = { sessions: false, jobs: false }): Route {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  const on = (feature: Feature | undefined) => {
    if (feature && !features[feature]) throw new RequestError('not_found', FEATURE_OFF[feature]);
  };
  for (const idRoute of ID_ROUTES) {
    const match = idRoute.path.exec(path);
    if (!match) continue;
    on(idRoute.feature);
    allowed(request, path, idRoute.methods);
    return idRoute.route(safeDecode(match[1]));
  }
  const entry = Object.prototype.hasOwnProperty.call(ROUTES, path) ? ROUTES[path] : undefined;
  if (!entry) throw new RequestError('not_found', `No route for ${printable(request.path, 64)}. Use ${routesOn(features)}.`);
  on(entry.feature);
  allowed(request, path, entry.methods);
  return entry.route;
}

/** The routes a caller may use, for the 404's message. */
function routesOn(features: Features): string {
  return [
    'GET /health',
    'POST /agent',
    ...(features.sessions ? ['GET or DELETE /sessions/{id}'] : []),
    ...(features.jobs ? ['POST /jobs', 'GET or DELETE /jobs/{id}'] : []),
  ]
    .join(', ')
    .replace(/, ([^,]+)$/, ' or $1');
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

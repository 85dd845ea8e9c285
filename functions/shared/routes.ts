/**
 * The route table: the single definition of every HTTP route, the Lambda handler that serves it and the
 * OAuth scopes that may call it. The CDK Api construct, the local gateway and the OpenAPI document
 * (functions/shared/openapi/) are all built from it.
 * A route accepts a token holding ANY of its scopes (API Gateway JWT authorizer semantics); a public route
 * takes no token.
 */

export const SCOPES = {
  write: 'activities/write',
  read: 'activities/read',
  manage: 'streams/manage',
} as const;
export type Scope = (typeof SCOPES)[keyof typeof SCOPES];
export const ALL_SCOPES: readonly Scope[] = Object.values(SCOPES);
/** What each scope allows (the OpenAPI document's security scheme). */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'activities/write': 'Send events',
  'activities/read': 'Search and collect events, read the catalog, analytics and reports',
  'streams/manage': 'Create, change and delete streams; write the enrichment directory',
};

/** Lambda handlers; each lives in functions/<name>/handler.ts. */
export const HTTP_HANDLERS = [
  'ingest',
  'event-types',
  'activities',
  'streams',
  'collect',
  'directory',
  'redrive',
  'analytics',
  'reports',
  'me',
  'openapi',
] as const;
export type HttpHandlerName = (typeof HTTP_HANDLERS)[number];

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RouteBase {
  method: Method;
  /** API Gateway path with {param} placeholders. */
  path: string;
  handler: HttpHandlerName;
  summary: string;
}

/**
 * A route: behind the JWT authorizer with its scopes (any of them), or public (no token, no authorizer): only
 * what anyone may read, such as the API's own description.
 */
export type Route = RouteBase &
  ({ scopes: readonly [Scope, ...Scope[]]; public?: undefined } | { scopes: readonly []; public: true });

export const API_PREFIX = '/activities/v1';

export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: `${API_PREFIX}/activities`,
    handler: 'ingest',
    scopes: [SCOPES.write],
    summary: 'Ingest 1..500 events',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/activities`,
    handler: 'activities',
    scopes: [SCOPES.read],
    summary: 'Search events, newest first',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/activities/aggregate`,
    handler: 'activities',
    scopes: [SCOPES.read],
    summary: 'Count and group events over time (dashboards)',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/activities/{id}`,
    handler: 'activities',
    scopes: [SCOPES.read],
    summary: 'One event by id',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/event-types`,
    handler: 'event-types',
    scopes: [SCOPES.read, SCOPES.write],
    summary: 'The event catalog',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/event-types/{type}`,
    handler: 'event-types',
    scopes: [SCOPES.read, SCOPES.write],
    summary: 'One event type, with the JSON Schema (2020-12) of its events',
  },
  {
    method: 'POST',
    path: `${API_PREFIX}/activities/collect`,
    handler: 'collect',
    scopes: [SCOPES.read],
    summary: 'Next batch of a custom stream (API polling)',
  },
  {
    method: 'POST',
    path: `${API_PREFIX}/streams`,
    handler: 'streams',
    scopes: [SCOPES.manage],
    summary: 'Create a stream',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/streams`,
    handler: 'streams',
    scopes: [SCOPES.manage],
    summary: 'List streams',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/streams/{stream_id}`,
    handler: 'streams',
    scopes: [SCOPES.manage],
    summary: 'One stream, with its health',
  },
  {
    method: 'PATCH',
    path: `${API_PREFIX}/streams/{stream_id}`,
    handler: 'streams',
    scopes: [SCOPES.manage],
    summary: 'Change a stream',
  },
  {
    method: 'DELETE',
    path: `${API_PREFIX}/streams/{stream_id}`,
    handler: 'streams',
    scopes: [SCOPES.manage],
    summary: 'Delete a stream and its state',
  },
  {
    method: 'POST',
    path: `${API_PREFIX}/streams/{stream_id}/redrive`,
    handler: 'redrive',
    scopes: [SCOPES.manage],
    summary: "Deliver a stream's failed batches again",
  },
  {
    method: 'PUT',
    path: `${API_PREFIX}/directory/{kind}/{id}`,
    handler: 'directory',
    scopes: [SCOPES.manage],
    summary: 'Write an enrichment directory entry',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/analytics/journeys`,
    handler: 'analytics',
    scopes: [SCOPES.read],
    summary: 'Journey analytics from counters',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/analytics/journeys/{journey_id}`,
    handler: 'analytics',
    scopes: [SCOPES.read],
    summary: 'One journey: funnel, durations, failure reasons, series',
  },
  {
    method: 'POST',
    path: `${API_PREFIX}/reports`,
    handler: 'reports',
    scopes: [SCOPES.read],
    summary: 'Request a report',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/reports/{report_id}`,
    handler: 'reports',
    scopes: [SCOPES.read],
    summary: 'A report, with a download URL when ready',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/reports`,
    handler: 'reports',
    scopes: [SCOPES.read],
    summary: 'Recent reports, newest first',
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/me`,
    handler: 'me',
    scopes: [SCOPES.read, SCOPES.write, SCOPES.manage],
    summary: 'Who the token is: person or client, groups and scopes',
  },
  {
    method: 'POST',
    path: `${API_PREFIX}/me/sign-out`,
    handler: 'me',
    scopes: [SCOPES.read, SCOPES.manage],
    summary: "Record a console person's sign-out (adminLogout)",
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/openapi.json`,
    handler: 'openapi',
    scopes: [],
    public: true,
    summary: 'This API as an OpenAPI 3.1 document (public)',
  },
];

export function routeKey(r: Pick<Route, 'method' | 'path'>): string {
  return `${r.method} ${r.path}`;
}

/**
 * Match a concrete method+path against the table. Returns the route and its path parameters (percent-decoded;
 * a parameter that is not valid percent-encoded UTF-8 makes `malformed` the answer instead).
 */
export function matchRoute(
  method: string,
  path: string,
  routes: readonly Route[] = ROUTES,
):
  | { route: Route; params: Record<string, string> }
  | { route: undefined; allowed: Method[]; malformed?: string } {
  const allowed: Method[] = [];
  const segs = path.replace(/\/+$/, '').split('/');
  let best: { route: Route; params: Record<string, string> } | undefined;
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i] as string;
      const s = segs[i] as string;
      if (p.startsWith('{') && p.endsWith('}')) {
        if (s === '') ok = false;
        else {
          try {
            params[p.slice(1, -1)] = decodeURIComponent(s);
          } catch {
            return { route: undefined, allowed: [], malformed: p.slice(1, -1) };
          }
        }
      } else if (p !== s) ok = false;
    }
    if (!ok) continue;
    if (route.method !== method) allowed.push(route.method);
    // Literal segments beat parameters (API Gateway's most-specific-match rule).
    else if (!best || Object.keys(params).length < Object.keys(best.params).length) best = { route, params };
  }
  return best ?? { route: undefined, allowed };
}

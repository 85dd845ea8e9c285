import type { Context } from 'aws-lambda';
import type { HandlerName } from '../../functions/shared/handlers.js';
import type { HttpEvent, HttpResult } from '../../functions/shared/platform/index.js';
import { lambdaContext } from '../../local/gateway.js';

/** An API Gateway HTTP API (payload 2.0) event, as the JWT authorizer would pass it. */
export function apiEvent(opts: {
  method?: string;
  path?: string;
  routeKey?: string;
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  clientId?: string;
  scopes?: string[];
}): HttpEvent {
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const method = opts.method ?? 'GET';
  const path = opts.path ?? '/';
  const clientId = opts.clientId ?? 'test-client';
  return {
    version: '2.0',
    routeKey: opts.routeKey ?? `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(opts.query ?? {}).toString(),
    headers: { host: 'api.example.test', 'x-forwarded-proto': 'https', 'content-type': 'application/json' },
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    ...(opts.pathParameters ? { pathParameters: opts.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: { client_id: clientId, sub: clientId, scope: (opts.scopes ?? []).join(' ') },
          scopes: opts.scopes ?? [],
        },
      },
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: opts.routeKey ?? `${method} ${path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  } as HttpEvent;
}

/** A Lambda context; an HTTP handler's by default (29 s, as API Gateway allows). */
export const ctx = (name: HandlerName = 'activities'): Context => lambdaContext(name);

type Handler = (e: HttpEvent, c: Context) => Promise<HttpResult>;

/** Invoke an HTTP handler and parse its JSON body. */
export async function invoke<T = Record<string, unknown>>(handler: unknown, event: HttpEvent) {
  const res = await (handler as Handler)(event, ctx());
  const body = res.body ? (JSON.parse(res.body) as T) : (undefined as T);
  return { status: res.statusCode ?? 200, body, headers: res.headers ?? {} };
}

/** Create a stream through the streams handler (POST /streams, start_from earliest unless given); its id. */
export async function createStream(handler: unknown, body: Record<string, unknown>): Promise<string> {
  const res = await invoke<{ stream_id: string }>(
    handler,
    apiEvent({
      method: 'POST',
      path: '/activities/v1/streams',
      routeKey: 'POST /activities/v1/streams',
      body: { name: 'test', start_from: 'earliest', ...body },
    }),
  );
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.stream_id;
}

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { HANDLERS, type HandlerName } from '../functions/shared/handlers.js';
import { errorBody } from '../functions/shared/model/index.js';
import type { HttpEvent, HttpResult } from '../functions/shared/platform/index.js';
import { type HttpHandlerName, matchRoute, type Route, routeKey } from '../functions/shared/routes.js';
import { serveApiDocs } from './api-docs.js';
import { AuthFailure, type LocalAuth, OAuthError, RateLimited, TOKEN_TTL_SECONDS } from './auth.js';
import { type ConsoleSite, serveConsole } from './console-server.js';
import { CONSOLE_CLIENT_ID, SignInError } from './people.js';

/** API Gateway HTTP API's payload limit. */
const MAX_PAYLOAD = 10 * 1024 * 1024;

export type Invoke = (handler: HttpHandlerName, event: HttpEvent, context: Context) => Promise<HttpResult>;

export interface GatewayOptions {
  port: number;
  host?: string;
  auth: LocalAuth;
  routes: readonly Route[];
  invoke: Invoke;
  /** The console and the hosted sign-in for people (served at `/`). */
  site?: ConsoleSite;
  onResponse?: (line: { method: string; path: string; status: number; ms: number }) => void;
  /** Every answer to a request for an API route (matched or not), with its headers and body. */
  onApiResponse?: (r: ApiExchange) => void;
}

/** An API request's answer, as the client received it. */
export interface ApiExchange {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Gateway {
  port: number;
  close(): Promise<void>;
}

/** The Lambda context of one invocation: the function's timeout and memory from its row of the wiring table. */
export function lambdaContext(functionName: HandlerName): Context {
  const spec = HANDLERS[functionName];
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(spec.memorySize),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const TEXTUAL = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

async function readRequestBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Build the API Gateway HTTP API payload 2.0 event the Lambda would receive. */
function toHttpEvent(args: {
  req: http.IncomingMessage;
  url: URL;
  body: Buffer;
  route: Route;
  params: Record<string, string>;
  claims: Record<string, unknown>;
  scopes: string[];
}): HttpEvent {
  const { req, url, body, route } = args;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (k === 'cookie') cookies.push(...String(v).split(/;\s*/));
    else headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  headers['x-forwarded-proto'] ??= 'http';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = headers['content-type'] ?? '';
  const textual = body.length === 0 || contentType === '' || TEXTUAL.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(url.searchParams.size > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(args.params).length > 0 ? { pathParameters: args.params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: args.claims as Record<string, string>, scopes: args.scopes },
      },
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !textual,
  } as HttpEvent;
}

/**
 * The console's grants (a public client, no secret): authorization_code with its PKCE verifier, and
 * refresh_token. Answered like Cognito: access, ID and (for a code) refresh token.
 */
async function personTokenEndpoint(form: URLSearchParams, site: ConsoleSite): Promise<[number, unknown]> {
  if (form.get('client_id') !== CONSOLE_CLIENT_ID) {
    return [400, { error: 'invalid_client', error_description: 'unknown client_id' }];
  }
  try {
    if (form.get('grant_type') === 'authorization_code') {
      const g = await site.people.redeemCode(
        form.get('code') ?? '',
        form.get('redirect_uri') ?? '',
        form.get('code_verifier') ?? '',
      );
      const t = await site.auth.personTokens(g.person, g.scopes);
      return [
        200,
        {
          access_token: t.access,
          id_token: t.id,
          refresh_token: g.refreshToken,
          token_type: 'Bearer',
          expires_in: TOKEN_TTL_SECONDS,
        },
      ];
    }
    const g = await site.people.refresh(form.get('refresh_token') ?? '');
    const t = await site.auth.personTokens(g.person, g.scopes);
    return [
      200,
      { access_token: t.access, id_token: t.id, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS },
    ];
  } catch (err) {
    if (err instanceof SignInError) return [400, { error: err.error, error_description: err.message }];
    throw err;
  }
}

/**
 * POST /oauth2/token: client_credentials, client authenticated by HTTP Basic or form fields; and the
 * console's authorization_code and refresh_token grants.
 */
async function tokenEndpoint(
  req: http.IncomingMessage,
  body: Buffer,
  auth: LocalAuth,
  site?: ConsoleSite,
): Promise<[number, unknown, Record<string, string>?]> {
  const ct = req.headers['content-type'] ?? '';
  let form: URLSearchParams;
  if (/json/i.test(ct)) {
    try {
      form = new URLSearchParams(JSON.parse(body.toString('utf8') || '{}') as Record<string, string>);
    } catch {
      return [400, { error: 'invalid_request', error_description: 'body is not valid JSON' }];
    }
  } else form = new URLSearchParams(body.toString('utf8'));
  let clientId = form.get('client_id') ?? '';
  let clientSecret = form.get('client_secret') ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    try {
      // RFC 6749 2.3.1: the id and secret are form-urlencoded before Basic encoding.
      clientId = decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' '));
      clientSecret = decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' '));
    } catch {
      return [
        400,
        {
          error: 'invalid_request',
          error_description: 'HTTP Basic credentials are not valid form-urlencoded text',
        },
      ];
    }
    if (i < 0) {
      return [
        400,
        {
          error: 'invalid_request',
          error_description: 'HTTP Basic credentials must be <client_id>:<client_secret>',
        },
      ];
    }
  }
  const grant = form.get('grant_type');
  if (site && (grant === 'authorization_code' || grant === 'refresh_token')) {
    return personTokenEndpoint(form, site);
  }
  if (grant !== 'client_credentials') {
    return [
      400,
      {
        error: 'unsupported_grant_type',
        error_description: site
          ? 'grant_type must be client_credentials, authorization_code or refresh_token'
          : 'grant_type must be client_credentials',
      },
    ];
  }
  if (!clientId || !clientSecret) {
    return [
      401,
      {
        error: 'invalid_client',
        error_description: 'client authentication required (HTTP Basic or client_id/client_secret)',
      },
    ];
  }
  try {
    const { token, scopes } = await auth.issue(clientId, clientSecret, form.get('scope') ?? undefined);
    return [
      200,
      { access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS, scope: scopes.join(' ') },
    ];
  } catch (err) {
    if (err instanceof OAuthError) return [err.status, { error: err.error, error_description: err.message }];
    if (err instanceof RateLimited) {
      return [
        429,
        { error: 'slow_down', error_description: err.message },
        { 'retry-after': String(err.retryAfter) },
      ];
    }
    throw err;
  }
}

/**
 * The local API gateway: the shared route table, the JWT check the API Gateway authorizer performs, the
 * route's scopes, then the same Lambda handler with a payload 2.0 event.
 */
export function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const server = http.createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const method = req.method ?? 'GET';
    const finish = (status: number) =>
      opts.onResponse?.({ method, path: url.pathname, status, ms: Date.now() - started });
    /** Answer an API request (and tell onApiResponse). */
    const answer = (status: number, body: string | Buffer, headers: Record<string, string>) => {
      res.writeHead(status, headers);
      res.end(body);
      opts.onApiResponse?.({
        method,
        path: url.pathname,
        status,
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
        body: body.toString(),
      });
      finish(status);
    };
    const answerJson = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      answer(status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
    try {
      const body = await readRequestBody(req);
      if (body === 'too-large') {
        return answerJson(413, errorBody('payload_too_large', `request body exceeds ${MAX_PAYLOAD} bytes`));
      }
      if (url.pathname === '/oauth2/token' && method === 'POST') {
        const [status, out, headers] = await tokenEndpoint(req, body, opts.auth, opts.site);
        send(res, status, out, { 'cache-control': 'no-store', ...headers });
        return finish(status);
      }
      const docs = serveApiDocs(req, res, url);
      if (docs !== undefined) return finish(docs);
      if (opts.site) {
        const status = await serveConsole(opts.site, req, res, url, body);
        if (status !== undefined) return finish(status);
      }
      const match = matchRoute(method, url.pathname, opts.routes);
      if (!match.route && match.malformed) {
        return answerJson(
          400,
          errorBody('validation_failed', 'invalid request', [
            { path: match.malformed, message: 'is not valid percent-encoded UTF-8' },
          ]),
        );
      }
      if (!match.route) {
        const msg =
          match.allowed.length > 0
            ? `${method} is not allowed here (allowed: ${match.allowed.join(', ')})`
            : `no route for ${method} ${url.pathname}`;
        return answerJson(404, errorBody('not_found', msg));
      }
      let claims: Record<string, unknown> = {};
      let scopes: string[] = [];
      // A public route has no authorizer: no token is asked for, and none is looked at.
      if (!match.route.public) {
        const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!bearer) {
          return answerJson(
            401,
            errorBody('unauthorized', 'missing bearer token (Authorization: Bearer <access token>)'),
            { 'www-authenticate': 'Bearer' },
          );
        }
        try {
          claims = await opts.auth.verify(bearer);
        } catch (err) {
          const msg = err instanceof AuthFailure ? err.message : 'token is not valid';
          return answerJson(401, errorBody('unauthorized', msg), {
            'www-authenticate': 'Bearer error="invalid_token"',
          });
        }
        scopes = String(claims.scope ?? '')
          .split(' ')
          .filter(Boolean);
        const accepted: readonly string[] = match.route.scopes;
        if (!accepted.some((s) => scopes.includes(s))) {
          return answerJson(
            403,
            errorBody('forbidden', `this route requires one of the scopes: ${accepted.join(', ')}`),
          );
        }
      }
      const event = toHttpEvent({ req, url, body, route: match.route, params: match.params, claims, scopes });
      const result = await opts.invoke(match.route.handler, event, lambdaContext(match.route.handler));
      const status = result.statusCode ?? 200;
      const payload =
        result.body === undefined
          ? ''
          : result.isBase64Encoded
            ? Buffer.from(result.body, 'base64')
            : result.body;
      const headers: Record<string, string> = { 'apigw-requestid': event.requestContext.requestId };
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      answer(status, payload, headers);
    } catch {
      // API Gateway's answer when the integration fails.
      if (!res.headersSent) answerJson(500, { message: 'Internal Server Error' });
      else {
        res.end();
        finish(500);
      }
    }
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

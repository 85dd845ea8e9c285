import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import * as z from 'zod';
import {
  DomainError,
  type ErrorDetail,
  type ErrorKind,
  errorBody,
  invalid,
  tooLarge,
} from '../model/index.js';
import { logger } from './logger.js';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpFn = (event: HttpEvent, context: Context) => Promise<HttpResult>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function json(statusCode: number, body: unknown, headers?: Record<string, string>): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** A response whose body is already serialised JSON (avoids a parse/stringify round trip). */
export function rawJson(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS }, body };
}

/** A limit in KiB or MiB for people, when it is a whole number of them (` (1 MiB)`), else nothing. */
function sizeLabel(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return ` (${bytes / (1024 * 1024)} MiB)`;
  if (bytes % 1024 === 0) return ` (${bytes / 1024} KiB)`;
  return '';
}

/** The raw request body as UTF-8, enforcing a byte limit (413 beyond it). */
export function readBody(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>, maxBytes: number): string {
  if (event.body === undefined || event.body === null || event.body === '') return '';
  const buf = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (buf.byteLength > maxBytes) {
    throw tooLarge(
      `request body is ${buf.byteLength} bytes; the limit is ${maxBytes} bytes${sizeLabel(maxBytes)}`,
    );
  }
  return buf.toString('utf8');
}

/**
 * The caller, as the JWT authorizer saw it: the OAuth client, and the actor its actions are recorded under.
 * A person's token (a user signed in to the console: Cognito puts `username` in user access tokens, never in
 * client-credentials ones) makes the person the actor, by their `sub`; otherwise the client is the actor.
 */
export function caller(event: HttpEvent): {
  clientId: string;
  scopes: string[];
  actor: { id: string; type: 'client' | 'admin' };
  username?: string;
  groups: string[];
} {
  const claims = (event.requestContext.authorizer?.jwt?.claims ?? {}) as Record<string, unknown>;
  const clientId = String(claims.client_id ?? claims.azp ?? claims.sub ?? 'unknown');
  const scopeClaim = typeof claims.scope === 'string' ? claims.scope : '';
  const username =
    typeof claims.username === 'string' && claims.username !== '' ? claims.username : undefined;
  const sub = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
  return {
    clientId,
    scopes: scopeClaim.split(' ').filter(Boolean),
    actor: username ? { id: sub ?? username, type: 'admin' } : { id: clientId, type: 'client' },
    ...(username ? { username } : {}),
    groups: groupsClaim(claims['cognito:groups']),
  };
}

/** API Gateway passes array claims as text (`[admins viewers]`); tokens verified locally keep arrays. */
function groupsClaim(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string');
  if (typeof v !== 'string' || v === '') return [];
  return v
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** The public base URL the request came in on (custom domains included). */
export function publicBaseUrl(event: HttpEvent): string {
  const headers = event.headers ?? {};
  const host = headers.host ?? headers.Host ?? event.requestContext.domainName;
  const proto = headers['x-forwarded-proto'] ?? 'https';
  return `${proto}://${host}`;
}

/** Adds the API request id and route to every log line of the invocation. */
const requestLogging = (): MiddlewareObj<HttpEvent, HttpResult> => ({
  before: (request) => {
    logger.appendKeys({
      apiRequestId: request.event.requestContext?.requestId,
      route: request.event.routeKey,
    });
  },
});

/** The longest path parameter (an id): every key built from one stays within DynamoDB's key size limits. */
export const MAX_PATH_PARAM = 256;
/**
 * What every path parameter must be, whatever its route: 1..256 characters (longer ids cannot exist) without
 * control characters (U+0000..U+001F, U+007F). The OpenAPI document's path parameters are this schema.
 */
export const pathParameterSchema = z
  .string()
  .min(1, { error: 'must not be empty', abort: true })
  .max(MAX_PATH_PARAM, { error: `must be at most ${MAX_PATH_PARAM} characters`, abort: true })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

/**
 * What every request must be before a handler sees it, whatever its route:
 * - path parameters of 1..256 characters without control characters (`pathParameterSchema`);
 * - each query parameter at most once (API Gateway joins repeats with commas, which would silently turn
 *   `user_id=a&user_id=b` into one value `a,b`); the parameters are re-read from the raw query string;
 * - a body only as JSON (`Content-Type: application/json` or `application/…+json`): 415 otherwise.
 */
const requestChecks = (): MiddlewareObj<HttpEvent, HttpResult> => ({
  before: (request) => {
    const event = request.event;
    const problems: ErrorDetail[] = [];
    for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
      const checked = pathParameterSchema.safeParse(value ?? '');
      if (!checked.success)
        problems.push({ path: name, message: checked.error.issues[0]?.message ?? 'is not allowed' });
    }
    if (event.rawQueryString) {
      const query: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(event.rawQueryString)) {
        if (name in query) {
          if (!problems.some((p) => p.path === name))
            problems.push({
              path: name,
              message: 'is given more than once; give it once (a list is one value, comma-separated)',
            });
        } else query[name] = value;
      }
      event.queryStringParameters = query;
    }
    if (problems.length > 0) throw invalid('invalid request', problems);
    const hasBody = event.body !== undefined && event.body !== null && event.body !== '';
    if (hasBody) {
      const type = (event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '')
        .split(';')[0]
        ?.trim();
      if (!type || !/^application\/([\w.-]+\+)?json$/i.test(type)) {
        throw new DomainError(
          'unsupported_media_type',
          'unsupported_media_type',
          `the body must be JSON sent as Content-Type: application/json${type ? `, not ${type}` : ' (the header is missing)'}`,
        );
      }
    }
  },
});

/** The HTTP status of each kind of domain error: the one place domain failures become statuses. */
export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

/** A domain error as the HTTP response of the contract's error shape. */
export function errorResponse(err: DomainError): HttpResult {
  return {
    statusCode: STATUS_OF[err.kind],
    headers: {
      ...JSON_HEADERS,
      ...(err.retryAfter !== undefined ? { 'retry-after': String(err.retryAfter) } : {}),
    },
    body: JSON.stringify(errorBody(err.code, err.message, err.details)),
  };
}

/** The one error-mapping middleware: a domain error → its status; anything else → a 500 that leaks nothing. */
const errorMapping = (): MiddlewareObj<HttpEvent, HttpResult> => ({
  onError: (request) => {
    const err = request.error;
    if (err instanceof DomainError) {
      if (STATUS_OF[err.kind] >= 500) logger.error('request failed', { error: err });
      request.response = errorResponse(err);
    } else {
      logger.error('unhandled error', { error: err as Error });
      const id = request.event.requestContext?.requestId ?? request.context.awsRequestId;
      request.response = json(500, errorBody('internal_error', `internal error (request id ${id})`));
    }
  },
});

/**
 * Wrap an HTTP domain function in the standard middleware chain: middleware first, handler last. `extra`
 * middleware (a handler's metrics: `metricsMiddleware()`) runs outermost after the logger's.
 */
export function httpHandler(fn: HttpFn, extra: ReadonlyArray<MiddlewareObj<HttpEvent, HttpResult>> = []) {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use([...extra])
    .use(requestLogging())
    .use(errorMapping())
    .use(requestChecks())
    .handler(fn);
}

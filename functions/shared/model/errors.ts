/**
 * Domain errors: what went wrong, in the domain's terms. Domain code throws these and never knows about HTTP;
 * the one mapping to statuses is at the HTTP edge (`platform/http.ts`, `STATUS_OF`).
 */

export interface ErrorDetail {
  path: string;
  message: string;
}

/** What kind of failure: each is one HTTP status at the edge. */
export type ErrorKind =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable';

/** The `error.code` of the response body: the kind, or a more precise reason within it. */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  'invalid_cursor',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'destination_not_pullable',
  'stream_paused',
  'rate_limited',
  'unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Seconds after which a retry may succeed (conflicts lost to a race, unavailable dependencies). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Bad input: with details (a path each), `validation_failed`; without, `invalid_request`. */
export const invalid = (message: string, details?: ErrorDetail[]) =>
  new DomainError('invalid', details ? 'validation_failed' : 'invalid_request', message, details);
export const notFound = (message: string) => new DomainError('not_found', 'not_found', message);
/** A state that does not allow the request; `retryAfter` when trying again can succeed (a lost race). */
export const conflict = (
  message: string,
  opts: { code?: 'conflict' | 'destination_not_pullable' | 'stream_paused'; retryAfter?: number } = {},
) => new DomainError('conflict', opts.code ?? 'conflict', message, undefined, opts.retryAfter);
export const unavailable = (message: string, details?: ErrorDetail[], retryAfter = 1) =>
  new DomainError('unavailable', 'unavailable', message, details, retryAfter);
export const tooLarge = (message: string) => new DomainError('too_large', 'payload_too_large', message);

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]) {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}) } };
}

/** Render a zod-style path (["events", 3, "data", "email"]) as events[3].data.email. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(body)';
}

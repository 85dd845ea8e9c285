import { createContext, useContext } from 'react';
import type { ConsoleConfig } from '../runtime';
import { accessToken, SignedOut } from './auth';

/** The API's answer to a request it refused: its status and error (`{error: {code, message, details}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ path: string; message: string }> = [],
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** The problems naming a field (`details[].path` is the field or parameter), for showing beside it. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) out[d.path] ??= d.message;
    return out;
  }
}

export type Params = Record<string, string | readonly string[] | number | boolean | undefined | null>;

/** Query string of the defined, non-empty values; lists comma-separated (the API's list syntax). */
export function queryString(params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length > 0) q.set(k, v.join(','));
    } else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface Api {
  config: ConsoleConfig;
  /** `GET {apiUrl}/activities/v1{path}`. */
  get<T>(path: string, params?: Params, init?: { signal?: AbortSignal }): Promise<T>;
  /** A request with a JSON body (or none); 204 answers undefined. */
  send<T>(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    params?: Params,
  ): Promise<T>;
  /** The full URL of an API path (for showing, copying, snippets). */
  url(path: string, params?: Params): string;
}

export const API_PREFIX = '/activities/v1';

/** Calls the public API with the signed-in person's token: the console can do only what the API allows. */
export function createApi(config: ConsoleConfig, onSignedOut: (reason: string) => void): Api {
  const url = (path: string, params?: Params) => `${config.apiUrl}${API_PREFIX}${path}${queryString(params)}`;
  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    params?: Params,
    signal?: AbortSignal,
  ) {
    let token: string;
    try {
      token = await accessToken(config);
    } catch (err) {
      if (err instanceof SignedOut) onSignedOut(err.message);
      throw err;
    }
    const res = await fetch(url(path, params), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      // The API's errors are {"error":{"code","message","details"}}; API Gateway's own are {"message"}.
      const body = (parsed ?? {}) as {
        error?: { code?: string; message?: string; details?: ApiError['details'] };
        message?: string;
      };
      const e = {
        error: body.error?.code,
        message: body.error?.message ?? body.message,
        details: body.error?.details,
      };
      if (res.status === 401) onSignedOut(e.message ?? 'your session is no longer valid; sign in again');
      const retry = Number(res.headers.get('retry-after'));
      throw new ApiError(
        res.status,
        e.error ?? `http_${res.status}`,
        e.message ?? `${method} ${path} failed: HTTP ${res.status}`,
        e.details ?? [],
        Number.isFinite(retry) && retry > 0 ? retry : undefined,
      );
    }
    return parsed as T;
  }
  return {
    config,
    url,
    get: (path, params, init) => request('GET', path, undefined, params, init?.signal),
    send: (method, path, body, params) => request(method, path, body, params),
  };
}

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}

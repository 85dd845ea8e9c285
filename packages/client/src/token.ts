/** OAuth 2.0 client credentials (RFC 6749 §4.4), the way every API client of the service authenticates. */

export interface ClientCredentialsOptions {
  /** The token endpoint: on AWS the stack output `TokenUrl`, under `npm start` `<base URL>/oauth2/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Scopes to ask for (default: whatever the client is allowed). */
  scopes?: readonly string[];
  /** Renew this long before the token expires (default 60 s, or a tenth of a short token's life). */
  renewBeforeMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** A bearer token source: the current token, fetched or renewed when needed. */
export interface TokenSource {
  (): Promise<string>;
  /** Drop the cached token (after the API refused it), so the next call fetches a new one. */
  invalidate(): void;
}

export class TokenError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/**
 * A token source for client credentials: the token is cached until shortly before it expires, and callers that
 * ask at the same time share one request.
 */
export function clientCredentials(o: ClientCredentialsOptions): TokenSource {
  const doFetch = o.fetch ?? fetch;
  const now = o.now ?? Date.now;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const request = async (): Promise<string> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (o.scopes && o.scopes.length > 0) form.set('scope', o.scopes.join(' '));
    const basic = Buffer.from(
      `${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`,
    ).toString('base64');
    const asked = now();
    const res = await doFetch(o.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const text = await res.text();
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } =
      {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      /* not JSON: the status speaks */
    }
    if (!res.ok || typeof body.access_token !== 'string') {
      const why =
        typeof body.error === 'string'
          ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}`
          : text.slice(0, 200);
      throw new TokenError(`the token endpoint answered ${res.status}: ${why}`, res.status);
    }
    const lifeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    const early = o.renewBeforeMs ?? Math.min(60_000, lifeMs / 10);
    cached = { token: body.access_token, renewAt: asked + lifeMs - early };
    return body.access_token;
  };

  const source = (async () => {
    if (cached && now() < cached.renewAt) return cached.token;
    pending ??= request().finally(() => {
      pending = undefined;
    });
    return pending;
  }) as TokenSource;
  source.invalidate = () => {
    cached = undefined;
  };
  return source;
}

/** A fixed token (one obtained elsewhere); it cannot be renewed. */
export function staticToken(token: string): TokenSource {
  const source = (async () => token) as TokenSource;
  source.invalidate = () => undefined;
  return source;
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ALL_SCOPES } from '../functions/shared/routes.js';
import { writeFileAtomic } from './files.js';
import { CONSOLE_CLIENT_ID } from './people.js';

export const LOCAL_ISSUER = 'urn:activity-events:local';
export const TOKEN_TTL_SECONDS = 3600;

interface Client {
  client_id: string;
  client_secret: string;
  scopes: string[];
}

interface AuthState {
  signing_key: string;
  clients: Client[];
}

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope',
    message: string,
  ) {
    super(message);
  }
}

export class AuthFailure extends Error {}

/** Too many failed client authentications: retry after `retryAfter` seconds. */
export class RateLimited extends Error {
  constructor(readonly retryAfter: number) {
    super(`too many failed client authentications; retry in ${retryAfter} s`);
  }
}

/**
 * Failed client authentications per key (the client id tried): after `limit` failures within `windowMs`, the
 * key is refused (even with the right secret) until the window ends.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or 0. */
  blockedFor(key: string): number {
    const f = this.failures.get(key);
    if (!f) return 0;
    const left = f.since + this.windowMs - this.now();
    if (left <= 0) {
      this.failures.delete(key);
      return 0;
    }
    return f.count >= this.limit ? Math.ceil(left / 1000) : 0;
  }

  fail(key: string): void {
    const f = this.failures.get(key);
    if (!f || f.since + this.windowMs <= this.now()) this.failures.set(key, { count: 1, since: this.now() });
    else f.count++;
  }
}

/**
 * The local stand-in for Cognito: an OAuth 2.0 client-credentials token endpoint issuing HS256 access tokens,
 * and the verification the API Gateway JWT authorizer performs with the stack's audience (signature, issuer,
 * expiry, audience: `aud` or Cognito's `client_id`, an access token). Repeated bad secrets are answered with
 * 429. Keys and clients persist in `<dataDir>/auth.json`, so credentials survive restarts.
 */
export class LocalAuth {
  private readonly key: Uint8Array;
  readonly clients: readonly Client[];
  private readonly limiter = new FailureLimiter();
  /** Failed console sign-ins, per email tried. */
  readonly signInLimiter = new FailureLimiter();

  constructor(file: string) {
    let state: AuthState;
    if (existsSync(file)) state = JSON.parse(readFileSync(file, 'utf8')) as AuthState;
    else {
      state = {
        signing_key: randomBytes(32).toString('base64'),
        clients: [
          {
            client_id: `mgmt-${randomBytes(6).toString('hex')}`,
            client_secret: randomBytes(24).toString('base64url'),
            scopes: [...ALL_SCOPES],
          },
        ],
      };
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
    }
    this.key = Buffer.from(state.signing_key, 'base64');
    this.clients = state.clients;
  }

  get managementClient(): Client {
    return this.clients[0] as Client;
  }

  /** Client-credentials grant. `scope` (space-separated) may narrow the client's scopes. */
  async issue(
    clientId: string,
    clientSecret: string,
    scope?: string,
  ): Promise<{ token: string; scopes: string[] }> {
    // Limited per client id: guessing a known client's secret is what a limit slows down (keying on the
    // caller's address too would let anyone on the machine lock every client out).
    const wait = this.limiter.blockedFor(clientId);
    if (wait > 0) throw new RateLimited(wait);
    const client = this.clients.find((c) => c.client_id === clientId);
    const a = Buffer.from(client?.client_secret ?? '');
    const b = Buffer.from(clientSecret);
    if (!client || a.length !== b.length || !timingSafeEqual(a, b)) {
      this.limiter.fail(clientId);
      throw new OAuthError(401, 'invalid_client', 'unknown client or wrong secret');
    }
    const requested = scope?.split(/\s+/).filter(Boolean) ?? client.scopes;
    const unknown = requested.filter((s) => !client.scopes.includes(s));
    if (unknown.length > 0) {
      throw new OAuthError(400, 'invalid_scope', `scopes not allowed for this client: ${unknown.join(' ')}`);
    }
    const token = await new SignJWT({
      client_id: client.client_id,
      scope: requested.join(' '),
      token_use: 'access',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setSubject(client.client_id)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
      .setJti(randomBytes(8).toString('hex'))
      .sign(this.key);
    return { token, scopes: requested };
  }

  /**
   * A person's tokens from the console's app client, shaped like Cognito's: an access token (`sub`,
   * `username`, `cognito:groups`, `client_id`, `scope`) and an ID token (`email`, `cognito:groups`, `aud`).
   */
  async personTokens(
    person: { id: string; email: string; groups: readonly string[] },
    scopes: readonly string[],
  ): Promise<{ access: string; id: string }> {
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setSubject(person.id)
        .setIssuedAt()
        .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
        .setJti(randomBytes(8).toString('hex'))
        .sign(this.key);
    const groups = [...person.groups];
    return {
      access: await sign({
        client_id: CONSOLE_CLIENT_ID,
        username: person.email,
        'cognito:groups': groups,
        scope: scopes.join(' '),
        token_use: 'access',
      }),
      id: await sign({
        aud: CONSOLE_CLIENT_ID,
        email: person.email,
        email_verified: true,
        'cognito:groups': groups,
        'cognito:username': person.email,
        token_use: 'id',
      }),
    };
  }

  /**
   * Verify like the JWT authorizer: signature, issuer, expiry (required), not before, audience (`aud`, or
   * Cognito's `client_id` when there is no `aud`, must be a client of this service), and an access token
   * (`token_use`), not an ID token. Returns the claims.
   */
  async verify(token: string): Promise<Record<string, unknown>> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        issuer: LOCAL_ISSUER,
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AuthFailure('token expired');
      throw new AuthFailure('token is not valid');
    }
    const audience = new Set([...this.clients.map((c) => c.client_id), CONSOLE_CLIENT_ID]);
    const aud = payload.aud;
    const ok =
      aud !== undefined
        ? (Array.isArray(aud) ? aud : [aud]).some((a) => audience.has(String(a)))
        : audience.has(String(payload.client_id ?? ''));
    if (!ok) throw new AuthFailure('token is not for this service (audience)');
    if (payload.token_use !== 'access') throw new AuthFailure('not an access token');
    return payload;
  }
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ALL_SCOPES } from '../functions/shared/routes.js';

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

/**
 * The local stand-in for Cognito: an OAuth 2.0 client-credentials token endpoint issuing HS256 JWTs, and the
 * verification the API Gateway JWT authorizer performs (signature, issuer, expiry). Keys and clients persist
 * in `<dataDir>/auth.json`, so credentials survive restarts.
 */
export class LocalAuth {
  private readonly key: Uint8Array;
  readonly clients: readonly Client[];

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
      writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
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
    const client = this.clients.find((c) => c.client_id === clientId);
    const a = Buffer.from(client?.client_secret ?? '');
    const b = Buffer.from(clientSecret);
    if (!client || a.length !== b.length || !timingSafeEqual(a, b)) {
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

  /** Verify like the JWT authorizer: signature, issuer, expiry. Returns the claims. */
  async verify(token: string): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: LOCAL_ISSUER, algorithms: ['HS256'] });
      return payload as Record<string, unknown>;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AuthFailure('token expired');
      throw new AuthFailure('token is not valid');
    }
  }
}

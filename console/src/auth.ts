import type { ConsoleConfig } from '../runtime';

/**
 * Sign-in for people: OAuth 2.0 authorization code with PKCE against the identity provider of config.json
 * (Cognito's hosted sign-in on AWS, the local runner's sign-in page with `npm start`). Tokens live in this
 * tab's sessionStorage and are refreshed with the refresh token before they expire.
 */

const SESSION_KEY = 'activity-events.session';
const PENDING_KEY = 'activity-events.sign-in';

export interface Session {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The person: id (sub), email and groups from the ID token; scopes from the access token. */
  sub: string;
  email?: string;
  groups: string[];
  scopes: string[];
}

interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  expires_in: number;
}

export class SignedOut extends Error {
  constructor(message = 'signed out') {
    super(message);
  }
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The claims of a JWT (not verified here: the API verifies every token it is given). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

const redirectUri = () => `${window.location.origin}/`;

/** Go to the identity provider's sign-in; it comes back to `/` with a code. `returnTo` is where to land after. */
export async function beginSignIn(cfg: ConsoleConfig, returnTo: string): Promise<never> {
  const verifier = randomString(48);
  const state = randomString(16);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(cfg.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUri(),
    scope: cfg.scopes.join(' '),
    state,
    code_challenge: base64url(digest),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
  return new Promise<never>(() => undefined);
}

function sessionFrom(t: TokenResponse, previous?: Session): Session {
  const access = jwtClaims(t.access_token);
  const id = t.id_token ? jwtClaims(t.id_token) : {};
  const groups = (id['cognito:groups'] ?? access['cognito:groups'] ?? previous?.groups ?? []) as string[];
  const email = (id.email as string | undefined) ?? previous?.email;
  return {
    accessToken: t.access_token,
    ...((t.refresh_token ?? previous?.refreshToken)
      ? { refreshToken: t.refresh_token ?? previous?.refreshToken }
      : {}),
    expiresAt: Date.now() + t.expires_in * 1000,
    sub: String(access.sub ?? id.sub ?? ''),
    ...(email ? { email } : {}),
    groups,
    scopes: String(access.scope ?? '')
      .split(' ')
      .filter(Boolean),
  };
}

async function tokenRequest(cfg: ConsoleConfig, form: Record<string, string>): Promise<TokenResponse> {
  const res = await fetch(cfg.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: cfg.clientId, ...form }).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<TokenResponse> & {
    error?: string;
    error_description?: string;
  };
  if (!res.ok || !body.access_token) {
    throw new SignedOut(body.error_description ?? body.error ?? `token request failed: HTTP ${res.status}`);
  }
  return body as TokenResponse;
}

/**
 * Finish a sign-in when the identity provider has just redirected back (`?code=…&state=…`): exchange the
 * code, keep the session, and return where to go. Returns undefined when this page load is not a callback.
 */
export async function completeSignIn(cfg: ConsoleConfig): Promise<string | undefined> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (error) throw new SignedOut(params.get('error_description') ?? error);
  if (!pending || pending.state !== params.get('state')) {
    throw new SignedOut('the sign-in response does not match a sign-in started here; sign in again');
  }
  const t = await tokenRequest(cfg, {
    grant_type: 'authorization_code',
    code: code as string,
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(sessionFrom(t)));
  return pending.returnTo || '/';
}

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  return raw ? (JSON.parse(raw) as Session) : undefined;
}

let refreshing: Promise<Session> | undefined;

/** A valid access token: refreshed a minute before it expires; SignedOut when there is no session left. */
export async function accessToken(cfg: ConsoleConfig): Promise<string> {
  const s = currentSession();
  if (!s) throw new SignedOut();
  if (s.expiresAt - Date.now() > 60_000) return s.accessToken;
  if (!s.refreshToken) {
    sessionStorage.removeItem(SESSION_KEY);
    throw new SignedOut('your session has expired; sign in again');
  }
  refreshing ??= tokenRequest(cfg, { grant_type: 'refresh_token', refresh_token: s.refreshToken })
    .then((t) => {
      const next = sessionFrom(t, s);
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
      return next;
    })
    .catch((err: unknown) => {
      sessionStorage.removeItem(SESSION_KEY);
      throw err instanceof SignedOut ? err : new SignedOut('your session has expired; sign in again');
    })
    .finally(() => {
      refreshing = undefined;
    });
  return (await refreshing).accessToken;
}

/** Forget this tab's session (the tokens). */
export function forgetSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/**
 * Revoke the session's refresh token at the identity provider (Cognito's /oauth2/revoke, next to its token
 * endpoint): best effort, sign-out goes on whatever the answer.
 */
export async function revokeRefreshToken(cfg: ConsoleConfig): Promise<void> {
  const token = currentSession()?.refreshToken;
  if (!token) return;
  await fetch(cfg.tokenUrl.replace(/\/token$/, '/revoke'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: cfg.clientId }).toString(),
  }).catch(() => undefined);
}

/** Forget the session here and end the identity provider's, returning to the console's sign-in page. */
export function endSession(cfg: ConsoleConfig): void {
  forgetSession();
  const url = new URL(cfg.logoutUrl);
  url.search = new URLSearchParams({ client_id: cfg.clientId, logout_uri: redirectUri() }).toString();
  window.location.assign(url.toString());
}

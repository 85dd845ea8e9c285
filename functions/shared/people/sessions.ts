import { type Actor, auditEvent, type PublishDeps, recordAudit } from '../ingest/index.js';
import { invalid } from '../model/index.js';
import { ALL_SCOPES } from '../routes.js';
import { CONSOLE_GROUPS, CONSOLE_SCOPES, scopesForGroups } from './groups.js';

/** A person signing in to the console, as the identity provider knows them. */
export interface Person {
  /** Stable id (Cognito's `sub`): the actor id of everything they do. */
  id: string;
  email?: string;
  groups: readonly string[];
}

export interface SignInDeps extends PublishDeps {
  now?: () => number;
}

/**
 * A person signed in: their token holds the scopes of their groups and nothing more (requested scopes outside
 * them are suppressed), and the sign-in is recorded as the seed's `adminLogin` with them as the actor. The
 * event carries their email and groups, which the directory projection keeps, so every later event of
 * theirs is enriched with both. Returns the scopes to suppress from the token.
 */
export async function signIn(
  deps: SignInDeps,
  person: Person,
  context: {
    clientId: string;
    /** The scopes the app client asked for (the API's are suppressed unless a group grants them). */
    requested?: readonly string[];
    /** A token refresh: scopes are worked out again (groups may have changed), but it is not a sign-in. */
    refresh?: boolean;
    ip?: string;
    userAgent?: string;
  },
): Promise<{ granted: string[]; suppress: string[] }> {
  const granted = scopesForGroups(person.groups);
  const api = new Set<string>(ALL_SCOPES);
  const suppress = [...new Set([...(context.requested ?? []), ...CONSOLE_SCOPES])].filter(
    (s) => api.has(s) && !(granted as string[]).includes(s),
  );
  if (context.refresh) return { granted, suppress };
  const now = (deps.now ?? Date.now)();
  const event = auditEvent({
    type: 'adminLogin',
    actor: { id: person.id, type: 'admin' },
    target: { id: person.id, type: 'admin' },
    changes: {},
    data: {
      ...(person.email ? { email: person.email } : {}),
      roles: [...person.groups],
      client_id: context.clientId,
      scopes: granted,
    },
    now,
  });
  if (context.ip) event.ip = context.ip;
  if (context.userAgent) event.user_agent = context.userAgent;
  await recordAudit([event], deps);
  return { granted, suppress };
}

/** A person signed out of the console: recorded as `adminLogout`. Client tokens have no session to end. */
export async function signOut(
  deps: SignInDeps,
  actor: Actor,
  context: { ip?: string; userAgent?: string } = {},
): Promise<void> {
  if (actor.type !== 'admin') {
    throw invalid('only a person signed in to the console can sign out', [
      { path: 'authorization', message: 'is a client-credentials token, not a person' },
    ]);
  }
  const event = auditEvent({
    type: 'adminLogout',
    actor,
    target: { id: actor.id, type: 'admin' },
    changes: {},
    data: {},
    now: (deps.now ?? Date.now)(),
  });
  if (context.ip) event.ip = context.ip;
  if (context.userAgent) event.user_agent = context.userAgent;
  await recordAudit([event], deps);
}

/** `GET /me`: who the token is, and what it may do (the console shows only what the scopes allow). */
export function whoAmI(c: {
  actor: Actor;
  username?: string;
  groups: readonly string[];
  scopes: readonly string[];
}) {
  return {
    actor_id: c.actor.id,
    kind: c.actor.type === 'admin' ? ('person' as const) : ('client' as const),
    ...(c.username ? { username: c.username } : {}),
    groups: c.groups.filter((g) => Object.hasOwn(CONSOLE_GROUPS, g)),
    scopes: [...c.scopes],
  };
}

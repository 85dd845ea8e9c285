import type { HttpEvent } from '../../functions/shared/platform/index.js';

/** A person signed in to the console, as their Cognito user access token names them. */
export interface TestPerson {
  sub: string;
  username: string;
  groups: readonly string[];
  scopes: readonly string[];
  /** The console's app client. */
  clientId?: string;
}

export const ADA: TestPerson = {
  sub: '6f1c2b7e-0d4a-4c51-9a8e-3b2f0e7d9a41',
  username: 'ada',
  groups: ['admins', 'viewers'],
  scopes: ['activities/read', 'streams/manage'],
};

/**
 * The claims of a Cognito user access token as API Gateway's JWT authorizer hands them to a handler: every
 * claim as text, `cognito:groups` as `[admins viewers]`.
 */
export function personClaims(p: TestPerson): Record<string, string> {
  return {
    sub: p.sub,
    'cognito:groups': `[${p.groups.join(' ')}]`,
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1',
    version: '2',
    client_id: p.clientId ?? 'console-app-client',
    origin_jti: '0b5f2f5c-7b1e-4d6c-9f83-1f0c2d9e5a77',
    event_id: '9d2e1f3a-5b6c-4d7e-8f90-a1b2c3d4e5f6',
    token_use: 'access',
    scope: p.scopes.join(' '),
    auth_time: '1795000000',
    exp: '1795003600',
    iat: '1795000000',
    jti: 'c4a1e0b2-3d5f-4e6a-8b7c-9d0e1f2a3b4c',
    username: p.username,
  };
}

/** The event as it arrives with a person's token instead of the client token `apiEvent` puts in it. */
export function asPerson(event: HttpEvent, p: TestPerson = ADA): HttpEvent {
  const jwt = event.requestContext.authorizer.jwt;
  jwt.claims = personClaims(p);
  jwt.scopes = [...p.scopes];
  return event;
}

import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { Context, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/shared/model/index.js';
import {
  CONSOLE_GROUPS,
  CONSOLE_SCOPES,
  scopesForGroups,
  signIn,
  signOut,
  whoAmI,
} from '../../functions/shared/people/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';
import { caller } from '../../functions/shared/platform/index.js';
import { ALL_SCOPES, SCOPES } from '../../functions/shared/routes.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { ADA, asPerson, personClaims, type TestPerson } from '../support/people.js';

const STREAM = 'p-stream';
let kin: ReturnType<typeof fakeKinesis>;
const deps = () => ({ kinesis: ready(new KinesisClient({ region: 'us-east-1' })), streamName: STREAM });
const NOW = Date.parse('2026-11-24T10:00:00.000Z');

beforeAll(() => {
  process.env.EVENT_STREAM = STREAM;
  kin = fakeKinesis(2);
});
afterAll(() => kin.restore());
beforeEach(() => {
  kin.put.length = 0;
});

const GRACE = { id: 'b3f0a9c2-1e2d-4f5a-8b6c-7d8e9f0a1b2c', email: 'grace@example.com' };
const ASKED = ['openid', 'email', SCOPES.read, SCOPES.manage, SCOPES.write];

describe('console groups → scopes', () => {
  it.each([
    [['viewers'], [SCOPES.read]],
    [['admins'], [SCOPES.read, SCOPES.manage]],
    [
      ['viewers', 'admins'],
      [SCOPES.read, SCOPES.manage],
    ],
    [
      ['admins', 'admins', 'auditors'],
      [SCOPES.read, SCOPES.manage],
    ],
    [['auditors', 'us-east-1_Example1_Google'], []],
    [[], []],
  ])('gives groups %j exactly the scopes %j', (groups, scopes) => {
    expect(scopesForGroups(groups)).toEqual(scopes);
  });

  it('never gives anyone activities/write: people look at events, applications send them', () => {
    expect(CONSOLE_SCOPES).not.toContain(SCOPES.write);
    for (const g of Object.values(CONSOLE_GROUPS)) expect(g.scopes).not.toContain(SCOPES.write);
  });

  it('ignores group names that are properties of every object', () => {
    expect(scopesForGroups(['constructor', 'toString', '__proto__', 'hasOwnProperty'])).toEqual([]);
  });
});

describe('signing in', () => {
  it('suppresses the requested API scopes the groups do not grant and keeps the others', async () => {
    const r = await signIn(
      deps(),
      { ...GRACE, groups: ['viewers'] },
      { clientId: 'console', requested: ASKED },
    );
    expect(r.granted).toEqual([SCOPES.read]);
    expect([...r.suppress].sort()).toEqual([SCOPES.manage, SCOPES.write].sort());
    // Scopes that are not the API's (OpenID Connect's) are Cognito's business.
    expect(r.suppress).not.toContain('openid');
    expect(r.suppress).not.toContain('email');
  });

  it('suppresses the console scopes a person without groups would get even when the client did not list them', async () => {
    const r = await signIn(deps(), { ...GRACE, groups: [] }, { clientId: 'console' });
    expect(r.granted).toEqual([]);
    expect([...r.suppress].sort()).toEqual([...CONSOLE_SCOPES].sort());
  });

  it('suppresses nothing an admin holds', async () => {
    const r = await signIn(
      deps(),
      { ...GRACE, groups: ['admins'] },
      { clientId: 'console', requested: [SCOPES.read, SCOPES.manage] },
    );
    expect(r.suppress).toEqual([]);
  });

  it('records one adminLogin with the person as actor and target, their email and groups as roles', async () => {
    await signIn(
      { ...deps(), now: () => NOW },
      { ...GRACE, groups: ['admins', 'auditors'] },
      { clientId: 'console', requested: ASKED, ip: '203.0.113.5', userAgent: 'Firefox' },
    );
    const events = kin.events();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'adminLogin',
      source: 'admin',
      timestamp: new Date(NOW).toISOString(),
      actor_id: GRACE.id,
      actor_type: 'admin',
      target_resource_id: GRACE.id,
      target_resource_type: 'admin',
      ip: '203.0.113.5',
      user_agent: 'Firefox',
      data: {
        email: GRACE.email,
        roles: ['admins', 'auditors'],
        client_id: 'console',
        scopes: [SCOPES.read, SCOPES.manage],
      },
    });
  });

  it('records nothing on a token refresh, but works out the scopes again', async () => {
    const r = await signIn(
      deps(),
      { ...GRACE, groups: ['viewers'] },
      { clientId: 'console', requested: ASKED, refresh: true },
    );
    expect(r.granted).toEqual([SCOPES.read]);
    expect(r.suppress).toContain(SCOPES.manage);
    expect(kin.put).toHaveLength(0);
  });

  it('leaves email out of the event of a person without one', async () => {
    await signIn(deps(), { id: 'u-noemail', groups: ['viewers'] }, { clientId: 'console' });
    const [e] = kin.events();
    expect(e?.data).not.toHaveProperty('email');
    expect(e?.data).toMatchObject({ roles: ['viewers'] });
  });
});

describe('signing out', () => {
  it('records adminLogout with the person as actor and target', async () => {
    await signOut(
      { ...deps(), now: () => NOW },
      { id: GRACE.id, type: 'admin' },
      {
        ip: '203.0.113.5',
        userAgent: 'Firefox',
      },
    );
    expect(kin.events()).toEqual([
      expect.objectContaining({
        type: 'adminLogout',
        source: 'admin',
        actor_id: GRACE.id,
        actor_type: 'admin',
        target_resource_id: GRACE.id,
        target_resource_type: 'admin',
        ip: '203.0.113.5',
        user_agent: 'Firefox',
      }),
    ]);
  });

  it('refuses a client token as invalid (400 at the edge), naming the authorization, and records nothing', async () => {
    const err = await signOut(deps(), { id: 'siem-client', type: 'client' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'invalid', details: [{ path: 'authorization' }] });
    expect(kin.put).toHaveLength(0);
  });
});

describe('who the caller is', () => {
  const event = (claims: Record<string, unknown>) => {
    const e = apiEvent({ path: '/activities/v1/me' });
    e.requestContext.authorizer.jwt.claims = claims as Record<string, string>;
    return e;
  };

  it("makes a person's token (Cognito user access token claims through API Gateway) the person, by sub", () => {
    expect(caller(event(personClaims(ADA)))).toEqual({
      clientId: 'console-app-client',
      scopes: ['activities/read', 'streams/manage'],
      actor: { id: ADA.sub, type: 'admin' },
      username: 'ada',
      groups: ['admins', 'viewers'],
    });
  });

  it('makes a client-credentials token the client', () => {
    const c = caller(
      event({ sub: 'siem-client', client_id: 'siem-client', scope: 'activities/read', token_use: 'access' }),
    );
    expect(c).toEqual({
      clientId: 'siem-client',
      scopes: ['activities/read'],
      actor: { id: 'siem-client', type: 'client' },
      groups: [],
    });
  });

  it.each([
    ['API Gateway text with spaces', '[admins viewers]', ['admins', 'viewers']],
    ['one group', '[viewers]', ['viewers']],
    ['commas', '[admins, viewers]', ['admins', 'viewers']],
    ['no brackets', 'admins', ['admins']],
    ['an empty list', '[]', []],
    ['an array (tokens verified locally)', ['admins', 7, 'viewers'], ['admins', 'viewers']],
    ['no claim', undefined, []],
  ])('reads cognito:groups given as %s', (_n, claim, groups) => {
    const claims: Record<string, unknown> = { ...personClaims(ADA), 'cognito:groups': claim };
    expect(caller(event(claims)).groups).toEqual(groups);
  });

  it('falls back to the username as the actor id of a person token without sub', () => {
    const { sub: _sub, ...claims } = personClaims(ADA);
    expect(caller(event(claims)).actor).toEqual({ id: 'ada', type: 'admin' });
  });

  it('describes a person with their console groups only, and a client without username or groups', () => {
    expect(
      whoAmI({
        actor: { id: ADA.sub, type: 'admin' },
        username: 'ada',
        groups: ['admins', 'us-east-1_Example1_Google'],
        scopes: ['activities/read', 'streams/manage'],
      }),
    ).toEqual({
      actor_id: ADA.sub,
      kind: 'person',
      username: 'ada',
      groups: ['admins'],
      scopes: ['activities/read', 'streams/manage'],
    });
    expect(
      whoAmI({ actor: { id: 'siem-client', type: 'client' }, groups: [], scopes: ['activities/read'] }),
    ).toEqual({ actor_id: 'siem-client', kind: 'client', groups: [], scopes: ['activities/read'] });
  });
});

/** A pre token generation V2 event, as Cognito sends it for the console's app client. */
function cognitoEvent(
  person: { sub: string; email?: string; username: string; groups: string[] },
  over: { triggerSource?: string; scopes?: string[] } = {},
): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: over.triggerSource ?? 'TokenGeneration_HostedAuth',
    region: 'us-east-1',
    userPoolId: 'us-east-1_Example1',
    userName: person.username,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '5example0console0client0id' },
    request: {
      userAttributes: {
        sub: person.sub,
        'cognito:user_status': 'CONFIRMED',
        email_verified: 'true',
        ...(person.email ? { email: person.email } : {}),
      },
      groupConfiguration: {
        groupsToOverride: person.groups,
        iamRolesToOverride: [],
        preferredRole: undefined,
      },
      scopes: over.scopes ?? ['openid', 'email', 'profile', 'activities/read', 'streams/manage'],
    },
    response: { claimsAndScopeOverrideDetails: null },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

describe('the sign-in function (Cognito pre token generation V2)', () => {
  type Trigger = (
    e: PreTokenGenerationV2TriggerEvent,
    c: Context,
  ) => Promise<PreTokenGenerationV2TriggerEvent>;
  let trigger: Trigger;
  beforeAll(async () => {
    trigger = (await import('../../functions/sign-in/handler.js')).handler as unknown as Trigger;
  });
  const viewer = { sub: GRACE.id, email: GRACE.email, username: 'grace', groups: ['viewers'] };

  it("suppresses the scopes the person's groups do not grant and records the sign-in", async () => {
    const out = await trigger(cognitoEvent(viewer), ctx('sign-in'));
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { scopesToSuppress: [SCOPES.manage] },
    });
    expect(kin.events()).toEqual([
      expect.objectContaining({
        type: 'adminLogin',
        actor_id: GRACE.id,
        actor_type: 'admin',
        data: {
          email: GRACE.email,
          roles: ['viewers'],
          client_id: '5example0console0client0id',
          scopes: [SCOPES.read],
        },
      }),
    ]);
  });

  it('suppresses every API scope asked for by someone in no console group', async () => {
    const out = await trigger(
      cognitoEvent({ ...viewer, groups: [] }, { scopes: ['openid', ...ALL_SCOPES] }),
      ctx('sign-in'),
    );
    const suppressed = out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress;
    expect([...(suppressed ?? [])].sort()).toEqual([...ALL_SCOPES].sort());
  });

  it('works the scopes out again on a refresh without recording a sign-in', async () => {
    const out = await trigger(
      cognitoEvent({ ...viewer, groups: ['admins'] }, { triggerSource: 'TokenGeneration_RefreshTokens' }),
      ctx('sign-in'),
    );
    expect(out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress).toEqual([]);
    expect(kin.put).toHaveLength(0);
  });

  it('still issues the token when the sign-in cannot be recorded', async () => {
    // Kinesis refuses every attempt.
    kin.mock.on(PutRecordsCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const out = await trigger(cognitoEvent(viewer), ctx('sign-in'));
    expect(out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress).toEqual([
      SCOPES.manage,
    ]);
    expect(kin.put).toHaveLength(0);
    // The stream is back: the next sign-in is recorded.
    kin.restore();
    kin = fakeKinesis(2);
    await trigger(cognitoEvent(viewer), ctx('sign-in'));
    expect(kin.events().map((e) => e.type)).toEqual(['adminLogin']);
  });
});

describe('GET /me and POST /me/sign-out', () => {
  let me: unknown;
  beforeAll(async () => {
    me = (await import('../../functions/me/handler.js')).handler;
  });
  const get = (person?: TestPerson) => {
    const e = apiEvent({
      path: '/activities/v1/me',
      routeKey: 'GET /activities/v1/me',
      scopes: ['activities/read'],
    });
    return invoke<Record<string, unknown>>(me, person ? asPerson(e, person) : e);
  };
  const signOutCall = (person?: TestPerson) => {
    const e = apiEvent({
      method: 'POST',
      path: '/activities/v1/me/sign-out',
      routeKey: 'POST /activities/v1/me/sign-out',
      scopes: ['activities/read'],
    });
    return invoke<{ error?: { code: string; details?: Array<{ path: string }> } }>(
      me,
      person ? asPerson(e, person) : e,
    );
  };

  it("answers a person's token with the person, their console groups and the token's scopes", async () => {
    const res = await get({ ...ADA, groups: ['admins', 'viewers', 'us-east-1_Example1_Google'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      actor_id: ADA.sub,
      kind: 'person',
      username: 'ada',
      groups: ['admins', 'viewers'],
      scopes: ['activities/read', 'streams/manage'],
    });
  });

  it("answers a client's token with the client", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      actor_id: 'test-client',
      kind: 'client',
      groups: [],
      scopes: ['activities/read'],
    });
  });

  it("records a person's sign-out as adminLogout with the request's address and agent, 204", async () => {
    const res = await signOutCall(ADA);
    expect(res.status).toBe(204);
    expect(kin.events()).toEqual([
      expect.objectContaining({
        type: 'adminLogout',
        actor_id: ADA.sub,
        actor_type: 'admin',
        target_resource_id: ADA.sub,
        ip: '198.51.100.1',
        user_agent: 'vitest',
      }),
    ]);
  });

  it("refuses a client's sign-out with 400 naming the authorization, recording nothing", async () => {
    const res = await signOutCall();
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('validation_failed');
    expect(res.body.error?.details?.[0]?.path).toBe('authorization');
    expect(kin.put).toHaveLength(0);
  });
});

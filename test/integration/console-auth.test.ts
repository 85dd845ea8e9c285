import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../functions/shared/model/index.js';
import { eventually, startTestService, type TestService } from '../support/local.js';

const VIEWER = {
  id: 'viewer-0001',
  email: 'vera.viewer@example.com',
  password: 'viewer-password-1',
  groups: ['viewers'],
};
const GUESSED = {
  id: 'guessed-0001',
  email: 'gus.guessed@example.com',
  password: 'guessed-password-1',
  groups: ['viewers'],
};
const ADMIN = {
  id: 'admin-0001',
  email: 'ada.admin@example.com',
  password: 'admin-password-1',
  groups: ['admins'],
};

const b64url = (b: Buffer) => b.toString('base64url');

describe('console sign-in on npm start (the local hosted sign-in)', () => {
  let svc: TestService;
  let base: string;
  const verifier = b64url(randomBytes(40));
  const challenge = b64url(createHash('sha256').update(verifier).digest());

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-console-'));
    // People as a later start finds them: an admin and a viewer.
    writeFileSync(join(dataDir, 'people.json'), JSON.stringify({ people: [ADMIN, VIEWER, GUESSED] }));
    svc = await startTestService({ dataDir });
    base = svc.base;
  });
  afterAll(async () => {
    await svc?.stop();
  });

  const authorizeParams = (over: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: 'activity-events-console',
      redirect_uri: `${base}/`,
      scope: 'openid email activities/read streams/manage',
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...over,
    });

  /** Sign in on the form; returns the redirect's location. */
  const submit = async (email: string, password: string, over: Record<string, string> = {}) => {
    const form = authorizeParams(over);
    form.set('email', email);
    form.set('password', password);
    return fetch(`${base}/oauth2/authorize`, {
      method: 'POST',
      // The browser's Origin on a post from the sign-in page itself.
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: form,
      redirect: 'manual',
    });
  };
  const exchange = (code: string, v = verifier) =>
    fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'activity-events-console',
        code,
        redirect_uri: `${base}/`,
        code_verifier: v,
      }),
    });
  /** The console's refresh grant. */
  const refresh = (token: string) =>
    fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: 'activity-events-console',
        refresh_token: token,
      }),
    });
  const signInAs = async (p: typeof ADMIN) => {
    const res = await submit(p.email, p.password);
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    return (await (await exchange(code)).json()) as {
      access_token: string;
      id_token: string;
      refresh_token: string;
    };
  };

  it('serves the console with the security headers CloudFront sends, config.json and the app routes', async () => {
    const root = await fetch(`${base}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(root.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(root.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(root.headers.get('x-frame-options')).toBe('DENY');
    expect(root.headers.get('x-content-type-options')).toBe('nosniff');
    expect(root.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    const html = await root.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    const js = await fetch(`${base}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await (await fetch(`${base}/journeys/onboarding`)).text()).toBe(html);
    expect((await fetch(`${base}/assets/nothing-here.js`)).status).toBe(404);
    expect(await (await fetch(`${base}/config.json`)).json()).toEqual({
      apiUrl: base,
      authorizeUrl: `${base}/oauth2/authorize`,
      tokenUrl: `${base}/oauth2/token`,
      logoutUrl: `${base}/logout`,
      clientId: 'activity-events-console',
      scopes: ['openid', 'email', 'activities/read', 'streams/manage'],
      environment: 'local',
    });
  });

  it('shows a sign-in form only for the console client, its own redirect URI and a PKCE challenge', async () => {
    const ok = await fetch(`${base}/oauth2/authorize?${authorizeParams()}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<label for="password">Password</label>');
    for (const [over, message] of [
      [{ client_id: 'someone-else' }, 'unknown client_id'],
      [{ redirect_uri: 'https://evil.example/' }, 'redirect_uri must be'],
      [{ redirect_uri: `${base}/elsewhere` }, 'redirect_uri must be'],
      [{ code_challenge_method: 'plain' }, 'PKCE'],
      [{ response_type: 'token' }, 'response_type must be code'],
    ] as const) {
      const res = await fetch(`${base}/oauth2/authorize?${authorizeParams(over)}`, { redirect: 'manual' });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(await res.text()).toContain(message);
    }
  });

  it('takes the sign-in form only from its own page, and its redirect URI only as the console root', async () => {
    const form = authorizeParams();
    form.set('email', ADMIN.email);
    form.set('password', ADMIN.password);
    const post = (headers: Record<string, string>, body = form) =>
      fetch(`${base}/oauth2/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
        redirect: 'manual',
      });
    // Another site's page posting the form (login CSRF, or locking someone out), or no browser signal at all.
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-origin' })).status).toBe(302);
    // What Chromium sends from the page itself under `Referrer-Policy: no-referrer`.
    expect((await post({ origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(302);
    // The checks of the form's page apply to its post too.
    const elsewhere = new URLSearchParams(form);
    elsewhere.set('redirect_uri', `${base}/elsewhere`);
    const bad = await post({ origin: base }, elsewhere);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
  });

  it('answers on loopback names only: a page under another host name (DNS rebinding) gets nothing', async () => {
    const status = (host: string, path: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(path, base);
        httpRequest(
          { host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
          .on('error', reject)
          .end();
      });
    const port = new URL(base).port;
    expect(await status(`attacker.example:${port}`, '/')).toBe(421);
    expect(await status(`attacker.example:${port}`, `/oauth2/authorize?${authorizeParams()}`)).toBe(421);
    expect(await status(`localhost:${port}`, '/')).toBe(200);
  });

  it('refuses a wrong password with the form again, and locks an email out after five failures', async () => {
    const wrong = await submit(GUESSED.email, 'not-it');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Incorrect email or password.');
    for (let i = 0; i < 4; i++) await submit(GUESSED.email, 'not-it');
    const locked = await submit(GUESSED.email, GUESSED.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another email is not affected.
    expect((await submit(VIEWER.email, VIEWER.password)).status).toBe(302);
  });

  it('redirects to the console with a single-use code that only the PKCE verifier redeems', async () => {
    const res = await submit(ADMIN.email, ADMIN.password);
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(`${base}/`);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code') ?? '';
    const bad = await exchange(code, b64url(randomBytes(40)));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_grant' });
    // A failed redemption spends the code too (a guessed verifier gets one try).
    expect((await exchange(code)).status).toBe(400);
    const again = await submit(ADMIN.email, ADMIN.password);
    const code2 = new URL(again.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const ok = await exchange(code2);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect((await exchange(code2)).status).toBe(400);
  });

  it("gives a person's token the scopes of their groups: admins manage streams, viewers only read", async () => {
    const admin = await signInAs(ADMIN);
    const viewer = await signInAs(VIEWER);
    const me = await svc.api('GET', '/activities/v1/me', undefined, admin.access_token);
    expect(me.body).toEqual({
      actor_id: ADMIN.id,
      kind: 'person',
      username: ADMIN.email,
      groups: ['admins'],
      // As in Cognito's access tokens: the OpenID scopes beside the API's.
      scopes: ['openid', 'email', 'activities/read', 'streams/manage'],
    });
    expect((await svc.api('GET', '/activities/v1/streams', undefined, admin.access_token)).status).toBe(200);
    const vme = await svc.api<{ scopes: string[] }>(
      'GET',
      '/activities/v1/me',
      undefined,
      viewer.access_token,
    );
    expect(vme.body.scopes).toEqual(['openid', 'email', 'activities/read']);
    expect((await svc.api('GET', '/activities/v1/activities', undefined, viewer.access_token)).status).toBe(
      200,
    );
    expect((await svc.api('GET', '/activities/v1/streams', undefined, viewer.access_token)).status).toBe(403);
    // Nobody's console token may send events.
    const write = await svc.api(
      'POST',
      '/activities/v1/activities',
      { events: [{ type: 'user_login' }] },
      admin.access_token,
    );
    expect(write.status).toBe(403);
  });

  it('never widens a refreshed token beyond the scopes its sign-in asked for; a revoked refresh token is dead', async () => {
    const res = await submit(ADMIN.email, ADMIN.password, { scope: 'openid activities/read' });
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const t = (await (await exchange(code)).json()) as { access_token: string; refresh_token: string };
    const scopes = async (token: string) =>
      (await svc.api<{ scopes: string[] }>('GET', '/activities/v1/me', undefined, token)).body.scopes;
    expect(await scopes(t.access_token)).toEqual(['openid', 'activities/read']);
    const again = (await (await refresh(t.refresh_token)).json()) as { access_token: string };
    expect(await scopes(again.access_token)).toEqual(['openid', 'activities/read']);
    const revoked = await fetch(`${base}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: t.refresh_token, client_id: 'activity-events-console' }),
    });
    expect(revoked.status).toBe(200);
    expect((await refresh(t.refresh_token)).status).toBe(400);
  });

  it('refreshes a token with the refresh token, and refuses an unknown one', async () => {
    const t = await signInAs(VIEWER);
    const res = await refresh(t.refresh_token);
    expect(res.status).toBe(200);
    const next = (await res.json()) as { access_token: string; refresh_token?: string };
    expect(next.refresh_token).toBeUndefined();
    expect((await svc.api('GET', '/activities/v1/me', undefined, next.access_token)).status).toBe(200);
    expect((await refresh('nope')).status).toBe(400);
  });

  it('records sign-ins and sign-outs as adminLogin and adminLogout with the person as actor, enriched with their email', async () => {
    const t = await signInAs(ADMIN);
    const out = await svc.api('POST', '/activities/v1/me/sign-out', undefined, t.access_token);
    expect(out.status).toBe(204);
    // A client-credentials token has no console session to end.
    const client = await svc.api<{ error: { code: string } }>('POST', '/activities/v1/me/sign-out');
    expect(client.status).toBe(400);
    const events = await eventually(async () => {
      const res = await svc.api<{ data: ActivityEvent[] }>(
        'GET',
        `/activities/v1/activities?source=admin&actor_id=${ADMIN.id}&enrich=true&limit=100`,
      );
      const types = res.body.data.map((e) => e.type);
      // Stored moments after they happen: not yet is undefined (asked again).
      if (!types.includes('adminLogout') || !types.includes('adminLogin')) return undefined;
      return res.body.data;
    });
    const logout = events.find((e) => e.type === 'adminLogout') as ActivityEvent & Record<string, unknown>;
    expect(logout).toMatchObject({
      actor_type: 'admin',
      target_resource_id: ADMIN.id,
      actor_email: ADMIN.email,
    });
    expect(logout.actor_roles).toEqual(['admins']);
    const login = events.find((e) => e.type === 'adminLogin') as ActivityEvent;
    expect(login.data).toMatchObject({
      email: ADMIN.email,
      roles: ['admins'],
      scopes: ['activities/read', 'streams/manage'],
    });
  });

  it('ends the hosted session only back to the console', async () => {
    const ok = await fetch(
      `${base}/logout?client_id=activity-events-console&logout_uri=${encodeURIComponent(`${base}/`)}`,
      {
        redirect: 'manual',
      },
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(`${base}/`);
    for (const to of [
      'https://evil.example/',
      `${base}/user-activity`,
      `${base}/?next=https://evil.example/`,
    ]) {
      const res = await fetch(
        `${base}/logout?client_id=activity-events-console&logout_uri=${encodeURIComponent(to)}`,
        { redirect: 'manual' },
      );
      expect(res.status, to).toBe(400);
    }
  });
});

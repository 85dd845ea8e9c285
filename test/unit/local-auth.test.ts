import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/shared/routes.js';
import { FailureLimiter, LOCAL_ISSUER, LocalAuth } from '../../local/auth.js';
import { type Gateway, startGateway } from '../../local/gateway.js';

/** The local gateway's token endpoint and JWT check, over loopback, with a handler that answers 200. */
describe('local gateway auth (like API Gateway’s JWT authorizer)', () => {
  let dir: string;
  let auth: LocalAuth;
  let gw: Gateway;
  let base: string;
  let key: Uint8Array;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'local-auth-'));
    auth = new LocalAuth(join(dir, 'auth.json'));
    key = Buffer.from(JSON.parse(readFileSync(join(dir, 'auth.json'), 'utf8')).signing_key, 'base64');
    gw = await startGateway({
      port: 0,
      auth,
      routes: ROUTES,
      invoke: async () => ({ statusCode: 200, body: '{"ok":true}' }),
    });
    base = `http://127.0.0.1:${gw.port}`;
  });
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (token: string) =>
    fetch(`${base}/activities/v1/event-types`, { headers: { authorization: `Bearer ${token}` } });
  const tokenEndpoint = (basic: string, body = 'grant_type=client_credentials') =>
    fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  const sign = (claims: Record<string, unknown>, opts: { exp?: boolean; iss?: string } = {}) => {
    let jwt = new SignJWT({ scope: 'activities/read', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(opts.iss ?? LOCAL_ISSUER)
      .setIssuedAt();
    if (opts.exp !== false) jwt = jwt.setExpirationTime('1h');
    return jwt.sign(key);
  };

  it('accepts an access token of one of its clients, by client_id or by aud', async () => {
    const id = auth.managementClient.client_id;
    expect((await call(await sign({ client_id: id, token_use: 'access' }))).status).toBe(200);
    expect((await call(await sign({ aud: id, token_use: 'access' }))).status).toBe(200);
  });

  it('refuses, with 401, tokens for another audience, without expiry, ID tokens and other issuers', async () => {
    const id = auth.managementClient.client_id;
    const cases = {
      'another audience': await sign({ aud: 'someone-else', token_use: 'access' }),
      'another client': await sign({ client_id: 'mgmt-other', token_use: 'access' }),
      'no expiry': await sign({ client_id: id, token_use: 'access' }, { exp: false }),
      'an ID token': await sign({ aud: id, token_use: 'id' }),
      'no token_use': await sign({ client_id: id }),
      'another issuer': await sign({ client_id: id, token_use: 'access' }, { iss: 'https://evil.example' }),
    };
    for (const [what, token] of Object.entries(cases)) {
      const res = await call(token);
      expect(res.status, what).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code, what).toBe('unauthorized');
    }
  });

  it('answers malformed Basic credentials with 400, never 500', async () => {
    for (const basic of [
      Buffer.from('%E0%A4%A:secret').toString('base64'),
      Buffer.from('no-colon-here').toString('base64'),
    ]) {
      const res = await tokenEndpoint(basic);
      expect(res.status, basic).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('answers repeated bad secrets with 429 and Retry-After, even when the right secret follows', async () => {
    const c = auth.managementClient;
    const wrong = Buffer.from(`${c.client_id}:wrong`).toString('base64');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await tokenEndpoint(wrong)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const right = await tokenEndpoint(Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64'));
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await right.json()).toMatchObject({ error: 'slow_down' });
  });

  it('lets a client try again once the window has passed', () => {
    let now = 0;
    const limiter = new FailureLimiter(2, 60_000, () => now);
    limiter.fail('c');
    limiter.fail('c');
    expect(limiter.blockedFor('c')).toBe(60);
    now = 30_000;
    expect(limiter.blockedFor('c')).toBe(30);
    now = 60_000;
    expect(limiter.blockedFor('c')).toBe(0);
    limiter.fail('c');
    expect(limiter.blockedFor('c')).toBe(0);
  });
});

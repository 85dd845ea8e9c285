import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ISSUER } from '../../local/auth.js';
import { freePort } from '../../local/processes.js';
import { eventually, startTestService, type TestService } from '../support/local.js';

type Err = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

describe('local runner: ingest pipeline end to end', () => {
  let svc: TestService;
  const ports = { dynamodb: 0, kinesis: 0, s3: 0 };
  beforeAll(async () => {
    for (const k of Object.keys(ports) as Array<keyof typeof ports>) ports[k] = await freePort();
    svc = await startTestService({ emulatorPorts: ports });
  });
  afterAll(async () => {
    await svc?.stop();
    rmSync(svc.dataDir, { recursive: true, force: true });
  });

  it('writes credentials.json with the token URL, client and emulator endpoints', () => {
    const c = JSON.parse(readFileSync(join(svc.dataDir, 'credentials.json'), 'utf8'));
    expect(c).toMatchObject({
      base_url: svc.base,
      token_url: `${svc.base}/oauth2/token`,
      client_id: expect.stringMatching(/^mgmt-/),
      client_secret: expect.any(String),
      aws_endpoints: {
        dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
        kinesis: `http://127.0.0.1:${ports.kinesis}`,
        s3: `http://127.0.0.1:${ports.s3}`,
      },
    });
  });

  it('issues tokens for client credentials by HTTP Basic or form body, and refuses bad clients', async () => {
    const c = svc.runner.credentials;
    const form = await fetch(c.token_url, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.client_id,
        client_secret: c.client_secret,
      }),
    });
    expect(form.status).toBe(200);
    expect(await form.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'activities/write activities/read streams/manage',
    });
    const wrong = await fetch(c.token_url, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.client_id,
        client_secret: 'nope',
      }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const grant = await fetch(c.token_url, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password' }),
    });
    expect(grant.status).toBe(400);
    const scope = await fetch(c.token_url, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.client_id,
        client_secret: c.client_secret,
        scope: 'admin/all',
      }),
    });
    expect(await scope.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('accepts events and serves each one by id once consumed', async () => {
    const res = await svc.api<{ accepted: number; ids: string[] }>('POST', '/activities/v1/activities', {
      events: [
        {
          type: 'user_login',
          user_id: 'u-1',
          app_id: 'web',
          ip: '203.0.113.7',
          data: { auth_method: 'passkey' },
        },
        { type: 'create_user', id: 'client-evt-1', user_id: 'u-2', data: { email: 'ada@example.com' } },
        { type: 'risk_recommendation', user_id: 'u-1', data: { recommendation: 'ALLOW', risk_score: 3 } },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(3);
    const started = Date.now();
    const got = await eventually(async () => {
      const r = await svc.api<Record<string, unknown>>('GET', `/activities/v1/activities/${res.body.ids[1]}`);
      return r.status === 200 ? r.body : undefined;
    });
    console.log(`visible ${Date.now() - started} ms after 202`);
    expect(got).toMatchObject({
      id: 'client-evt-1',
      type: 'create_user',
      source: 'cis',
      user_id: 'u-2',
      data: { email: 'ada@example.com' },
    });
    const risk = await eventually(async () => {
      const r = await svc.api('GET', `/activities/v1/activities/${res.body.ids[2]}`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(risk).toMatchObject({ source: 'risk', received_at: expect.any(String) });
  });

  it('stores an event once when the same client id is ingested twice', async () => {
    const event = { type: 'user_logout', id: 'retry-me', user_id: 'u-3' };
    await svc.api('POST', '/activities/v1/activities', { events: [event] });
    await svc.api('POST', '/activities/v1/activities', { events: [event] });
    const got = await eventually(async () => {
      const r = await svc.api<{ received_at: string }>('GET', '/activities/v1/activities/retry-me');
      return r.status === 200 ? r.body : undefined;
    });
    // Give the second copy time to be consumed; the first copy must still be the stored one.
    await new Promise((r) => setTimeout(r, 500));
    const again = await svc.api<{ received_at: string }>('GET', '/activities/v1/activities/retry-me');
    expect(again.body.received_at).toBe(got.received_at);
  });

  it('rejects an invalid batch with 400 listing every problem, writing nothing', async () => {
    const res = await svc.api<Err>('POST', '/activities/v1/activities', {
      events: [{ type: 'user_login', id: 'never-1' }, { type: 'bogus' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'events[1].type', message: expect.stringContaining("unknown event type 'bogus'") },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await svc.api('GET', '/activities/v1/activities/never-1')).status).toBe(404);
  });

  it('answers 401 without a token, with a forged one and with an expired one', async () => {
    const noToken = await fetch(`${svc.base}/activities/v1/event-types`);
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as Err).error.code).toBe('unauthorized');
    expect((await svc.api('GET', '/activities/v1/event-types', undefined, 'not.a.jwt')).status).toBe(401);
    const forged = await new SignJWT({ scope: 'activities/read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(LOCAL_ISSUER)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await svc.api('GET', '/activities/v1/event-types', undefined, forged)).status).toBe(401);
    const key = Buffer.from(
      JSON.parse(readFileSync(join(svc.dataDir, 'auth.json'), 'utf8')).signing_key,
      'base64',
    );
    const expired = await new SignJWT({ scope: 'activities/read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(LOCAL_ISSUER)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const res = await svc.api<Err>('GET', '/activities/v1/event-types', undefined, expired);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('token expired');
  });

  it('answers 403 when the token lacks the route scope', async () => {
    const readOnly = await svc.token('activities/read');
    const res = await svc.api<Err>(
      'POST',
      '/activities/v1/activities',
      { events: [{ type: 'user_login' }] },
      readOnly,
    );
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('activities/write'),
    });
    const writeOnly = await svc.token('activities/write');
    expect((await svc.api('GET', '/activities/v1/activities/x', undefined, writeOnly)).status).toBe(403);
    // The catalog is open to readers and writers.
    expect((await svc.api('GET', '/activities/v1/event-types', undefined, writeOnly)).status).toBe(200);
  });

  it('serves the catalog, filtered by source, and rejects an unknown source', async () => {
    const all = await svc.api<{ count: number }>('GET', '/activities/v1/event-types');
    const verify = await svc.api<{ count: number; data: Array<{ source: string }> }>(
      'GET',
      '/activities/v1/event-types?source=verify',
    );
    // Seed 001/002's 27 and seed 004's 4 (its documents, consent and affidavits).
    expect(verify.body.count).toBe(31);
    expect(verify.body.data.every((t) => t.source === 'verify')).toBe(true);
    expect(all.body.count).toBeGreaterThan(verify.body.count);
    const bad = await svc.api<Err>('GET', '/activities/v1/event-types?source=crm');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.[0]).toEqual({
      path: 'source',
      message: 'must be one of cis, verify, risk, admin',
    });
  });

  it('answers 404 for unknown routes and 413 beyond the payload limit', async () => {
    expect((await svc.api('GET', '/activities/v1/nope')).status).toBe(404);
    const big = await svc.api<Err>(
      'POST',
      '/activities/v1/activities',
      `{"events":[{"type":"custom","data":{"x":"${'a'.repeat(1_100_000)}"}}]}`,
    );
    expect(big.status).toBe(413);
  });

  it('keeps data across a restart, and keeps consuming after it', async () => {
    const before = await svc.api<{ ids: string[] }>('POST', '/activities/v1/activities', {
      events: [{ type: 'sms_sent', user_id: 'u-9' }],
    });
    const id = before.body.ids[0] as string;
    await eventually(async () =>
      (await svc.api('GET', `/activities/v1/activities/${id}`)).status === 200 ? true : undefined,
    );
    // Accepted but possibly not yet consumed when we stop: must survive too.
    const inFlight = await svc.api<{ ids: string[] }>('POST', '/activities/v1/activities', {
      events: [{ type: 'sms_sent', user_id: 'u-10' }],
    });
    // A report queued but not generated yet when the runner stops (the local queue is in memory).
    const ddb = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: svc.runner.credentials.aws_endpoints.dynamodb,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await ddb.send(
      new PutItemCommand({
        TableName: 'local-control',
        Item: {
          pk: { S: 'R#queued-before-stop' },
          sk: { S: 'R' },
          status: { S: 'pending' },
          format: { S: 'ndjson' },
          filters: { S: '{"type":"sms_sent"}' },
          created_at: { S: new Date().toISOString() },
          created_by: { S: 'test' },
          number_of_records: { N: '0' },
        },
      }),
    );
    ddb.destroy();
    await svc.runner.stop();
    svc = await startTestService({ dataDir: svc.dataDir, emulatorPorts: ports });
    const report = await eventually(async () => {
      const r = await svc.api<{ status: string; number_of_records: number }>(
        'GET',
        '/activities/v1/reports/queued-before-stop',
      );
      return r.body.status === 'ready' ? r.body : undefined;
    });
    expect(report.number_of_records).toBeGreaterThanOrEqual(1);
    expect((await svc.api('GET', `/activities/v1/activities/${id}`)).status).toBe(200);
    await eventually(async () =>
      (await svc.api('GET', `/activities/v1/activities/${inFlight.body.ids[0]}`)).status === 200
        ? true
        : undefined,
    );
    const after = await svc.api<{ ids: string[] }>('POST', '/activities/v1/activities', {
      events: [{ type: 'sms_sent', user_id: 'u-11' }],
    });
    await eventually(async () =>
      (await svc.api('GET', `/activities/v1/activities/${after.body.ids[0]}`)).status === 200
        ? true
        : undefined,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEvent, Source } from '../../functions/shared/model/index.js';

import { eventually, startTestService, type TestService } from '../support/local.js';

type Err = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };
type Stream = {
  stream_id: string;
  collect_url: string;
  status: string;
  health: { lag: number; last_collected_at: string | null };
};
type Batch = { data: Array<ActivityEvent & Record<string, unknown>>; cursor: string; has_more: boolean };

const TYPES: Record<Source, string[]> = {
  cis: ['user_login', 'user_logout', 'sms_sent', 'authentication_failed'],
  verify: ['session_created', 'verification_completed', 'page_loaded'],
  risk: ['risk_recommendation'],
  admin: ['adminLogin', 'editGeneralSettings'],
};

describe('streams and collect on the local runner', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(() => svc?.stop());

  const create = (body: Record<string, unknown>) =>
    svc.api<Stream & Err>('POST', '/activities/v1/streams', body);
  const collect = (q: Record<string, string>, token?: string) =>
    svc.api<Batch & Err>(
      'POST',
      `/activities/v1/activities/collect?${new URLSearchParams(q)}`,
      undefined,
      token,
    );
  const ingest = (events: Array<Record<string, unknown>>) => svc.ingest(events);
  /** Collect a stream until `want` events have arrived (or fail after the timeout). */
  const drain = async (type: string, streamId: string, want: number, batch = '1000') => {
    const got: Batch['data'] = [];
    await eventually(
      async () => {
        const res = await collect({ type, stream_id: streamId, batch_size: batch });
        expect(res.status).toBe(200);
        got.push(...res.body.data);
        return got.length >= want && !res.body.has_more ? true : undefined;
      },
      20_000,
      100,
    );
    return got;
  };

  it('hands out the events of one request in request order, whatever their ids and shards', async () => {
    const stream = await create({ name: 'order', type: 'risk' });
    expect(stream.status).toBe(201);
    // Client ids in reverse alphabetical order, spread over every shard by their hash.
    const ids = Array.from({ length: 40 }, (_, i) => `order-${String(99 - i).padStart(2, '0')}`);
    const requests = [ids.slice(0, 20), ids.slice(20)];
    for (const batch of requests) {
      await ingest(batch.map((id) => ({ type: 'risk_recommendation', id, user_id: 'u-order' })));
    }
    // The order is exact among stored events (docs/api.md): wait until all 40 are stored.
    await eventually(async () => {
      const res = await svc.api<Stream>('GET', `/activities/v1/streams/${stream.body.stream_id}`);
      return res.body.health.lag === ids.length ? true : undefined;
    });
    const got = await drain('risk', stream.body.stream_id, ids.length, '7');
    expect(got.map((e) => e.id)).toEqual(ids);
  });

  it('gives 4 concurrent collectors disjoint batches whose union is every event of the source (1,000 events over 4 sources)', async () => {
    const stream = await create({ name: 'race', type: 'cis' });
    expect(stream.status).toBe(201);
    const sources: Source[] = ['cis', 'verify', 'risk', 'admin'];
    const events = Array.from({ length: 1000 }, (_, i) => {
      const source = sources[i % 4] as Source;
      const types = TYPES[source];
      return {
        type: types[i % types.length],
        user_id: `u-${i % 37}`,
        ...(source === 'admin' ? { actor_id: `adm-${i % 3}` } : {}),
      };
    });
    const ids = await ingest(events);
    const expected = new Set(ids.filter((_, i) => i % 4 === 0));
    expect(expected.size).toBe(250);

    const seen: string[][] = [[], [], [], []];
    const total = () => seen.reduce((n, s) => n + s.length, 0);
    const deadline = Date.now() + 30_000;
    await Promise.all(
      seen.map(async (mine, c) => {
        while (total() < expected.size && Date.now() < deadline) {
          const res = await collect({
            type: 'cis',
            stream_id: stream.body.stream_id,
            batch_size: String(7 + c * 11),
          });
          if (res.status === 409) continue;
          expect(res.status).toBe(200);
          mine.push(...res.body.data.map((e) => e.id));
          if (res.body.data.length === 0) await new Promise((r) => setTimeout(r, 50));
        }
      }),
    );
    const all = seen.flat();
    expect(all.length).toBe(expected.size);
    expect(new Set(all)).toEqual(expected);
    // Every collector got some of the work, and no event went to two of them.
    for (const s of seen)
      for (const other of seen) if (s !== other) expect(s.filter((id) => other.includes(id))).toEqual([]);
  });

  it("delivers to a 'now' stream exactly the events accepted after its creation, and to an 'earliest' stream all of them", async () => {
    const before = await ingest([
      { type: 'session_created', id: 'verify-before-1' },
      { type: 'page_loaded', id: 'verify-before-2' },
    ]);
    await eventually(async () =>
      (await svc.api('GET', `/activities/v1/activities/${before[1]}`)).status === 200 ? true : undefined,
    );
    const now = await create({ name: 'from now', type: 'verify', start_from: 'now' });
    const earliest = await create({ name: 'everything', type: 'verify', start_from: 'earliest' });
    const after = await ingest([
      { type: 'session_created', id: 'verify-after-1' },
      { type: 'verification_completed', id: 'verify-after-2' },
    ]);
    expect((await drain('verify', now.body.stream_id, 2)).map((e) => e.id).sort()).toEqual([...after].sort());
    // 'earliest' also has the verify events earlier tests ingested: 250 of them, plus these four.
    const all = (await drain('verify', earliest.body.stream_id, 254)).map((e) => e.id);
    expect(all).toHaveLength(254);
    expect(all).toEqual(expect.arrayContaining([...before, ...after]));
  });

  it('starts a stream at an ISO time: events received before it are skipped', async () => {
    await ingest([{ type: 'risk_recommendation', id: 'risk-old' }]);
    await new Promise((r) => setTimeout(r, 20));
    const start = new Date().toISOString();
    const s = await create({ name: 'since', type: 'risk', start_from: start });
    expect(s.body).toMatchObject({ start_from: start });
    await ingest([
      { type: 'risk_recommendation', id: 'risk-new', data: { recommendation: 'DENY', risk_score: 97 } },
    ]);
    const got = await drain('risk', s.body.stream_id, 1);
    expect(got.map((e) => e.id)).toEqual(['risk-new']);
  });

  it('delivers only the event_types of the filter', async () => {
    const s = await create({
      name: 'logins',
      type: 'cis',
      event_types: ['user_login', 'authentication_failed'],
    });
    await ingest([
      { type: 'user_login', id: 'f-1' },
      { type: 'sms_sent', id: 'f-2' },
      { type: 'authentication_failed', id: 'f-3', data: { reason: 'bad password' } },
      { type: 'user_logout', id: 'f-4' },
    ]);
    const got = await drain('cis', s.body.stream_id, 2);
    expect(got.map((e) => e.id).sort()).toEqual(['f-1', 'f-3']);
  });

  it('enriches events with user email, app name and admin email and roles', async () => {
    const s = await create({ name: 'enriched', type: 'cis', enrichment: true, event_types: ['user_login'] });
    await ingest([
      { type: 'create_user', user_id: 'ada', data: { email: 'ada@example.com' } },
      { type: 'addAdmin', target_resource_id: 'root', data: { email: 'root@example.com', roles: ['owner'] } },
    ]);
    expect(
      (await svc.api('PUT', '/activities/v1/directory/apps/portal', { name: 'Customer portal' })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    await ingest([
      { type: 'user_login', id: 'e-1', user_id: 'ada', app_id: 'portal', actor_id: 'root' },
      { type: 'user_login', id: 'e-2', user_id: 'nobody', app_id: 'nowhere' },
    ]);
    const got = await drain('cis', s.body.stream_id, 2);
    const byId = Object.fromEntries(got.map((e) => [e.id, e]));
    expect(byId['e-1']).toMatchObject({
      user_email: 'ada@example.com',
      app_name: 'Customer portal',
      actor_email: 'root@example.com',
      actor_roles: ['owner'],
    });
    expect(byId['e-2']).not.toHaveProperty('user_email');
    expect(byId['e-2']).not.toHaveProperty('app_name');
  });

  it('sees a directory change made between two collects, though lookups are cached across calls', async () => {
    const s = await create({ name: 'renamed', type: 'cis', enrichment: true, event_types: ['get_user'] });
    const put = (name: string) => svc.api('PUT', '/activities/v1/directory/apps/renamed-app', { name });
    expect((await put('Before')).status).toBe(200);
    await ingest([{ type: 'get_user', id: 'rn-1', app_id: 'renamed-app' }]);
    expect((await drain('cis', s.body.stream_id, 1))[0]).toMatchObject({ app_name: 'Before' });
    expect((await put('After')).status).toBe(200);
    await ingest([{ type: 'get_user', id: 'rn-2', app_id: 'renamed-app' }]);
    expect((await drain('cis', s.body.stream_id, 1))[0]).toMatchObject({ id: 'rn-2', app_name: 'After' });
  });

  it('reports lag until the events are collected, then the time of the last collection', async () => {
    const s = await create({ name: 'lagging', type: 'admin', event_types: ['adminLogout'] });
    await ingest(Array.from({ length: 5 }, () => ({ type: 'adminLogout', actor_id: 'a' })));
    const lag = await eventually(async () => {
      const r = await svc.api<Stream>('GET', `/activities/v1/streams/${s.body.stream_id}`);
      return r.body.health.lag >= 5 ? r.body.health.lag : undefined;
    });
    expect(lag).toBeGreaterThanOrEqual(5);
    await drain('admin', s.body.stream_id, 5);
    const after = await svc.api<Stream>('GET', `/activities/v1/streams/${s.body.stream_id}`);
    expect(after.body.health.lag).toBe(0);
    expect(after.body.health.last_collected_at).toEqual(expect.any(String));
  });

  it('re-reads from an earlier cursor for a SIEM that lost a response', async () => {
    const s = await create({
      name: 'rewind',
      type: 'cis',
      batch_size: 2,
      event_types: ['passwordless_transaction'],
    });
    const ids = await ingest(
      Array.from({ length: 4 }, (_, i) => ({ type: 'passwordless_transaction', id: `rw-${i}` })),
    );
    await eventually(async () => {
      const r = await svc.api<Stream>('GET', `/activities/v1/streams/${s.body.stream_id}`);
      return r.body.health.lag >= 4 ? true : undefined;
    });
    const q = { type: 'cis', stream_id: s.body.stream_id };
    const first = await collect(q);
    const lost = await collect(q);
    expect([...first.body.data, ...lost.body.data].map((e) => e.id).sort()).toEqual(ids);
    // The SIEM never saw the second response: it asks again from the first cursor and gets the same events.
    const again = await collect({ ...q, after: first.body.cursor });
    expect(again.body.data.map((e) => e.id)).toEqual(lost.body.data.map((e) => e.id));
    expect((await collect(q)).body.data).toEqual([]);
  });

  it('answers every error case with its status and code', async () => {
    const custom = await create({ name: 'errors', type: 'cis' });
    const pushed = await create({
      name: 'pushed',
      type: 'cis',
      destination: { kind: 's3', bucket: 'local-exports' },
    });
    const other = await create({ name: 'other', type: 'cis' });
    const id = custom.body.stream_id;
    const otherCursor = (await collect({ type: 'cis', stream_id: other.body.stream_id })).body.cursor;
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ type: 'cis', stream_id: 'does-not-exist' }, 404, 'not_found'],
      [{ type: 'risk', stream_id: id }, 400, 'validation_failed'],
      [{ type: 'cis', stream_id: pushed.body.stream_id }, 409, 'destination_not_pullable'],
      [{ type: 'cis', stream_id: id, batch_size: '0' }, 400, 'validation_failed'],
      [{ type: 'cis', stream_id: id, batch_size: '1001' }, 400, 'validation_failed'],
      [{ type: 'cis', stream_id: id, after: 'garbage!' }, 400, 'invalid_cursor'],
      [{ type: 'cis', stream_id: id, after: otherCursor }, 400, 'invalid_cursor'],
      [{ stream_id: id }, 400, 'validation_failed'],
    ];
    for (const [q, status, code] of cases) {
      const res = await collect(q);
      expect([JSON.stringify(q), res.status, res.body.error?.code]).toEqual([
        JSON.stringify(q),
        status,
        code,
      ]);
    }
    expect((await create({ name: 'x', type: 'cis', batch_size: 0 })).status).toBe(400);
    expect((await svc.api('GET', '/activities/v1/streams/does-not-exist')).status).toBe(404);
    const noToken = await fetch(`${svc.base}/activities/v1/activities/collect?type=cis&stream_id=${id}`, {
      method: 'POST',
    });
    expect(noToken.status).toBe(401);
    expect((await collect({ type: 'cis', stream_id: id }, await svc.token('activities/write'))).status).toBe(
      403,
    );
    expect(
      (await svc.api('GET', '/activities/v1/streams', undefined, await svc.token('activities/read'))).status,
    ).toBe(403);
  });

  it('stops delivery and frees the state when a stream is deleted', async () => {
    const s = await create({ name: 'short-lived', type: 'cis' });
    expect((await collect({ type: 'cis', stream_id: s.body.stream_id })).status).toBe(200);
    expect((await svc.api('DELETE', `/activities/v1/streams/${s.body.stream_id}`)).status).toBe(204);
    expect((await collect({ type: 'cis', stream_id: s.body.stream_id })).status).toBe(404);
    const list = await svc.api<{ data: Stream[] }>('GET', '/activities/v1/streams');
    expect(list.body.data.map((x) => x.stream_id)).not.toContain(s.body.stream_id);
  });

  it('records stream and directory changes as admin events, collectable like any other', async () => {
    const s = await create({ name: 'audited', type: 'risk' });
    await svc.api('PATCH', `/activities/v1/streams/${s.body.stream_id}`, { batch_size: 9 });
    await svc.api('DELETE', `/activities/v1/streams/${s.body.stream_id}`);
    const admin = await create({
      name: 'admin audit',
      type: 'admin',
      start_from: 'earliest',
      event_types: ['createStream', 'updateStream', 'deleteStream', 'updateDirectory'],
    });
    const got: Batch['data'] = [];
    const events = await eventually(async () => {
      got.push(
        ...(await collect({ type: 'admin', stream_id: admin.body.stream_id, batch_size: '1000' })).body.data,
      );
      const mine = got.filter((e) => e.target_resource_id === s.body.stream_id);
      return mine.length === 3 ? { all: got, mine } : undefined;
    });
    // Each once. Their order across collect calls is the order their shards committed them (a batch is
    // ordered exactly, but an event a slower shard commits later comes in a later batch).
    expect(events.mine.map((e) => e.type).sort()).toEqual(['createStream', 'deleteStream', 'updateStream']);
    const at = (type: string) => events.mine.find((e) => e.type === type)?.received_at ?? '';
    expect(at('createStream') <= at('updateStream') && at('updateStream') <= at('deleteStream')).toBe(true);
    expect(events.mine.find((e) => e.type === 'updateStream')).toMatchObject({
      actor_id: svc.runner.credentials.client_id,
      changes: { batch_size: { prev: 100, current: 9 } },
    });
    expect(events.all.some((e) => e.type === 'updateDirectory' && e.target_resource_id === 'portal')).toBe(
      true,
    );
  });
});

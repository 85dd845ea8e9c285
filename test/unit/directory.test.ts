import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntry } from '../../functions/shared/directory/index.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

let ddb: FakeDynamo;
let kin: ReturnType<typeof fakeKinesis>;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
let directory: unknown;
const CONTROL = 'd-control';
const deps = () => ({ ddb: ddb.client, controlTable: CONTROL });

beforeAll(async () => {
  Object.assign(process.env, {
    EVENTS_TABLE: 'd-events',
    CONTROL_TABLE: CONTROL,
    EVENT_STREAM: 'd-stream',
    RETENTION_DAYS: '90',
  });
  ddb = await fakeDynamo({ eventsTable: 'd-events', controlTable: CONTROL });
  kin = fakeKinesis(1);
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
  directory = (await import('../../functions/directory/handler.js')).handler;
});
afterAll(() => {
  ddb.restore();
  kin.restore();
});

let seq = 1000n;
const feed = async (...events: ReturnType<typeof makeEvent>[]) => {
  const res = await consume(kinesisBatch('shardId-000000000000', seq, events), ctx());
  seq += 100n;
  expect(res.batchItemFailures).toEqual([]);
};
const at = (iso: string) => ({ timestamp: iso, received_at: iso });
type Err = { error: { code: string; details?: Array<{ path: string; message: string }> } };
const put = (kind: string, id: string, body: unknown) =>
  invoke<Record<string, unknown> & Err>(
    directory,
    apiEvent({
      method: 'PUT',
      path: `/activities/v1/directory/${kind}/${id}`,
      pathParameters: { kind, id },
      body,
      clientId: 'sync-job',
    }),
  );

describe('enrichment directory', () => {
  it('learns user emails, app names and admin emails and roles from events', async () => {
    await feed(
      makeEvent({ type: 'create_user', user_id: 'u1', data: { email: 'one@example.com' } }),
      makeEvent({
        type: 'createApp',
        source: 'admin',
        target_resource_id: 'app-9',
        data: { app_name: 'Checkout' },
      }),
      makeEvent({
        type: 'addAdmin',
        source: 'admin',
        target_resource_id: 'a1',
        data: { email: 'a1@example.com', roles: ['editor'] },
      }),
      makeEvent({ type: 'user_login', user_id: 'u2', data: { email: 'ignored@example.com' } }),
    );
    expect(await readEntry(deps(), 'users', 'u1')).toEqual({ email: 'one@example.com' });
    expect(await readEntry(deps(), 'apps', 'app-9')).toEqual({ name: 'Checkout' });
    expect(await readEntry(deps(), 'admins', 'a1')).toEqual({ email: 'a1@example.com', roles: ['editor'] });
    expect(await readEntry(deps(), 'users', 'u2')).toBeUndefined();
  });

  it('keeps the newest fact whatever order the events arrive in', async () => {
    await feed(
      makeEvent({
        type: 'update_user',
        user_id: 'u5',
        data: { email: 'new@example.com' },
        ...at('2026-11-20T10:00:00.000Z'),
      }),
      makeEvent({
        type: 'update_user',
        user_id: 'u5',
        data: { email: 'mid@example.com' },
        ...at('2026-11-19T10:00:00.000Z'),
      }),
    );
    await feed(
      makeEvent({
        type: 'create_user',
        user_id: 'u5',
        data: { email: 'old@example.com' },
        ...at('2026-11-01T10:00:00.000Z'),
      }),
    );
    expect(await readEntry(deps(), 'users', 'u5')).toEqual({ email: 'new@example.com' });
    await feed(
      makeEvent({
        type: 'adminUpdateUser',
        source: 'admin',
        target_resource_id: 'a1',
        data: { roles: ['owner'] },
      }),
    );
    expect(await readEntry(deps(), 'admins', 'a1')).toEqual({ email: 'a1@example.com', roles: ['owner'] });
  });

  it('bulk-syncs an entry over PUT and records updateDirectory with the changes', async () => {
    const res = await put('users', 'u1', { email: 'renamed@example.com' });
    expect(res).toMatchObject({
      status: 200,
      body: { kind: 'users', id: 'u1', email: 'renamed@example.com' },
    });
    expect(await readEntry(deps(), 'users', 'u1')).toEqual({ email: 'renamed@example.com' });
    const audit = kin.events().find((e) => e.type === 'updateDirectory');
    expect(audit).toMatchObject({
      source: 'admin',
      actor_id: 'sync-job',
      target_resource_id: 'u1',
      target_resource_type: 'directory_users',
      changes: { email: { prev: 'one@example.com', current: 'renamed@example.com' } },
      data: { kind: 'users', entry_id: 'u1' },
    });
    expect((await put('admins', 'a7', { roles: ['viewer'] })).status).toBe(200);
  });

  it('rejects a body over its 16 KiB limit with 413 saying that limit', async () => {
    const res = await put('users', 'u1', { email: 'a@b.co', pad: 'x'.repeat(16 * 1024) });
    expect(res.status).toBe(413);
    expect((res.body as unknown as { error: { message: string } }).error.message).toMatch(
      /the limit is 16384 bytes \(16 KiB\)$/,
    );
  });

  it.each([
    ['an unknown kind', 'groups', 'g1', { name: 'x' }, 'kind', /users, apps, admins/],
    ['a bad email', 'users', 'u1', { email: 'not-an-email' }, 'email', /email address/],
    ['a user without email', 'users', 'u1', {}, 'email', /./],
    ['an app field on a user', 'users', 'u1', { email: 'a@b.co', name: 'x' }, 'name', /not a known field/],
    ['an admin with nothing', 'admins', 'a1', {}, '(body)', /email, roles or both/],
    ['roles that are not strings', 'admins', 'a1', { roles: [1] }, 'roles[0]', /./],
  ])('rejects %s with 400', async (_n, kind, id, body, path, message) => {
    const res = await put(kind, id, body);
    expect(res.status).toBe(400);
    expect(res.body.error.details?.find((d) => d.path === path)?.message, JSON.stringify(res.body)).toMatch(
      message,
    );
  });
});

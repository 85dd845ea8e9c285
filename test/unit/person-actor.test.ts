import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readEntry } from '../../functions/shared/directory/index.js';
import type { ActivityEvent } from '../../functions/shared/model/index.js';
import { signIn } from '../../functions/shared/people/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';
import { mockCursorSecret } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';
import { ADA, asPerson } from '../support/people.js';

/**
 * Changes made with a person's token (a console sign-in) are recorded with the person as the actor, and the
 * directory learns who that person is from their adminLogin, so those events are enriched with their email
 * and roles.
 */

const EVENTS = 'pa-events';
const CONTROL = 'pa-control';
let ddb: FakeDynamo;
let kin: ReturnType<typeof fakeKinesis>;
const sqs = mockClient(SQSClient);
let streams: unknown;
let directory: unknown;
let reports: unknown;
let activities: unknown;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;

beforeAll(async () => {
  mockCursorSecret();
  Object.assign(process.env, {
    EVENTS_TABLE: EVENTS,
    CONTROL_TABLE: CONTROL,
    EVENT_STREAM: 'pa-stream',
    RETENTION_DAYS: '90',
    EXPORT_BUCKET: 'pa-exports',
    REPORTS_BUCKET: 'pa-reports',
    REPORTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/pa-reports',
  });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  kin = fakeKinesis(2);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  streams = (await import('../../functions/streams/handler.js')).handler;
  directory = (await import('../../functions/directory/handler.js')).handler;
  reports = (await import('../../functions/reports/handler.js')).handler;
  activities = (await import('../../functions/activities/handler.js')).handler;
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
});
afterAll(() => {
  ddb.restore();
  kin.restore();
  sqs.restore();
});
beforeEach(() => {
  kin.put.length = 0;
});

const ALL = ['activities/read', 'streams/manage'];
const audits = () => kin.events().filter((e) => e.source === 'admin');
/** What the person's token records for an actor, and a client's. */
const PERSON = { actor_id: ADA.sub, actor_type: 'admin' };

let seq = 1_000n;
/** Store events as the consumer would (one shard). */
async function store(...events: ActivityEvent[]) {
  const res = await consume(kinesisBatch('shardId-000000000000', seq, events), ctx('consume'));
  seq += 1_000n;
  expect(res.batchItemFailures).toEqual([]);
}

describe("changes made with a person's token", () => {
  it('records createStream, updateStream and deleteStream with the person as actor (actor_type admin)', async () => {
    const P = '/activities/v1/streams';
    const created = await invoke<{ stream_id: string; created_by: string }>(
      streams,
      asPerson(
        apiEvent({
          method: 'POST',
          path: P,
          routeKey: `POST ${P}`,
          body: { name: 'ada', type: 'cis' },
          scopes: ALL,
        }),
      ),
    );
    expect(created.status).toBe(201);
    expect(created.body.created_by).toBe(ADA.sub);
    const id = created.body.stream_id;
    const one = { path: `${P}/${id}`, pathParameters: { stream_id: id }, scopes: ALL };
    const patched = await invoke(
      streams,
      asPerson(
        apiEvent({ ...one, method: 'PATCH', routeKey: `PATCH ${P}/{stream_id}`, body: { batch_size: 7 } }),
      ),
    );
    expect(patched.status).toBe(200);
    const deleted = await invoke(
      streams,
      asPerson(apiEvent({ ...one, method: 'DELETE', routeKey: `DELETE ${P}/{stream_id}` })),
    );
    expect(deleted.status).toBe(204);
    expect(audits().map((e) => [e.type, e.actor_id, e.actor_type])).toEqual([
      ['createStream', ADA.sub, 'admin'],
      ['updateStream', ADA.sub, 'admin'],
      ['deleteStream', ADA.sub, 'admin'],
    ]);
  });

  it('records updateDirectory with the person as actor', async () => {
    const res = await invoke(
      directory,
      asPerson(
        apiEvent({
          method: 'PUT',
          path: '/activities/v1/directory/apps/app-1',
          routeKey: 'PUT /activities/v1/directory/{kind}/{id}',
          pathParameters: { kind: 'apps', id: 'app-1' },
          body: { name: 'Checkout' },
          scopes: ALL,
        }),
      ),
    );
    expect(res.status).toBe(200);
    expect(audits()).toEqual([expect.objectContaining({ type: 'updateDirectory', ...PERSON })]);
  });

  it('records reportRequested with the person as actor, and the person as the report’s creator', async () => {
    const res = await invoke<{ report_id: string; created_by: string }>(
      reports,
      asPerson(
        apiEvent({
          method: 'POST',
          path: '/activities/v1/reports',
          routeKey: 'POST /activities/v1/reports',
          body: { source: ['cis', 'verify', 'risk'] },
          scopes: ALL,
        }),
      ),
    );
    expect(res.status).toBe(202);
    expect(res.body.created_by).toBe(ADA.sub);
    expect(audits()).toEqual([
      expect.objectContaining({
        type: 'reportRequested',
        ...PERSON,
        target_resource_id: res.body.report_id,
        data: expect.objectContaining({ filters_used: { source: 'cis,verify,risk' } }),
      }),
    ]);
  });

  it('records the same changes with a client token as the client (actor_type client)', async () => {
    const res = await invoke(
      directory,
      apiEvent({
        method: 'PUT',
        path: '/activities/v1/directory/apps/app-2',
        routeKey: 'PUT /activities/v1/directory/{kind}/{id}',
        pathParameters: { kind: 'apps', id: 'app-2' },
        body: { name: 'Billing' },
        clientId: 'sync-job',
        scopes: ALL,
      }),
    );
    expect(res.status).toBe(200);
    expect(audits()).toEqual([
      expect.objectContaining({ type: 'updateDirectory', actor_id: 'sync-job', actor_type: 'client' }),
    ]);
  });
});

describe('the directory learns people from their sign-ins', () => {
  const signInDeps = () => ({
    kinesis: ready(new KinesisClient({ region: 'us-east-1' })),
    streamName: 'pa-stream',
  });

  it("keeps a person's email and groups (as roles) from adminLogin, and enriches what they do with them", async () => {
    await signIn(
      signInDeps(),
      { id: ADA.sub, email: 'ada@example.com', groups: ['admins', 'viewers'] },
      { clientId: 'console' },
    );
    const [login] = kin.events();
    expect(login?.type).toBe('adminLogin');
    // Something the person did, stored after their sign-in.
    const change = makeEvent({
      type: 'updateApp',
      source: 'admin',
      actor_id: ADA.sub,
      actor_type: 'admin',
      target_resource_id: 'app-1',
      target_resource_type: 'app',
    });
    await store(login as ActivityEvent, change);
    expect(await readEntry({ ddb: ddb.client, controlTable: CONTROL }, 'admins', ADA.sub)).toEqual({
      email: 'ada@example.com',
      roles: ['admins', 'viewers'],
    });
    const details = await invoke<Record<string, unknown>>(
      activities,
      apiEvent({
        path: `/activities/v1/activities/${change.id}`,
        routeKey: 'GET /activities/v1/activities/{id}',
        pathParameters: { id: change.id },
        scopes: ALL,
      }),
    );
    expect(details.body).toMatchObject({
      id: change.id,
      actor_email: 'ada@example.com',
      actor_roles: ['admins', 'viewers'],
    });
  });

  it('keeps the newer sign-in when groups change', async () => {
    const login = (groups: string[], at: string) =>
      makeEvent({
        type: 'adminLogin',
        source: 'admin',
        actor_id: 'person-2',
        actor_type: 'admin',
        target_resource_id: 'person-2',
        timestamp: at,
        received_at: at,
        data: { email: 'p2@example.com', roles: groups },
      });
    await store(
      login(['admins'], '2026-11-24T12:00:00.000Z'),
      login(['viewers'], '2026-11-24T09:00:00.000Z'),
    );
    expect(await readEntry({ ddb: ddb.client, controlTable: CONTROL }, 'admins', 'person-2')).toEqual({
      email: 'p2@example.com',
      roles: ['admins'],
    });
  });

  it.each([
    ['a client', 'client'],
    ['a service', 'service'],
    ['no one in particular', undefined],
  ])('ignores an adminLogin whose actor is %s', async (_n, actorType) => {
    const id = `impostor-${actorType ?? 'none'}`;
    await store(
      makeEvent({
        type: 'adminLogin',
        source: 'admin',
        actor_id: id,
        ...(actorType ? { actor_type: actorType } : {}),
        data: { email: 'mallory@example.com', roles: ['admins'] },
      }),
    );
    expect(await readEntry({ ddb: ddb.client, controlTable: CONTROL }, 'admins', id)).toBeUndefined();
  });

  it('ignores an adminLogin that names neither an email nor roles', async () => {
    await store(
      makeEvent({ type: 'adminLogin', source: 'admin', actor_id: 'person-3', actor_type: 'admin', data: {} }),
    );
    expect(await readEntry({ ddb: ddb.client, controlTable: CONTROL }, 'admins', 'person-3')).toBeUndefined();
  });
});

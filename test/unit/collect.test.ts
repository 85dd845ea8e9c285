import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { padSeq } from '../../functions/shared/log/index.js';
import type { ActivityEvent } from '../../functions/shared/model/index.js';
import { errorResponse } from '../../functions/shared/platform/index.js';
import { collect, decodeCursor, encodeCursor } from '../../functions/shared/streams/index.js';

import { mockCursorSecret, TEST_CURSOR_KEY, testCursorKey } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, createStream, ctx, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

const EVENTS = 'c-events';
const CONTROL = 'c-control';
let ddb: FakeDynamo;
let kin: ReturnType<typeof fakeKinesis>;
let streamsHandler: unknown;
let collectHandler: unknown;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
const deps = () => ({
  ddb: ddb.client,
  eventsTable: EVENTS,
  controlTable: CONTROL,
  cursorKey: testCursorKey,
});

beforeAll(async () => {
  mockCursorSecret();
  Object.assign(process.env, {
    EVENTS_TABLE: EVENTS,
    CONTROL_TABLE: CONTROL,
    EVENT_STREAM: 'c-stream',
    RETENTION_DAYS: '90',
    EXPORT_BUCKET: 'exports',
  });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  kin = fakeKinesis(2);
  streamsHandler = (await import('../../functions/streams/handler.js')).handler;
  collectHandler = (await import('../../functions/collect/handler.js')).handler;
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
});
afterAll(() => {
  ddb.restore();
  kin.restore();
});

type Err = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };
type Batch = { data: ActivityEvent[]; cursor: string; has_more: boolean };

const newStream = (body: Record<string, unknown>) => createStream(streamsHandler, { name: 's', ...body });

const pull = (query: Record<string, string>) =>
  invoke<Batch & Err>(
    collectHandler,
    apiEvent({ method: 'POST', path: '/activities/v1/activities/collect', query }),
  );

let nextSeq = 10_000n;
/** Store events through the consume handler, on one shard. */
async function store(shardId: string, events: ActivityEvent[]) {
  const res = await consume(kinesisBatch(shardId, nextSeq, events), ctx('consume'));
  nextSeq += BigInt(events.length) + 5n;
  expect(res.batchItemFailures).toEqual([]);
}

describe('collect', () => {
  it.each([
    ['no type', { stream_id: 'x' }, 400, 'validation_failed', 'type'],
    ['an unknown type', { type: 'crm', stream_id: 'x' }, 400, 'validation_failed', 'type'],
    ['no stream_id', { type: 'cis' }, 400, 'validation_failed', 'stream_id'],
    [
      'batch_size 0',
      { type: 'cis', stream_id: 'x', batch_size: '0' },
      400,
      'validation_failed',
      'batch_size',
    ],
    [
      'batch_size 1001',
      { type: 'cis', stream_id: 'x', batch_size: '1001' },
      400,
      'validation_failed',
      'batch_size',
    ],
    [
      'batch_size abc',
      { type: 'cis', stream_id: 'x', batch_size: 'abc' },
      400,
      'validation_failed',
      'batch_size',
    ],
    [
      'an unknown parameter',
      { type: 'cis', stream_id: 'x', batchsize: '5' },
      400,
      'validation_failed',
      'batchsize',
    ],
    ['an unknown stream', { type: 'cis', stream_id: 'no-such-stream' }, 404, 'not_found', undefined],
  ])('answers %s with %i %s', async (_n, query, status, code, path) => {
    const res = await pull(query as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (path) expect(res.body.error.details?.map((d) => d.path)).toContain(path);
  });

  it('answers 400 when type does not match the stream, 409 for push streams and for paused streams', async () => {
    const id = await newStream({ type: 'risk' });
    const wrong = await pull({ type: 'cis', stream_id: id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.[0]?.message).toBe(`stream ${id} collects 'risk' events, not 'cis'`);
    const s3 = await newStream({ type: 'risk', destination: { kind: 's3', bucket: 'exports' } });
    const pushed = await pull({ type: 'risk', stream_id: s3 });
    expect(pushed.status).toBe(409);
    expect(pushed.body.error.code).toBe('destination_not_pullable');
    await invoke(
      streamsHandler,
      apiEvent({
        method: 'PATCH',
        path: `/x/${id}`,
        routeKey: 'PATCH /activities/v1/streams/{stream_id}',
        pathParameters: { stream_id: id },
        body: { status: 'paused' },
      }),
    );
    const paused = await pull({ type: 'risk', stream_id: id });
    expect(paused.status).toBe(409);
    expect(paused.body.error.code).toBe('stream_paused');
  });

  it('returns batches of at most batch_size in stream order, then an empty batch, advancing the cursor', async () => {
    const id = await newStream({ type: 'verify', batch_size: 3 });
    const events = Array.from({ length: 5 }, () => makeEvent({ type: 'session_created', source: 'verify' }));
    await store('shardId-000000000000', events);
    const first = await pull({ type: 'verify', stream_id: id });
    expect(first.status).toBe(200);
    expect(first.body.data.map((e) => e.id)).toEqual(events.slice(0, 3).map((e) => e.id));
    expect(first.body.has_more).toBe(true);
    const second = await pull({ type: 'verify', stream_id: id, batch_size: '10' });
    expect(second.body.data.map((e) => e.id)).toEqual(events.slice(3).map((e) => e.id));
    expect(second.body.has_more).toBe(false);
    const third = await pull({ type: 'verify', stream_id: id });
    expect(third.body.data).toEqual([]);
    expect(third.body.cursor).toBe(second.body.cursor);
    // A SIEM that lost the second response re-reads from the first cursor: same events again.
    const again = await pull({ type: 'verify', stream_id: id, after: first.body.cursor });
    expect(again.body.data.map((e) => e.id)).toEqual(events.slice(3, 6).map((e) => e.id));
  });

  it('cuts a batch at its byte budget, smaller for an ocsf stream, so a response always fits', async () => {
    const native = await newStream({ type: 'risk', batch_size: 1000 });
    const ocsf = await newStream({ type: 'risk', batch_size: 1000, format: 'ocsf' });
    // 60 events of about 60 KB: 3.6 MB stored.
    const events = Array.from({ length: 60 }, () =>
      makeEvent({ type: 'risk_recommendation', source: 'risk', data: { note: 'x'.repeat(60_000) } }),
    );
    await store('shardId-000000000000', events);
    const whole = await pull({ type: 'risk', stream_id: native });
    expect([whole.body.data.length, whole.body.has_more]).toEqual([60, false]);
    const cut = await pull({ type: 'risk', stream_id: ocsf });
    expect(cut.body.has_more).toBe(true);
    expect(cut.body.data.length).toBeLessThan(60);
    const bytes = JSON.stringify(cut.body).length;
    expect(bytes).toBeLessThan(3.5 * 1024 * 1024);
    const rest = await pull({ type: 'risk', stream_id: ocsf });
    expect(cut.body.data.length + rest.body.data.length).toBe(60);
  });

  it('rejects a cursor of another stream and a malformed one with 400', async () => {
    const a = await newStream({ type: 'admin' });
    const b = await newStream({ type: 'admin' });
    const fromB = encodeCursor(TEST_CURSOR_KEY, b, { 'shardId-000000000000': padSeq('5') });
    const other = await pull({ type: 'admin', stream_id: a, after: fromB });
    expect(other.status).toBe(400);
    expect(other.body.error.details?.[0]).toEqual({
      path: 'after',
      message: `belongs to another stream (${b}), not ${a}`,
    });
    for (const bad of [
      '!!!',
      Buffer.from('{"v":1}').toString('base64url'),
      'eyJ2IjoxLCJzIjoiYSIsInAiOltbIngiXV19',
    ]) {
      const res = await pull({ type: 'admin', stream_id: a, after: bad });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.details?.[0]?.path).toBe('after');
    }
  });

  it('round-trips cursors, keeping any shard id', () => {
    const positions = {
      'shardId-000000000003': padSeq('49680512194840257490556529730487514341242363664274554882'),
      'custom-shard': padSeq('7'),
    };
    expect(decodeCursor(TEST_CURSOR_KEY, encodeCursor(TEST_CURSOR_KEY, 's1', positions), 's1')).toEqual(
      positions,
    );
  });

  it('retries after losing the cursor race, so two collectors get disjoint batches', async () => {
    const id = await newStream({ type: 'cis', batch_size: 2, event_types: ['sms_sent'] });
    const events = Array.from({ length: 4 }, () => makeEvent({ type: 'sms_sent' }));
    await store('shardId-000000000001', events);
    let other: Promise<{ body: Batch }> | undefined;
    ddb.setFault(async (op, input) => {
      const key = input.Key as { pk?: { S?: string } } | undefined;
      if (op === 'UpdateItem' && key?.pk?.S === `C#${id}` && !other) {
        // A second collector commits while the first is about to.
        other = pull({ type: 'cis', stream_id: id });
        await other;
      }
    });
    const first = await pull({ type: 'cis', stream_id: id });
    ddb.setFault(undefined);
    const second = (await other) as { body: Batch };
    const a = first.body.data.map((e) => e.id);
    const b = second.body.data.map((e) => e.id);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    expect(new Set([...a, ...b])).toEqual(new Set(events.map((e) => e.id)));
    // The collector that lost its first commit went second.
    expect(b).toEqual(events.slice(0, 2).map((e) => e.id));
    expect(a).toEqual(events.slice(2).map((e) => e.id));
  });

  it('gives up with 409 and Retry-After when it keeps losing the race', async () => {
    const id = await newStream({ type: 'cis' });
    ddb.setFault(async (op, input) => {
      const key = input.Key as { pk?: { S?: string } } | undefined;
      if (op === 'UpdateItem' && key?.pk?.S === `C#${id}` && input.ConditionExpression) {
        // Someone else always moves the cursor first.
        const cur = await ddb.call('GetItem', { TableName: CONTROL, Key: input.Key, ConsistentRead: true });
        const cv = Number((cur.Item as { cv: { N: string } }).cv.N);
        await ddb.call('UpdateItem', {
          TableName: CONTROL,
          Key: input.Key,
          UpdateExpression: 'SET cv = :n',
          ExpressionAttributeValues: { ':n': { N: String(cv + 1) } },
        });
      }
    });
    const err = await collect({ type: 'cis', stream_id: id }, { ...deps(), maxAttempts: 3 }).catch((e) => e);
    expect(errorResponse(err)).toMatchObject({
      statusCode: 409,
      headers: { 'retry-after': '1' },
    });
    expect(JSON.parse(String(errorResponse(err).body)).error.code).toBe('conflict');
    ddb.setFault(undefined);
  });

  it('enriches with one batched directory lookup, leaving unknown ids unchanged', async () => {
    const id = await newStream({ type: 'cis', enrichment: true, event_types: ['create_user', 'user_login'] });
    await store('shardId-000000000000', [
      makeEvent({ type: 'create_user', user_id: 'u-ada', data: { email: 'ada@example.com' } }),
      makeEvent({
        type: 'createApp',
        source: 'admin',
        target_resource_id: 'app-1',
        data: { app_name: 'Portal' },
      }),
      makeEvent({
        type: 'addAdmin',
        source: 'admin',
        target_resource_id: 'adm-1',
        data: { email: 'boss@example.com', roles: ['owner', 'audit'] },
      }),
    ]);
    await store('shardId-000000000000', [
      ...Array.from({ length: 3 }, () =>
        makeEvent({ type: 'user_login', user_id: 'u-ada', app_id: 'app-1', actor_id: 'adm-1' }),
      ),
      makeEvent({ type: 'user_login', user_id: 'u-unknown', app_id: 'app-unknown' }),
    ]);
    const lookups = () =>
      ddb.log.filter(
        (c) => c.op === 'BatchGetItem' && CONTROL in ((c.input.RequestItems as object | undefined) ?? {}),
      ).length;
    const before = lookups();
    const res = await pull({ type: 'cis', stream_id: id });
    expect(lookups()).toBe(before + 1);
    const [created, ...logins] = res.body.data as Array<ActivityEvent & Record<string, unknown>>;
    expect(created).toMatchObject({ user_email: 'ada@example.com' });
    expect(
      logins.slice(0, 3).every((e) => e.user_email === 'ada@example.com' && e.app_name === 'Portal'),
    ).toBe(true);
    expect(logins[0]).toMatchObject({ actor_email: 'boss@example.com', actor_roles: ['owner', 'audit'] });
    const unknown = logins[3] as Record<string, unknown>;
    expect(unknown).not.toHaveProperty('user_email');
    expect(unknown).not.toHaveProperty('app_name');
  });
});

import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { padSeq } from '../../functions/shared/log/index.js';
import { useCursorSecretEnv } from '../support/cursor-key.js';
import { DynamoServiceError, type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

let shard = 0;
let ddb: FakeDynamo;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
let getById: unknown;
const BY_ID = 'GET /activities/v1/activities/{id}';
const TABLE = 'unit-events';

beforeAll(async () => {
  useCursorSecretEnv();
  process.env.EVENTS_TABLE = TABLE;
  process.env.CONTROL_TABLE = 'unit-control';
  process.env.RETENTION_DAYS = '{"cis":30,"admin":365}';
  ddb = await fakeDynamo({ eventsTable: TABLE, controlTable: 'unit-control' });
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
  getById = (await import('../../functions/activities/handler.js')).handler;
});
afterAll(() => ddb.restore());
// Each test writes to a shard of its own, so tests stay independent.
let SHARD = '';
beforeEach(() => {
  shard++;
  SHARD = `shardId-${String(shard).padStart(12, '0')}`;
  ddb.setFault(undefined);
});
const run = (event: KinesisStreamEvent) => consume(event, ctx('consume'));

async function logItems(source: string, shard = SHARD) {
  const res = await ddb.call('Query', {
    TableName: TABLE,
    KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': { S: `L#${source}#${shard}` } },
    ConsistentRead: true,
  });
  return (res.Items ?? []) as Array<Record<string, { S?: string; N?: string }>>;
}

async function watermark(shard = SHARD) {
  const res = await ddb.call('GetItem', {
    TableName: TABLE,
    Key: { pk: { S: 'W' }, sk: { S: shard } },
    ConsistentRead: true,
  });
  const item = res.Item as Record<string, { S?: string; M?: Record<string, { N: string }> }> | undefined;
  return item
    ? {
        seq: item.seq?.S,
        counts: Object.fromEntries(Object.entries(item.counts?.M ?? {}).map(([k, v]) => [k, Number(v.N)])),
      }
    : undefined;
}

describe('consume handler', () => {
  it('stores each event under (source, shard) by padded sequence number, with ordinals, TTL and an id item', async () => {
    const events = [makeEvent(), makeEvent({ type: 'addAdmin', source: 'admin' }), makeEvent()];
    const res = await run(kinesisBatch(SHARD, 900n, events));
    expect(res.batchItemFailures).toEqual([]);
    const cis = await logItems('cis');
    expect(cis.map((i) => i.sk?.S)).toEqual([padSeq('900'), padSeq('902')]);
    expect(cis.map((i) => i.n?.N)).toEqual(['1', '2']);
    expect(JSON.parse(cis[0]?.e?.S ?? '{}')).toEqual(events[0]);
    const received = Date.parse(events[0]?.received_at ?? '') / 1000;
    expect(Number(cis[0]?.expires_at?.N)).toBe(Math.floor(received) + 30 * 86_400);
    const admin = await logItems('admin');
    expect(Number(admin[0]?.expires_at?.N)).toBe(
      Math.floor(Date.parse(events[1]?.received_at ?? '') / 1000) + 365 * 86_400,
    );
    expect(await watermark()).toEqual({
      seq: padSeq('902'),
      counts: { cis: 2, verify: 0, risk: 0, admin: 1 },
    });
    const one = await invoke(
      getById,
      apiEvent({
        path: `/activities/v1/activities/${events[1]?.id}`,
        routeKey: BY_ID,
        pathParameters: { id: events[1]?.id ?? '' },
      }),
    );
    expect(one).toMatchObject({ status: 200, body: events[1] });
  });

  it('is idempotent when Lambda retries a batch it already committed', async () => {
    const batch = kinesisBatch(SHARD, 100n, [makeEvent(), makeEvent(), makeEvent()]);
    await run(batch);
    const before = { items: await logItems('cis'), wm: await watermark() };
    const writes = ddb.calls.BatchWriteItem ?? 0;
    expect((await run(batch)).batchItemFailures).toEqual([]);
    expect(await logItems('cis')).toEqual(before.items);
    expect(await watermark()).toEqual(before.wm);
    expect(ddb.calls.BatchWriteItem ?? 0).toBe(writes);
  });

  it('stores an event once when ingest is retried with the same client id', async () => {
    const first = makeEvent({ id: 'client-42' });
    const retry = { ...first, received_at: new Date(Date.parse(first.received_at) + 5000).toISOString() };
    await run(kinesisBatch(SHARD, 10n, [first, makeEvent()]));
    await run(kinesisBatch(SHARD, 20n, [retry, makeEvent()]));
    const ids = (await logItems('cis')).map((i) => i.id?.S);
    expect(ids.filter((id) => id === 'client-42')).toHaveLength(1);
    expect(ids).toHaveLength(3);
    expect((await logItems('cis')).map((i) => i.n?.N)).toEqual(['1', '2', '3']);
    expect((await watermark())?.counts.cis).toBe(3);
  });

  it('keeps the first copy when a duplicate id arrives in the same batch', async () => {
    const first = makeEvent({ id: 'twice' });
    const copy = { ...first, received_at: new Date(Date.parse(first.received_at) + 1000).toISOString() };
    await run(kinesisBatch(SHARD, 30n, [first, makeEvent(), copy]));
    const items = await logItems('cis');
    expect(items.map((i) => i.id?.S)).toEqual(['twice', expect.any(String)]);
    expect(items[0]?.sk?.S).toBe(padSeq('30'));
    expect(JSON.parse(items[0]?.e?.S ?? '{}').received_at).toBe(first.received_at);
  });

  it('converges on the same items when a batch is retried after failing half way, and only then advances the watermark', async () => {
    const events = Array.from({ length: 60 }, () => makeEvent());
    let failing = true;
    ddb.setFault((op, input) => {
      // Throttle the log write of record 40 persistently while `failing`.
      const items = (
        input.RequestItems as
          | Record<string, Array<{ PutRequest: { Item: { sk: { S: string } } } }>>
          | undefined
      )?.[TABLE];
      if (
        failing &&
        op === 'BatchWriteItem' &&
        items?.some((w) => w.PutRequest.Item.sk.S === padSeq('5040'))
      ) {
        throw new DynamoServiceError('ProvisionedThroughputExceededException', 'throttled');
      }
    });
    const batch = kinesisBatch(SHARD, 5000n, events);
    const res = await run(batch);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: String(5000n + 25n) }]);
    // The whole 25-item chunk with record 40 failed, so the committed prefix ends at record 24.
    expect(await watermark()).toEqual({
      seq: padSeq('5024'),
      counts: { cis: 25, verify: 0, risk: 0, admin: 0 },
    });
    const order = ddb.log.filter((c) => c.op === 'BatchWriteItem' || c.op === 'UpdateItem').map((c) => c.op);
    expect(order.at(-1)).toBe('UpdateItem');
    failing = false;
    // Lambda retries from the failed record.
    const retry = { Records: batch.Records.slice(25) };
    expect((await run(retry)).batchItemFailures).toEqual([]);
    const items = await logItems('cis');
    expect(items).toHaveLength(60);
    expect(items.map((i) => Number(i.n?.N))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(await watermark()).toEqual({
      seq: padSeq('5059'),
      counts: { cis: 60, verify: 0, risk: 0, admin: 0 },
    });
  });

  it('never writes the watermark before every record of the prefix is written', async () => {
    await run(
      kinesisBatch(
        SHARD,
        70n,
        Array.from({ length: 30 }, () => makeEvent()),
      ),
    );
    const ops = ddb.log.map((c) => c.op);
    const lastUpdate = ops.lastIndexOf('UpdateItem');
    const lastBatch = ops.lastIndexOf('BatchWriteItem');
    const lastPut = ops.lastIndexOf('PutItem');
    expect(lastUpdate).toBeGreaterThan(lastBatch);
    expect(lastUpdate).toBeGreaterThan(lastPut);
  });

  it('reports a poison record as the batch item failure after committing the records before it', async () => {
    const res = await run(kinesisBatch(SHARD, 300n, [makeEvent(), 'not json', makeEvent()]));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '301' }]);
    expect(await watermark()).toMatchObject({ seq: padSeq('300') });
    expect(await logItems('cis')).toHaveLength(1);
  });

  it('fails the whole batch (retry from its first record) when the watermark cannot be written', async () => {
    ddb.setFault((op) => {
      if (op === 'UpdateItem') throw new DynamoServiceError('InternalServerError', 'oops');
    });
    const res = await run(kinesisBatch(SHARD, 400n, [makeEvent(), makeEvent()]));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '400' }]);
    expect(await watermark()).toBeUndefined();
  });

  it('does not serve an event past its retention', async () => {
    const old = makeEvent({ received_at: '2020-01-01T00:00:00.000Z', timestamp: '2020-01-01T00:00:00.000Z' });
    await run(kinesisBatch(SHARD, 500n, [old]));
    const res = await invoke(getById, apiEvent({ routeKey: BY_ID, pathParameters: { id: old.id } }));
    expect(res.status).toBe(404);
    expect((res.body as { error: { code: string } }).error.code).toBe('not_found');
  });
});

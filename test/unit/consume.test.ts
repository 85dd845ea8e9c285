import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chunkEntries,
  consumeRecords,
  eventItem,
  type Projection,
  padSeq,
  type ShardRecord,
} from '../../functions/shared/log/index.js';
import { readBatch } from '../../functions/shared/streams/index.js';
import { streamLag } from '../../functions/shared/streams/lag.js';
import { useCursorSecretEnv } from '../support/cursor-key.js';
import { DynamoServiceError, type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';
import { legacyLogItem } from '../support/legacy-log.js';

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
  return (res.Items ?? []) as Array<Record<string, AttributeValue>>;
}

/** The events the log holds for a source, in key order (each chunk's entries). */
async function logEntries(source: string, shard = SHARD) {
  return (await logItems(source, shard)).flatMap((item) => chunkEntries(item));
}

/** Read no shard but this test's (a reader's `until`). */
const onlyThisShard = () => ({ [SHARD]: '9'.repeat(64) });

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
    // One chunk per source of the batch, keyed by its first event's sequence number.
    const cisItems = await logItems('cis');
    expect(cisItems.map((i) => i.sk?.S)).toEqual([padSeq('900')]);
    const cis = await logEntries('cis');
    expect(cis.map((e) => [e.seq, e.n, e.id, e.type])).toEqual([
      [padSeq('900'), 1, events[0]?.id, 'user_login'],
      [padSeq('902'), 2, events[2]?.id, 'user_login'],
    ]);
    expect(cis.map((e) => e.t)).toEqual([events[0], events[2]].map((e) => Date.parse(e?.received_at ?? '')));
    const received = Date.parse(events[2]?.received_at ?? '') / 1000;
    expect(Number(cisItems[0]?.expires_at?.N)).toBe(Math.floor(received) + 30 * 86_400);
    // The event itself lives once, in its id item.
    expect(cisItems[0]).not.toHaveProperty('e');
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
    const ids = (await logEntries('cis')).map((e) => e.id);
    expect(ids.filter((id) => id === 'client-42')).toHaveLength(1);
    expect(ids).toHaveLength(3);
    expect((await logEntries('cis')).map((e) => e.n)).toEqual([1, 2, 3]);
    expect((await watermark())?.counts.cis).toBe(3);
  });

  it('keeps the first copy when a duplicate id arrives in the same batch', async () => {
    const first = makeEvent({ id: 'twice' });
    const copy = { ...first, received_at: new Date(Date.parse(first.received_at) + 1000).toISOString() };
    await run(kinesisBatch(SHARD, 30n, [first, makeEvent(), copy]));
    const entries = await logEntries('cis');
    expect(entries.map((e) => e.id)).toEqual(['twice', expect.any(String)]);
    expect(entries[0]?.seq).toBe(padSeq('30'));
    expect(entries[0]?.t).toBe(Date.parse(first.received_at));
  });

  it('converges on the same events when a batch is retried after failing half way, and only then advances the watermark', async () => {
    const events = Array.from({ length: 60 }, () => makeEvent());
    const records: ShardRecord[] = events.map((e, i) => ({
      shardId: SHARD,
      sequenceNumber: String(5000 + i),
      data: Buffer.from(JSON.stringify(e)),
    }));
    let failing = true;
    // A projection that fails record 25 while `failing`: the whole chunk is written, the prefix before 25 committed.
    const flaky: Projection = {
      name: 'flaky',
      apply: async (stored) =>
        new Set(failing ? stored.flatMap((s, k) => (s.seq >= padSeq('5025') ? [k] : [])) : []),
    };
    const deps = {
      ddb: new DynamoDBClient({ region: 'us-east-1' }),
      eventsTable: TABLE,
      retentionDays: { cis: 30, verify: 30, risk: 30, admin: 30 },
      projections: [flaky],
    };
    const res = await consumeRecords(records, deps);
    expect(res.failures).toEqual(['5025']);
    expect(await watermark()).toEqual({
      seq: padSeq('5024'),
      counts: { cis: 25, verify: 0, risk: 0, admin: 0 },
    });
    const order = ddb.log.filter((c) => c.op === 'BatchWriteItem' || c.op === 'UpdateItem').map((c) => c.op);
    expect(order.at(-1)).toBe('UpdateItem');
    failing = false;
    // Lambda retries from the failed record: a chunk starting at record 25 repeats the first one's tail.
    expect((await consumeRecords(records.slice(25), deps)).failures).toEqual([]);
    expect((await logItems('cis')).map((i) => i.sk?.S)).toEqual([padSeq('5000'), padSeq('5025')]);
    const cis = await logEntries('cis');
    expect(cis).toHaveLength(60 + 35);
    // Every repeated event is the same event: same sequence number, id and ordinal.
    const bySeq = new Map<string, string>();
    for (const e of cis) {
      const key = `${e.id}#${e.n}`;
      expect(bySeq.get(e.seq) ?? key).toBe(key);
      bySeq.set(e.seq, key);
    }
    expect([...bySeq.values()].map((k) => Number(k.split('#')[1]))).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    expect(await watermark()).toEqual({
      seq: padSeq('5059'),
      counts: { cis: 60, verify: 0, risk: 0, admin: 0 },
    });
    // A reader passes each event once, in order, and nothing is left behind: from the start, and from inside
    // the repeated tail.
    for (const start of [{}, { [SHARD]: padSeq('5030') }]) {
      let positions: Record<string, string> = start;
      const got: string[] = [];
      for (let i = 0; i < 20; i++) {
        const read = await readBatch(deps, { source: 'cis' }, positions, 7, { until: onlyThisShard() });
        got.push(...read.entries.map((e) => e.id));
        positions = read.positions;
        if (read.entries.length === 0) break;
      }
      expect(got).toEqual(events.slice(SHARD in start ? 31 : 0).map((e) => e.id));
      const wm = await watermark();
      expect(
        await streamLag(deps, 'cis', positions, [
          { shardId: SHARD, seq: wm?.seq ?? '', counts: wm?.counts as never },
        ]),
      ).toBe(0);
    }
  });

  it('reads the log items of the layout before chunks (one per event) beside chunks', async () => {
    const old = Array.from({ length: 3 }, () => makeEvent());
    const retention = { cis: 30, verify: 30, risk: 30, admin: 30 };
    // What a stack wrote before chunks: id items and one log item per event, up to a watermark.
    for (const [i, e] of old.entries()) {
      const seq = padSeq(String(100 + i));
      await ddb.call('PutItem', { TableName: TABLE, Item: eventItem(e, SHARD, seq, retention) });
      await ddb.call('PutItem', {
        TableName: TABLE,
        Item: legacyLogItem({ event: e, shardId: SHARD, seq, n: i + 1 }, retention),
      });
    }
    await ddb.call('PutItem', {
      TableName: TABLE,
      Item: {
        pk: { S: 'W' },
        sk: { S: SHARD },
        seq: { S: padSeq('102') },
        counts: { M: { cis: { N: '3' }, verify: { N: '0' }, risk: { N: '0' }, admin: { N: '0' } } },
      },
    });
    const fresh = [makeEvent(), makeEvent()];
    expect((await run(kinesisBatch(SHARD, 200n, fresh))).batchItemFailures).toEqual([]);
    expect((await logEntries('cis')).map((e) => e.n)).toEqual([1, 2, 3, 4, 5]);
    const deps = { ddb: new DynamoDBClient({ region: 'us-east-1' }), eventsTable: TABLE };
    // Start in the middle of the old items.
    const read = await readBatch(deps, { source: 'cis' }, { [SHARD]: padSeq('100') }, 10, {
      until: onlyThisShard(),
    });
    expect(read.entries.map((e) => JSON.parse(e.json))).toEqual([old[1], old[2], ...fresh]);
    const wm = await watermark();
    expect(
      await streamLag(deps, 'cis', { [SHARD]: padSeq('101') }, [
        { shardId: SHARD, seq: wm?.seq ?? '', counts: wm?.counts as never },
      ]),
    ).toBe(3);
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

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  consumeRecords,
  eventItem,
  type Projection,
  padSeq,
  type ShardRecord,
} from '../../functions/shared/log/index.js';
import { readBatch } from '../../functions/shared/streams/index.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { makeEvent } from '../support/kinesis-records.js';

const TABLE = 'read-events';
let ddb: FakeDynamo;
let n = 0;
let SHARD = '';
beforeAll(async () => {
  ddb = await fakeDynamo({ eventsTable: TABLE, controlTable: 'read-control' });
});
afterAll(() => ddb.restore());
beforeEach(() => {
  n++;
  SHARD = `shardId-${String(900 + n).padStart(12, '0')}`;
});
const retention = { cis: 30, verify: 30, risk: 30, admin: 30 };
const deps = () => ({
  ddb: new DynamoDBClient({ region: 'us-east-1' }),
  eventsTable: TABLE,
  retentionDays: retention,
});
const rec = (seq: number, e: object): ShardRecord => ({
  shardId: SHARD,
  sequenceNumber: String(seq),
  data: Buffer.from(JSON.stringify(e)),
});
/** Read no shard but this test's. */
const onlyThisShard = () => ({ [SHARD]: '9'.repeat(64) });

describe('reading the event log in chunks', () => {
  it('takes the events of a chunk only below the next chunk, so a retry that stored more than the first attempt is read in full', async () => {
    const [a, b, z, c] = [makeEvent(), makeEvent(), makeEvent(), makeEvent()];
    // An older record holds z's id until T: a duplicate on the first attempt, new on the retry after T.
    const T = Math.floor(Date.now() / 1000) + 100;
    const holder = eventItem({ ...z, type: 'user_logout' }, 'shardId-old', padSeq('1'), retention);
    await ddb.call('PutItem', { TableName: TABLE, Item: { ...holder, expires_at: { N: String(T) } } });
    let failing = true;
    const flaky: Projection = {
      name: 'flaky',
      apply: async (stored) =>
        new Set(failing ? stored.flatMap((s, k) => (s.event.id === b.id ? [k] : [])) : []),
    };
    const records = [rec(1, a), rec(2, b), rec(3, z), rec(4, c)];
    const first = await consumeRecords(records, {
      ...deps(),
      projections: [flaky],
      now: () => (T - 10) * 1000,
    });
    expect(first.failures).toEqual(['2']);
    failing = false;
    const retry = await consumeRecords(records.slice(1), {
      ...deps(),
      projections: [flaky],
      now: () => (T + 10) * 1000,
    });
    expect(retry).toMatchObject({ failures: [], stored: 3, duplicates: 0 });
    const read = await readBatch(deps(), { source: 'cis' }, {}, 10, { until: onlyThisShard() });
    expect(read.entries.map((e) => e.id)).toEqual([a.id, b.id, z.id, c.id]);
    // And from a position inside the first chunk.
    const from = await readBatch(deps(), { source: 'cis' }, { [SHARD]: padSeq('1') }, 10, {
      until: onlyThisShard(),
    });
    expect(from.entries.map((e) => e.id)).toEqual([b.id, z.id, c.id]);
  });

  it('counts expired events against the scan budget, so one call never reads an expired stretch to its end', async () => {
    const old = '2020-01-01T00:00:00.000Z';
    let seq = 1000;
    for (let batch = 0; batch < 30; batch++) {
      const records = Array.from({ length: 100 }, () =>
        rec(seq++, makeEvent({ received_at: old, timestamp: old })),
      );
      expect((await consumeRecords(records, deps())).failures).toEqual([]);
    }
    const fresh = makeEvent();
    await consumeRecords([rec(seq++, fresh)], deps());
    const before = ddb.log.length;
    const read = await readBatch(deps(), { source: 'cis' }, {}, 1, { until: onlyThisShard() });
    const queries = ddb.log.slice(before).filter((c) => c.op === 'Query').length;
    // The budget is 1,000 events (10 × at least 100): about a third of the stretch, then the call stops.
    expect(queries).toBeLessThan(20);
    expect(read.entries).toEqual([]);
    expect(read.hasMore).toBe(true);
    expect((read.positions[SHARD] ?? '') < padSeq('4000')).toBe(true);
    // Continuing from there, the stretch is passed in a few calls and the fresh event handed out.
    let positions = read.positions;
    const got: string[] = [];
    for (let i = 0; i < 10 && got.length === 0; i++) {
      const next = await readBatch(deps(), { source: 'cis' }, positions, 1, { until: onlyThisShard() });
      got.push(...next.entries.map((e) => e.id));
      positions = next.positions;
    }
    expect(got).toEqual([fresh.id]);
  });

  it('reads a recorded batch again to the same end when an event in it expired (an exporter retrying a delivery)', async () => {
    const expiredAt = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const e1 = makeEvent({ received_at: expiredAt, timestamp: expiredAt });
    const now = new Date().toISOString();
    const e2 = makeEvent({ received_at: now, timestamp: now });
    const e3 = makeEvent({ received_at: now, timestamp: now });
    await consumeRecords([rec(1, e1), rec(2, e2), rec(3, e3)], deps());
    const first = await readBatch(deps(), { source: 'cis' }, {}, 3, { until: onlyThisShard() });
    expect(first.entries.map((e) => e.id)).toEqual([e2.id, e3.id]);
    expect(first.taken).toBe(3);
    const again = await readBatch(deps(), { source: 'cis' }, {}, first.taken, { until: first.positions });
    expect(again.entries.map((e) => e.id)).toEqual([e2.id, e3.id]);
    expect(again.positions).toEqual(first.positions);
  });
});

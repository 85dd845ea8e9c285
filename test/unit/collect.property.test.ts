import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeRecords, type ShardRecord as KRecord } from '../../functions/shared/log/index.js';
import { type ActivityEvent, SOURCES, type Source } from '../../functions/shared/model/index.js';
import { collect, putNewStream, type StreamConfig } from '../../functions/shared/streams/index.js';
import { testCursorKey } from '../support/cursor-key.js';

import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';

let fake: FakeDynamo;
beforeAll(async () => {
  fake = await fakeDynamo({});
});
afterAll(() => fake.restore());

const RETENTION = Object.fromEntries(SOURCES.map((s) => [s, 90])) as Record<Source, number>;
const SOURCE: Source = 'cis';
let run = 0;

interface EventSpec {
  source: Source;
  shard: number;
  /** A client retry of this event (same id) arrives later on the same shard. */
  duplicate: boolean;
}

/**
 * A DynamoDB client whose every call waits for the fast-check scheduler before taking effect, and whose
 * BatchWriteItem is split into single puts that the scheduler lands in any order (some refused once as
 * unprocessed, the way a throttled batch write answers).
 */
function scheduledClient(s: fc.Scheduler, throttleOnce: Set<number>): DynamoDBClient {
  let writes = 0;
  const send = async (cmd: {
    input: Record<string, unknown>;
    constructor: { name: string };
  }): Promise<unknown> => {
    await s.schedule(Promise.resolve(), cmd.constructor.name);
    if (cmd instanceof BatchWriteItemCommand) {
      const [table, requests] = Object.entries(cmd.input.RequestItems ?? {})[0] as [
        string,
        Array<{ PutRequest: { Item: Record<string, AttributeValue> } }>,
      ];
      const unprocessed: typeof requests = [];
      await Promise.all(
        requests.map(async (r) => {
          const n = writes++;
          if (throttleOnce.has(n % 97)) {
            unprocessed.push(r);
            return;
          }
          await s.schedule(Promise.resolve(), 'put');
          await fake.client.send(new PutItemCommand({ TableName: table, Item: r.PutRequest.Item }));
        }),
      );
      return { UnprocessedItems: unprocessed.length > 0 ? { [table]: unprocessed } : {} };
    }
    return fake.client.send(cmd as never);
  };
  return { send } as unknown as DynamoDBClient;
}

/** Drive one shard like the event source mapping: sequential batches, retry from a reported failure. */
async function consumeShard(records: KRecord[], batch: number, deps: Parameters<typeof consumeRecords>[1]) {
  let i = 0;
  let guard = 0;
  while (i < records.length && guard++ < 1000) {
    const chunk = records.slice(i, i + batch);
    const res = await consumeRecords(chunk, deps);
    const failed = res.failures[0];
    i = failed === undefined ? i + chunk.length : records.findIndex((r) => r.sequenceNumber === failed);
  }
}

describe('collect (property)', () => {
  it('hands out every accepted event of the source exactly once, in shard order, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.record({
            source: fc.constantFrom<Source>('cis', 'cis', 'risk', 'admin'),
            shard: fc.integer({ min: 0, max: 2 }),
            duplicate: fc.boolean(),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 8 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 }),
        async (s, specs: EventSpec[], batchSizes, consumerBatch, throttle) => {
          run++;
          const events = `p${run}-events`;
          const control = `p${run}-control`;
          await fake.createTables({ eventsTable: events, controlTable: control });
          const ddb = scheduledClient(s, new Set(throttle));
          const streamId = `stream-${run}`;
          const config: StreamConfig = {
            stream_id: streamId,
            name: 'p',
            type: SOURCE,
            destination: { kind: 'custom' },
            batch_size: 5,
            enrichment: false,
            event_types: null,
            start_from: 'earliest',
            status: 'active',
            created_at: '',
            updated_at: '',
            created_by: 't',
          };
          await putNewStream({ ddb: fake.client, controlTable: control }, config, {});

          // Build each shard's records; a duplicate repeats an event's id later in its shard.
          const shards: KRecord[][] = [[], [], []];
          const seqs = [100n, 100n, 100n];
          const expected: string[][] = [[], [], []];
          const later: Array<{ shard: number; event: ActivityEvent }> = [];
          specs.forEach((spec, i) => {
            const at = new Date(Date.UTC(2026, 10, 24) + i).toISOString();
            const event: ActivityEvent = {
              id: `e${i}`,
              type: 'user_login',
              source: spec.source,
              tenant_id: 't',
              timestamp: at,
              received_at: at,
            };
            const push = (shard: number, e: ActivityEvent) => {
              const seq = (seqs[shard] as bigint) + BigInt(1 + (i % 3));
              seqs[shard] = seq;
              (shards[shard] as KRecord[]).push({
                shardId: `shard-${shard}`,
                sequenceNumber: String(seq),
                data: Buffer.from(JSON.stringify(e)),
              });
            };
            push(spec.shard, event);
            if (spec.source === SOURCE) (expected[spec.shard] as string[]).push(event.id);
            if (spec.duplicate)
              later.push({
                shard: spec.shard,
                event: { ...event, received_at: new Date(Date.parse(at) + 9).toISOString() },
              });
          });
          for (const d of later) {
            const seq = (seqs[d.shard] as bigint) + 1n;
            seqs[d.shard] = seq;
            (shards[d.shard] as KRecord[]).push({
              shardId: `shard-${d.shard}`,
              sequenceNumber: String(seq),
              data: Buffer.from(JSON.stringify(d.event)),
            });
          }

          const deps = {
            ddb,
            eventsTable: events,
            controlTable: control,
            retentionDays: RETENTION,
            cursorKey: testCursorKey,
          };
          const got: string[] = [];
          const collector = async (offset: number) => {
            for (let k = 0; k < batchSizes.length; k++) {
              const size = batchSizes[(k + offset) % batchSizes.length] as number;
              const res = await collect(
                { type: SOURCE, stream_id: streamId, batch_size: String(size) },
                { ...deps, maxAttempts: 50 },
              );
              got.push(...(JSON.parse(res.body) as { data: ActivityEvent[] }).data.map((e) => e.id));
            }
          };
          const work = Promise.all([
            ...shards.map((records) => consumeShard(records, consumerBatch, deps)),
            collector(0),
            collector(1),
          ]);
          await s.waitFor(work);

          // Drain what is left, without the scheduler.
          const plain = { ...deps, ddb: fake.client };
          for (let k = 0; k < 1000; k++) {
            const res = await collect({ type: SOURCE, stream_id: streamId, batch_size: '1000' }, plain);
            const data = (JSON.parse(res.body) as { data: ActivityEvent[] }).data;
            got.push(...data.map((e) => e.id));
            if (!res.hasMore && data.length === 0) break;
          }

          expect(new Set(got).size).toBe(got.length);
          expect([...got].sort()).toEqual(expected.flat().sort());
          for (const ids of expected) expect(got.filter((id) => ids.includes(id))).toEqual(ids);
        },
      ),
      { numRuns: 150 },
    );
    // 150 interleavings take ~10 s on a quiet machine; a loaded 2-core one has taken over 20 s.
  }, 90_000);
});

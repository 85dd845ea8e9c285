import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../functions/shared/ingest/index.js';
import { getEvent } from '../../functions/shared/log/index.js';
import {
  DomainError,
  KEY_VALUE_MAX,
  MAX_DEPTH,
  MAX_EVENT_BYTES,
} from '../../functions/shared/model/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { ctx } from '../support/http.js';

const EVENTS = 'p-events';
const CONTROL = 'p-control';
const SHARDS = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'];

let ddb: FakeDynamo;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
const kinesis = mockClient(KinesisClient);
let seq = 10_000_000n;
let puts: Array<{ shardId: string; seq: string; data: Uint8Array; key: string }> = [];

beforeAll(async () => {
  Object.assign(process.env, { EVENTS_TABLE: EVENTS, CONTROL_TABLE: CONTROL, RETENTION_DAYS: '90' });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
  kinesis.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => ({
    FailedRecordCount: 0,
    Records: input.Records.map((r) => {
      // Records of one id on one shard, as Kinesis routes by partition key.
      const shardId = SHARDS[
        [...String(r.PartitionKey)].reduce((h, c) => h + c.charCodeAt(0), 0) % 3
      ] as string;
      const s = String(seq++);
      puts.push({ shardId, seq: s, data: r.Data as Uint8Array, key: String(r.PartitionKey) });
      return { ShardId: shardId, SequenceNumber: s };
    }),
  }));
});
afterAll(() => {
  ddb.restore();
  kinesis.restore();
});

// ---- generators at the edges of what ingest accepts

/** Characters of 1, 2, 3 and 4 UTF-8 bytes (the last two UTF-16 units). */
const CHAR = fc.constantFrom('a', 'Z', '7', '-', 'é', 'ß', '€', '中', '😀', ' ', '"', '\\', '\n');
/** A string of `min`..`max` UTF-16 units, often at the maximum. */
const text = (min: number, max: number) =>
  fc
    .oneof(fc.constant(max), fc.integer({ min, max }))
    .chain((n) => fc.array(CHAR, { minLength: n, maxLength: n }))
    .map((chars) => {
      let s = '';
      for (const c of chars) if (s.length + c.length <= chars.length) s += c;
      return s.padEnd(chars.length, 'x');
    });
/** Client ids (a run prefix of 8 characters makes them unique across runs: the store outlives a run). */
const ID = fc
  .integer({ min: 1, max: 120 })
  .chain((n) => fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:@-]{${n - 1}}$`)));
/** Keys that are traps for object handling in JavaScript, beside ordinary ones. */
const KEY = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', ''), text(1, 20));
/** A JSON value nested exactly `depth` levels (objects and arrays alternating). */
const nested = (depth: number): unknown =>
  depth <= 1 ? { leaf: 'x' } : depth % 2 === 0 ? [nested(depth - 1)] : { n: nested(depth - 1) };
const DATA = fc.oneof(
  fc.dictionary(KEY, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
  // As deep as allowed: the event is level 1, data level 2.
  fc.constant({ deep: nested(MAX_DEPTH - 2) }),
  // Close to the size limit, in multibyte text.
  fc.integer({ min: 20_000, max: 21_600 }).map((n) => ({ blob: '€'.repeat(n) })),
);
const REFS = fc.record(
  {
    tenant_id: text(1, 128),
    app_id: text(1, 256),
    user_id: text(1, 256),
    actor_id: text(1, 256),
    target_resource_id: text(1, 256),
    ip: fc.oneof(fc.ipV4(), fc.constant('2001:db8::7')),
    user_agent: text(0, 1024),
  },
  { requiredKeys: [] },
);
const EVENT = fc.oneof(
  fc.record({ type: fc.constant('user_login'), id: ID, refs: REFS, data: DATA }),
  fc.record({ type: fc.constant('custom'), refs: REFS, data: DATA }),
  fc.record({
    type: fc.constant('create_user'),
    refs: REFS,
    data: fc.record({ email: fc.emailAddress() }),
  }),
  fc.record({
    type: fc.constantFrom('session_start', 'action_start', 'action_complete', 'session_error'),
    id: ID,
    refs: REFS,
    data: fc.record({
      journey_id: text(1, KEY_VALUE_MAX),
      step_id: text(1, KEY_VALUE_MAX),
      session_id: text(1, KEY_VALUE_MAX),
      reason: text(0, 100),
    }),
  }),
  fc.record({
    type: fc.constant('updateApp'),
    refs: REFS,
    changes: fc.dictionary(
      KEY.filter((k) => k !== ''),
      fc.record({ prev: fc.jsonValue({ maxDepth: 2 }), current: fc.jsonValue({ maxDepth: 2 }) }),
    ),
    data: fc.record({ app_name: text(1, 200) }),
  }),
);

describe('ingest and consume agree (property)', () => {
  it('stores every event ingest accepts: the id item, the log, journey counters and the directory, byte for byte', async () => {
    let accepted = 0;
    let run = 0;
    const rejected: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(EVENT, { minLength: 1, maxLength: 4 }), async (generated) => {
        // Distinct client ids within a request, as ingest requires.
        const seen = new Set<string>();
        run++;
        const events = generated.map(({ refs, ...e }) => {
          const out: Record<string, unknown> = { ...refs, ...e };
          if (typeof out.id === 'string') out.id = `r${String(run).padStart(6, '0')}.${out.id}`;
          if (typeof out.id === 'string' && seen.has(out.id)) delete out.id;
          if (typeof out.id === 'string') seen.add(out.id);
          return out;
        });
        puts = [];
        const body = JSON.stringify({ events });
        let ids: string[];
        try {
          ids = (await ingest(body, { kinesis: ready(new KinesisClient({})), streamName: 'p' })).body.ids;
        } catch (err) {
          // Only a precise rejection, never a failure of the service.
          expect(err).toBeInstanceOf(DomainError);
          expect((err as DomainError).kind).toBe('invalid');
          rejected.push(JSON.stringify((err as DomainError).details?.[0]));
          return;
        }
        accepted += ids.length;
        // The consumer gets the records shard by shard, as the event source mapping hands them over.
        for (const shardId of SHARDS) {
          const mine = puts.filter((p) => p.shardId === shardId);
          if (mine.length === 0) continue;
          const res = await consume(
            {
              Records: mine.map((p) => ({
                kinesis: {
                  kinesisSchemaVersion: '1.0',
                  partitionKey: p.key,
                  sequenceNumber: p.seq,
                  data: Buffer.from(p.data).toString('base64'),
                  approximateArrivalTimestamp: Date.now() / 1000,
                },
                eventSource: 'aws:kinesis',
                eventVersion: '1.0',
                eventID: `${shardId}:${p.seq}`,
                eventName: 'aws:kinesis:record',
                invokeIdentityArn: 'arn:aws:iam::123456789012:role/consume',
                awsRegion: 'us-east-1',
                eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/p',
              })),
            },
            ctx('consume'),
          );
          expect(res.batchItemFailures).toEqual([]);
        }
        for (const [i, id] of ids.entries()) {
          const stored = await getEvent(ddb.client, EVENTS, id);
          const sent = JSON.parse(Buffer.from(puts[i]?.data as Uint8Array).toString('utf8'));
          delete sent.$o;
          // Kept exactly: `__proto__`, `constructor` and `prototype` keys included.
          expect(JSON.stringify(stored)).toBe(JSON.stringify(sent));
          expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
          const input = events[i] as { type: string; data?: Record<string, string> };
          if (input.type.startsWith('session_') || input.type.startsWith('action_')) {
            const counters = await ddb.call('Query', {
              TableName: EVENTS,
              KeyConditionExpression: 'pk = :p',
              FilterExpression: 'journey = :j',
              ExpressionAttributeValues: {
                ':p': { S: `J#${puts[i]?.shardId}` },
                ':j': { S: input.data?.journey_id as string },
              },
            });
            expect(counters.Items ?? [], 'journey counters').not.toHaveLength(0);
          }
          if (input.type === 'create_user' && (stored as { user_id?: string }).user_id) {
            const entry = await ddb.call('GetItem', {
              TableName: CONTROL,
              Key: { pk: { S: `D#users#${(stored as { user_id: string }).user_id}` }, sk: { S: 'D' } },
            });
            const item = entry.Item as Record<string, { S?: string }> | undefined;
            expect(item?.email?.S, 'directory entry').toBe(input.data?.email);
          }
        }
      }),
      { numRuns: 40 },
    );
    // The generators are for accepted events: most runs must get through ingest.
    expect(accepted, rejected.join('\n')).toBeGreaterThan(40);
    if (process.env.SHOW_REJECTED) console.log(accepted, rejected);
  }, 120_000);
});

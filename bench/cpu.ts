import { Readable } from 'node:stream';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { forgetSharedDirectoryCache, writeEntry } from '../functions/shared/directory/index.js';
import { chunkItems, eventItem, padSeq } from '../functions/shared/log/index.js';

import type { ActivityEvent } from '../functions/shared/model/index.js';
import { fakeDynamo } from '../test/support/dynamo.js';
import { BENCH_NAMES } from './lib/env.js';
import { APPS, eventGenerator, ingestBody, USERS, userEmail, userId } from './lib/events.js';
import { call, consume, events, loadHandlers } from './lib/harness.js';
import { FakeStream, type StreamedRecord } from './lib/kinesis.js';
import { round, type Subject, type Timing, type TimingOptions, timeInterleaved } from './lib/stats.js';
import { captureOutput, stubSend } from './lib/stub.js';

/**
 * Group 1: handler CPU per event. Each real handler runs over the same events at several batch sizes with its
 * SDK clients stubbed (responses the real services would give), and is compared with the floor measured in
 * the same run: JSON.parse of the request body plus JSON.stringify of each event.
 */

/**
 * `collect_enriched`: the steady state, the directory unchanged since the invocation before (its lookups kept
 * across invocations, one version read per call); `collect_enriched_cold`: the first collect after the
 * directory changed (every id looked up again).
 */
export const CPU_PATHS = [
  'floor',
  'ingest',
  'consume',
  'collect',
  'collect_enriched',
  'collect_enriched_cold',
] as const;
export type CpuPath = (typeof CPU_PATHS)[number];

export interface CpuOptions {
  batchSizes: readonly number[];
  timing: TimingOptions;
  /** Log progress lines (stderr). */
  progress?: (line: string) => void;
}

export interface CpuCell {
  path: CpuPath;
  batch: number;
  us_per_event: number;
  us_per_invocation: number;
  /** us_per_event / floor us_per_event at the same batch size. */
  ratio_to_floor: number;
  spread_us_per_event: [number, number];
}

export interface SdkCost {
  /** SDK CPU of one DynamoDB call (PutItem of an id item: serialise, sign, parse the response). */
  dynamodb_call_us: number;
  /** Extra SDK CPU per item a DynamoDB read returns (measured on a Query of 100 log items). */
  dynamodb_item_us: number;
  /** SDK CPU of one PutRecords call, and per record in it. */
  kinesis_call_us: number;
  kinesis_record_us: number;
}

export interface CpuResult {
  batch_sizes: number[];
  mean_event_bytes: number;
  cells: CpuCell[];
  /** collect_enriched / collect − 1, per batch size (the steady state: the directory unchanged). */
  enrichment_overhead: Record<string, number>;
  /** collect_enriched_cold / collect − 1, per batch size (the first collect after the directory changed). */
  enrichment_overhead_cold?: Record<string, number>;
  sdk: SdkCost;
}

const cell = (path: CpuPath, batch: number, t: Timing, floorUsPerEvent: number): CpuCell => ({
  path,
  batch,
  us_per_event: round(t.us / batch),
  us_per_invocation: round(t.us),
  ratio_to_floor: round(t.us / batch / floorUsPerEvent),
  spread_us_per_event: [round(t.minUs / batch), round(t.maxUs / batch)],
});

/** What ingest puts on the stream for these input events: the stored form, exactly as encoded by the handler. */
async function storedForm(body: string): Promise<Array<{ data: Uint8Array; partitionKey: string }>> {
  const h = await loadHandlers();
  const stream = new FakeStream(1, true);
  const undo = stubSend(KinesisClient, stream.respond);
  try {
    await call(h.ingest, events.ingest(body), 'ingest', 202);
  } finally {
    undo();
  }
  return (stream.shards.get(stream.shardIds[0] as string) ?? []).map((r) => ({
    data: r.data,
    partitionKey: r.partitionKey,
  }));
}

/** One shard's batch as the event source mapping hands it to consume. */
function shardBatch(stored: Array<{ data: Uint8Array; partitionKey: string }>): StreamedRecord[] {
  return stored.map((s, i) => ({
    shardId: 'shardId-000000000000',
    sequenceNumber: `4960${String(1000 + i).padStart(52, '0')}`,
    partitionKey: s.partitionKey,
    data: s.data,
  }));
}

/**
 * Record what DynamoDB answers to one collect call of `batch` events on a real (in-process) store, then
 * replay those answers to the handler: the timed loop runs the handler's own code on real query results,
 * without the store's cost. Answers are replayed in the order they were recorded, each checked against a
 * cheap fingerprint of its request, so a changed call pattern fails loudly without the check costing more
 * than the code it times.
 */
async function collectReplays(
  batchSizes: readonly number[],
  maxBatch: number,
): Promise<Map<string, { streamId: string; answers: Recorded[] }>> {
  const h = await loadHandlers();
  const fake = await fakeDynamo({
    eventsTable: BENCH_NAMES.eventsTable,
    controlTable: BENCH_NAMES.controlTable,
  });
  fake.restore();
  let recording: Recorded[] | undefined;
  const undoDdb = stubSend(DynamoDBClient, async (op, input) => {
    const out = await fake.call(op as never, input);
    recording?.push({ key: replayKey(op, input), answer: out });
    return out;
  });
  const stream = new FakeStream(4, true);
  const undoKinesis = stubSend(KinesisClient, stream.respond);
  const out = new Map<string, { streamId: string; answers: Recorded[] }>();
  const logs = captureOutput();
  try {
    // The directory knows every user and app (as after a bulk sync), so enrichment finds what it looks up.
    const deps = { ddb: new DynamoDBClient({}), controlTable: BENCH_NAMES.controlTable };
    for (let u = 0; u < USERS; u++) await writeEntry(deps, 'users', userId(u), { email: userEmail(u) }, 1);
    for (const a of APPS) await writeEntry(deps, 'apps', a, { name: `The ${a} app` }, 1);
    // Store maxBatch events through ingest and consume, spread over 4 shards as Kinesis spreads them.
    const gen = eventGenerator(7, { withIds: 0.5, idPrefix: 'collect' });
    for (let left = maxBatch; left > 0; left -= 500)
      await call(h.ingest, events.ingest(ingestBody(gen.next(Math.min(500, left)))), 'ingest', 202);
    for (const records of stream.shards.values()) if (records.length > 0) await consume(h.consume, records);
    for (const enrichment of [false, true]) {
      for (const batch of batchSizes) {
        const res = await call(
          h.streams,
          events.createStream({
            name: `cpu-${batch}`,
            type: 'cis',
            start_from: 'earliest',
            enrichment,
            batch_size: batch,
          }),
          'streams',
          201,
        );
        const streamId = (JSON.parse(res.body ?? '{}') as { stream_id: string }).stream_id;
        recording = [];
        // Recorded with no lookups kept from an earlier call: the recording holds every BatchGetItem.
        forgetSharedDirectoryCache();
        const got = await call(h.collect, events.collect(streamId), 'collect', 200);
        const n = (JSON.parse(got.body ?? '{}') as { data: unknown[] }).data.length;
        if (n !== batch) throw new Error(`collect returned ${n} events, expected ${batch}`);
        out.set(`${enrichment}:${batch}`, { streamId, answers: recording });
        recording = undefined;
      }
    }
  } finally {
    logs.restore();
    undoDdb();
    undoKinesis();
  }
  return out;
}

interface Recorded {
  key: string;
  answer: unknown;
}

/** A fingerprint of a request: its operation and what names its target (times such as `now` are excluded). */
function replayKey(op: string, input: Record<string, unknown>): string {
  if (op === 'GetItem') return `${op}:${(input.Key as { pk?: { S?: string } }).pk?.S}`;
  if (op === 'Query') {
    const values = input.ExpressionAttributeValues as Record<string, { S?: string }>;
    return `${op}:${values[':pk']?.S}:${String(input.Limit)}`;
  }
  if (op === 'BatchGetItem') {
    const keys = Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>)[0]?.Keys ?? [];
    return `${op}:${keys.length}`;
  }
  return op;
}

/** A DynamoDB responder replaying `answers` in order; `restart()` before each invocation. */
/**
 * Answers a collect's DynamoDB calls from a recording, in order. `warm`: a recorded directory lookup the call
 * does not make (its ids are in the cache kept across invocations) is passed over.
 */
function replayer(answers: readonly Recorded[], warm = false) {
  let next = 0;
  return {
    restart: () => {
      next = 0;
    },
    respond: (op: string, input: Record<string, unknown>) => {
      const key = replayKey(op, input);
      while (warm && op !== 'BatchGetItem' && answers[next]?.key.startsWith('BatchGetItem')) next++;
      const r = answers[next++];
      if (r?.key !== key)
        throw new Error(`collect replay: call ${next} is ${key}, recorded ${r?.key ?? 'none'}`);
      return r.answer;
    },
  };
}

/** SDK clients with their HTTP layer answered in memory: what the SDK itself costs per call. */
async function sdkCost(timing: TimingOptions, sample: ActivityEvent): Promise<SdkCost> {
  const responder = (body: () => string) => ({
    handle: async () => ({
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: Readable.from([Buffer.from(body())]),
      },
    }),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  });
  const credentials = { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret' };
  const retention = { cis: 90, verify: 90, risk: 90, admin: 90 };
  const seq = padSeq('4960000000000000000000000000000000000000000000000000001');
  const item = eventItem(sample, 'shardId-000000000000', seq, retention);
  const put = new DynamoDBClient({
    region: 'us-east-1',
    credentials,
    requestHandler: responder(() => '{}') as never,
  });
  const putCall = () => put.send(new PutItemCommand({ TableName: 't', Item: item }));
  // A collect's read of the log: one chunk of 100 events.
  const items = chunkItems(
    Array.from({ length: 100 }, (_, i) => ({
      event: sample,
      shardId: 'shardId-000000000000',
      seq: padSeq(String(1000 + i)),
      n: i + 1,
    })),
    retention,
  ).map((c) => c.item);
  const queryBody = JSON.stringify({ Items: items, Count: items.length, ScannedCount: items.length });
  const query = new DynamoDBClient({
    region: 'us-east-1',
    credentials,
    requestHandler: responder(() => queryBody) as never,
  });
  const queryCall = () =>
    query.send(
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'L#cis#shardId-000000000000' } },
      }),
    );
  const data = Buffer.from(JSON.stringify(sample));
  const kinesisFor = (n: number) => {
    const body = JSON.stringify({
      FailedRecordCount: 0,
      Records: Array.from({ length: n }, (_, i) => ({
        ShardId: 'shardId-000000000000',
        SequenceNumber: String(i),
      })),
    });
    const client = new KinesisClient({
      region: 'us-east-1',
      credentials,
      requestHandler: responder(() => body) as never,
    });
    const records = Array.from({ length: n }, () => ({ Data: data, PartitionKey: sample.id }));
    return () => client.send(new PutRecordsCommand({ StreamName: 's', Records: records }));
  };
  const t = await timeInterleaved(
    [
      { name: 'put', fn: putCall },
      { name: 'query', fn: queryCall },
      { name: 'k1', fn: kinesisFor(1) },
      { name: 'k100', fn: kinesisFor(100) },
    ],
    timing,
  );
  const [putT, queryT, k1, k100] = ['put', 'query', 'k1', 'k100'].map((n) => t.get(n) as Timing) as [
    Timing,
    Timing,
    Timing,
    Timing,
  ];
  const perRecord = Math.max(0, (k100.us - k1.us) / 99);
  return {
    dynamodb_call_us: round(putT.us),
    dynamodb_item_us: round(Math.max(0, (queryT.us - putT.us) / 100)),
    kinesis_call_us: round(Math.max(0, k1.us - perRecord)),
    kinesis_record_us: round(perRecord),
  };
}

export async function runCpu(opts: CpuOptions): Promise<CpuResult> {
  const log = opts.progress ?? (() => undefined);
  // The cursor key, read once per container on the first collect (no call at all in the timed rounds).
  const undoSecrets = stubSend(SecretsManagerClient, () => ({ SecretString: 'bench-cursor-key' }));
  try {
    return await runCpuRounds(opts, log);
  } finally {
    undoSecrets();
  }
}

async function runCpuRounds(opts: CpuOptions, log: (line: string) => void): Promise<CpuResult> {
  const h = await loadHandlers();
  const sizes = [...opts.batchSizes].sort((a, b) => a - b);
  const maxBatch = sizes[sizes.length - 1] ?? 1;
  log('cpu: recording collect answers');
  const replays = await collectReplays(sizes, maxBatch);
  const cells: CpuCell[] = [];
  let eventBytes = 0;
  let sample: ActivityEvent | undefined;

  for (const batch of sizes) {
    const body = ingestBody(eventGenerator(42, { withIds: 0.5 }).next(batch));
    const stored = await storedForm(body);
    eventBytes = stored.reduce((a, s) => a + s.data.byteLength, 0) / stored.length;
    sample ??= JSON.parse(Buffer.from(stored[0]?.data ?? []).toString('utf8')) as ActivityEvent;
    const records = shardBatch(stored);
    const ingestEvent = events.ingest(body);
    const noKeep = new FakeStream(4, false);
    const subjects: Subject[] = [
      // Floor: parse the request, serialise each event.
      {
        name: 'floor',
        fn: async () => {
          const parsed = JSON.parse(body) as { events: unknown[] };
          for (const e of parsed.events) JSON.stringify(e);
        },
      },
      // Ingest: validation and record encoding; PutRecords answered by a stub that accepts everything.
      {
        name: 'ingest',
        fn: () => call(h.ingest, ingestEvent, 'ingest', 202),
        setup: () => stubSend(KinesisClient, noKeep.respond),
      },
      // Consume: decode and item building; every DynamoDB write succeeds (new ids, no watermark yet).
      {
        name: 'consume',
        fn: () => consume(h.consume, records),
        setup: () =>
          stubSend(DynamoDBClient, (op) => (op === 'BatchWriteItem' ? { UnprocessedItems: {} } : {})),
      },
    ];
    // Collect: the query results of a real store, replayed; enrichment off, on (the directory unchanged since
    // the last call, as in steady operation), and on right after the directory changed (nothing cached).
    const variants = [
      { name: 'collect', enrichment: false, warm: false },
      { name: 'collect_enriched', enrichment: true, warm: true },
      { name: 'collect_enriched_cold', enrichment: true, warm: false },
    ] as const;
    for (const v of variants) {
      const r = replays.get(`${v.enrichment}:${batch}`);
      if (!r) throw new Error(`no collect recording for batch ${batch}`);
      const replay = replayer(r.answers, v.warm);
      const collectEvent = events.collect(r.streamId);
      const fn = () => {
        replay.restart();
        if (!v.warm) forgetSharedDirectoryCache();
        return call(h.collect, collectEvent, 'collect', 200);
      };
      // The warm variant's sample starts with the lookups cached (another variant may have dropped them).
      subjects.push({
        name: v.name,
        fn,
        setup: () => stubSend(DynamoDBClient, replay.respond),
        ...(v.warm ? { prepare: fn } : {}),
      });
    }
    const out = captureOutput();
    const undoS3 = stubSend(S3Client, () => ({}));
    let timings: Map<string, Timing>;
    try {
      timings = await timeInterleaved(subjects, opts.timing);
    } finally {
      undoS3();
      out.restore();
    }
    const floorPerEvent = (timings.get('floor') as Timing).us / batch;
    for (const path of CPU_PATHS) cells.push(cell(path, batch, timings.get(path) as Timing, floorPerEvent));
    const at = cells.filter((c) => c.batch === batch);
    log(`cpu: batch ${batch}: ${at.map((c) => `${c.path} ${c.us_per_event} µs/event`).join(', ')}`);
  }
  const enrichment_overhead: Record<string, number> = {};
  const enrichment_overhead_cold: Record<string, number> = {};
  for (const batch of sizes) {
    const plain = cells.find((c) => c.path === 'collect' && c.batch === batch);
    const rich = cells.find((c) => c.path === 'collect_enriched' && c.batch === batch);
    const cold = cells.find((c) => c.path === 'collect_enriched_cold' && c.batch === batch);
    if (plain && cold)
      enrichment_overhead_cold[String(batch)] = round(cold.us_per_event / plain.us_per_event - 1);
    if (plain && rich) enrichment_overhead[String(batch)] = round(rich.us_per_event / plain.us_per_event - 1);
  }
  log('cpu: SDK cost per call');
  const sdk = await sdkCost(opts.timing, sample as ActivityEvent);
  return {
    batch_sizes: sizes,
    mean_event_bytes: Math.round(eventBytes),
    cells,
    enrichment_overhead,
    enrichment_overhead_cold,
    sdk,
  };
}

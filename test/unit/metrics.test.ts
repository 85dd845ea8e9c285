import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { putFailedBatch } from '../../functions/shared/destinations/index.js';
import { type ExportDeps, redriveStream, runExports } from '../../functions/shared/export/index.js';
import type { ActivityEvent } from '../../functions/shared/model/index.js';
import type { MetricName } from '../../functions/shared/platform/index.js';
import { mockCursorSecret } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { exportDeps } from '../support/export-deps.js';
import { apiEvent, createStream, ctx, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';
import { fakeS3 } from '../support/s3.js';

// The unit project keeps metrics off (vitest.config.ts); this file loads the handlers with them on, before
// any import reaches platform/metrics.ts (Powertools reads the variable once, as the module loads).
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const EVENTS = 'm-events';
const CONTROL = 'm-control';
let ddb: FakeDynamo;
let kin: ReturnType<typeof fakeKinesis>;
let s3: ReturnType<typeof fakeS3>;
let sm: ReturnType<typeof mockCursorSecret>;
let ingest: unknown;
let streams: unknown;
let collect: unknown;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
let exporter: (e: unknown, c: unknown) => Promise<unknown>;

/** One EMF document as CloudWatch reads it from a log line. */
interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [key: string]: unknown;
}

/** Everything the handlers write to stdout during `fn`, as the EMF documents among it. */
async function emitted(fn: () => Promise<unknown>): Promise<Emf[]> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return out
    .flatMap((c) => c.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((d): d is Emf => '_aws' in d);
}

/** The documents' values of one metric, with the dimensions each was emitted under. */
const valuesOf = (docs: Emf[], name: MetricName) =>
  docs
    .filter((d) => d._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === name))
    .map((d) => ({
      value: d[name],
      dimensions: d._aws.CloudWatchMetrics[0]?.Dimensions,
      ...(d.StreamId ? { streamId: d.StreamId } : {}),
    }));

let seq = 70_000n;
const batch = (events: ActivityEvent[], shard = 'shardId-000000000000') => {
  const b = kinesisBatch(shard, seq, events);
  seq += BigInt(events.length) + 10n;
  return b;
};

const newStream = (body: Record<string, unknown>) => createStream(streams, { name: 'm', ...body });

const patch = (id: string, body: unknown) =>
  invoke(
    streams,
    apiEvent({
      method: 'PATCH',
      path: `/activities/v1/streams/${id}`,
      routeKey: 'PATCH /activities/v1/streams/{stream_id}',
      pathParameters: { stream_id: id },
      body,
    }),
  );

beforeAll(async () => {
  sm = mockCursorSecret();
  Object.assign(process.env, {
    EVENTS_TABLE: EVENTS,
    CONTROL_TABLE: CONTROL,
    EVENT_STREAM: 'm-stream',
    RETENTION_DAYS: '90',
    EXPORT_BUCKET: 'exports',
    FAILED_BUCKET: 'failed',
  });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  kin = fakeKinesis(2);
  s3 = fakeS3();
  ingest = (await import('../../functions/ingest/handler.js')).handler;
  streams = (await import('../../functions/streams/handler.js')).handler;
  collect = (await import('../../functions/collect/handler.js')).handler;
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
  exporter = (await import('../../functions/export/handler.js')).handler as typeof exporter;
});
afterAll(() => {
  ddb.restore();
  kin.restore();
  s3.restore();
  sm.restore();
});
beforeEach(() => s3.setFault(undefined));
afterEach(() => vi.restoreAllMocks());

describe('metrics the handlers emit (EMF)', () => {
  it('ingest counts accepted events in one document per request, in the ActivityEvents namespace by service', async () => {
    const docs = await emitted(() =>
      invoke(
        ingest,
        apiEvent({
          method: 'POST',
          path: '/activities/v1/activities',
          body: { events: [{ type: 'user_login' }, { type: 'user_logout' }, { type: 'sms_sent' }] },
        }),
      ),
    );
    expect(docs).toHaveLength(1);
    const doc = docs[0] as Emf;
    expect(doc._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'ActivityEvents',
        Dimensions: [['service']],
        Metrics: expect.arrayContaining([
          { Name: 'EventsAccepted', Unit: 'Count' },
          { Name: 'PublishFailures', Unit: 'Count' },
        ]),
      },
    ]);
    expect(doc).toMatchObject({ service: 'activity-events', EventsAccepted: 3, PublishFailures: 0 });
  });

  it('ingest counts every event of a request refused as invalid, and the events the stream still refused', async () => {
    const refused = await emitted(() =>
      invoke(
        ingest,
        apiEvent({
          method: 'POST',
          path: '/activities/v1/activities',
          body: { events: [{ type: 'user_login' }, { type: 'no_such_type' }] },
        }),
      ),
    );
    expect(valuesOf(refused, 'EventsRejected')).toEqual([{ value: 2, dimensions: [['service']] }]);
    expect(valuesOf(refused, 'EventsAccepted')).toEqual([]);

    // The stream refuses the logout every time it is retried, and takes the rest.
    const refusedType = (r: { Data?: Uint8Array }) =>
      Buffer.from(r.Data ?? new Uint8Array())
        .toString('utf8')
        .includes('"user_logout"');
    kin.mock.on(PutRecordsCommand).callsFake((input: { Records: Array<{ Data?: Uint8Array }> }) => ({
      FailedRecordCount: input.Records.filter(refusedType).length,
      Records: input.Records.map((r, i) =>
        refusedType(r)
          ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' }
          : { ShardId: 'shardId-000000000000', SequenceNumber: String(900 + i) },
      ),
    }));
    try {
      const partial = await emitted(() =>
        invoke(
          ingest,
          apiEvent({
            method: 'POST',
            path: '/activities/v1/activities',
            body: { events: [{ type: 'user_login' }, { type: 'user_logout' }] },
          }),
        ),
      );
      expect(partial[0]).toMatchObject({ EventsAccepted: 1, PublishFailures: 1 });
    } finally {
      kin.restore();
      kin = fakeKinesis(2);
    }
  });

  it('ingest writes no document for a body it could not read, and no warning about it', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      out.push(String(c));
      return true;
    });
    const res = await invoke(
      ingest,
      apiEvent({ method: 'POST', path: '/activities/v1/activities', rawBody: 'not json' }),
    ).finally(() => spy.mockRestore());
    expect(res.status).toBe(400);
    expect(out.join('')).not.toContain('_aws');
    expect(out.join('')).not.toContain('No application metrics');
  });

  it('consume counts the events it stored and the duplicates it dropped, per batch', async () => {
    const events = [makeEvent(), makeEvent()];
    const first = await emitted(() => consume(batch(events), ctx('consume')));
    expect(first[0]).toMatchObject({ EventsStored: 2, EventsDuplicate: 0 });
    // The same events again (a client retry under the same ids): nothing stored twice.
    const again = await emitted(() => consume(batch(events), ctx('consume')));
    expect(again[0]).toMatchObject({ EventsStored: 0, EventsDuplicate: 2 });
  });

  it('collect counts the events of each batch per stream (StreamId) and service-wide', async () => {
    const id = await newStream({ type: 'admin', destination: { kind: 'custom' } });
    await emitted(() => consume(batch([makeEvent({ source: 'admin', type: 'adminLogin' })]), ctx('consume')));
    const docs = await emitted(() =>
      invoke(
        collect,
        apiEvent({
          method: 'POST',
          path: '/activities/v1/activities/collect',
          query: { type: 'admin', stream_id: id },
        }),
      ),
    );
    expect(valuesOf(docs, 'EventsCollected')).toEqual([
      { value: 1, dimensions: [['service', 'StreamId']], streamId: id },
      { value: 1, dimensions: [['service']] },
    ]);
  });

  it('the exporter counts delivered events and lag per stream, and the streams in error, on every run', async () => {
    const good = await newStream({ type: 'cis', destination: { kind: 's3', prefix: 'good' } });
    const denied = await newStream({ type: 'cis', destination: { kind: 's3', prefix: 'denied' } });
    const held = await newStream({ type: 'cis', destination: { kind: 's3', prefix: 'held' } });
    expect((await patch(held, { status: 'paused' })).status).toBe(200);
    await emitted(() => consume(batch([makeEvent(), makeEvent(), makeEvent()]), ctx('consume')));
    s3.setFault((op, input) => {
      if (op === 'PutObject' && String(input.Key).startsWith('denied/'))
        throw Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
    });
    const first = await emitted(() => exporter({}, ctx('export')));
    // Every cis event stored in this file so far (the consume test's two and these three; ingest's went to
    // the mocked stream only) went to the good stream, in one batch.
    expect(valuesOf(first, 'DeliveredEvents')).toEqual([
      { value: 5, dimensions: [['service', 'StreamId']], streamId: good },
      { value: 5, dimensions: [['service']] },
    ]);
    expect(valuesOf(first, 'DeliveryFailures')).toContainEqual({
      value: 1,
      dimensions: [['service', 'StreamId']],
      streamId: denied,
    });
    expect(valuesOf(first, 'Lag')).toContainEqual({
      value: 0,
      dimensions: [['service', 'StreamId']],
      streamId: good,
    });
    // Counted at the start of a run: the next run sees the stream the first put in error. A stream a person
    // paused is not counted.
    const second = await emitted(() => exporter({}, ctx('export')));
    expect(valuesOf(second, 'StreamsInError')).toEqual([{ value: 1, dimensions: [['service']] }]);
    expect(valuesOf(second, 'StreamsPaused')).toEqual([{ value: 0, dimensions: [['service']] }]);
  });
});

describe('metrics the exporter counts (domain, injected sink)', () => {
  it('counts a stream the exporter paused after the pause window, never one a person paused', async () => {
    let clock = Date.parse('2026-11-24T12:00:00Z');
    const seen: Array<{ name: MetricName; value: number; streamId?: string }> = [];
    const deps = (over: Partial<ExportDeps> = {}): ExportDeps =>
      exportDeps(
        { ddb: ddb.client, eventsTable: EVENTS, controlTable: CONTROL, streamName: 'm-stream' },
        { now: () => clock, metrics: (m) => seen.push(m), ...over },
      );
    const failing = await newStream({ type: 'admin', destination: { kind: 's3', prefix: 'busy' } });
    await emitted(() => consume(batch([makeEvent({ source: 'admin', type: 'adminLogin' })]), ctx('consume')));
    s3.setFault((op, input) => {
      if (op === 'PutObject' && String(input.Key).startsWith('busy/'))
        throw Object.assign(new Error('Slow Down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    });
    const paused = () => seen.filter((m) => m.name === 'StreamsPaused').map((m) => m.value);
    await runExports(deps());
    clock += 25 * 3_600_000;
    await runExports(deps());
    expect(paused()).toEqual([0, 0]);
    const failures = seen.filter((m) => m.name === 'DeliveryFailures' && m.streamId === failing);
    expect(failures).toEqual([
      { name: 'DeliveryFailures', value: 1, streamId: failing },
      { name: 'DeliveryFailures', value: 1, streamId: failing },
    ]);
    // The second run paused it: the third counts it, as every later run does until it is resumed.
    await runExports(deps());
    expect(paused()).toEqual([0, 0, 1]);
    expect((await patch(failing, { status: 'active' })).status).toBe(200);
    s3.setFault(undefined);
    await runExports(deps());
    expect(paused()).toEqual([0, 0, 1, 0]);
    // Its backlog: the admin events of this file (the collect test's and this one).
    expect(seen.filter((m) => m.name === 'DeliveredEvents' && m.streamId === failing)).toEqual([
      { name: 'DeliveredEvents', value: 2, streamId: failing },
    ]);
  });

  it('counts the events a redrive delivered, per stream', async () => {
    const seen: Array<{ name: MetricName; value: number; streamId?: string }> = [];
    const id = await newStream({ type: 'cis', destination: { kind: 's3', prefix: 'again' } });
    const lines = [makeEvent(), makeEvent()].map((e) => JSON.stringify(e));
    await putFailedBatch(
      new S3Client({}),
      'failed',
      { streamId: id, source: 'cis', lines, firstId: 'a', lastId: 'b', firstAt: Date.now(), sent: 0 },
      'rejected once',
      's3',
    );
    const result = await redriveStream(
      exportDeps(
        { ddb: ddb.client, eventsTable: EVENTS, controlTable: CONTROL, streamName: 'm-stream' },
        { metrics: (m) => seen.push(m) },
      ),
      id,
    );
    expect(result).toMatchObject({ redriven_events: 2 });
    expect(seen).toEqual([{ name: 'RedrivenEvents', value: 2, streamId: id }]);
  });
});

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forgetSecret, gcsClient, objectKey } from '../../functions/shared/destinations/index.js';
import {
  type ExportDeps,
  exportStream,
  redriveStream,
  runExports,
} from '../../functions/shared/export/index.js';

import type { ActivityEvent } from '../../functions/shared/model/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';
import {
  acquireLease,
  getStream,
  releaseLease,
  setStreamStatus,
} from '../../functions/shared/streams/index.js';

import { useCursorSecretEnv } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { exportDeps } from '../support/export-deps.js';
import { requestText } from '../support/hec-receiver.js';
import { apiEvent, createStream, ctx, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';
import { fakeS3 } from '../support/s3.js';

const EVENTS = 'x-events';
const CONTROL = 'x-control';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/hec-AbCdEf';
let ddb: FakeDynamo;
let kin: ReturnType<typeof fakeKinesis>;
let s3: ReturnType<typeof fakeS3>;
const sm = mockClient(SecretsManagerClient);
let streams: unknown;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;

beforeAll(async () => {
  useCursorSecretEnv();
  Object.assign(process.env, {
    EVENTS_TABLE: EVENTS,
    CONTROL_TABLE: CONTROL,
    EVENT_STREAM: 'x-stream',
    RETENTION_DAYS: '90',
    EXPORT_BUCKET: 'exports',
  });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  kin = fakeKinesis(2);
  s3 = fakeS3();
  streams = (await import('../../functions/streams/handler.js')).handler;
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
});
afterAll(() => {
  ddb.restore();
  kin.restore();
  s3.restore();
  sm.restore();
});
beforeEach(() => {
  ddb.setFault(undefined);
  s3.setFault(undefined);
  sm.reset();
  forgetSecret();
  sm.on(GetSecretValueCommand).resolves({ SecretString: 'good-token' });
});

let hecReplies: Array<[number, unknown]> = [];
const hecReceived: ActivityEvent[] = [];
const fakeFetch = (async (_url: string, init: RequestInit) => {
  const [status, body] = hecReplies.shift() ?? [200, { code: 0 }];
  const sent = requestText(init);
  if (status === 200)
    for (const l of sent.split('\n')) hecReceived.push((JSON.parse(l) as { event: ActivityEvent }).event);
  return new Response(JSON.stringify(body), { status });
}) as unknown as typeof fetch;

let clock = Date.parse('2026-11-24T12:00:00Z');
function deps(over: Partial<ExportDeps> = {}): ExportDeps {
  return exportDeps(
    { ddb: ddb.client, eventsTable: EVENTS, controlTable: CONTROL, streamName: 'x-stream' },
    { fetch: fakeFetch, now: () => clock, ...over },
  );
}

const newStream = (body: Record<string, unknown>) => createStream(streams, { name: 'x', ...body });

let seq = 50_000n;
async function store(events: ActivityEvent[], shard = 'shardId-000000000000') {
  const res = await consume(kinesisBatch(shard, seq, events), ctx());
  seq += BigInt(events.length) + 10n;
  expect(res.batchItemFailures).toEqual([]);
}

describe('object keys', () => {
  it('derive from the batch: prefix, source, hive partitions of the first event, stream and first/last ids', () => {
    const b = {
      source: 'cis',
      streamId: 'S1',
      firstId: 'A',
      lastId: 'Z',
      firstAt: Date.parse('2026-11-24T07:59:59.999Z'),
    };
    expect(objectKey('audit/x', b)).toBe('audit/x/cis/dt=2026-11-24/hour=07/S1-A-Z.ndjson.gz');
    expect(objectKey(undefined, b)).toBe('cis/dt=2026-11-24/hour=07/S1-A-Z.ndjson.gz');
    expect(objectKey('p', b)).toBe(objectKey('p', { ...b }));
  });

  it('GCS goes through the S3 client with its endpoint, path-style, region auto, checksums only when required', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: '{"access_key_id":"GOOG1E","secret_access_key":"s3cr3t"}',
    });
    const client = await gcsClient(
      ready(new SecretsManagerClient({})),
      SECRET,
      'https://storage.googleapis.com',
    );
    expect(await client.config.region()).toBe('auto');
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect((await client.config.credentials()).accessKeyId).toBe('GOOG1E');
    forgetSecret();
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'not json' });
    await expect(
      gcsClient(ready(new SecretsManagerClient({})), `${SECRET}x`, 'https://storage.googleapis.com'),
    ).rejects.toMatchObject({ kind: 'config' });
  });
});

describe('delivery lease', () => {
  it('is held by one run at a time, taken over once it expires, and released only by its owner', async () => {
    const id = await newStream({ type: 'risk', destination: { kind: 's3' } });
    const c = { ddb: ddb.client, controlTable: CONTROL };
    expect(await acquireLease(c, id, 'a', 1000, 0)).toBe(true);
    expect(await acquireLease(c, id, 'b', 2000, 500)).toBe(false);
    expect(await acquireLease(c, id, 'a', 1500, 500)).toBe(true);
    expect(await releaseLease(c, id, 'b')).toBe(false);
    expect(await acquireLease(c, id, 'b', 9000, 1600)).toBe(true);
    expect(await releaseLease(c, id, 'b')).toBe(true);
    expect(await acquireLease(c, id, 'a', 1000, 0)).toBe(true);
    expect(await acquireLease(c, 'missing-stream', 'a', 1000, 0)).toBe(false);
  });

  it('makes an overlapping run skip the stream', async () => {
    const id = await newStream({ type: 'verify', destination: { kind: 's3', prefix: 'lease' } });
    await store([makeEvent({ source: 'verify', type: 'session_created' })]);
    expect(
      await acquireLease({ ddb: ddb.client, controlTable: CONTROL }, id, 'other-run', clock + 60_000, clock),
    ).toBe(true);
    expect(await exportStream(deps(), id)).toMatchObject({ outcome: 'leased', delivered: 0 });
    expect(s3.keys('exports').filter((k) => k.startsWith('lease/'))).toEqual([]);
  });
});

describe('exporter', () => {
  it('delivers the backlog in batches, one object per batch, moving the cursor only after each put', async () => {
    const id = await newStream({
      type: 'admin',
      batch_size: 2,
      event_types: ['adminLogin'],
      destination: { kind: 's3', prefix: 'backlog' },
    });
    const events = Array.from({ length: 5 }, () => makeEvent({ source: 'admin', type: 'adminLogin' }));
    await store(events);
    const ops: string[] = [];
    s3.setFault((op) => ops.push(op));
    ddb.setFault((op, input) => {
      if (op === 'UpdateItem' && String(input.UpdateExpression).includes('#cur')) ops.push('commit');
    });
    const run = await exportStream(deps(), id);
    expect(run).toMatchObject({ outcome: 'drained', delivered: 5, batches: 3 });
    expect(ops).toEqual(['PutObject', 'commit', 'PutObject', 'commit', 'PutObject', 'commit']);
    const keys = s3.keys('exports').filter((k) => k.startsWith('backlog/'));
    expect(keys).toHaveLength(3);
    expect(
      keys
        .flatMap((k) => s3.lines('exports', k))
        .map((l) => JSON.parse(l).id)
        .sort(),
    ).toEqual(events.map((e) => e.id).sort());
    const state = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(state?.state.pending).toBeUndefined();
    expect(state?.state.last_delivery_at).toBe(new Date(clock).toISOString());
  });

  it('redelivers a batch to the same key after a crash between the put and the cursor commit', async () => {
    const id = await newStream({ type: 'risk', destination: { kind: 's3', prefix: 'crash' } });
    await store([
      makeEvent({ source: 'risk', type: 'risk_recommendation' }),
      makeEvent({ source: 'risk', type: 'risk_recommendation' }),
    ]);
    let crashed = false;
    ddb.setFault((op, input) => {
      if (!crashed && op === 'UpdateItem' && String(input.UpdateExpression).includes('#cur')) {
        crashed = true;
        throw new Error('Lambda killed');
      }
    });
    await expect(exportStream(deps(), id)).rejects.toThrow('Lambda killed');
    const first = s3.puts.filter((p) => p.key.startsWith('crash/'));
    expect(first).toHaveLength(1);
    // More events arrive before the next run; the redelivered batch must still be exactly the pending one.
    await store([makeEvent({ source: 'risk', type: 'risk_recommendation' })]);
    ddb.setFault(undefined);
    const run = await exportStream(deps({ owner: 'run-2' }), id);
    expect(run.delivered).toBe(3);
    const puts = s3.puts.filter((p) => p.key.startsWith('crash/'));
    expect(puts[1]?.key).toBe(first[0]?.key);
    expect(s3.keys('exports').filter((k) => k.startsWith('crash/'))).toHaveLength(2);
  });

  it('puts a batch Splunk rejects as invalid data in the failed-batch bucket and moves on; redrive delivers it later', async () => {
    const id = await newStream({
      type: 'verify',
      event_types: ['page_loaded'],
      destination: { kind: 'splunk', url: 'https://hec.example.com', token_secret_arn: SECRET },
    });
    const bad = [makeEvent({ source: 'verify', type: 'page_loaded' })];
    await store(bad);
    hecReplies = [[400, { text: 'Invalid data format', code: 6 }]];
    const run = await exportStream(deps(), id);
    expect(run).toMatchObject({ outcome: 'drained', failed_batches: 1, delivered: 0 });
    const failedKeys = s3.keys('failed').filter((k) => k.startsWith(`${id}/`));
    expect(failedKeys).toEqual([`${id}/${bad[0]?.id}-${bad[0]?.id}.ndjson.gz`]);
    const state = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(state?.config.status).toBe('active');
    expect(state?.state.last_error).toContain('kept as');
    // Later events still flow.
    const good = [makeEvent({ source: 'verify', type: 'page_loaded' })];
    await store(good);
    hecReceived.length = 0;
    await exportStream(deps(), id);
    expect(hecReceived.map((e) => e.id)).toEqual([good[0]?.id]);
    hecReceived.length = 0;
    const redrive = await redriveStream(deps(), id);
    expect(redrive).toMatchObject({ redriven_batches: 1, redriven_events: 1, failed: [], remaining: 0 });
    expect(hecReceived.map((e) => e.id)).toEqual([bad[0]?.id]);
    expect(s3.keys('failed').filter((k) => k.startsWith(`${id}/`))).toEqual([]);
  });

  it('marks a stream in error when the destination refuses the token, then resumes from the same place once active again', async () => {
    const id = await newStream({
      type: 'cis',
      event_types: ['sms_sent'],
      destination: { kind: 'splunk', url: 'https://hec.example.com', token_secret_arn: SECRET },
    });
    const events = [makeEvent({ type: 'sms_sent' }), makeEvent({ type: 'sms_sent' })];
    await store(events);
    hecReplies = [[403, { text: 'Invalid token', code: 4 }]];
    const before = kin.events().length;
    expect(await exportStream(deps(), id)).toMatchObject({ outcome: 'error' });
    const s = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(s?.config.status).toBe('error');
    expect(s?.config.status_reason).toMatch(/refused the credentials.*403 code 4/);
    expect(s?.state.consecutive_failures).toBe(1);
    expect(s?.state.pending?.count).toBe(2);
    // The status change is audited with the service as actor.
    expect(
      kin
        .events()
        .slice(before)
        .find((e) => e.type === 'updateStream'),
    ).toMatchObject({ actor_type: 'service', changes: { status: { prev: 'active', current: 'error' } } });
    // Skipped while in error.
    expect(await runExports(deps())).not.toContainEqual(expect.objectContaining({ stream_id: id }));
    await invoke(
      streams,
      apiEvent({
        method: 'PATCH',
        path: '/x',
        routeKey: 'PATCH /activities/v1/streams/{stream_id}',
        pathParameters: { stream_id: id },
        body: { status: 'active' },
      }),
    );
    hecReceived.length = 0;
    expect(await exportStream(deps(), id)).toMatchObject({ outcome: 'drained', delivered: 2 });
    expect(hecReceived.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const after = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(after?.state).toMatchObject({ consecutive_failures: 0 });
    expect(after?.state.failing_since).toBeUndefined();
  });

  it('puts a stream in error with HEC’s text when HEC names its index incorrect (code 7), keeping its batch', async () => {
    const id = await newStream({
      type: 'cis',
      event_types: ['get_users'],
      destination: {
        kind: 'splunk',
        url: 'https://hec.example.com',
        token_secret_arn: SECRET,
        index: 'nope',
      },
    });
    const events = [makeEvent({ type: 'get_users' })];
    await store(events);
    hecReplies = [[400, { text: 'Incorrect index', code: 7 }]];
    expect(await exportStream(deps(), id)).toMatchObject({ outcome: 'error' });
    const s = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(s?.config.status).toBe('error');
    expect(s?.config.status_reason).toMatch(/400 code 7: .*Incorrect index/);
    // Not set aside as bad data: nothing in the failed-batch bucket, the batch still pending.
    expect(s3.keys('failed').filter((k) => k.startsWith(`${id}/`))).toEqual([]);
    expect(s?.state.pending?.count).toBe(1);
    // What the alarm watches: the next run counts the stream among those in error.
    const metrics: Array<{ name: string; value: number }> = [];
    await runExports(deps({ metrics: (m) => void metrics.push(m) }));
    expect(metrics.find((m) => m.name === 'StreamsInError')?.value).toBeGreaterThanOrEqual(1);
  });

  it('puts a stream in error, delivering nothing, when its secret is no longer under the deployment’s secrets prefix', async () => {
    const id = await newStream({
      type: 'cis',
      event_types: ['get_user'],
      destination: { kind: 'splunk', url: 'https://hec.example.com', token_secret_arn: SECRET },
    });
    await store([makeEvent({ type: 'get_user' })]);
    hecReceived.length = 0;
    // The operator narrowed the prefix after the stream was created.
    const policy = { defaultBucket: 'exports', buckets: [], secretsPrefix: 'siem/', allowCidrs: [] };
    const run = await exportStream(deps({ policy }), id);
    expect(run.outcome).toBe('error');
    expect(hecReceived).toEqual([]);
    const state = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(state?.config.status).toBe('error');
    expect(state?.config.status_reason).toContain(
      "destination.token_secret_arn must name a secret whose name starts with 'siem/'",
    );
  });

  it('treats the same long status reason given again as no change (no rewrite, no audit event)', async () => {
    const id = await newStream({ type: 'cis', destination: { kind: 's3', prefix: 'reason' } });
    const reason = `HEC refused the token: ${'x'.repeat(600)}`;
    expect(await setStreamStatus(deps(), id, 'error', reason)).toBe(true);
    const first = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(first?.config.status_reason).toHaveLength(500);
    expect(await setStreamStatus(deps(), id, 'error', reason)).toBe(true);
    expect((await getStream({ ddb: ddb.client, controlTable: CONTROL }, id))?.ver).toBe(first?.ver);
  });

  it('keeps retrying a destination that is down, then pauses the stream after the pause window', async () => {
    const id = await newStream({
      type: 'cis',
      event_types: ['get_user'],
      destination: { kind: 'splunk', url: 'https://hec.example.com', token_secret_arn: SECRET },
    });
    await store([makeEvent({ type: 'get_user' })]);
    hecReplies = Array.from(
      { length: 20 },
      () => [503, { text: 'Server is busy', code: 9 }] as [number, unknown],
    );
    // Enough time to start a batch, too little to wait for a HEC retry: one attempt per run.
    const quick = deps({ timeLeft: () => 11_000, marginMs: 1_000 });
    const firstRun = await exportStream(quick, id);
    expect(firstRun, JSON.stringify(firstRun)).toMatchObject({ outcome: 'retrying' });
    const s1 = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(s1?.config.status).toBe('active');
    expect(s1?.state.last_error).toContain('HEC answered 503 code 9');
    clock += 25 * 3_600_000;
    expect(await exportStream(quick, id)).toMatchObject({ outcome: 'paused' });
    const s2 = await getStream({ ddb: ddb.client, controlTable: CONTROL }, id);
    expect(s2?.config).toMatchObject({
      status: 'paused',
      status_reason: expect.stringContaining('paused after failing since'),
    });
    expect(s2?.state.consecutive_failures).toBe(2);
    hecReplies = [];
  });

  it('drops a batch left pending when the stream was collected in between (never redelivers, never rewinds)', async () => {
    const id = await newStream({
      type: 'cis',
      event_types: ['update_password'],
      destination: { kind: 'splunk', url: 'https://hec.example.com', token_secret_arn: SECRET },
    });
    const first = [makeEvent({ type: 'update_password' })];
    await store(first);
    hecReplies = [[503, { code: 9 }]];
    expect(await exportStream(deps({ timeLeft: () => 11_000, marginMs: 1_000 }), id)).toMatchObject({
      outcome: 'retrying',
    });
    expect((await getStream({ ddb: ddb.client, controlTable: CONTROL }, id))?.state.pending?.count).toBe(1);
    // The operator switches the stream to API polling and collects it, then back to Splunk.
    const patch = (body: unknown) =>
      invoke(
        streams,
        apiEvent({
          method: 'PATCH',
          path: '/x',
          routeKey: 'PATCH /activities/v1/streams/{stream_id}',
          pathParameters: { stream_id: id },
          body,
        }),
      );
    await patch({ destination: 'custom' });
    const collectHandler = (await import('../../functions/collect/handler.js')).handler;
    const got = await invoke<{ data: ActivityEvent[] }>(
      collectHandler,
      apiEvent({ method: 'POST', query: { type: 'cis', stream_id: id } }),
    );
    expect(got.body.data.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect((await getStream({ ddb: ddb.client, controlTable: CONTROL }, id))?.state.pending).toBeUndefined();
    await patch({
      destination: { kind: 'splunk', url: 'https://hec.example.com', token_secret_arn: SECRET },
    });
    const later = [makeEvent({ type: 'update_password' })];
    await store(later);
    hecReplies = [];
    hecReceived.length = 0;
    expect(await exportStream(deps(), id)).toMatchObject({ outcome: 'drained', delivered: 1 });
    expect(hecReceived.map((e) => e.id)).toEqual(later.map((e) => e.id));
  });

  it('stops starting batches when the invocation runs low on time', async () => {
    const id = await newStream({
      type: 'cis',
      batch_size: 1,
      event_types: ['get_users'],
      destination: { kind: 's3', prefix: 'budget' },
    });
    await store([makeEvent({ type: 'get_users' }), makeEvent({ type: 'get_users' })]);
    let left = 30_000;
    const run = await exportStream(deps({ timeLeft: () => (left -= 6_000) }), id);
    expect(run.outcome).toBe('budget');
    expect(run.delivered).toBeLessThan(2);
  });
});

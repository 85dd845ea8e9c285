import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DuckDBInstance } from '@duckdb/node-api';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStream } from '../../functions/shared/export/index.js';
import type { ActivityEvent } from '../../functions/shared/model/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';
import { HecReceiver } from '../support/hec-receiver.js';
import { eventually, startTestService, type TestService } from '../support/local.js';
import { anyOcsfClass } from '../support/ocsf.js';

type Stream = {
  stream_id: string;
  status: string;
  status_reason?: string;
  health: {
    lag: number;
    last_delivery_at: string | null;
    last_error: string | null;
    consecutive_failures: number;
  };
};
type Err = { error: { code: string; details?: Array<{ path: string; message: string }> } };

describe('exporters on the local runner', () => {
  let svc: TestService;
  let hec: HecReceiver;
  let s3: S3Client;
  let ddb: DynamoDBClient;
  let sm: SecretsManagerClient;
  let tokenArn: string;

  beforeAll(async () => {
    svc = await startTestService({ exportIntervalMs: 0 });
    hec = new HecReceiver('hec-token-1');
    await hec.start();
    const c = svc.runner.credentials;
    const aws = { region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
    s3 = new S3Client({ ...aws, endpoint: c.aws_endpoints.s3, forcePathStyle: true });
    ddb = new DynamoDBClient({ ...aws, endpoint: c.aws_endpoints.dynamodb });
    sm = new SecretsManagerClient({ ...aws, endpoint: c.aws_endpoints.secretsmanager });
    tokenArn = svc.runner.secrets.put('activity-events/hec-token', 'hec-token-1');
  });
  afterAll(async () => {
    await hec?.stop();
    await svc?.stop();
  });

  const create = (body: Record<string, unknown>) =>
    svc.api<Stream & Err>('POST', '/activities/v1/streams', body);
  const get = async (id: string) => (await svc.api<Stream>('GET', `/activities/v1/streams/${id}`)).body;
  const ingest = (events: Array<Record<string, unknown>>) => svc.ingest(events);
  /** Wait until the stream's events are all committed to the log (its lag counts them). */
  const waitLag = (id: string, n: number) =>
    eventually(async () => ((await get(id)).health.lag >= n ? true : undefined));
  const listKeys = async (bucket: string, prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
      .map((o) => o.Key as string)
      .sort();
  const readObject = async (bucket: string, key: string) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(
      await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    return gunzipSync(body)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ActivityEvent);
  };
  /** Where each event sits in the log (shard, sequence), read from its id item. */
  const positionOf = async (id: string) => {
    const res = await ddb.send(
      new GetItemCommand({ TableName: 'local-events', Key: { pk: { S: `E#${id}` }, sk: { S: 'E' } } }),
    );
    return { shard: res.Item?.shard?.S ?? '', seq: res.Item?.seq?.S ?? '' };
  };

  it('rejects destinations the exporter could not use: an ungranted bucket, a secret outside the prefix', async () => {
    const bucket = await create({
      name: 'x',
      type: 'cis',
      destination: { kind: 's3', bucket: 'someone-elses-bucket' },
    });
    expect(bucket.status).toBe(400);
    expect(bucket.body.error.details?.[0]).toMatchObject({
      path: 'destination.bucket',
      message: expect.stringContaining('local-exports'),
    });
    const secret = await create({
      name: 'x',
      type: 'cis',
      destination: {
        kind: 'splunk',
        url: hec.url,
        token_secret_arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:other/token-abc',
      },
    });
    expect(secret.body.error.details?.[0]).toMatchObject({
      path: 'destination.token_secret_arn',
      message: expect.stringContaining("'activity-events/'"),
    });
  });

  it('survives a HEC outage: 503s for the first requests, then every event exactly once, in order per shard', async () => {
    const s = await create({
      name: 'splunk',
      type: 'cis',
      batch_size: 50,
      event_types: ['user_login'],
      destination: { kind: 'splunk', url: hec.url, token_secret_arn: tokenArn, index: 'identity' },
    });
    expect(s.status).toBe(201);
    const ids = await ingest(
      Array.from({ length: 200 }, (_, i) => ({ type: 'user_login', user_id: `u${i}` })),
    );
    await waitLag(s.body.stream_id, 200);
    hec.script = Array.from({ length: 6 }, () => [503, 9] as [number, number]);
    hec.accepted.length = 0;
    for (let run = 0; run < 30 && hec.accepted.length < 200; run++) await svc.runner.runExport();
    const got = hec.accepted.map((e) => e.event.id);
    expect(got).toHaveLength(200);
    expect(new Set(got)).toEqual(new Set(ids));
    expect(hec.requests.filter((r) => r.status === 503).length).toBe(6);
    expect(new Set(hec.requests.map((r) => r.channel)).size).toBe(1);
    expect(hec.accepted[0]).toMatchObject({
      index: 'identity',
      sourcetype: '_json',
      source: 'activity-events:cis',
      host: 'activity-events',
    });
    // In order per shard: each shard's events arrive in sequence order.
    const positions = await Promise.all(got.map(positionOf));
    const byShard = new Map<string, string[]>();
    for (const p of positions) byShard.set(p.shard, [...(byShard.get(p.shard) ?? []), p.seq]);
    expect(byShard.size).toBeGreaterThan(1);
    for (const seqs of byShard.values()) expect(seqs).toEqual([...seqs].sort());
    const health = await get(s.body.stream_id);
    expect(health).toMatchObject({
      status: 'active',
      health: { lag: 0, consecutive_failures: 0, last_error: null },
    });
    expect(health.health.last_delivery_at).toEqual(expect.any(String));
  });

  it('with indexer acknowledgement, a HEC that answers after 12 s and then 503s gets each event exactly once', async () => {
    // The measurement: a receiver that took the batch, answered after 12 s (past the 10 s an
    // unacknowledged request waits), then returned two 503s had received all 50 events twice.
    const ackHec = new HecReceiver('hec-token-ack');
    ackHec.ackEnabled = true;
    ackHec.ackAfterPolls = 2;
    await ackHec.start();
    try {
      const arn = svc.runner.secrets.put('activity-events/hec-token-ack', 'hec-token-ack');
      const s = await create({
        name: 'splunk-ack',
        type: 'cis',
        event_types: ['passwordless_registration'],
        destination: { kind: 'splunk', url: ackHec.url, token_secret_arn: arn, ack: true },
      });
      expect(s.status).toBe(201);
      const ids = await ingest(Array.from({ length: 50 }, () => ({ type: 'passwordless_registration' })));
      await waitLag(s.body.stream_id, 50);
      ackHec.script = [{ slowMs: 12_000 }, [503, 9], [503, 9]];
      ackHec.ackScript = [9, 9];
      for (let run = 0; run < 10 && ackHec.accepted.length < 50; run++) await svc.runner.runExport();
      expect(ackHec.received.map((e) => e.event.id).sort()).toEqual([...ids].sort());
      expect([...ackHec.receivedCounts().values()].every((n) => n === 1)).toBe(true);
      expect(ackHec.accepted).toHaveLength(50);
      expect(ackHec.requests.some((r) => r.path === '/services/collector/ack')).toBe(true);
      expect(await get(s.body.stream_id)).toMatchObject({
        status: 'active',
        health: { lag: 0, consecutive_failures: 0 },
      });
    } finally {
      await ackHec.stop();
    }
  }, 90_000);

  it('puts a stream in error with HEC’s text when HEC says the index is incorrect (code 7), nothing set aside', async () => {
    const s = await create({
      name: 'bad-index',
      type: 'cis',
      event_types: ['suspend_user'],
      destination: { kind: 'splunk', url: hec.url, token_secret_arn: tokenArn, index: 'no-such-index' },
    });
    await ingest(Array.from({ length: 5 }, () => ({ type: 'suspend_user' })));
    await waitLag(s.body.stream_id, 5);
    hec.script = [[400, 7]];
    await svc.runner.runExport();
    const errored = await get(s.body.stream_id);
    expect(errored.status).toBe('error');
    expect(errored.status_reason).toMatch(/400 code 7: .*Incorrect index/);
    expect(errored.health.lag).toBe(5);
    const failed = await listKeys('local-failed-batches', `${s.body.stream_id}/`);
    expect(failed).toEqual([]);
  });

  it('puts a stream whose token HEC refuses (403) in error without losing anything, and resumes after PATCH', async () => {
    const name = 'activity-events/hec-token-rotated';
    const arn = svc.runner.secrets.put(name, 'an-old-token');
    const s = await create({
      name: 'rotated',
      type: 'cis',
      event_types: ['user_logout'],
      destination: { kind: 'splunk', url: hec.url, token_secret_arn: arn },
    });
    const ids = await ingest(Array.from({ length: 30 }, () => ({ type: 'user_logout' })));
    await waitLag(s.body.stream_id, 30);
    hec.accepted.length = 0;
    const forbidden = hec.requests.length;
    await svc.runner.runExport();
    await svc.runner.runExport();
    const errored = await get(s.body.stream_id);
    expect(errored.status).toBe('error');
    expect(errored.status_reason).toContain('403 code 4');
    expect(errored.health.lag).toBe(30);
    // No retry storm: one refused request, then the stream is left alone.
    expect(hec.requests.slice(forbidden).filter((r) => r.status === 403)).toHaveLength(1);
    expect(hec.accepted).toHaveLength(0);

    await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'hec-token-1' }));
    expect(
      (await svc.api('PATCH', `/activities/v1/streams/${s.body.stream_id}`, { status: 'active' })).status,
    ).toBe(200);
    await svc.runner.runExport();
    expect(hec.accepted.map((e) => e.event.id).sort()).toEqual([...ids].sort());
    expect(await get(s.body.stream_id)).toMatchObject({
      status: 'active',
      health: { lag: 0, consecutive_failures: 0 },
    });
  });

  it('redelivers to the same S3 key when the exporter dies between the delivery and the cursor commit', async () => {
    const s = await create({ name: 'crashy', type: 'risk', destination: { kind: 's3', prefix: 'crash' } });
    const ids = await ingest(
      Array.from({ length: 10 }, () => ({ type: 'risk_recommendation', data: { risk_score: 10 } })),
    );
    await waitLag(s.body.stream_id, 10);
    const c = svc.runner.credentials;
    const aws = { region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
    // The real exporter code, with a DynamoDB client that "dies" on the cursor commit.
    const dying = new DynamoDBClient({ ...aws, endpoint: c.aws_endpoints.dynamodb });
    const send = dying.send.bind(dying);
    dying.send = ((cmd: unknown) => {
      if (cmd instanceof UpdateItemCommand && String(cmd.input.UpdateExpression).includes('#cur')) {
        return Promise.reject(new Error('killed before the commit'));
      }
      return send(cmd as never);
    }) as typeof dying.send;
    await expect(
      exportStream(
        {
          ddb: dying,
          s3: ready(s3),
          sm: ready(sm),
          kinesis: ready(
            new KinesisClient({
              ...aws,
              endpoint: c.aws_endpoints.kinesis,
              requestHandler: new NodeHttpHandler(),
            }),
          ),
          eventsTable: 'local-events',
          controlTable: 'local-control',
          streamName: 'local-events',
          defaultBucket: 'local-exports',
          failedBucket: 'local-failed-batches',
          gcsEndpoint: c.aws_endpoints.s3,
          hecMaxBatchBytes: 1_000_000,
          pauseAfterMs: 86_400_000,
          owner: 'doomed-run',
          timeLeft: () => 60_000,
        },
        s.body.stream_id,
      ),
    ).rejects.toThrow('killed before the commit');
    const before = await listKeys('local-exports', 'crash/');
    expect(before).toHaveLength(1);
    // The dead run's lease runs out; the next scheduled run delivers the pending batch again.
    await ddb.send(
      new UpdateItemCommand({
        TableName: 'local-control',
        Key: { pk: { S: `C#${s.body.stream_id}` }, sk: { S: 'C' } },
        UpdateExpression: 'SET lease_until = :past',
        ExpressionAttributeValues: { ':past': { N: '0' } },
      }),
    );
    const run = await svc.runner.runExport();
    expect(run?.streams.find((r) => r.stream_id === s.body.stream_id)).toMatchObject({ delivered: 10 });
    expect(await listKeys('local-exports', 'crash/')).toEqual(before);
    expect((await readObject('local-exports', before[0] as string)).map((e) => e.id).sort()).toEqual(
      [...ids].sort(),
    );
    expect((await get(s.body.stream_id)).health.lag).toBe(0);
  });

  it('writes hive-partitioned gzip NDJSON objects that read back as the accepted events, also through DuckDB', async () => {
    const s = await create({
      name: 'lake',
      type: 'admin',
      batch_size: 40,
      event_types: ['editGeneralSettings'],
      destination: { kind: 's3', prefix: 'lake' },
    });
    const ids = await ingest(
      Array.from({ length: 100 }, (_, i) => ({
        type: 'editGeneralSettings',
        actor_id: `admin-${i % 4}`,
        changes: { session_timeout: { prev: i, current: i + 1 } },
      })),
    );
    await waitLag(s.body.stream_id, 100);
    await svc.runner.runExport();
    const keys = await listKeys('local-exports', 'lake/');
    expect(keys.length).toBe(3);
    for (const k of keys)
      expect(k).toMatch(
        new RegExp(
          `^lake/admin/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/${s.body.stream_id}-[0-9A-Z]+-[0-9A-Z]+\\.ndjson\\.gz$`,
        ),
      );
    const objects = (await Promise.all(keys.map((k) => readObject('local-exports', k)))).flat();
    expect(objects.map((e) => e.id).sort()).toEqual([...ids].sort());
    const one = (await svc.api<ActivityEvent>('GET', `/activities/v1/activities/${ids[7]}`)).body;
    expect(objects.find((e) => e.id === ids[7])).toEqual(one);

    const dir = mkdtempSync(join(tmpdir(), 'lake-'));
    try {
      for (const k of keys) {
        const res = await s3.send(new GetObjectCommand({ Bucket: 'local-exports', Key: k }));
        mkdirSync(dirname(join(dir, k)), { recursive: true });
        writeFileSync(
          join(dir, k),
          Buffer.from(
            await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
          ),
        );
      }
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      const result = await conn.runAndReadAll(
        `SELECT count(*) AS n, count(DISTINCT id) AS ids, min(dt) AS dt, min(hour) AS hour, count(*) FILTER (WHERE type = 'editGeneralSettings') AS typed
         FROM read_json_auto('${dir}/lake/admin/*/*/*.ndjson.gz', hive_partitioning = true)`,
      );
      const [n, distinct, dt, hour, typed] = result.getRows()[0] as [
        bigint,
        bigint,
        unknown,
        unknown,
        bigint,
      ];
      expect([Number(n), Number(distinct), Number(typed)]).toEqual([100, 100, 100]);
      expect(String(dt)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number(hour)).toBeGreaterThanOrEqual(0);
      conn.closeSync();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('delivers GCS streams through the S3-interoperable API (s3rver standing in for storage.googleapis.com)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'gcs-audit' }));
    const hmac = svc.runner.secrets.put(
      'activity-events/gcs-hmac',
      JSON.stringify({ access_key_id: 'S3RVER', secret_access_key: 'S3RVER' }),
    );
    const s = await create({
      name: 'gcs',
      type: 'verify',
      event_types: ['redirect'],
      destination: { kind: 'gcs', bucket: 'gcs-audit', prefix: 'mosaic', hmac_secret_arn: hmac },
    });
    const ids = await ingest(Array.from({ length: 5 }, () => ({ type: 'redirect' })));
    await waitLag(s.body.stream_id, 5);
    await svc.runner.runExport();
    const keys = await listKeys('gcs-audit', 'mosaic/verify/');
    expect(keys).toHaveLength(1);
    expect((await readObject('gcs-audit', keys[0] as string)).map((e) => e.id).sort()).toEqual(
      [...ids].sort(),
    );
  });

  it('keeps a batch HEC rejects as invalid in the failed-batch bucket, moves on, and redrives it on request', async () => {
    const s = await create({
      name: 'strict',
      type: 'cis',
      event_types: ['silent_authentication'],
      destination: { kind: 'splunk', url: hec.url, token_secret_arn: tokenArn },
    });
    const bad = await ingest([{ type: 'silent_authentication', id: 'rejected-1' }]);
    await waitLag(s.body.stream_id, 1);
    hec.script = [[400, 6]];
    hec.accepted.length = 0;
    await svc.runner.runExport();
    const after = await get(s.body.stream_id);
    expect(after).toMatchObject({
      status: 'active',
      health: { lag: 0, last_error: expect.stringContaining('kept as') },
    });
    expect(await listKeys('local-failed-batches', `${s.body.stream_id}/`)).toEqual([
      `${s.body.stream_id}/rejected-1-rejected-1.ndjson.gz`,
    ]);
    const good = await ingest([{ type: 'silent_authentication', id: 'accepted-1' }]);
    await waitLag(s.body.stream_id, 1);
    await svc.runner.runExport();
    expect(hec.accepted.map((e) => e.event.id)).toEqual(good);
    const redrive = await svc.api<Record<string, unknown>>(
      'POST',
      `/activities/v1/streams/${s.body.stream_id}/redrive`,
    );
    expect(redrive).toMatchObject({
      status: 200,
      body: { redriven_batches: 1, redriven_events: 1, failed: [], remaining: 0 },
    });
    expect(hec.accepted.map((e) => e.event.id)).toEqual([...good, ...bad]);
    expect(await listKeys('local-failed-batches', `${s.body.stream_id}/`)).toEqual([]);
    expect((await svc.api('POST', '/activities/v1/streams/nope/redrive')).status).toBe(404);
  });

  it('writes OCSF where a stream asks for it: collect, S3 and Splunk each carry valid OCSF events', async () => {
    const streams = await Promise.all([
      create({
        name: 'ocsf-pull',
        type: 'cis',
        format: 'ocsf',
        event_types: ['user_login', 'E_LOGIN_FAILED'],
      }),
      create({
        name: 'ocsf-lake',
        type: 'cis',
        format: 'ocsf',
        event_types: ['user_login', 'E_LOGIN_FAILED'],
        destination: { kind: 's3', prefix: 'ocsf' },
      }),
      create({
        name: 'ocsf-hec',
        type: 'cis',
        format: 'ocsf',
        event_types: ['user_login', 'E_LOGIN_FAILED'],
        destination: { kind: 'splunk', url: hec.url, token_secret_arn: tokenArn, sourcetype: 'ocsf' },
      }),
    ]);
    for (const s of streams) {
      expect(s.status).toBe(201);
      expect((s.body as unknown as { format: string }).format).toBe('ocsf');
    }
    const [pull, lake, toHec] = streams.map((s) => s.body.stream_id) as [string, string, string];
    const before = hec.accepted.length;
    const ids = await ingest([
      { type: 'user_login', user_id: 'u-ocsf', ip: '203.0.113.5', data: { username: 'ada' } },
      { type: 'E_LOGIN_FAILED', user_id: 'u-ocsf', data: { reason: 'bad_otp', auth_device_latitude: 1.5 } },
    ]);
    await waitLag(lake, 2);
    const valid = (events: unknown[]) => {
      for (const e of events) expect(anyOcsfClass(e), JSON.stringify(anyOcsfClass.errors)).toBe(true);
      const byId = new Map(events.map((e) => [(e as { metadata: { uid: string } }).metadata.uid, e]));
      expect([...byId.keys()].sort()).toEqual([...ids].sort());
      expect(byId.get(ids[1] as string)).toMatchObject({
        class_uid: 3002,
        status_id: 2,
        status_detail: 'bad_otp',
      });
    };
    const collected = await svc.api<{ data: unknown[] }>(
      'POST',
      `/activities/v1/activities/collect?type=cis&stream_id=${pull}&batch_size=10`,
    );
    expect(collected.status).toBe(200);
    valid(collected.body.data);
    await svc.runner.runExport();
    const keys = await listKeys('local-exports', 'ocsf/');
    valid((await Promise.all(keys.map((k) => readObject('local-exports', k)))).flat());
    // Only this stream's deliveries (other cis streams of this suite get the two events too, natively).
    const ours = () => hec.accepted.slice(before).filter((h) => h.sourcetype === 'ocsf');
    await eventually(async () => (ours().length >= 2 ? true : undefined));
    const delivered = ours();
    valid(delivered.map((h) => h.event));
    // HEC's time is the OCSF event's, in seconds.
    expect(delivered.map((h) => h.time * 1000).sort()).toEqual(
      delivered.map((h) => (h.event as unknown as { time: number }).time).sort(),
    );
    expect(toHec).toBeDefined();
    // A PATCH switches a stream back.
    const back = await svc.api<{ format: string }>('PATCH', `/activities/v1/streams/${pull}`, {
      format: 'native',
    });
    expect(back.body.format).toBe('native');
    const bad = await create({ name: 'x', type: 'cis', format: 'cef' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'format', message: "must be 'native' or 'ocsf'" }]);
  });
});

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeKafkaProducers,
  DESTINATION_KINDS,
  DESTINATIONS,
  DeliveryError,
  type DestinationKind,
  type DestinationOf,
  type DestinationPolicy,
  deliverBatch,
  deliveryOf,
  destinationProblems,
  destinationSchema,
  forgetSecret,
  isPull,
  isPush,
  PULL_KINDS,
  PUSH_KINDS,
} from '../../functions/shared/destinations/index.js';
import { type ExportDeps, runExports } from '../../functions/shared/export/index.js';
import { createStreamSchema } from '../../functions/shared/streams/index.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { exportDeps } from '../support/export-deps.js';
import { requestText } from '../support/hec-receiver.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { KafkaMock } from '../support/kafka-mock.js';
import { fakeKinesis } from '../support/kinesis.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';
import { fakeS3 } from '../support/s3.js';

const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
const HMAC = arn('activity-events/gcs-hmac');
const TOKEN = arn('activity-events/hec-token');
const KAFKA_CREDENTIALS = arn('activity-events/kafka-scram');
const POLICY: DestinationPolicy = {
  defaultBucket: 'exports',
  buckets: ['audit-logs'],
  allowCidrs: [],
  secretsPrefix: 'activity-events/',
};

/** A valid destination of every kind: the type makes a new kind without an example a compile error here. */
const EXAMPLES: { [K in DestinationKind]: DestinationOf<K> } = {
  custom: { kind: 'custom' },
  s3: { kind: 's3', bucket: 'audit-logs', prefix: 'activity' },
  gcs: { kind: 'gcs', bucket: 'audit-logs', hmac_secret_arn: HMAC },
  splunk: { kind: 'splunk', url: 'https://hec.example.com:8088', token_secret_arn: TOKEN },
  kafka: {
    kind: 'kafka',
    brokers: ['203.0.113.10:9096'],
    topic: 'activity',
    sasl: 'scram-sha-512',
    credentials_secret_arn: KAFKA_CREDENTIALS,
  },
};

describe('destination registry', () => {
  it('registers each kind once, with a schema whose kind literal is the kind', () => {
    expect(new Set(DESTINATION_KINDS).size).toBe(DESTINATIONS.length);
    expect([...DESTINATION_KINDS].sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const def of DESTINATIONS) expect(def.schema.shape.kind.value).toBe(def.kind);
    expect([...PUSH_KINDS, ...PULL_KINDS].sort()).toEqual([...DESTINATION_KINDS].sort());
  });

  it('accepts every registered kind in the stream schema, and nothing else', () => {
    for (const kind of DESTINATION_KINDS) {
      const parsed = createStreamSchema.safeParse({ name: 'd', type: 'cis', destination: EXAMPLES[kind] });
      expect(parsed.success, `${kind}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(parsed.data?.destination).toEqual(EXAMPLES[kind]);
    }
    // A bare kind name stands for {kind}: 'custom' (the others need their configuration).
    expect(destinationSchema.parse('custom')).toEqual({ kind: 'custom' });
    for (const kind of ['no-such-kind', 'S3', '', 'destination']) {
      const res = createStreamSchema.safeParse({ name: 'd', type: 'cis', destination: { kind } });
      expect(res.success).toBe(false);
      expect(res.error?.issues[0]).toMatchObject({
        path: ['destination', 'kind'],
        message: `kind must be one of ${DESTINATION_KINDS.join(', ')}`,
      });
    }
  });

  it('refuses a field no kind defines, for every kind', () => {
    for (const kind of DESTINATION_KINDS) {
      const res = destinationSchema.safeParse({ ...EXAMPLES[kind], colour: 'red' });
      expect(res.success, kind).toBe(false);
    }
  });

  it('has a delivery for exactly the push kinds', () => {
    for (const def of DESTINATIONS) {
      expect(typeof deliveryOf(def.kind), def.kind).toBe(def.mode === 'push' ? 'function' : 'undefined');
      expect(isPush(def.kind), def.kind).toBe(def.mode === 'push');
      expect(isPull(def.kind), def.kind).toBe(def.mode === 'pull');
    }
    expect(isPush('no-such-kind')).toBe(false);
    expect(isPull('no-such-kind')).toBe(false);
  });

  it('refuses to deliver to a pulled destination', async () => {
    for (const kind of PULL_KINDS) {
      const err = await deliverBatch(
        { stream_id: 's', type: 'cis', destination: EXAMPLES[kind] },
        { streamId: 's', source: 'cis', lines: [], firstId: 'a', lastId: 'a', firstAt: 0, sent: 0 },
        {} as ExportDeps,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err).toMatchObject({ kind: 'config', message: `destination ${kind} is collected, not pushed` });
    }
  });
});

describe('destination policy checks', () => {
  it('find nothing wrong with the examples, nor without a policy', async () => {
    for (const kind of DESTINATION_KINDS) {
      expect(await destinationProblems(EXAMPLES[kind], POLICY), kind).toEqual([]);
      expect(await destinationProblems(EXAMPLES[kind], undefined), kind).toEqual([]);
    }
  });

  it('report a secret outside the allowed prefix at destination.<field>, for every kind with secret fields', async () => {
    const withSecrets = DESTINATIONS.filter((d) => d.secretFields.length > 0);
    expect(withSecrets.length).toBeGreaterThan(0);
    for (const def of withSecrets) {
      for (const field of def.secretFields) {
        const dest = { ...EXAMPLES[def.kind], [field]: arn('other/secret') } as DestinationOf<
          typeof def.kind
        >;
        expect(await destinationProblems(dest, POLICY), `${def.kind}.${field}`).toEqual([
          {
            path: `destination.${field}`,
            message:
              "must name a secret whose name starts with 'activity-events/' (the exporter can read only those)",
          },
        ]);
      }
    }
  });

  it("run a kind's own checks: an s3 bucket the exporter may not write to, at destination.bucket", async () => {
    expect(await destinationProblems({ kind: 's3', bucket: 'someone-elses' }, POLICY)).toEqual([
      {
        path: 'destination.bucket',
        message:
          "the exporter may write to exports, audit-logs; add 'someone-elses' to the exportBuckets setting of the stack",
      },
    ]);
    expect(await destinationProblems({ kind: 's3' }, POLICY)).toEqual([]);
  });
});

describe('the exporter and the registry', () => {
  const EVENTS = 'r-events';
  const CONTROL = 'r-control';
  let ddb: FakeDynamo;
  let kin: ReturnType<typeof fakeKinesis>;
  let s3: ReturnType<typeof fakeS3>;
  const sm = mockClient(SecretsManagerClient);
  let streams: unknown;
  let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
  const hec: string[] = [];
  const kafka = new KafkaMock('registry');

  beforeAll(async () => {
    await kafka.start();
    Object.assign(process.env, {
      EVENTS_TABLE: EVENTS,
      CONTROL_TABLE: CONTROL,
      EVENT_STREAM: 'r-stream',
      RETENTION_DAYS: '90',
      EXPORT_BUCKET: 'exports',
      EXPORT_BUCKETS: 'audit-logs',
      // The kafka stream's broker is librdkafka's mock cluster, on loopback.
      DESTINATION_ALLOW_CIDRS: '127.0.0.0/8',
    });
    ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
    kin = fakeKinesis(2);
    s3 = fakeS3();
    forgetSecret();
    sm.on(GetSecretValueCommand, { SecretId: HMAC }).resolves({
      SecretString: '{"access_key_id":"GOOG1E","secret_access_key":"s3cr3t"}',
    });
    sm.on(GetSecretValueCommand, { SecretId: TOKEN }).resolves({ SecretString: 'tok' });
    streams = (await import('../../functions/streams/handler.js')).handler;
    consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
  });
  afterAll(async () => {
    await closeKafkaProducers();
    await kafka.stop();
    ddb.restore();
    kin.restore();
    s3.restore();
    sm.restore();
  });

  it('exports a stream of every push kind, delivering through its kind, and no stream of a pull kind', async () => {
    const ids = new Map<DestinationKind, string>();
    for (const kind of DESTINATION_KINDS) {
      const res = await invoke<{ stream_id: string }>(
        streams,
        apiEvent({
          method: 'POST',
          path: '/activities/v1/streams',
          routeKey: 'POST /activities/v1/streams',
          body: {
            name: kind,
            type: 'cis',
            start_from: 'earliest',
            destination:
              kind === 'kafka' ? { kind, brokers: [kafka.bootstrap], topic: 'registry' } : EXAMPLES[kind],
          },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.set(kind, res.body.stream_id);
    }
    const event = makeEvent({ type: 'user_login' });
    expect(
      (await consume(kinesisBatch('shardId-000000000000', 70_000n, [event]), ctx())).batchItemFailures,
    ).toEqual([]);
    const deps = exportDeps(
      { ddb: ddb.client, eventsTable: EVENTS, controlTable: CONTROL, streamName: 'r-stream' },
      {
        fetch: (async (_url: string, init: RequestInit) => {
          hec.push(requestText(init));
          return new Response('{"code":0}', { status: 200 });
        }) as unknown as typeof fetch,
        policy: { ...POLICY, allowCidrs: ['127.0.0.0/8'] },
      },
    );
    const runs = await runExports(deps);
    const exported = runs.map((r) => r.stream_id).sort();
    expect(exported).toEqual(
      DESTINATION_KINDS.filter((k) => isPush(k))
        .map((k) => ids.get(k))
        .sort(),
    );
    for (const kind of PUSH_KINDS) {
      expect(
        runs.find((r) => r.stream_id === ids.get(kind)),
        kind,
      ).toMatchObject({ outcome: 'drained', delivered: 1, batches: 1 });
    }
    // Each through its own kind: an object in each bucket (s3 and gcs share the fake S3), one HEC request.
    const puts = s3.puts.filter((p) => p.bucket === 'audit-logs').map((p) => p.key.split('/')[0]);
    expect(puts.sort()).toEqual(['activity', 'cis']);
    expect(hec).toHaveLength(1);
    expect(JSON.parse(hec[0] ?? '{}')).toMatchObject({ event: { id: event.id } });
    expect((await kafka.waitFor(ids.get('kafka') as string, 1)).map((r) => r.key)).toEqual([event.id]);
  });
});

import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../functions/shared/model/index.js';
import { KafkaMock, type KafkaRecord } from '../support/kafka-mock.js';
import { eventually, startTestService, type TestService } from '../support/local.js';

type Stream = {
  stream_id: string;
  status: string;
  destination: Record<string, unknown>;
  health: {
    lag: number;
    last_delivery_at: string | null;
    last_error: string | null;
    consecutive_failures: number;
  };
};

/**
 * Kafka streams on the local runner, end to end through its real entry points: streams created with the HTTP
 * API, events ingested with it, the exporter run as the schedule runs it, delivering to librdkafka's mock
 * cluster (kcat) on loopback.
 */
describe('kafka streams on the local runner', () => {
  let svc: TestService;
  let ddb: DynamoDBClient;
  const kafka = new KafkaMock('identity-activity');
  const restarted = new KafkaMock('identity-activity-restart');

  beforeAll(async () => {
    svc = await startTestService({ exportIntervalMs: 0 });
    await Promise.all([kafka.start(), restarted.start()]);
    const c = svc.runner.credentials;
    ddb = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: c.aws_endpoints.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }, 120_000);
  afterAll(async () => {
    await svc?.stop();
    await Promise.all([kafka.stop(), restarted.stop()]);
    ddb?.destroy();
  });

  const create = (body: Record<string, unknown>) => svc.api<Stream>('POST', '/activities/v1/streams', body);
  const get = async (id: string) => (await svc.api<Stream>('GET', `/activities/v1/streams/${id}`)).body;
  const waitLag = (id: string, n: number) =>
    eventually(async () => ((await get(id)).health.lag >= n ? true : undefined), 60_000);
  /** Run the exporter until the stream has nothing left (a run stops a stream's batches at its time budget). */
  const drain = async (id: string) => {
    for (let run = 0; run < 20; run++) {
      await svc.runner.runExport();
      if ((await get(id)).health.lag === 0) return;
    }
    throw new Error(`stream ${id} still has a backlog after 20 runs`);
  };
  /** Where each event sits in the log: its shard and sequence number. */
  const positions = async (ids: readonly string[]) => {
    const out = new Map<string, { shard: string; seq: string }>();
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map(async (id) => {
          const res = await ddb.send(
            new GetItemCommand({ TableName: 'local-events', Key: { pk: { S: `E#${id}` }, sk: { S: 'E' } } }),
          );
          out.set(id, { shard: res.Item?.shard?.S ?? '', seq: res.Item?.seq?.S ?? '' });
        }),
      );
    }
    return out;
  };
  const keysOf = (records: readonly KafkaRecord[]) => records.map((r) => r.key);

  it('delivers every event of a 1,000-event ingest exactly once, keyed by event id, in log order on each partition', async () => {
    const s = await create({
      name: 'kafka',
      type: 'cis',
      batch_size: 250,
      event_types: ['user_login'],
      destination: { kind: 'kafka', brokers: [kafka.bootstrap], topic: 'identity-activity' },
    });
    expect(s.status).toBe(201);
    expect(s.body.destination).toEqual({
      kind: 'kafka',
      brokers: [kafka.bootstrap],
      topic: 'identity-activity',
    });
    const id = s.body.stream_id;
    const ids = await svc.ingest(
      Array.from({ length: 1000 }, (_, i) => ({ type: 'user_login', user_id: `u${i % 37}` })),
    );
    await waitLag(id, 1000);
    await drain(id);
    const got = await kafka.waitFor(id, 1000);
    // Exactly once: 1,000 records, 1,000 distinct keys, the ingested ids.
    expect(got).toHaveLength(1000);
    expect(new Set(keysOf(got)).size).toBe(1000);
    expect(new Set(keysOf(got))).toEqual(new Set(ids));
    // Each record is its event, as the API serves it, keyed by its id; the headers say where it comes from.
    for (const r of got) {
      expect((JSON.parse(r.value) as ActivityEvent).id).toBe(r.key);
      expect(r.headers).toEqual({ stream_id: id, source: 'cis' });
    }
    const one = got.find((r) => r.key === ids[500]) as KafkaRecord;
    expect(JSON.parse(one.value)).toEqual(
      (await svc.api('GET', `/activities/v1/activities/${ids[500]}`)).body,
    );
    // Spread over the topic's partitions by key, and in log order on each: the events of a shard follow each
    // other in their sequence order, whatever partition they share.
    const partitions = new Map<number, KafkaRecord[]>();
    for (const r of got) partitions.set(r.partition, [...(partitions.get(r.partition) ?? []), r]);
    expect(partitions.size).toBeGreaterThan(1);
    const where = await positions(ids);
    for (const records of partitions.values()) {
      const inOffsetOrder = [...records].sort((a, b) => a.offset - b.offset);
      expect(inOffsetOrder.map((r) => r.offset)).toEqual(inOffsetOrder.map((_, i) => i));
      const byShard = new Map<string, string[]>();
      for (const r of inOffsetOrder) {
        const p = where.get(r.key) as { shard: string; seq: string };
        byShard.set(p.shard, [...(byShard.get(p.shard) ?? []), p.seq]);
      }
      for (const seqs of byShard.values()) expect(seqs).toEqual([...seqs].sort());
    }
    expect(await get(id)).toMatchObject({
      status: 'active',
      health: { lag: 0, consecutive_failures: 0, last_error: null },
    });
  }, 300_000);

  it('survives a broker restart: retry health while it is down, nothing committed or lost, then every event once', async () => {
    const s = await create({
      name: 'kafka-restart',
      type: 'cis',
      batch_size: 100,
      event_types: ['user_logout'],
      destination: { kind: 'kafka', brokers: restarted.bootstrap, topic: 'identity-activity-restart' },
    });
    expect(s.status).toBe(201);
    const id = s.body.stream_id;
    const before = await svc.ingest(Array.from({ length: 300 }, () => ({ type: 'user_logout' })));
    await waitLag(id, 300);
    await drain(id);
    expect(keysOf(await restarted.waitFor(id, 300)).sort()).toEqual([...before].sort());

    // The broker goes away (its process ends); events keep arriving.
    await restarted.stopBroker();
    const during = await svc.ingest(Array.from({ length: 200 }, () => ({ type: 'user_logout' })));
    await waitLag(id, 200);
    for (let run = 0; run < 2; run++) {
      const result = await svc.runner.runExport();
      expect(result?.streams.find((r) => r.stream_id === id)).toMatchObject({
        outcome: 'retrying',
        delivered: 0,
      });
    }
    const down = await get(id);
    expect(down).toMatchObject({ status: 'active', health: { lag: 200, consecutive_failures: 2 } });
    // Transient (a connection refused, or closed): the stream stays active, retried by the next run.
    expect(down.health.last_error).toMatch(/Kafka unavailable: KafkaJS\w*Error: /);

    // Back on the same address: the pending batch and the rest are delivered, once.
    await restarted.startBroker();
    await drain(id);
    const after = await restarted.waitFor(id, 500);
    expect(after).toHaveLength(500);
    expect(keysOf(after.filter((r) => r.generation === 1)).sort()).toEqual([...before].sort());
    expect(keysOf(after.filter((r) => r.generation === 2)).sort()).toEqual([...during].sort());
    expect(await get(id)).toMatchObject({
      status: 'active',
      health: { lag: 0, consecutive_failures: 0, last_error: null },
    });
  }, 300_000);
});

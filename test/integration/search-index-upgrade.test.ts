import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkEntries, searchAttributes } from '../../functions/shared/log/index.js';
import {
  type ActivityEvent,
  SEARCH_INDEX_NAMES,
  type TableSpec,
} from '../../functions/shared/model/index.js';
import { startEmulators } from '../../local/emulators.js';
import { freePort } from '../../local/processes.js';
import { provisionTables, rebuildTable, scanAll } from '../../local/provision.js';
import { startLocal } from '../../local/runner.js';
import { legacyLogItem } from '../support/legacy-log.js';
import { eventually, startTestService } from '../support/local.js';

/** The events table as 1.x created it: seven indexes, each projecting the event `e` and the filter attributes. */
const LEGACY_EVENTS: TableSpec = {
  resource: 'eventsTable',
  pk: 'pk',
  sk: 'sk',
  ttl: 'expires_at',
  indexes: [
    ['by_source', 'gs'],
    ['by_type', 'gt'],
    ['by_user', 'gu'],
    ['by_app', 'ga'],
    ['by_actor', 'gc'],
    ['by_ip', 'gi'],
    ['by_session', 'gn'],
  ].map(([name, pk]) => ({
    name: name as string,
    pk: pk as string,
    sk: 'ts',
    projection: ['e', 'expires_at', 'source', 'type', 'tenant_id', 'user_id', 'app_id', 'actor_id', 'ip'],
  })),
};

const TABLE = 'local-events';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * The emulators' ports, the same for every start of this file: the handlers, loaded once per process, keep the
 * endpoints of the first start.
 */
const ports = { dynamodb: 0, kinesis: 0, s3: 0 };

/** With only the emulators running on the data directory: a DynamoDB client for `fn`. */
async function withDynamo<T>(dataDir: string, fn: (ddb: DynamoDBClient) => Promise<T>): Promise<T> {
  const emulators = await startEmulators(dataDir, ports);
  const ddb = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: emulators.endpoints.dynamodb,
    credentials: CREDENTIALS,
  });
  try {
    return await fn(ddb);
  } finally {
    ddb.destroy();
    await emulators.stop();
  }
}

const idItems = async (ddb: DynamoDBClient) =>
  (await scanAll(ddb, TABLE)).filter((i) => i.pk?.S?.startsWith('E#'));

describe('the local runner brings stored data to the configured search indexes on start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-upgrade-'));
  const ids: string[] = [];
  let legacyLogItems = 0;
  const events = Array.from({ length: 40 }, (_, i) => ({
    id: `old-${i}`,
    type: i % 4 === 0 ? 'user_logout' : 'user_login',
    user_id: `u-${i % 3}`,
    app_id: 'web',
    ...(i % 5 === 0 ? { data: { session_id: 's-upgrade' } } : {}),
  }));

  beforeAll(async () => {
    for (const k of Object.keys(ports) as Array<keyof typeof ports>) ports[k] = await freePort();
    // Events stored by this version, then the table taken back to the 1.x layout: its seven indexes, and id items
    // with every index's key, as 1.x wrote them.
    const first = await startTestService({ dataDir, emulatorPorts: ports });
    try {
      ids.push(...(await first.ingest(events)));
      await eventually(async () => {
        const res = await first.api<{ data: unknown[] }>(
          'GET',
          '/activities/v1/activities?source=cis&limit=100',
        );
        return res.body.data.length === events.length ? true : undefined;
      });
    } finally {
      await first.stop();
    }
    await withDynamo(dataDir, async (ddb) => {
      const copied = await rebuildTable(ddb, TABLE, LEGACY_EVENTS, (item) =>
        item.pk?.S?.startsWith('E#') && item.e?.S && item.shard?.S
          ? {
              ...item,
              ...searchAttributes(JSON.parse(item.e.S) as ActivityEvent, item.shard.S, SEARCH_INDEX_NAMES),
            }
          : item,
      );
      expect(copied).toBeGreaterThan(events.length);
      const d = await ddb.send(new DescribeTableCommand({ TableName: TABLE }));
      expect(d.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
        LEGACY_EVENTS.indexes.map((i) => i.name).sort(),
      );
      expect((await idItems(ddb)).every((i) => i.gt?.S && i.e?.S)).toBe(true);
      // And the event log as 1.x wrote it: one item per event, with its JSON, in place of the chunks.
      const all = await scanAll(ddb, TABLE);
      const byId = new Map(all.filter((i) => i.pk?.S?.startsWith('E#')).map((i) => [i.pk?.S?.slice(2), i]));
      const retention = { cis: 90, verify: 90, risk: 90, admin: 90 };
      for (const chunk of all.filter((i) => i.pk?.S?.startsWith('L#') && i.x?.S)) {
        const shardId = (chunk.pk?.S ?? '').split('#')[2] ?? '';
        for (const entry of chunkEntries(chunk)) {
          const json = byId.get(entry.id)?.e?.S ?? '';
          await ddb.send(
            new PutItemCommand({
              TableName: TABLE,
              Item: legacyLogItem(
                {
                  event: JSON.parse(json) as ActivityEvent,
                  json,
                  shardId,
                  seq: entry.seq,
                  n: entry.n,
                  order: entry.o,
                },
                retention,
              ),
            }),
          );
          legacyLogItems++;
        }
        if (chunkEntries(chunk)[0]?.seq !== chunk.sk?.S) throw new Error('a chunk starts at its first event');
      }
      expect(legacyLogItems).toBeGreaterThanOrEqual(events.length);
    });
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses an unknown index in SEARCH_INDEXES before starting anything, naming the setting', async () => {
    const before = process.env.SEARCH_INDEXES;
    process.env.SEARCH_INDEXES = 'by_source,by_colour';
    try {
      await expect(startLocal({ port: 0, dataDir })).rejects.toThrow(
        /^SEARCH_INDEXES=by_source,by_colour: 'by_colour' is not a search index; the indexes are by_source, by_type/,
      );
    } finally {
      if (before === undefined) delete process.env.SEARCH_INDEXES;
      else process.env.SEARCH_INDEXES = before;
    }
  });

  it('replaces the 1.x indexes by the default set, keeps every item, and finds the old events', async () => {
    const svc = await startTestService({ dataDir, emulatorPorts: ports });
    try {
      expect(svc.runner.searchIndexes).toEqual(['by_source', 'by_user']);
      expect(svc.runner.upgrades).toHaveLength(1);
      expect(svc.runner.upgrades[0]).toMatchObject({
        table: TABLE,
        removed: LEGACY_EVENTS.indexes.map((i) => i.name),
        added: ['by_source_v2', 'by_user_v2'],
      });
      const ddb = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: svc.runner.credentials.aws_endpoints.dynamodb,
        credentials: CREDENTIALS,
      });
      try {
        const d = await ddb.send(new DescribeTableCommand({ TableName: TABLE }));
        const indexes = d.Table?.GlobalSecondaryIndexes ?? [];
        expect(indexes.map((i) => i.IndexName).sort()).toEqual(['by_source_v2', 'by_user_v2']);
        for (const i of indexes) expect(i.Projection?.NonKeyAttributes).not.toContain('e');
        // The id items keep their event and carry the default set's keys only.
        const items = await idItems(ddb);
        expect(items).toHaveLength(events.length);
        for (const item of items) {
          expect(item.e?.S).toBeDefined();
          expect(
            Object.keys(item)
              .filter((k) => /^g[a-z]$/.test(k))
              .sort(),
          ).toEqual(['gs', 'gu']);
        }
      } finally {
        ddb.destroy();
      }
      const found = async (query: string) => {
        const res = await svc.api<{ data: ActivityEvent[] }>(
          'GET',
          `/activities/v1/activities?${query}&limit=100`,
        );
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.data.map((e) => e.id).sort();
      };
      expect(await found('source=cis')).toEqual([...ids].sort());
      expect(await found('user_id=u-1')).toEqual(
        events
          .filter((e) => e.user_id === 'u-1')
          .map((e) => e.id)
          .sort(),
      );
      // Filters whose index is gone: by_source with a residual filter, or a test on the events.
      expect(await found('type=user_logout')).toEqual(
        events
          .filter((e) => e.type === 'user_logout')
          .map((e) => e.id)
          .sort(),
      );
      expect(await found('session_id=s-upgrade')).toEqual(
        events
          .filter((e) => e.data)
          .map((e) => e.id)
          .sort(),
      );
    } finally {
      await svc.stop();
    }
  });

  it('hands the events of the 1.x log to a stream, each once, and the new events after them', async () => {
    const svc = await startTestService({ dataDir, emulatorPorts: ports });
    try {
      const created = await svc.api<{ stream_id: string }>('POST', '/activities/v1/streams', {
        name: 'after-upgrade',
        type: 'cis',
        start_from: 'earliest',
      });
      expect(created.status).toBe(201);
      const fresh = await svc.ingest([{ type: 'user_login', user_id: 'u-new' }]);
      const got: string[] = [];
      await eventually(async () => {
        const res = await svc.api<{ data: ActivityEvent[]; has_more: boolean }>(
          'POST',
          `/activities/v1/activities/collect?type=cis&stream_id=${created.body.stream_id}&batch_size=7`,
        );
        expect(res.status).toBe(200);
        got.push(...res.body.data.map((e) => e.id));
        return got.includes(fresh[0] ?? '') && !res.body.has_more ? true : undefined;
      });
      // The service's own audit events (the stream created above) are admin events, not collected here.
      expect([...got].sort()).toEqual([...ids, ...fresh].sort());
      expect(new Set(got).size).toBe(got.length);
    } finally {
      await svc.stop();
    }
  });

  it('changes nothing on the next start', async () => {
    const svc = await startTestService({ dataDir, emulatorPorts: ports });
    try {
      expect(svc.runner.upgrades).toEqual([]);
      const res = await svc.api<{ data: unknown[] }>('GET', '/activities/v1/activities/old-7');
      expect(res.status).toBe(200);
    } finally {
      await svc.stop();
    }
  });

  it('finishes a rebuild a stop interrupted from the items it kept on disk, losing none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'activity-events-rebuild-'));
    try {
      await withDynamo(dir, async (ddb) => {
        const names = { eventsTable: TABLE, controlTable: 'local-control' };
        await provisionTables(ddb, names, { dumpDir: dir });
        for (let i = 0; i < 30; i++)
          await ddb.send(
            new PutItemCommand({
              TableName: TABLE,
              Item: { pk: { S: `E#r-${i}` }, sk: { S: 'E' }, e: { S: `{"id":"r-${i}"}` } },
            }),
          );
        // The rebuild stops after the table was deleted and made again, before any item is back.
        let n = 0;
        const stopping = (item: Record<string, AttributeValue>) => {
          if (++n === 5) throw new Error('stopped');
          return item;
        };
        await expect(rebuildTable(ddb, TABLE, LEGACY_EVENTS, stopping, dir)).rejects.toThrow('stopped');
        expect(await scanAll(ddb, TABLE)).toHaveLength(0);
        expect(readdirSync(dir)).toContain(`rebuild-${TABLE}.jsonl`);
        // The next start finishes it.
        const upgrades = await provisionTables(ddb, names, { dumpDir: dir });
        expect(upgrades.map((u) => [u.table, u.items])).toEqual([[TABLE, 30]]);
        expect((await scanAll(ddb, TABLE)).map((i) => i.pk?.S).sort()).toEqual(
          Array.from({ length: 30 }, (_, i) => `E#r-${i}`).sort(),
        );
        expect(readdirSync(dir).some((f) => f.startsWith('rebuild-'))).toBe(false);
        const d = await ddb.send(new DescribeTableCommand({ TableName: TABLE }));
        expect(d.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
          'by_source_v2',
          'by_user_v2',
        ]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

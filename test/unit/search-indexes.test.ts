import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeRecords, getEvent } from '../../functions/shared/log/index.js';
import {
  type ActivityEvent,
  DomainError,
  type MigrationStep,
  migrationSteps,
  SEARCH_INDEX_NAMES,
  type SearchIndexName,
  searchIndexSet,
  tablesFor,
} from '../../functions/shared/model/index.js';
import { tenantsProjection } from '../../functions/shared/search/index.js';
import { SEARCH_MAX_BYTES, search } from '../../functions/shared/search/search.js';
import { main as backfillMain } from '../../scripts/backfill-search-index.js';
import { mockCursorSecret, testCursorKey } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

// The handlers of this file run with by_user as the only search index (read at their cold start).
const EVENTS = 'x-events';
const CONTROL = 'x-control';
let ddb: FakeDynamo;
let kin: ReturnType<typeof fakeKinesis>;
const sqs = mockClient(SQSClient);
let activities: unknown;
let analytics: unknown;
let reports: unknown;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;

beforeAll(async () => {
  mockCursorSecret();
  Object.assign(process.env, {
    EVENTS_TABLE: EVENTS,
    CONTROL_TABLE: CONTROL,
    EVENT_STREAM: 'x-stream',
    RETENTION_DAYS: '90',
    REPORTS_BUCKET: 'x-reports',
    REPORTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/x-reports',
    SEARCH_INDEXES: 'by_user',
  });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL }, { searchIndexes: ['by_user'] });
  kin = fakeKinesis(2);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  activities = (await import('../../functions/activities/handler.js')).handler;
  analytics = (await import('../../functions/analytics/handler.js')).handler;
  reports = (await import('../../functions/reports/handler.js')).handler;
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
});
afterAll(() => {
  ddb.restore();
  kin.restore();
  sqs.restore();
});

type Body = {
  data?: ActivityEvent[];
  next_cursor?: string | null;
  error?: { code: string; message: string; details?: Array<{ path: string; message: string }> };
};

const at = (i: number) => new Date(Date.parse('2026-11-24T08:00:00Z') + i * 60_000).toISOString();
const window = { from: '2026-11-24T00:00:00Z', to: '2026-11-25T00:00:00Z' };
const RETENTION = { cis: 90, verify: 90, risk: 90, admin: 90 };
const newestFirst = (events: readonly ActivityEvent[]) =>
  [...events].sort((a, b) => (`${a.timestamp}#${a.id}` < `${b.timestamp}#${b.id}` ? 1 : -1)).map((e) => e.id);

/** Store events on two shards with the consumer, writing the keys of `indexes`. */
async function store(table: string, events: ActivityEvent[], indexes: readonly SearchIndexName[], seq = 1n) {
  for (let s = 0; s < 2; s++) {
    const mine = events.filter((_, i) => i % 2 === s);
    const records = kinesisBatch(`shardId-00000000000${s}`, seq, mine).Records.map((r) => ({
      shardId: `shardId-00000000000${s}`,
      sequenceNumber: r.kinesis.sequenceNumber,
      data: Buffer.from(r.kinesis.data, 'base64'),
    }));
    const res = await consumeRecords(records, {
      ddb: ddb.client,
      eventsTable: table,
      retentionDays: RETENTION,
      searchIndexes: indexes,
      // Searches without a tenant filter read every registered tenant.
      projections: [tenantsProjection({ ddb: ddb.client, eventsTable: table })],
    });
    expect(res.failures).toEqual([]);
  }
}

describe('search with the default indexes: keys from the index, events from the id items', () => {
  const TABLE = 'd-events';
  const deps = () => ({
    ddb: ddb.client,
    eventsTable: TABLE,
    controlTable: CONTROL,
    cursorKey: testCursorKey,
    searchIndexes: searchIndexSet(['by_source', 'by_user']),
  });
  const events: ActivityEvent[] = [];
  beforeAll(async () => {
    await ddb.createTables({ eventsTable: TABLE }, { searchIndexes: ['by_source', 'by_user'] });
    for (let i = 0; i < 150; i++)
      events.push(
        makeEvent({
          type: i % 3 ? 'user_login' : 'action_start',
          user_id: `u${i % 4}`,
          timestamp: at(i),
          ...(i % 3 ? {} : { data: { journey_id: i % 2 ? 'kyc' : 'signup', step_id: 'email' } }),
        }),
      );
    await store(TABLE, events, ['by_source', 'by_user']);
  });

  /** Every page of a search, and the DynamoDB calls it made. */
  async function all(query: Record<string, string>) {
    const from = ddb.log.length;
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(deps(), { ...window, ...query, ...(cursor ? { cursor } : {}) });
      ids.push(...page.data.map((e) => e.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return { ids, calls: ddb.log.slice(from) };
  }

  it('queries the index for keys only and reads a page of 100 events with one BatchGetItem', async () => {
    const { ids, calls } = await all({ source: 'cis', limit: '100' });
    expect(ids).toEqual(newestFirst(events));
    const queries = calls.filter((c) => c.op === 'Query' && c.input.IndexName !== undefined);
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      expect(q.input.IndexName).toBe('by_source_v2');
      const names = q.input.ExpressionAttributeNames as Record<string, string>;
      const asked = String(q.input.ProjectionExpression)
        .split(',')
        .map((p) => names[p.trim()] ?? p.trim());
      expect(asked.sort()).toEqual(['pk', 'sk', 'ts']);
    }
    // Two pages (100 and 50 events): one batched read each.
    const gets = calls.filter((c) => c.op === 'BatchGetItem');
    expect(gets).toHaveLength(2);
    const keys = (c: (typeof gets)[number]) =>
      (c.input.RequestItems as Record<string, { Keys: unknown[]; ConsistentRead?: boolean }>)[TABLE];
    expect(gets.map((g) => keys(g)?.Keys.length)).toEqual([100, 50]);
    expect(gets.every((g) => keys(g)?.ConsistentRead !== true)).toBe(true);
  });

  it('serves a filter without its own index from by_source with a residual filter, across pages', async () => {
    const { ids, calls } = await all({ type: 'action_start', limit: '7' });
    expect(ids).toEqual(newestFirst(events.filter((e) => e.type === 'action_start')));
    const q = calls.find((c) => c.op === 'Query' && c.input.IndexName !== undefined);
    expect(q?.input.FilterExpression).toMatch(/#type IN \(:type0\)/);
  });

  it('tests a filter no attribute carries on the candidates read during the partition reads, skipping and repeating nothing', async () => {
    for (const limit of ['1', '4', '100']) {
      const { ids } = await all({ journey_id: 'kyc', step_id: 'email', limit });
      expect(ids, `limit ${limit}`).toEqual(newestFirst(events.filter((e) => e.data?.journey_id === 'kyc')));
    }
  });

  it('serves the user pages from by_user', async () => {
    const { ids, calls } = await all({ user_id: 'u1', limit: '10' });
    expect(ids).toEqual(newestFirst(events.filter((e) => e.user_id === 'u1')));
    expect(calls.find((c) => c.op === 'Query' && c.input.IndexName !== undefined)?.input.IndexName).toBe(
      'by_user_v2',
    );
  });

  it('reads again, strongly consistent, an event the eventually consistent read did not find', async () => {
    const missed = newestFirst(events)[3] as string;
    ddb.setFault((op, input) => {
      const req = (
        input.RequestItems as Record<string, { Keys: Array<{ pk: { S: string } }>; ConsistentRead?: boolean }>
      )?.[TABLE];
      if (op !== 'BatchGetItem' || !req || req.ConsistentRead) return;
      // As if that replica had not seen the item yet: the key asks for nothing there.
      req.Keys = req.Keys.map((k) => (k.pk.S === `E#${missed}` ? { ...k, pk: { S: 'E#not-there-yet' } } : k));
    });
    try {
      const { ids, calls } = await all({ source: 'cis', limit: '10' });
      expect(ids).toEqual(newestFirst(events));
      const consistent = calls.filter(
        (c) =>
          c.op === 'BatchGetItem' &&
          (c.input.RequestItems as Record<string, { ConsistentRead?: boolean }>)[TABLE]?.ConsistentRead,
      );
      expect(consistent).toHaveLength(1);
    } finally {
      ddb.setFault(undefined);
    }
  });

  it('passes over an index entry whose event is gone, and pages on without skipping or repeating another', async () => {
    const gone = newestFirst(events)[5] as string;
    ddb.setFault((op, input) => {
      const req = (input.RequestItems as Record<string, { Keys: Array<{ pk: { S: string } }> }>)?.[TABLE];
      // Deleted from the table (expired) after the index entry was read.
      if (op === 'BatchGetItem' && req)
        req.Keys = req.Keys.map((k) => (k.pk.S === `E#${gone}` ? { ...k, pk: { S: 'E#deleted' } } : k));
    });
    try {
      for (const limit of ['3', '6', '100']) {
        const { ids } = await all({ source: 'cis', limit });
        expect(ids, `limit ${limit}`).toEqual(newestFirst(events).filter((id) => id !== gone));
      }
    } finally {
      ddb.setFault(undefined);
    }
  });
});

describe('the fake DynamoDB holds index queries to the index projection', () => {
  it('refuses to return the event from an index that does not project it, as DynamoDB does', async () => {
    const query = (extra: Record<string, unknown>) =>
      ddb.call('Query', {
        TableName: EVENTS,
        IndexName: 'by_user_v2',
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'gu' },
        ExpressionAttributeValues: { ':pk': { S: 'u#shardId-000000000000' } },
        ...extra,
      });
    await expect(query({ ProjectionExpression: '#pk, e' })).rejects.toThrow(
      /Global secondary index by_user_v2 does not project \[e\]/,
    );
    await expect(query({ Select: 'ALL_ATTRIBUTES' })).rejects.toThrow(/projection type is not ALL/);
    await expect(
      query({ ProjectionExpression: '#pk, ts, pk, sk, expires_at, user_id' }),
    ).resolves.toBeDefined();
  });
});

describe('a page cut by size', () => {
  const TABLE = 'b-events';
  it(`ends a page before its events pass ${SEARCH_MAX_BYTES} bytes and continues after it, nothing skipped or repeated`, async () => {
    await ddb.createTables({ eventsTable: TABLE }, { searchIndexes: ['by_source', 'by_user'] });
    const big = Array.from({ length: 80 }, (_, i) =>
      makeEvent({ user_id: 'big', timestamp: at(i), data: { blob: 'x'.repeat(60_000) } }),
    );
    await store(TABLE, big, ['by_source', 'by_user']);
    const deps = {
      ddb: ddb.client,
      eventsTable: TABLE,
      controlTable: CONTROL,
      cursorKey: testCursorKey,
    };
    const pages: number[] = [];
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(deps, {
        ...window,
        user_id: 'big',
        limit: '100',
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.data.length);
      ids.push(...page.data.map((e) => e.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(pages[0]).toBeLessThan(80);
    expect(pages[0]).toBeGreaterThan(60);
    expect(ids).toEqual(newestFirst(big));
  });
});

describe('search during a migration from the 1.x indexes', () => {
  const TABLE = 'm-events';
  it('reads the 1.x indexes until the new ones were created a deploy before, with the same results', async () => {
    // Step 2: the new indexes exist beside the 1.x ones (the last one may still be backfilling), and searches
    // still read the 1.x by_source and by_user.
    const set = searchIndexSet(['by_source', 'by_user'], 2);
    expect(set.gsi).toEqual({ by_source: 'by_source', by_user: 'by_user' });
    await ddb.createTables(
      { eventsTable: TABLE },
      { searchIndexes: ['by_source', 'by_user'], migrationStep: 2 },
    );
    const d = (await ddb.call('DescribeTable', { TableName: TABLE })) as {
      Table: { GlobalSecondaryIndexes: Array<{ IndexName: string }> };
    };
    expect(d.Table.GlobalSecondaryIndexes.map((i) => i.IndexName).sort()).toEqual(
      [
        'by_source',
        'by_type',
        'by_user',
        'by_app',
        'by_actor',
        'by_ip',
        'by_session',
        'by_source_v2',
        'by_user_v2',
      ].sort(),
    );
    const events = Array.from({ length: 12 }, (_, i) =>
      makeEvent({ user_id: `m${i % 2}`, timestamp: at(i) }),
    );
    await store(TABLE, events, ['by_source', 'by_user']);
    const deps = { ddb: ddb.client, eventsTable: TABLE, controlTable: CONTROL, cursorKey: testCursorKey };
    const from = ddb.log.length;
    const page = await search({ ...deps, searchIndexes: set }, { ...window, user_id: 'm1' });
    expect(page.data.map((e) => e.id)).toEqual(newestFirst(events.filter((e) => e.user_id === 'm1')));
    expect(ddb.log.slice(from).find((c) => c.op === 'Query' && c.input.IndexName)?.input.IndexName).toBe(
      'by_user',
    );
    // From step 3 on (before any 1.x index of the set is deleted), the same search reads by_user_v2.
    const after = await search(
      { ...deps, searchIndexes: searchIndexSet(['by_source', 'by_user'], 3) },
      {
        ...window,
        user_id: 'm1',
      },
    );
    expect(after.data.map((e) => e.id)).toEqual(page.data.map((e) => e.id));
  });
});

describe('the migration steps of any set', () => {
  it('never delete a 1.x index in the update after the one whose functions read it (a switch step when nothing else lies between)', () => {
    const sets: SearchIndexName[][] = [[], ['by_source'], ['by_source', 'by_user'], [...SEARCH_INDEX_NAMES]];
    for (const names of sets) {
      const steps = migrationSteps(names);
      expect(steps.filter((s) => s.action === 'switch')).toHaveLength(names.length === 7 ? 1 : 0);
      for (let k = 1; k <= steps.length; k++) {
        const step = steps[k - 1] as MigrationStep;
        if (step.action !== 'delete') continue;
        expect(Object.values(searchIndexSet(names, k - 1).gsi), `${names.join(',')} step ${k}`).not.toContain(
          step.index,
        );
      }
      // Every index the search reads exists at its step.
      for (let k = 0; k <= steps.length; k++) {
        const declared = tablesFor(names, k)[0]?.indexes.map((i) => i.name) ?? [];
        for (const gsi of Object.values(searchIndexSet(names, k).gsi)) expect(declared).toContain(gsi);
      }
    }
  });
});

describe('an index added to the set later', () => {
  const TABLE = 'l-events';
  it('holds the events stored before it once npm run backfill-search-index has given them its key', async () => {
    // Events stored while only the defaults were deployed; then by_ip is added.
    await ddb.createTables({ eventsTable: TABLE }, { searchIndexes: ['by_source', 'by_user', 'by_ip'] });
    const events = Array.from({ length: 40 }, (_, i) =>
      makeEvent({ ip: `10.0.0.${i % 3}`, user_id: `b${i % 2}`, timestamp: at(i) }),
    );
    await store(TABLE, events, ['by_source', 'by_user']);
    const deps = {
      ddb: ddb.client,
      eventsTable: TABLE,
      controlTable: CONTROL,
      cursorKey: testCursorKey,
      searchIndexes: searchIndexSet(['by_source', 'by_user', 'by_ip']),
    };
    const byIp = async () =>
      (await search(deps, { ...window, ip: '10.0.0.1', limit: '100' })).data.map((e) => e.id);
    expect(await byIp()).toEqual([]);
    const lines: string[] = [];
    const done = await backfillMain(['--table', TABLE, '--indexes', 'by_ip', '--segments', '3'], (l) =>
      lines.push(l),
    );
    expect(done).toEqual({ scanned: 40, updated: 40, skipped: 0 });
    expect(lines.at(-1)).toMatch(/^done: 40 events scanned, 40 given the keys of by_ip, 0 passed/);
    expect(await byIp()).toEqual(newestFirst(events.filter((e) => e.ip === '10.0.0.1')));
    // Again: nothing left to do.
    expect(await backfillMain(['--table', TABLE, '--indexes', 'by_ip'], () => undefined)).toEqual({
      scanned: 40,
      updated: 0,
      skipped: 40,
    });
  });

  it('refuses what it cannot do before reading anything, naming the option', async () => {
    await expect(backfillMain(['--indexes', 'by_ip'], () => undefined)).rejects.toThrow(/^--table/);
    await expect(backfillMain(['--table', 't', '--indexes', 'by_colour'], () => undefined)).rejects.toThrow(
      /^--indexes by_colour: 'by_colour' is not a search index/,
    );
    await expect(backfillMain(['--table', 't', '--indexes', 'none'], () => undefined)).rejects.toThrow(
      /name at least one/,
    );
    await expect(
      backfillMain(['--table', 't', '--indexes', 'by_ip', '--segments', '0'], () => undefined),
    ).rejects.toThrow(/^--segments 0/);
  });
});

describe('no search index deployed: collect and GET by id only', () => {
  const TABLE = 'n-events';
  it('stores events without index keys, serves them by id, and answers a search 400 naming the setting', async () => {
    await ddb.createTables({ eventsTable: TABLE }, { searchIndexes: [] });
    const e = makeEvent({ user_id: 'n1', timestamp: at(1) });
    await store(TABLE, [e], []);
    const item = await ddb.call('GetItem', {
      TableName: TABLE,
      Key: { pk: { S: `E#${e.id}` }, sk: { S: 'E' } },
    });
    expect(
      Object.keys((item as { Item: Record<string, unknown> }).Item).filter((k) => /^g[a-z]$/.test(k)),
    ).toEqual([]);
    expect((await getEvent(ddb.client, TABLE, e.id))?.id).toBe(e.id);
    const deps = {
      ddb: ddb.client,
      eventsTable: TABLE,
      controlTable: CONTROL,
      cursorKey: testCursorKey,
      searchIndexes: searchIndexSet([]),
    };
    const refused = await search(deps, { user: 'n1' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).details).toEqual([
      {
        path: 'user',
        message:
          'no search index serves these filters (deployed: none): deploy with searchIndexes including by_user or by_source (local: SEARCH_INDEXES=by_user)',
      },
    ]);
  });
});

describe('the API with only by_user deployed', () => {
  const get = (path: string, routeKey: string, query: Record<string, string>) =>
    invoke<Body>(activities, apiEvent({ path, routeKey, query }));
  const find = (query: Record<string, string>) =>
    get('/activities/v1/activities', 'GET /activities/v1/activities', { ...window, ...query });
  const mine: ActivityEvent[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 6; i++) mine.push(makeEvent({ user_id: `a${i % 2}`, timestamp: at(i) }));
    const res = await consume(kinesisBatch('shardId-000000000000', 1n, mine), ctx());
    expect(res.batchItemFailures).toEqual([]);
  });

  it('serves a user page', async () => {
    const res = await find({ user_id: 'a1' });
    expect(res.status).toBe(200);
    expect(res.body.data?.map((e) => e.id)).toEqual(newestFirst(mine.filter((e) => e.user_id === 'a1')));
  });

  it('answers a search no deployed index serves 400, naming the stack prop and the local setting', async () => {
    const res = await find({ source: 'cis' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'validation_failed',
        message: 'invalid search parameters',
        details: [
          {
            path: 'source',
            message:
              'no search index serves these filters (deployed: by_user): deploy with searchIndexes including by_source (local: SEARCH_INDEXES=by_source,by_user)',
          },
        ],
      },
    });
  });

  it('counts from the counters without an index, and answers an aggregate that counts events 400', async () => {
    const agg = (query: Record<string, string>) =>
      get('/activities/v1/activities/aggregate', 'GET /activities/v1/activities/aggregate', {
        ...window,
        ...query,
      });
    expect((await agg({ source: 'cis', group_by: 'type' })).status).toBe(200);
    const byUser = await agg({ source: 'cis', group_by: 'user_id' });
    expect(byUser.status).toBe(400);
    expect(byUser.body.error?.details?.[0]?.message).toMatch(/deploy with searchIndexes including by_source/);
    expect((await agg({ user_id: 'a1', group_by: 'user_id' })).status).toBe(200);
  });

  it('refuses a report no deployed index serves before recording it, and takes one that is served', async () => {
    const post = (body: unknown) =>
      invoke<Body>(
        reports,
        apiEvent({
          method: 'POST',
          path: '/activities/v1/reports',
          routeKey: 'POST /activities/v1/reports',
          body,
        }),
      );
    const refused = await post({ source: 'cis', format: 'csv' });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.details?.[0]).toMatchObject({
      path: 'source',
      message: expect.stringMatching(/searchIndexes including by_source \(local: SEARCH_INDEXES=/),
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect((await post({ user_id: 'a1', format: 'csv' })).status).toBe(202);
  });

  it('answers journey analytics 400: session durations are a search of the session types', async () => {
    const res = await invoke<Body>(
      analytics,
      apiEvent({ path: '/activities/v1/analytics/journeys', query: window }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.[0]?.message).toMatch(/including by_type or by_source/);
  });
});

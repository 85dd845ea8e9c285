import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aggregate, aggregate } from '../../functions/shared/aggregates/index.js';
import { type ActivityEvent, lookupType } from '../../functions/shared/model/index.js';
import { mockCursorSecret, testCursorKey } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

const EVENTS = 'g-events';
const CONTROL = 'g-control';
let ddb: FakeDynamo;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
let activities: unknown;

const DAY = 86_400_000;
// Relative to now: minute counters reach back 8 days.
const base = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
const events: ActivityEvent[] = [];

beforeAll(async () => {
  mockCursorSecret();
  Object.assign(process.env, { EVENTS_TABLE: EVENTS, CONTROL_TABLE: CONTROL, RETENTION_DAYS: '90' });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
  activities = (await import('../../functions/activities/handler.js')).handler;
  // 420 events over 36 hours and three shards: several sources, types, apps, tenants, users and journeys.
  const kinds = [
    { type: 'user_login', source: 'cis' },
    { type: 'user_logout', source: 'cis' },
    { type: 'risk_recommendation', source: 'risk' },
    { type: 'addAdmin', source: 'admin' },
    { type: 'session_start', source: 'cis' },
    { type: 'page_loaded', source: 'verify' },
  ] as const;
  for (let i = 0; i < 420; i++) {
    const k = kinds[i % kinds.length] as (typeof kinds)[number];
    events.push(
      makeEvent({
        type: k.type,
        source: k.source,
        timestamp: new Date(base + i * 5 * 60_000 + (i % 7) * 1_000).toISOString(),
        tenant_id: i % 5 === 0 ? 'acme' : 'default',
        ...(i % 4 === 0 ? {} : { app_id: i % 4 === 1 ? 'web' : 'ios' }),
        user_id: `u${i % 6}`,
        ...(k.source === 'admin'
          ? { actor_id: `adm-${i % 3}`, target_resource_type: i % 2 ? 'app' : 'user' }
          : {}),
        ...(i % 3 === 0 ? { ip: '203.0.113.9' } : {}),
        ...(k.type === 'session_start'
          ? { data: { journey_id: i % 2 ? 'signup' : 'login', session_id: `s${i}` } }
          : {}),
      }),
    );
  }
  let seq = 10n;
  for (let s = 0; s < 3; s++) {
    const mine = events.filter((_, i) => i % 3 === s);
    const batch = kinesisBatch(`shardId-00000000000${s}`, seq, mine);
    // The first delivery counts everything but fails to commit its watermark, so Lambda retries the whole
    // batch: the counters must not count anything twice.
    let failOnce = true;
    ddb.setFault((op, input) => {
      const key = input.Key as { pk?: { S?: string } } | undefined;
      if (failOnce && op === 'UpdateItem' && key?.pk?.S === 'W') {
        failOnce = false;
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      }
    });
    expect((await consume(batch, ctx('consume'))).batchItemFailures).not.toEqual([]);
    ddb.setFault(undefined);
    expect((await consume(batch, ctx('consume'))).batchItemFailures).toEqual([]);
    seq += 10_000n;
  }
});
afterAll(() => ddb.restore());

const get = (query: Record<string, string>) =>
  invoke<Aggregate & { error?: { code: string; details?: Array<{ path: string; message: string }> } }>(
    activities,
    apiEvent({
      path: '/activities/v1/activities/aggregate',
      routeKey: 'GET /activities/v1/activities/aggregate',
      query,
    }),
  );

type Dim =
  | 'type'
  | 'source'
  | 'category'
  | 'app_id'
  | 'tenant_id'
  | 'user_id'
  | 'actor_id'
  | 'ip'
  | 'target_resource_type';
const dimensionValue = (e: ActivityEvent, d: Dim) =>
  d === 'category'
    ? (lookupType(e.type)?.category ?? null)
    : (((e as unknown as Record<string, string>)[d] ?? null) as string | null);

/** What the aggregate must say, computed from the events themselves. */
function expected(pred: (e: ActivityEvent) => boolean, from: number, to: number, dims: Dim[], step?: number) {
  const inWindow = events.filter((e) => {
    const t = Date.parse(e.timestamp);
    return t >= from && t < to && pred(e);
  });
  const groups = new Map<string, number>();
  const series = new Map<number, number>();
  for (const e of inWindow) {
    const label = dims.map((d) => dimensionValue(e, d) ?? '(none)').join('|');
    groups.set(label, (groups.get(label) ?? 0) + 1);
    if (step) {
      const b = Math.floor(Date.parse(e.timestamp) / step) * step;
      series.set(b, (series.get(b) ?? 0) + 1);
    }
  }
  return { total: inWindow.length, groups, series };
}

const iso = (ms: number) => new Date(ms).toISOString();
const from = base + 3 * 3_600_000 + 17 * 60_000;
const to = base + 27 * 3_600_000 + 41 * 60_000;

describe('GET /activities/aggregate', () => {
  it.each([
    ['everything, by type', {}, () => true, ['type'] as Dim[]],
    [
      'one source, by app and tenant',
      { source: 'cis' },
      (e: ActivityEvent) => e.source === 'cis',
      ['app_id', 'tenant_id'] as Dim[],
    ],
    [
      'two types, by category',
      { type: 'user_login,risk_recommendation' },
      (e: ActivityEvent) => ['user_login', 'risk_recommendation'].includes(e.type),
      ['category'] as Dim[],
    ],
    ['a category, no group', { category: 'admin' }, (e: ActivityEvent) => e.source === 'admin', [] as Dim[]],
    [
      'three sources (everything but admin), by source',
      { source: 'cis,verify,risk' },
      (e: ActivityEvent) => e.source !== 'admin',
      ['source'] as Dim[],
    ],
    [
      'two sources and types of both, by type and app',
      { source: 'cis,risk', type: 'user_logout,risk_recommendation' },
      (e: ActivityEvent) => ['user_logout', 'risk_recommendation'].includes(e.type),
      ['type', 'app_id'] as Dim[],
    ],
    [
      'an app and a tenant, by source',
      { app_id: 'web', tenant_id: 'default' },
      (e: ActivityEvent) => e.app_id === 'web' && e.tenant_id === 'default',
      ['source'] as Dim[],
    ],
  ])('counts %s exactly from the counters, reading items, not events', async (_n, query, pred, dims) => {
    const res = await get({
      ...query,
      from: iso(from),
      to: iso(to),
      ...(dims.length ? { group_by: dims.join(',') } : {}),
      top: '100',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const b = res.body;
    expect(b.counted_from).toBe('counters');
    // The window counted: whole minutes around from and to.
    expect(b.from).toBe(iso(Math.floor(from / 60_000) * 60_000));
    const want = expected(pred, Date.parse(b.from), Date.parse(b.to), dims);
    expect(b.total).toBe(want.total);
    if (dims.length > 0) {
      const got = new Map(b.groups.map((g) => [dims.map((d) => g.key[d] ?? '(none)').join('|'), g.count]));
      expect(got).toEqual(want.groups);
      expect(b.other).toBe(0);
    }
  });

  it.each([
    ['1h', 3_600_000],
    ['15m', 900_000],
    ['1m', 60_000],
    ['1d', 86_400_000],
  ])(
    'draws a %s series whose buckets sum to the total, bucket by bucket as the events say',
    async (interval, step) => {
      const res = await get({ from: iso(from), to: iso(to), interval, group_by: 'source' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const b = res.body;
      expect(Date.parse(b.from) % step).toBe(0);
      const want = expected(() => true, Date.parse(b.from), Date.parse(b.to), ['source'], step);
      expect(b.total).toBe(want.total);
      expect(b.series.length).toBe((Date.parse(b.to) - Date.parse(b.from)) / step);
      for (const p of b.series) {
        expect(p.count, p.t).toBe(want.series.get(Date.parse(p.t)) ?? 0);
        expect(Object.values(p.groups).reduce((a, n) => a + n, 0) + p.other).toBe(p.count);
      }
    },
  );

  it('keeps the top groups and sums the rest as other', async () => {
    const res = await get({ from: iso(from), to: iso(to), group_by: 'type', top: '2' });
    const want = expected(() => true, Date.parse(res.body.from), Date.parse(res.body.to), ['type']);
    const sorted = [...want.groups.values()].sort((a, b) => b - a);
    expect(res.body.groups.map((g) => g.count)).toEqual(sorted.slice(0, 2));
    expect(res.body.other).toBe(sorted.slice(2).reduce((a, n) => a + n, 0));
  });

  it.each([
    ['by user', {}, () => true, ['user_id'] as Dim[]],
    [
      'by actor and target type',
      { source: 'admin' },
      (e: ActivityEvent) => e.source === 'admin',
      ['actor_id', 'target_resource_type'] as Dim[],
    ],
    ['of one user, by type', { user_id: 'u2' }, (e: ActivityEvent) => e.user_id === 'u2', ['type'] as Dim[]],
    [
      'of three sources, by user and source',
      { source: 'cis,verify,risk' },
      (e: ActivityEvent) => e.source !== 'admin',
      ['user_id', 'source'] as Dim[],
    ],
    [
      'of a journey, by ip',
      { journey_id: 'signup' },
      (e: ActivityEvent) => e.data?.journey_id === 'signup',
      ['ip'] as Dim[],
    ],
  ])('counts %s exactly from the search indexes', async (_n, query, pred, dims) => {
    const res = await get({ ...query, from: iso(from), to: iso(to), group_by: dims.join(','), top: '100' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.counted_from).toBe('indexes');
    const want = expected(pred, Date.parse(res.body.from), Date.parse(res.body.to), dims);
    expect(res.body.total).toBe(want.total);
    const got = new Map(
      res.body.groups.map((g) => [dims.map((d) => g.key[d] ?? '(none)').join('|'), g.count]),
    );
    expect(got).toEqual(want.groups);
  });

  it('refuses, precisely, a count from the indexes over a window holding too many events', async () => {
    const logged = ddb.log.length;
    const err = await aggregate(
      {
        ddb: ddb.client,
        eventsTable: EVENTS,
        controlTable: CONTROL,
        cursorKey: testCursorKey,
        maxIndexEvents: 50,
      },
      { group_by: 'user_id', from: iso(from), to: iso(to) },
    ).catch((e: unknown) => e);
    expect((err as { details: Array<{ message: string }> }).details[0]?.message).toMatch(
      /more than 50: narrow from\/to or add a filter/,
    );
    // The counters told it at once: not one search index was read.
    expect(ddb.log.slice(logged).filter((c) => c.input.IndexName !== undefined)).toEqual([]);
  });

  it.each([
    [{ group_by: 'colour' }, 'group_by', /not a dimension/],
    [{ group_by: 'type,app_id,tenant_id' }, 'group_by', /at most two/],
    [{ interval: '7m' }, 'interval', /one of 1m, 5m, 15m, 1h, 1d/],
    [
      { interval: '1m', from: iso(base - 20 * DAY), to: iso(base - 19 * DAY) },
      'interval',
      /reach back 8 days/,
    ],
    [{ interval: '1m', from: iso(base - 5 * DAY), to: iso(base) }, 'interval', /at most 2000/],
    [{ top: '0' }, 'top', /1 to 100/],
    [{ limit: '5' }, 'limit', /search parameter/],
    [{ source: 'cis,crm' }, 'source', /'crm' must be one of cis, verify, risk, admin/],
    [{ source: 'cis,risk', type: 'page_loaded' }, 'type', /'page_loaded' is a verify event, not cis or risk/],
  ])('answers %j with 400 naming the parameter', async (query, path, message) => {
    const res = await get(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.find((d) => d.path === path)?.message, JSON.stringify(res.body)).toMatch(
      message,
    );
  });
});

import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_ACTIVITY,
  aggregateParams,
  type FilterKey,
  searchParams,
  USER_ACTIVITY,
} from '../../console/src/activity-view.js';
import { userActivityHref } from '../../console/src/journey-model.js';
import {
  type ActivityEvent,
  DomainError,
  SEARCH_INDEX_NAMES,
  type SearchFilters,
  type SearchIndexName,
} from '../../functions/shared/model/index.js';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  parseSearch,
  planSearch,
} from '../../functions/shared/search/index.js';
import { mockCursorSecret, TEST_CURSOR_KEY } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

const EVENTS = 's-events';
let ddb: FakeDynamo;
let activities: unknown;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;

beforeAll(async () => {
  mockCursorSecret();
  Object.assign(process.env, { EVENTS_TABLE: EVENTS, CONTROL_TABLE: 's-control', RETENTION_DAYS: '90' });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: 's-control' });
  activities = (await import('../../functions/activities/handler.js')).handler;
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
});
afterAll(() => ddb.restore());

type Page = {
  data: ActivityEvent[];
  next_cursor: string | null;
  error?: { code: string; details?: Array<{ path: string; message: string }> };
};
const find = (query: Record<string, string>) =>
  invoke<Page>(
    activities,
    apiEvent({ path: '/activities/v1/activities', routeKey: 'GET /activities/v1/activities', query }),
  );

/** Every page of a search, following next_cursor. */
async function all(query: Record<string, string>) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await find({ ...query, ...(cursor ? { cursor } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((e) => e.id));
    cursor = res.body.next_cursor ?? undefined;
    pages++;
  } while (cursor && pages < 500);
  return { ids, pages };
}

describe('search parameters', () => {
  it.each([
    ['an unknown source', { source: 'crm' }, 'source', /one of cis, verify, risk, admin/],
    ['an unknown type', { type: 'user_login,teleport' }, 'type', /unknown event type 'teleport'/],
    [
      'a type of another source',
      { source: 'risk', type: 'user_login' },
      'type',
      /'user_login' is a cis event, not risk/,
    ],
    [
      'from after to',
      { from: '2026-11-24T00:00:00Z', to: '2026-11-23T00:00:00Z' },
      'from',
      /must not be after to/,
    ],
    ['a malformed time', { from: 'yesterday' }, 'from', /ISO 8601/],
    ['limit 0', { limit: '0' }, 'limit', /integer from 1 to 1000/],
    ['limit 1001', { limit: '1001' }, 'limit', /integer from 1 to 1000/],
    ['a bad ip', { ip: 'localhost' }, 'ip', /IPv4 or IPv6/],
    ['an empty user_id', { user_id: '' }, 'user_id', /must not be empty/],
    ['an unknown parameter', { usr: 'x' }, 'usr', /not a known field/],
    ['a malformed cursor', { cursor: 'not-a-cursor' }, 'cursor', /not a cursor returned by this API/],
    [
      'an unknown source in a list',
      { source: 'cis,crm' },
      'source',
      /'crm' must be one of cis, verify, risk, admin/,
    ],
    ['an empty item in a source list', { source: 'cis,,risk' }, 'source', /must not contain empty items/],
    ['an empty source', { source: '' }, 'source', /must not be empty/],
    [
      'a type of a source the list leaves out',
      { source: 'cis,verify,risk', type: 'user_login,addAdmin' },
      'type',
      /'addAdmin' is a admin event, not cis, verify or risk/,
    ],
    [
      'a category of a source the list leaves out',
      { source: 'cis,risk', category: 'admin' },
      'category',
      /'admin' holds admin events, not cis or risk/,
    ],
    [
      'more than 100 types',
      {
        type: Array.from({ length: 101 }, () => 'user_login')
          .map((t, i) => (i ? `${t}${i}` : t))
          .join(','),
      },
      'type',
      /at most 100/,
    ],
  ])('rejects %s with 400 naming the parameter', async (_n, query, path, message) => {
    const res = await find(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.find((d) => d.path === path)?.message, JSON.stringify(res.body)).toMatch(
      message,
    );
  });

  it('binds a cursor to the list of sources it paged', () => {
    const filters = (source: string) => parseSearch({ source }).filters;
    const c = encodeSearchCursor(TEST_CURSOR_KEY, filters('cis,verify'), '2026-11-24T10:00:00.000Z#e1');
    expect(decodeSearchCursor(TEST_CURSOR_KEY, filters('cis,verify'), c)).toBe('2026-11-24T10:00:00.000Z#e1');
    for (const other of ['cis', 'verify', 'cis,verify,risk'])
      expect(() => decodeSearchCursor(TEST_CURSOR_KEY, filters(other), c), other).toThrow(/invalid cursor/);
  });

  it('still pages with a cursor of one source handed out when source was a single value', () => {
    const before = { source: 'cis', user_id: 'u1' } as unknown as SearchFilters;
    const c = encodeSearchCursor(TEST_CURSOR_KEY, before, '2026-11-24T10:00:00.000Z#e1');
    const now = parseSearch({ source: 'cis', user_id: 'u1' }).filters;
    expect(now.source).toEqual(['cis']);
    expect(decodeSearchCursor(TEST_CURSOR_KEY, now, c)).toBe('2026-11-24T10:00:00.000Z#e1');
  });

  it('round-trips cursors, and refuses one from a search with other filters', () => {
    const { filters } = parseSearch({ source: 'cis', user_id: 'u1' });
    const c = encodeSearchCursor(TEST_CURSOR_KEY, filters, '2026-11-24T10:00:00.000Z#e1');
    expect(decodeSearchCursor(TEST_CURSOR_KEY, filters, c)).toBe('2026-11-24T10:00:00.000Z#e1');
    expect(() =>
      decodeSearchCursor(TEST_CURSOR_KEY, parseSearch({ source: 'cis', user_id: 'u2' }).filters, c),
    ).toThrow(/invalid cursor/);
  });

  it.each([
    [{ user_id: 'u', type: 'user_login', app_id: 'a' }, 'by_user', ['u'], ['types', 'app_id']],
    [{ actor_id: 'a', source: 'admin' }, 'by_actor', ['a'], ['source']],
    [{ ip: '10.0.0.1', tenant_id: 't' }, 'by_ip', ['10.0.0.1'], ['tenant_id']],
    [{ app_id: 'web', source: 'cis' }, 'by_app', ['web'], ['source']],
    [
      { type: 'user_login,user_logout', source: 'cis', tenant_id: 't' },
      'by_type',
      ['user_login', 'user_logout'],
      ['tenant_id'],
    ],
    [{ source: 'risk', tenant_id: 't' }, 'by_source', ['t#risk'], []],
    [{ source: 'risk' }, 'by_source', ['t1#risk', 't2#risk'], []],
    [
      {},
      'by_source',
      ['t1#cis', 't1#verify', 't1#risk', 't1#admin', 't2#cis', 't2#verify', 't2#risk', 't2#admin'],
      [],
    ],
    [{ session_id: 's-9', user_id: 'u' }, 'by_session', ['s-9'], ['user_id']],
    [{ journey_id: 'signup', source: 'cis', tenant_id: 't' }, 'by_source', ['t#cis'], [], ['journey_id']],
    [
      { user_id: 'u', step_id: 'email', target_resource_type: 'app' },
      'by_user',
      ['u'],
      [],
      ['step_id', 'target_resource_type'],
    ],
    [{ category: 'fraud_prevention', tenant_id: 't' }, 'by_source', ['t#risk'], []],
    [{ source: 'cis,verify,risk', tenant_id: 't' }, 'by_source', ['t#cis', 't#verify', 't#risk'], []],
    [{ source: 'cis,risk' }, 'by_source', ['t1#cis', 't1#risk', 't2#cis', 't2#risk'], []],
    [{ source: 'cis,cis,risk', tenant_id: 't' }, 'by_source', ['t#cis', 't#risk'], []],
    [{ user_id: 'u', source: 'cis,verify,risk' }, 'by_user', ['u'], ['source']],
    [
      { type: 'user_login,risk_recommendation', source: 'cis,risk' },
      'by_type',
      ['user_login', 'risk_recommendation'],
      [],
    ],
    [
      { category: 'fraud_prevention', source: 'cis,verify,risk', tenant_id: 't' },
      'by_source',
      ['t#risk'],
      [],
    ],
  ])(
    'serves %j from a key-condition query on the right index, every index deployed',
    (query, index, keys, residual, code = []) => {
      const plan = planSearch(
        parseSearch(query as Record<string, string>).filters,
        ['t1', 't2'],
        SEARCH_INDEX_NAMES,
      );
      expect(plan).toEqual({ index, keys, residual, code });
    },
  );
});

describe('planning over the deployed indexes', () => {
  const ALL_SOURCES = (t: string) => [`${t}#cis`, `${t}#verify`, `${t}#risk`, `${t}#admin`];
  it.each([
    // The default set: by_source and by_user.
    [['by_source', 'by_user'], { user_id: 'u', type: 'user_login' }, 'by_user', ['u'], ['types']],
    [
      ['by_source', 'by_user'],
      { actor_id: 'a', source: 'admin' },
      'by_source',
      ['t1#admin', 't2#admin'],
      ['actor_id'],
    ],
    [['by_source', 'by_user'], { ip: '10.0.0.1', tenant_id: 't' }, 'by_source', ALL_SOURCES('t'), ['ip']],
    [
      ['by_source', 'by_user'],
      { app_id: 'web', source: 'cis' },
      'by_source',
      ['t1#cis', 't2#cis'],
      ['app_id'],
    ],
    // Types name their sources: only those sources' partitions are read.
    [
      ['by_source', 'by_user'],
      { type: 'user_login,user_logout' },
      'by_source',
      ['t1#cis', 't2#cis'],
      ['types'],
    ],
    [
      ['by_source', 'by_user'],
      { type: 'user_login,risk_recommendation', tenant_id: 't' },
      'by_source',
      ['t#cis', 't#risk'],
      ['types'],
    ],
    // A custom event names its own source: every source is read.
    [['by_source', 'by_user'], { type: 'custom', tenant_id: 't' }, 'by_source', ALL_SOURCES('t'), ['types']],
    // The session drill-down: by_source with the session tested on the events.
    [
      ['by_source', 'by_user'],
      { session_id: 's-9' },
      'by_source',
      [...ALL_SOURCES('t1'), ...ALL_SOURCES('t2')],
      [],
      ['session_id'],
    ],
    [['by_source', 'by_user'], { session_id: 's-9', user_id: 'u' }, 'by_user', ['u'], [], ['session_id']],
    [
      ['by_source', 'by_user'],
      { journey_id: 'kyc', step_id: 'email' },
      'by_source',
      [...ALL_SOURCES('t1'), ...ALL_SOURCES('t2')],
      [],
      ['journey_id', 'step_id'],
    ],
    // Other sets.
    [['by_user'], { user_id: 'u', source: 'cis,verify,risk' }, 'by_user', ['u'], ['source']],
    [['by_type'], { type: 'user_login', app_id: 'web' }, 'by_type', ['user_login'], ['app_id']],
    [['by_session', 'by_source'], { session_id: 's-9' }, 'by_session', ['s-9'], []],
    [['by_actor', 'by_source'], { actor_id: 'a', source: 'admin' }, 'by_actor', ['a'], ['source']],
  ])('with %j deployed, serves %j from %s', (deployed, query, index, keys, residual, code = []) => {
    const plan = planSearch(
      parseSearch(query as Record<string, string>).filters,
      ['t1', 't2'],
      deployed as SearchIndexName[],
    );
    expect(plan).toEqual({ index, keys, residual, code });
  });

  it.each([
    [[], {}, 'source', 'deployed: none', 'including by_source', 'SEARCH_INDEXES=by_source)'],
    [
      ['by_user'],
      { source: 'cis' },
      'source',
      'deployed: by_user',
      'including by_source',
      'SEARCH_INDEXES=by_source,by_user)',
    ],
    [
      ['by_user'],
      { actor_id: 'a' },
      'actor_id',
      'deployed: by_user',
      'including by_actor or by_source',
      'SEARCH_INDEXES=by_user,by_actor)',
    ],
    [
      ['by_type'],
      { tenant_id: 't' },
      'tenant_id',
      'deployed: by_type',
      'including by_source',
      'SEARCH_INDEXES=by_source,by_type)',
    ],
    [
      [],
      { user_id: 'u' },
      'user_id',
      'deployed: none',
      'including by_user or by_source',
      'SEARCH_INDEXES=by_user)',
    ],
  ])(
    'with %j deployed, refuses %j with a 400 at %s naming the stack prop and the local setting',
    (deployed, query, path, ...parts) => {
      const plan = () =>
        planSearch(
          parseSearch(query as Record<string, string>).filters,
          ['t1'],
          deployed as SearchIndexName[],
        );
      expect(plan).toThrow(DomainError);
      try {
        plan();
      } catch (err) {
        const e = err as DomainError;
        expect(e.kind).toBe('invalid');
        expect(e.details).toHaveLength(1);
        expect(e.details?.[0]?.path).toBe(path);
        const message = e.details?.[0]?.message ?? '';
        expect(message).toMatch(/^no search index serves these filters/);
        for (const part of parts) expect(message).toContain(part);
      }
    },
  );

  it('serves every search from the default set: by_source applies to any filters', () => {
    const queries = [
      {},
      { session_id: 's' },
      { actor_id: 'a', ip: '10.0.0.1' },
      { category: 'admin' },
      { reason: 'x' },
    ];
    for (const q of queries) expect(() => planSearch(parseSearch(q).filters, ['t'])).not.toThrow();
  });
});

describe('search results', () => {
  const events: ActivityEvent[] = [];
  beforeAll(async () => {
    // 300 events over three shards and two days, with a rare user and a rare type among common ones.
    const start = Date.parse('2026-11-22T00:00:00Z');
    for (let i = 0; i < 300; i++) {
      const at = new Date(start + i * 9 * 60_000).toISOString();
      const rare = i % 37 === 0;
      events.push(
        makeEvent({
          type: rare ? 'locked_account' : i % 3 === 0 ? 'user_logout' : 'user_login',
          user_id: rare ? 'rare-user' : `u${i % 7}`,
          app_id: i % 2 ? 'web' : 'ios',
          timestamp: at,
          tenant_id: i % 10 === 0 ? 'other' : 'default',
          ...(i % 5 === 0 ? { ip: '198.51.100.9' } : {}),
        }),
      );
    }
    let seq = 1n;
    for (let s = 0; s < 3; s++) {
      const mine = events.filter((_, i) => i % 3 === s);
      const res = await consume(kinesisBatch(`shardId-00000000000${s}`, seq, mine), ctx());
      expect(res.batchItemFailures).toEqual([]);
      seq += 1000n;
    }
  });
  const expected = (pred: (e: ActivityEvent) => boolean) =>
    events
      .filter(pred)
      .sort((a, b) => (`${a.timestamp}#${a.id}` < `${b.timestamp}#${b.id}` ? 1 : -1))
      .map((e) => e.id);

  it.each([
    ['everything (all tenants, all sources)', {}, () => true],
    [
      'one source and tenant',
      { source: 'cis', tenant_id: 'default' },
      (e: ActivityEvent) => e.tenant_id === 'default',
    ],
    [
      'a time window',
      { from: '2026-11-22T12:00:00Z', to: '2026-11-23T06:00:00Z' },
      (e: ActivityEvent) =>
        e.timestamp >= '2026-11-22T12:00:00.000Z' && e.timestamp <= '2026-11-23T06:00:00.000Z',
    ],
    ['a rare type', { type: 'locked_account' }, (e: ActivityEvent) => e.type === 'locked_account'],
    [
      'a rare type filtered on a busy index (app)',
      { app_id: 'ios', type: 'locked_account' },
      (e: ActivityEvent) => e.app_id === 'ios' && e.type === 'locked_account',
    ],
    [
      'two types and a user',
      { user_id: 'u3', type: 'user_login,user_logout' },
      (e: ActivityEvent) => e.user_id === 'u3',
    ],
    [
      'an ip and a tenant',
      { ip: '198.51.100.9', tenant_id: 'other' },
      (e: ActivityEvent) => e.ip === '198.51.100.9' && e.tenant_id === 'other',
    ],
    [
      'a user in a window',
      { user_id: 'rare-user', from: '2026-11-22T06:00:00Z' },
      (e: ActivityEvent) => e.user_id === 'rare-user' && e.timestamp >= '2026-11-22T06:00:00.000Z',
    ],
  ])('returns exactly %s, newest first, across pages', async (_n, query, pred) => {
    for (const limit of ['1', '7', '100']) {
      const { ids } = await all({ ...query, limit } as Record<string, string>);
      expect(ids, `limit ${limit}`).toEqual(expected(pred));
    }
  });

  it('serves an event with enrichment from the directory (Show Details)', async () => {
    const res = await invoke<Record<string, unknown>>(
      activities,
      apiEvent({
        path: '/x',
        routeKey: 'GET /activities/v1/activities/{id}',
        pathParameters: { id: events[5]?.id ?? '' },
      }),
    );
    expect(res.body).toMatchObject({ id: events[5]?.id, user_id: events[5]?.user_id });
  });

  it('never returns an expired event', async () => {
    const old = makeEvent({
      type: 'sms_sent',
      user_id: 'ghost',
      received_at: '2020-01-01T00:00:00.000Z',
      timestamp: '2020-01-01T00:00:00.000Z',
    });
    await consume(kinesisBatch('shardId-000000000009', 1n, [old]), ctx());
    expect((await all({ user_id: 'ghost' })).ids).toEqual([]);
  });
});

describe('search: people by name, drill-downs and admin filters', () => {
  const mine: ActivityEvent[] = [];
  beforeAll(async () => {
    const at = (m: number) => new Date(Date.parse('2026-11-24T08:00:00Z') + m * 60_000).toISOString();
    mine.push(
      makeEvent({
        type: 'create_user',
        user_id: 'u-ada',
        timestamp: at(0),
        data: { email: 'Ada@Example.com', username: 'ada' },
      }),
      makeEvent({
        type: 'user_login',
        user_id: 'u-ada',
        app_id: 'web',
        timestamp: at(1),
        data: { session_id: 'sess-1' },
      }),
      makeEvent({ type: 'user_logout', user_id: 'u-ada', timestamp: at(2), data: { session_id: 'sess-1' } }),
      makeEvent({
        type: 'user_login',
        user_id: 'u-bob',
        timestamp: at(3),
        data: { session_id: 'sess-2', username: 'bob' },
      }),
      makeEvent({
        type: 'action_start',
        user_id: 'u-bob',
        timestamp: at(4),
        data: { journey_id: 'kyc', step_id: 'selfie', session_id: 'sess-2' },
      }),
      makeEvent({
        type: 'action_start',
        user_id: 'u-bob',
        timestamp: at(5),
        data: { journey_id: 'kyc', step_id: 'document', session_id: 'sess-2' },
      }),
      makeEvent({
        type: 'updateApp',
        source: 'admin',
        actor_id: 'adm-1',
        actor_type: 'admin',
        target_resource_id: 'app-9',
        target_resource_type: 'app',
        timestamp: at(6),
        changes: { name: { prev: 'a', current: 'b' } },
      }),
      makeEvent({
        type: 'deleteUser',
        source: 'admin',
        actor_id: 'svc-1',
        actor_type: 'service',
        target_resource_id: 'u-old',
        target_resource_type: 'user',
        timestamp: at(7),
      }),
      makeEvent({ type: 'risk_recommendation', source: 'risk', user_id: 'u-ada', timestamp: at(8) }),
    );
    for (let s = 0; s < 2; s++) {
      const batch = mine.filter((_, i) => i % 2 === s);
      const res = await consume(kinesisBatch(`shardId-00000000005${s}`, 70_000n, batch), ctx());
      expect(res.batchItemFailures).toEqual([]);
    }
  });
  const window = { from: '2026-11-24T08:00:00Z', to: '2026-11-24T09:00:00Z' };
  const idsOf = async (query: Record<string, string>) => (await all({ ...window, ...query })).ids.sort();
  const want = (pred: (e: ActivityEvent) => boolean) =>
    mine
      .filter(pred)
      .map((e) => e.id)
      .sort();

  it.each([
    ['an email, whatever its case', { user: 'ada@example.COM' }, (e: ActivityEvent) => e.user_id === 'u-ada'],
    ['a username', { user: 'bob' }, (e: ActivityEvent) => e.user_id === 'u-bob'],
    [
      'a user id',
      { user: 'u-ada', type: 'user_login' },
      (e: ActivityEvent) => e.user_id === 'u-ada' && e.type === 'user_login',
    ],
    ['a session', { session_id: 'sess-2' }, (e: ActivityEvent) => e.data?.session_id === 'sess-2'],
    [
      'a journey step',
      { journey_id: 'kyc', step_id: 'selfie' },
      (e: ActivityEvent) => e.data?.step_id === 'selfie',
    ],
    [
      'a target type and actor type',
      { target_resource_type: 'app', actor_type: 'admin' },
      (e: ActivityEvent) => e.type === 'updateApp',
    ],
    [
      'a target',
      { source: 'admin', target_resource_id: 'u-old' },
      (e: ActivityEvent) => e.type === 'deleteUser',
    ],
    ['a category', { category: 'fraud_prevention' }, (e: ActivityEvent) => e.source === 'risk'],
  ])('finds exactly the events of %s', async (_n, query, pred) => {
    expect(await idsOf(query)).toEqual(want(pred));
  });

  it('finds nothing, without an error, for a user nobody is', async () => {
    const res = await find({ ...window, user: 'nobody@example.com' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('adds the directory names to a page with enrich=true, in one batched lookup', async () => {
    const res = await find({ ...window, user: 'u-ada', enrich: 'true' });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    for (const e of res.body.data)
      expect((e as unknown as { user_email?: string }).user_email).toBe('Ada@Example.com');
    const plain = await find({ ...window, user: 'u-ada' });
    expect((plain.body.data[0] as unknown as { user_email?: string }).user_email).toBeUndefined();
  });

  it('refuses a category of another source than the one asked for', async () => {
    const res = await find({ category: 'admin', source: 'cis' });
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.[0]).toMatchObject({ path: 'category' });
  });
});

describe("the console's pages with the default indexes", () => {
  const window = {
    from: '2026-11-23T00:00:00.000Z',
    to: '2026-11-24T00:00:00.000Z',
    interval: '1h' as const,
  };
  const SAMPLES: Record<FilterKey, string> = {
    type: 'user_login,user_logout',
    user: 'ada@example.com',
    app_id: 'web',
    ip: '203.0.113.7',
    tenant_id: 'acme',
    session_id: 's-1',
    journey_id: 'signup',
    step_id: 'email',
    reason: 'otp_expired',
    actor_id: 'adm-1',
    actor_type: 'admin',
    target_resource_id: 'app-9',
    target_resource_type: 'app',
  };
  /** Whether the default indexes serve a search (a `user` filter plans as the user ids it resolves to). */
  const served = (query: Record<string, string>) => {
    const { filters } = parseSearch(query);
    const resolved = filters.user ? { ...filters, user_id: ['u-1'], user: undefined } : filters;
    return planSearch(resolved as SearchFilters, ['acme']);
  };

  it.each([USER_ACTIVITY, ADMIN_ACTIVITY].map((v) => [v.title, v] as const))(
    'serves %s with no filter, each filter, every filter at once, and its histogram and facets',
    (_t, view) => {
      const admin = view.id === 'admin';
      const type = admin ? 'updateApp' : SAMPLES.type;
      const states = [
        {},
        ...view.filters.map((f) => ({ [f.key]: f.key === 'type' ? type : SAMPLES[f.key] })),
        Object.fromEntries(view.filters.map((f) => [f.key, f.key === 'type' ? type : SAMPLES[f.key]])),
      ];
      for (const state of states) {
        expect(() => served(searchParams(view, state, window)), JSON.stringify(state)).not.toThrow();
        for (const g of [...view.groups.map((x) => x.dimension), ...view.facets.map((f) => f.dimension)]) {
          const { group_by, top, interval, ...filters } = aggregateParams(view, state, window, {
            groupBy: g,
            top: 5,
            interval: '1h',
          });
          expect(() => served(filters), `${JSON.stringify(state)} by ${group_by}`).not.toThrow();
        }
      }
    },
  );

  it('serves the journey drill-downs (a session alone included) and the facets’ name lookups', () => {
    const drills = [
      { journey_id: 'signup' },
      { journey_id: 'signup', step_id: 'email', type: ['action_start', 'action_complete'] },
      { journey_id: 'signup', session_id: 's-1' },
      { journey_id: 'signup', reason: 'otp_expired', type: 'session_error' },
    ];
    for (const drill of drills) {
      const href = userActivityHref(drill, { range: '24h' });
      const state = Object.fromEntries(new URL(href, 'http://console').searchParams);
      const plan = served(searchParams(USER_ACTIVITY, state, window));
      expect(plan.index, href).toBe('by_source');
    }
    expect(served({ session_id: 's-1' }).index).toBe('by_source');
    for (const param of ['user_id', 'app_id', 'actor_id'])
      expect(() => served({ [param]: 'x', limit: '1', enrich: 'true' }), param).not.toThrow();
  });
});

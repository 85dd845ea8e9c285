import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aggregate, aggregate } from '../../functions/shared/aggregates/index.js';
import { type ActivityEvent, SOURCES, type Source } from '../../functions/shared/model/index.js';
import { search } from '../../functions/shared/search/index.js';
import { testCursorKey } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { ctx } from '../support/http.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

/**
 * A search (or an aggregate) of several sources is the merge (the sum) of the searches (aggregates) of each
 * source, whatever the other filters and the page size: the console's user activity reads cis, verify and
 * risk together.
 */

const EVENTS = 'ms-events';
const CONTROL = 'ms-control';
let ddb: FakeDynamo;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
const deps = () => ({
  ddb: ddb.client,
  eventsTable: EVENTS,
  controlTable: CONTROL,
  cursorKey: testCursorKey,
});

const TYPES: Record<Source, readonly string[]> = {
  cis: ['user_login', 'user_logout', 'locked_account'],
  verify: ['session_started', 'verification_completed'],
  risk: ['risk_recommendation'],
  admin: ['addAdmin', 'updateApp'],
};
const DAY = 86_400_000;
// Within the minute counters' reach (8 days), so aggregates can count by minute.
const base = Math.floor(Date.now() / DAY) * DAY - DAY;
const events: ActivityEvent[] = [];

beforeAll(async () => {
  process.env.RETENTION_DAYS = '90';
  process.env.EVENTS_TABLE = EVENTS;
  process.env.CONTROL_TABLE = CONTROL;
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
  // 260 events of the four sources over six hours, two tenants, five users, three shards; every fifth shares its
  // time with the one before (the merge must order by time, then id, across sources).
  for (let i = 0; i < 260; i++) {
    const source = SOURCES[(i * 7) % 4] as Source;
    const types = TYPES[source];
    const minute = i % 5 === 0 && i > 0 ? i - 1 : i;
    events.push(
      makeEvent({
        source,
        type: types[i % types.length] as string,
        timestamp: new Date(base + minute * 83_000).toISOString(),
        // Tenant, user and app vary independently of the source (which follows i % 4).
        tenant_id: i % 7 < 2 ? 'acme' : 'default',
        user_id: `u${i % 5}`,
        ...(i % 3 === 0 ? {} : { app_id: i % 3 === 1 ? 'web' : 'ios' }),
        ...(source === 'admin' ? { actor_id: `adm-${i % 2}` } : {}),
      }),
    );
  }
  for (let s = 0; s < 3; s++) {
    const mine = events.filter((_, i) => i % 3 === s);
    const res = await consume(kinesisBatch(`shardId-00000000000${s}`, 100n, mine), ctx('consume'));
    expect(res.batchItemFailures).toEqual([]);
  }
});
afterAll(() => ddb.restore());

const sk = (e: ActivityEvent) => `${e.timestamp}#${e.id}`;
const byId = () => new Map(events.map((e) => [e.id, e]));

/** Every event of a search, following next_cursor. */
async function all(query: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 300; pages++) {
    const page = await search(deps(), { ...query, ...(cursor ? { cursor } : {}) });
    ids.push(...page.data.map((e) => e.id));
    cursor = page.next_cursor ?? undefined;
    if (!cursor) break;
  }
  return ids;
}

/** Up to three other filters a user-activity search may carry, types among those of the searched sources. */
const others = (sources: readonly Source[]) =>
  fc
    .record(
      {
        tenant_id: fc.constantFrom('default', 'acme'),
        user_id: fc.constantFrom('u0', 'u1', 'u3'),
        app_id: fc.constantFrom('web', 'ios'),
        type: fc
          .subarray(
            sources.flatMap((s) => TYPES[s]),
            { minLength: 1 },
          )
          .map((t) => t.join(',')),
        from: fc.integer({ min: 0, max: 180 }).map((m) => new Date(base + m * 60_000).toISOString()),
        to: fc.integer({ min: 180, max: 400 }).map((m) => new Date(base + m * 60_000).toISOString()),
      },
      { requiredKeys: [] },
    )
    .filter((f) => Object.keys(f).length <= 3);
const sourceList = fc
  .subarray([...SOURCES], { minLength: 2 })
  .chain((s) => fc.shuffledSubarray(s, { minLength: s.length }));

describe('several sources at once (property)', () => {
  it('finds exactly the merge of the searches of each source, newest first, at any page size', async () => {
    const stored = byId();
    let found = 0;
    await fc.assert(
      fc.asyncProperty(
        sourceList.chain((sources) => fc.tuple(fc.constant(sources), others(sources))),
        fc.constantFrom('4', '37', '1000'),
        async ([sources, filters], limit) => {
          const f = filters as Record<string, string>;
          const many = await all({ ...f, source: sources.join(','), limit });
          // Each source alone, with the types of that source (a source none of whose types is asked for has none).
          const singles: string[] = [];
          for (const s of sources) {
            const types = f.type?.split(',').filter((t) => TYPES[s].includes(t));
            if (types?.length === 0) continue;
            singles.push(
              ...(await all({ ...f, source: s, ...(types ? { type: types.join(',') } : {}), limit })),
            );
          }
          const merged = singles
            .map((id) => stored.get(id) as ActivityEvent)
            .sort((a, b) => (sk(a) < sk(b) ? 1 : -1))
            .map((e) => e.id);
          expect(many).toEqual(merged);
          // And both are what the events say.
          const want = events
            .filter(
              (e) =>
                sources.includes(e.source) &&
                (f.tenant_id === undefined || e.tenant_id === f.tenant_id) &&
                (f.user_id === undefined || e.user_id === f.user_id) &&
                (f.app_id === undefined || e.app_id === f.app_id) &&
                (f.type === undefined || f.type.split(',').includes(e.type)) &&
                (f.from === undefined || e.timestamp >= f.from) &&
                (f.to === undefined || e.timestamp <= f.to),
            )
            .sort((a, b) => (sk(a) < sk(b) ? 1 : -1))
            .map((e) => e.id);
          expect(many).toEqual(want);
          if (many.length > 0) found++;
        },
      ),
      { numRuns: 40 },
    );
    // Not a property of empty pages only.
    expect(found).toBeGreaterThan(20);
  }, 120_000);

  it('counts, from the counters, the sum of the aggregates of each source, and splits it back by source', async () => {
    const window = { from: new Date(base).toISOString(), to: new Date(base + 6 * 3_600_000).toISOString() };
    const count = (q: Record<string, string>) => aggregate(deps(), { ...window, top: '100', ...q });
    let counted = 0;
    await fc.assert(
      fc.asyncProperty(
        sourceList,
        fc.constantFrom<Record<string, string>>({}, { tenant_id: 'acme' }, { app_id: 'web' }),
        fc.constantFrom('1h', '15m'),
        async (sources, filters, interval) => {
          const many = await count({ ...filters, source: sources.join(','), group_by: 'source', interval });
          expect(many.counted_from).toBe('counters');
          const singles: Aggregate[] = [];
          for (const s of sources) singles.push(await count({ ...filters, source: s, interval }));
          expect(many.total).toBe(singles.reduce((n, a) => n + a.total, 0));
          // One group per source that has events, each the single-source total.
          const groups = Object.fromEntries(many.groups.map((g) => [g.key.source, g.count]));
          expect(groups).toEqual(
            Object.fromEntries(sources.flatMap((s, i) => (singles[i]?.total ? [[s, singles[i].total]] : []))),
          );
          // Bucket by bucket, the series is the sum of the single-source series.
          expect(many.series.map((p) => p.count)).toEqual(
            many.series.map((_, b) => singles.reduce((n, a) => n + (a.series[b]?.count ?? 0), 0)),
          );
          if (many.total > 0) counted++;
        },
      ),
      { numRuns: 25 },
    );
    expect(counted).toBeGreaterThan(10);
  }, 120_000);

  it('counts, from the search indexes, the sum of the aggregates of each source', async () => {
    const window = { from: new Date(base).toISOString(), to: new Date(base + 6 * 3_600_000).toISOString() };
    const sources = ['cis', 'verify', 'risk'];
    const many = await aggregate(deps(), { ...window, source: sources.join(','), group_by: 'user_id' });
    expect(many.counted_from).toBe('indexes');
    const perUser = new Map<string, number>();
    for (const s of sources) {
      const one = await aggregate(deps(), { ...window, source: s, group_by: 'user_id' });
      for (const g of one.groups)
        perUser.set(String(g.key.user_id), (perUser.get(String(g.key.user_id)) ?? 0) + g.count);
    }
    expect(new Map(many.groups.map((g) => [String(g.key.user_id), g.count]))).toEqual(perUser);
    expect(many.total).toBe(events.filter((e) => e.source !== 'admin').length);
  });
});

import { describe, expect, it } from 'vitest';
import { searchAttributes } from '../../functions/shared/log/index.js';
import {
  type ActivityEvent,
  ATTRIBUTE_ROWS,
  DEFAULT_SEARCH_INDEXES,
  fieldValue,
  gsiName,
  SEARCH_FILTER_ROWS,
  SEARCH_INDEX_NAMES,
  SEARCH_PROJECTION,
  SEARCH_SK,
  type SearchParam,
  TABLES,
  tablesFor,
} from '../../functions/shared/model/index.js';

import { reportRequestSchema } from '../../functions/shared/reports/index.js';
import { parseSearch, planSearch, searchQuerySchema } from '../../functions/shared/search/index.js';
import { makeEvent } from '../support/kinesis-records.js';

/** A valid value of every parameter (a new filter row needs one here). */
const SAMPLE: Record<SearchParam, string> = {
  source: 'cis',
  type: 'user_login',
  equivalents: 'true',
  user_id: 'u-1',
  app_id: 'web',
  actor_id: 'admin-1',
  tenant_id: 'acme',
  ip: '198.51.100.7',
  from: '2026-11-24T00:00:00Z',
  to: '2026-11-25T00:00:00Z',
  limit: '10',
  cursor: 'c',
  session_id: 's-1',
  journey_id: 'signup',
  step_id: 'email',
  reason: 'otp_expired',
  target_resource_id: 'app-1',
  target_resource_type: 'app',
  actor_type: 'admin',
  user: 'ada@example.com',
  category: 'user_management',
  enrich: 'true',
};

const params = SEARCH_FILTER_ROWS.map((r) => r.param as SearchParam);
const shard = 'shardId-000000000002';
/** An event carrying every field a filter compares. */
const full = (): ActivityEvent =>
  makeEvent({
    tenant_id: 'acme',
    user_id: 'u-1',
    app_id: 'web',
    actor_id: 'admin-1',
    ip: '198.51.100.7',
    data: { session_id: 's-1', journey_id: 'signup', step_id: 'email' },
  });
const without = (e: ActivityEvent, field: string) => {
  const out = Object.fromEntries(Object.entries(e).filter(([k]) => k !== field)) as unknown as ActivityEvent;
  if (e.data) out.data = Object.fromEntries(Object.entries(e.data).filter(([k]) => k !== field));
  return out;
};
const problems = (schema: typeof searchQuerySchema | typeof reportRequestSchema, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues;
};

describe('the search-filter table', () => {
  it('gives every filter row with an index an index the events table can have, keyed by its pk and the event time, projecting the filter attributes and not the event', () => {
    const events = tablesFor(SEARCH_INDEX_NAMES).find((t) => t.resource === 'eventsTable');
    const indexed = SEARCH_FILTER_ROWS.flatMap((r) => (r.index ? [r.index] : []));
    expect(indexed.length).toBeGreaterThan(0);
    expect(events?.indexes.map((i) => i.name)).toEqual(indexed.map((i) => `${i.name}_v2`));
    for (const spec of indexed) {
      expect(events?.indexes.find((i) => i.name === `${spec.name}_v2`)).toEqual({
        name: `${spec.name}_v2`,
        pk: spec.pk,
        sk: SEARCH_SK,
        projection: SEARCH_PROJECTION,
      });
    }
    expect([...SEARCH_PROJECTION].sort()).toEqual(
      ['expires_at', ...ATTRIBUTE_ROWS.map((r) => r.field)].sort(),
    );
    expect(SEARCH_PROJECTION).not.toContain('e');
    expect(TABLES.find((t) => t.resource === 'controlTable')?.indexes).toEqual([]);
  });

  it('names every index of the list on exactly one row, in the list order', () => {
    expect(SEARCH_FILTER_ROWS.flatMap((r) => (r.index ? [r.index.name] : []))).toEqual([
      ...SEARCH_INDEX_NAMES,
    ]);
  });

  it('deploys the default set, by_source and by_user, unless configured otherwise', () => {
    expect(DEFAULT_SEARCH_INDEXES).toEqual(['by_source', 'by_user']);
    expect(TABLES.find((t) => t.resource === 'eventsTable')?.indexes.map((i) => i.name)).toEqual(
      DEFAULT_SEARCH_INDEXES.map(gsiName),
    );
    expect(tablesFor([]).find((t) => t.resource === 'eventsTable')?.indexes).toEqual([]);
  });

  it.each(ATTRIBUTE_ROWS.map((r) => [r.param, r] as const))(
    'writes the %s attribute on an id item for an event carrying the field, and none for one without it',
    (_p, row) => {
      const e = full();
      expect(searchAttributes(e, shard)[row.field]).toEqual({ S: fieldValue(e, row.field) });
      expect(searchAttributes(without(e, row.field), shard)).not.toHaveProperty(row.field);
    },
  );

  it.each(
    SEARCH_FILTER_ROWS.flatMap((r) =>
      r.index && r.field ? [[r.index.name, r.index, r.field] as const] : [],
    ),
  )(
    'writes the %s key <value>#<shard>, when deployed, only for an event with every field of its key',
    (_n, index, field) => {
      const e = full();
      const value = (index.key ?? [field]).map((f) => fieldValue(e, f)).join('#');
      expect(searchAttributes(e, shard, SEARCH_INDEX_NAMES)[index.pk]).toEqual({ S: `${value}#${shard}` });
      expect(searchAttributes(without(e, field), shard, SEARCH_INDEX_NAMES)).not.toHaveProperty(index.pk);
    },
  );

  it('writes the keys of the deployed indexes only (the default set unless given), the filter attributes always', () => {
    const e = full();
    const keys = (indexes?: Parameters<typeof searchAttributes>[2]) =>
      Object.keys(searchAttributes(e, shard, indexes)).filter((k) => /^g[a-z]$/.test(k));
    expect(keys().sort()).toEqual(['gs', 'gu']);
    expect(keys(['by_app', 'by_ip']).sort()).toEqual(['ga', 'gi']);
    expect(keys([])).toEqual([]);
    const none = searchAttributes(e, shard, []);
    for (const row of ATTRIBUTE_ROWS)
      expect(none[row.field], row.field).toEqual({ S: fieldValue(e, row.field) });
    expect(none[SEARCH_SK]).toBeDefined();
  });

  it('keys the source index by tenant and source', () => {
    const e = makeEvent({ tenant_id: 'acme', source: 'risk', type: 'risk_recommendation' });
    expect(searchAttributes(e, shard).gs).toEqual({ S: `acme#risk#${shard}` });
  });

  it('accepts every parameter of the table, together and one at a time, and no other', () => {
    expect(Object.keys(searchQuerySchema.shape)).toEqual(params);
    expect(Object.keys(SAMPLE).sort()).toEqual([...params].sort());
    expect(problems(searchQuerySchema, SAMPLE)).toEqual([]);
    for (const p of params) expect(problems(searchQuerySchema, { [p]: SAMPLE[p] }), p).toEqual([]);
    expect(problems(searchQuerySchema, { usr: 'x' })).toMatchObject([
      { code: 'unrecognized_keys', keys: ['usr'] },
    ]);
  });

  it('accepts in a report request exactly the rows marked for reports (and the format)', () => {
    const reported = SEARCH_FILTER_ROWS.filter((r) => r.report).map((r) => r.param as SearchParam);
    expect(Object.keys(reportRequestSchema.shape)).toEqual([...reported, 'format']);
    const body = Object.fromEntries(reported.map((p) => [p, SAMPLE[p]]));
    expect(problems(reportRequestSchema, { ...body, format: 'ndjson' })).toEqual([]);
    for (const p of params.filter((p) => !reported.includes(p))) {
      expect(problems(reportRequestSchema, { [p]: SAMPLE[p] }), p).toMatchObject([
        { code: 'unrecognized_keys', keys: [p] },
      ]);
    }
  });

  it('serves a search on one indexed filter from that filter index when deployed, and no filter from the source index', () => {
    for (const row of SEARCH_FILTER_ROWS) {
      if (!row.index) continue;
      const { filters } = parseSearch({ [row.param]: SAMPLE[row.param as SearchParam] });
      expect(planSearch(filters, ['acme'], SEARCH_INDEX_NAMES).index, row.param).toBe(row.index.name);
    }
    expect(planSearch(parseSearch({}).filters, ['acme'], SEARCH_INDEX_NAMES).index).toBe('by_source');
  });
});

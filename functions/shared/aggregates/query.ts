import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { listWatermarks } from '../log/index.js';
import {
  type ActivityEvent,
  categoryTypes,
  type ErrorDetail,
  invalid,
  lookupType,
  parseWith,
  type SearchFilters,
  type SearchIndexSet,
  searchIndexSet,
} from '../model/index.js';
import type { Lazy } from '../platform/clients/lazy.js';
import { queryAll } from '../platform/dynamo/index.js';
import { mapLimit } from '../platform/index.js';
import { assertSearchable, parseSearch, search } from '../search/index.js';
import { AGGREGATE_PK, MINUTE_DAYS, parseTuple, TIERS, type Tier, type Tuple } from './counters.js';

/**
 * GET /activities/aggregate: count events matching the search filters, grouped by one or two dimensions, over
 * time. Over the low-cardinality dimensions (type, source, category, app, tenant) the answer comes from the
 * counters the consumer keeps (counters.ts): the items read depend on the window and the resolution, not on
 * the number of events. Grouping or filtering by anything else (user, actor, IP, target type, journey,
 * session, ...) counts the events themselves through the search indexes, up to MAX_INDEX_EVENTS; a broader
 * request is a 400 that says how to narrow it.
 */

export const DIMENSIONS = [
  'type',
  'source',
  'category',
  'app_id',
  'tenant_id',
  'user_id',
  'actor_id',
  'ip',
  'target_resource_type',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** What the counters count under (category comes with the type). */
const COUNTED: ReadonlySet<string> = new Set(['type', 'source', 'category', 'app_id', 'tenant_id']);
/** Filters the counters can answer. */
const COUNTED_FILTERS: ReadonlySet<string> = new Set([
  'source',
  'types',
  'category',
  'app_id',
  'tenant_id',
  'from',
  'to',
]);

export const INTERVALS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
} as const;
export type Interval = keyof typeof INTERVALS;
/** The most events counted from the search indexes for one aggregate. */
export const MAX_INDEX_EVENTS = 20_000;
/** The most buckets of a series. */
export const MAX_BUCKETS = 2_000;
const DEFAULT_WINDOW_MS = 86_400_000;

const groupBy = z
  .string()
  .transform((v, ctx) => {
    const dims = v.split(',').map((d) => d.trim());
    for (const d of dims) {
      if (!(DIMENSIONS as readonly string[]).includes(d))
        ctx.addIssue({
          code: 'custom',
          message: `'${d}' is not a dimension: one or two of ${DIMENSIONS.join(', ')}`,
        });
    }
    if (dims.length > 2) ctx.addIssue({ code: 'custom', message: 'groups by at most two dimensions' });
    if (new Set(dims).size !== dims.length)
      ctx.addIssue({ code: 'custom', message: 'names a dimension twice' });
    return dims as Dimension[];
  })
  .optional();
const TOP_MSG = 'must be an integer from 1 to 100';
/** The parameters of GET /activities/aggregate besides the search filters. */
export const aggregateOptions = /* @__PURE__ */ z.strictObject({
  group_by: groupBy,
  interval: z
    .enum(Object.keys(INTERVALS) as [Interval, ...Interval[]], {
      error: `must be one of ${Object.keys(INTERVALS).join(', ')}`,
    })
    .optional(),
  top: z
    .preprocess(
      (v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v),
      z.int({ error: TOP_MSG }).min(1, TOP_MSG).max(100, TOP_MSG),
    )
    .default(10),
});
const OPTIONS = new Set(['group_by', 'interval', 'top']);
/** Search parameters an aggregate does not take (it counts; it has no pages and no events to enrich). */
export const SEARCH_ONLY = ['limit', 'cursor', 'enrich'] as const;

export interface AggregateReadDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  controlTable: string;
  cursorKey: Lazy<Uint8Array>;
  /** The deployed search indexes (default: the default set): counting events one by one needs one that serves. */
  searchIndexes?: SearchIndexSet;
  now?: () => number;
  /** The most events counted from the search indexes (MAX_INDEX_EVENTS). */
  maxIndexEvents?: number;
}

type Key = Record<string, string | null>;
export interface Aggregate {
  from: string;
  to: string;
  interval: Interval | null;
  group_by: Dimension[];
  total: number;
  groups: Array<{ key: Key; count: number }>;
  other: number;
  series: Array<{ t: string; count: number; groups: Record<string, number>; other: number }>;
  /** How it was counted: `counters` (items read) or `indexes` (events read). */
  counted_from: 'counters' | 'indexes';
  items_read: number;
}

/** A group's label inside a series point: its values, `|`-joined in group_by order (`(none)` for no value). */
const labelOf = (key: Key, dims: readonly Dimension[]) => dims.map((d) => key[d] ?? '(none)').join('|');

export async function aggregate(
  deps: AggregateReadDeps,
  query: Record<string, string | undefined>,
): Promise<Aggregate> {
  const opts = parseWith(
    aggregateOptions,
    Object.fromEntries(Object.entries(query).filter(([k]) => OPTIONS.has(k))),
    'aggregate parameters',
  );
  const rest = Object.fromEntries(Object.entries(query).filter(([k]) => !OPTIONS.has(k)));
  for (const k of SEARCH_ONLY) {
    if (k in rest)
      throw invalid('invalid aggregate parameters', [
        { path: k, message: 'is a search parameter, not an aggregate one' },
      ]);
  }
  const { filters } = parseSearch(rest);
  const dims = opts.group_by ?? [];
  const now = (deps.now ?? Date.now)();
  const to = filters.to ? Date.parse(filters.to) : now;
  const from = filters.from ? Date.parse(filters.from) : to - DEFAULT_WINDOW_MS;
  const step = opts.interval ? INTERVALS[opts.interval] : undefined;
  // The window counted: whole buckets of the interval, or whole minutes (hours past the minute counters).
  const minuteReach = now - MINUTE_DAYS * 86_400_000;
  const align = step ?? (from >= minuteReach ? TIERS.m : TIERS.h);
  const start = Math.floor(from / align) * align;
  const end = Math.ceil((to + 1) / align) * align;
  const problems: ErrorDetail[] = [];
  if (step && (end - start) / step > MAX_BUCKETS) {
    problems.push({
      path: 'interval',
      message: `makes ${Math.ceil((end - start) / step)} buckets over this window; at most ${MAX_BUCKETS} (use a longer interval or a shorter window)`,
    });
  }
  const byCounters =
    dims.every((d) => COUNTED.has(d)) &&
    Object.entries(filters).every(([k, v]) => v === undefined || COUNTED_FILTERS.has(k));
  if (byCounters && step !== undefined && step < TIERS.h && start < minuteReach) {
    problems.push({
      path: 'interval',
      message: `1m, 5m and 15m reach back ${MINUTE_DAYS} days; for an older window use 1h or 1d`,
    });
  }
  if (problems.length > 0) throw invalid('invalid aggregate parameters', problems);

  const counts = new Map<string, { key: Key; count: number }>();
  const series = new Map<number, Map<string, number>>();
  const add = (key: Key, at: number, n: number) => {
    const label = labelOf(key, dims);
    const g = counts.get(label);
    if (g) g.count += n;
    else counts.set(label, { key, count: n });
    if (step !== undefined) {
      const b = Math.floor(at / step) * step;
      const point = series.get(b) ?? new Map<string, number>();
      point.set(label, (point.get(label) ?? 0) + n);
      series.set(b, point);
    }
  };
  let itemsRead = 0;
  if (byCounters) {
    itemsRead = await countFromCounters(deps, filters, start, end, step, dims, add);
  } else {
    // Counted one by one through a search: a 400 naming the setting when no deployed index serves it.
    assertSearchable(filters, (deps.searchIndexes ?? searchIndexSet()).names);
    // Only the grouping needs the events one by one: the counters tell at once whether the window holds more
    // than can be counted that way, so a dashboard's facet over a busy day answers in milliseconds.
    const countedFilters = Object.entries(filters).every(
      ([k, v]) => v === undefined || COUNTED_FILTERS.has(k),
    );
    const max = deps.maxIndexEvents ?? MAX_INDEX_EVENTS;
    if (countedFilters) {
      let total = 0;
      itemsRead += await countFromCounters(deps, filters, start, end, undefined, [], (_k, _at, n) => {
        total += n;
      });
      if (total > max) throw tooManyToCount(max);
    }
    itemsRead += await countEvents(deps, rest, start, end, dims, add);
  }

  const ranked = [...counts.entries()].sort(([la, a], [lb, b]) => b.count - a.count || (la < lb ? -1 : 1));
  const total = ranked.reduce((n, [, g]) => n + g.count, 0);
  const top = ranked.slice(0, opts.top);
  const topLabels = new Set(top.map(([l]) => l));
  const points: Aggregate['series'] = [];
  if (step !== undefined) {
    for (let t = start; t < end; t += step) {
      const point = series.get(t) ?? new Map<string, number>();
      const groups: Record<string, number> = {};
      let count = 0;
      let other = 0;
      for (const [label, n] of point) {
        count += n;
        if (topLabels.has(label)) groups[label] = n;
        else other += n;
      }
      points.push({
        t: new Date(t).toISOString(),
        count,
        groups: dims.length > 0 ? groups : {},
        other: dims.length > 0 ? other : 0,
      });
    }
  }
  return {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    interval: opts.interval ?? null,
    group_by: dims,
    total,
    groups: dims.length > 0 ? top.map(([, g]) => ({ key: g.key, count: g.count })) : [],
    other: dims.length > 0 ? total - top.reduce((n, [, g]) => n + g.count, 0) : 0,
    series: points,
    counted_from: byCounters ? 'counters' : 'indexes',
    items_read: itemsRead,
  };
}

/**
 * Which counter items cover [start, end): with an interval, its tier over the whole window; without, whole
 * days, then whole hours at the edges, then minutes at theirs.
 */
function plan(
  start: number,
  end: number,
  step: number | undefined,
): Array<{ tier: Tier; from: number; to: number }> {
  if (step !== undefined) {
    const tier: Tier = step >= TIERS.d ? 'd' : step >= TIERS.h ? 'h' : 'm';
    return [{ tier, from: start, to: end }];
  }
  const out: Array<{ tier: Tier; from: number; to: number }> = [];
  const split = (from: number, to: number, tiers: readonly Tier[]) => {
    if (from >= to) return;
    const [tier, ...finer] = tiers as [Tier, ...Tier[]];
    const size = TIERS[tier];
    const a = Math.ceil(from / size) * size;
    const b = Math.floor(to / size) * size;
    if (finer.length === 0 || a >= b) {
      if (finer.length === 0) out.push({ tier, from, to });
      else split(from, to, finer);
      return;
    }
    out.push({ tier, from: a, to: b });
    split(from, a, finer);
    split(b, to, finer);
  };
  split(start, end, ['d', 'h', 'm']);
  return out;
}

/** The counter tuples the filters keep. */
function tupleFilter(f: SearchFilters): (t: Tuple) => boolean {
  const sources = f.source ? new Set<string>(f.source) : undefined;
  const types = f.types ? new Set(f.types) : undefined;
  const category = f.category ? categoryTypes(f.category).types : undefined;
  return (t) =>
    (sources === undefined || sources.has(t.source)) &&
    (types === undefined || types.has(t.type)) &&
    (category === undefined || category.has(t.type)) &&
    (f.app_id === undefined || t.app === f.app_id) &&
    (f.tenant_id === undefined || t.tenant === f.tenant_id);
}

function countItem(
  item: Record<string, AttributeValue>,
  match: (t: Tuple) => boolean,
  dims: readonly Dimension[],
  add: (key: Key, at: number, n: number) => void,
): void {
  const [, bucket = ''] = (item.sk?.S ?? '').split('#');
  const at = Date.parse(bucket);
  for (const [name, v] of Object.entries(item)) {
    const t = v.N !== undefined ? parseTuple(name) : undefined;
    if (!t || !match(t)) continue;
    const values: Record<string, string | null> = {
      type: t.type,
      source: t.source,
      category: lookupType(t.type)?.category ?? null,
      app_id: t.app === '' ? null : t.app,
      tenant_id: t.tenant,
    };
    add(Object.fromEntries(dims.map((d) => [d, values[d] ?? null])), at, Number(v.N));
  }
}

/** Count from the counter items of [start, end) (every shard, the tiers `plan` picks); returns the items read. */
async function countFromCounters(
  deps: AggregateReadDeps,
  filters: SearchFilters,
  start: number,
  end: number,
  step: number | undefined,
  dims: readonly Dimension[],
  add: (key: Key, at: number, n: number) => void,
): Promise<number> {
  let itemsRead = 0;
  const match = tupleFilter(filters);
  const tiers = plan(start, end, step);
  const wms = await listWatermarks(deps.ddb, deps.eventsTable);
  const reads = await mapLimit(
    wms.flatMap((w) => tiers.map((t) => ({ shard: w.shardId, ...t }))),
    16,
    async (r) =>
      queryAll(deps.ddb, {
        TableName: deps.eventsTable,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: {
          ':pk': { S: AGGREGATE_PK(r.shard) },
          ':lo': { S: `${r.tier}#${new Date(r.from).toISOString()}` },
          // Buckets starting before `to`: every part of the last one sorts below "~".
          ':hi': { S: `${r.tier}#${new Date(r.to - TIERS[r.tier]).toISOString()}#~` },
        },
      }),
  );
  for (const items of reads) {
    itemsRead += items.length;
    for (const item of items) countItem(item, match, dims, add);
  }
  return itemsRead;
}

/** The 400 of an aggregate that would count more events one by one than it may. */
function tooManyToCount(max: number) {
  return invalid('invalid aggregate parameters', [
    {
      path: 'from',
      message: `this aggregate counts events one by one from the search indexes (it groups or filters by something other than type, source, category, app or tenant), and the window holds more than ${max}: narrow from/to or add a filter`,
    },
  ]);
}

/** Count the matching events one by one through the search indexes (at most MAX_INDEX_EVENTS). */
async function countEvents(
  deps: AggregateReadDeps,
  query: Record<string, string | undefined>,
  start: number,
  end: number,
  dims: readonly Dimension[],
  add: (key: Key, at: number, n: number) => void,
): Promise<number> {
  const q = {
    ...query,
    from: new Date(start).toISOString(),
    to: new Date(end - 1).toISOString(),
    limit: '1000',
  };
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await search(deps, { ...q, ...(cursor ? { cursor } : {}) });
    for (const e of page.data) {
      const at = Date.parse(e.timestamp);
      if (at < start || at >= end) continue;
      read++;
      const max = deps.maxIndexEvents ?? MAX_INDEX_EVENTS;
      if (read > max) throw tooManyToCount(max);
      add(Object.fromEntries(dims.map((d) => [d, dimensionOf(e, d)])), at, 1);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return read;
}

function dimensionOf(e: ActivityEvent, d: Dimension): string | null {
  if (d === 'category') return lookupType(e.type)?.category ?? null;
  const v = (e as unknown as Record<string, unknown>)[d];
  return typeof v === 'string' ? v : null;
}

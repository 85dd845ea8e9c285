import { createHash } from 'node:crypto';
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { listWatermarks } from '../log/watermarks.js';
import { lookupType } from '../model/catalog.js';
import { type ErrorDetail, invalid } from '../model/errors.js';
import type { ActivityEvent } from '../model/event-schema.js';
import { SOURCES, type Source } from '../model/sources.js';
import { SEARCH_INDEXES, SEARCH_SK } from '../model/tables.js';
import { parseWith } from '../model/validation.js';
import { mapLimit } from '../platform/concurrency.js';
import { listTenants } from './tenants.js';

export const MAX_LIMIT = 1000;
export const MAX_TYPES = 100;
const LIMIT_MSG = `must be an integer from 1 to ${MAX_LIMIT}`;
const iso = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time with timezone, e.g. 2026-11-24T10:00:00Z',
});
const ref = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

export const searchQuerySchema = z.strictObject({
  source: z.enum(SOURCES, { error: `must be one of ${SOURCES.join(', ')}` }).optional(),
  /** One type, or several separated by commas (repeated parameters arrive comma-joined). */
  type: z.string().min(1, 'must not be empty').optional(),
  user_id: ref.optional(),
  app_id: ref.optional(),
  actor_id: ref.optional(),
  tenant_id: ref.optional(),
  ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
  from: iso.optional(),
  to: iso.optional(),
  limit: z
    .preprocess(
      (v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v),
      z.int({ error: LIMIT_MSG }).min(1, LIMIT_MSG).max(MAX_LIMIT, LIMIT_MSG),
    )
    .default(100),
  cursor: z.string().min(1).optional(),
});

export type SearchFilters = Omit<z.output<typeof searchQuerySchema>, 'limit' | 'cursor' | 'type'> & {
  types?: string[];
};

type IndexName = (typeof SEARCH_INDEXES)[number]['name'];

/** Which index serves a filter combination, and with which partition key values (shard ids are appended). */
export interface SearchPlan {
  index: IndexName;
  keys: string[];
  /** Filters the index key does not cover, applied with a FilterExpression. */
  residual: Array<'source' | 'types' | 'user_id' | 'app_id' | 'actor_id' | 'ip' | 'tenant_id'>;
}

/**
 * The index for a filter combination, most selective first: user, actor, IP, app, type(s), then source
 * (keyed by tenant; without a tenant or source filter, every known tenant and source). Everything else is
 * a filter on that index's query. Every combination is a key-condition query; none scans the table.
 */
export function planSearch(f: SearchFilters, tenants: readonly string[]): SearchPlan {
  const residual = (...covered: SearchPlan['residual']) =>
    (['source', 'types', 'user_id', 'app_id', 'actor_id', 'ip', 'tenant_id'] as const).filter(
      (k) => !covered.includes(k) && (k === 'types' ? f.types !== undefined : f[k] !== undefined),
    );
  if (f.user_id) return { index: 'by_user', keys: [f.user_id], residual: residual('user_id') };
  if (f.actor_id) return { index: 'by_actor', keys: [f.actor_id], residual: residual('actor_id') };
  if (f.ip) return { index: 'by_ip', keys: [f.ip], residual: residual('ip') };
  if (f.app_id) return { index: 'by_app', keys: [f.app_id], residual: residual('app_id') };
  // A type implies its source, so a source filter next to types is already covered.
  if (f.types) return { index: 'by_type', keys: f.types, residual: residual('types', 'source') };
  const sources: readonly Source[] = f.source ? [f.source] : SOURCES;
  const ts = f.tenant_id ? [f.tenant_id] : tenants;
  return {
    index: 'by_source',
    keys: ts.flatMap((t) => sources.map((s) => `${t}#${s}`)),
    residual: residual('source', 'tenant_id'),
  };
}

/** Validate and normalise the query parameters. Every problem names its parameter. */
export function parseSearch(query: Record<string, string | undefined>): {
  filters: SearchFilters;
  limit: number;
  cursor?: string;
} {
  const q = parseWith(searchQuerySchema, query, 'search parameters');
  const problems: ErrorDetail[] = [];
  let types: string[] | undefined;
  if (q.type !== undefined) {
    types = [
      ...new Set(
        q.type
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    // DynamoDB's IN takes at most 100 values (types beside a more selective filter become one).
    if (types.length > MAX_TYPES)
      problems.push({ path: 'type', message: `lists ${types.length} types; at most ${MAX_TYPES}` });
    for (const t of types) {
      const spec = lookupType(t);
      if (!spec)
        problems.push({
          path: 'type',
          message: `unknown event type '${t}' (GET /activities/v1/event-types lists them)`,
        });
      else if (q.source && spec.source !== q.source) {
        problems.push({ path: 'type', message: `'${t}' is a ${spec.source} event, not ${q.source}` });
      }
    }
  }
  if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to))
    problems.push({ path: 'from', message: 'must not be after to' });
  if (problems.length > 0) throw invalid('invalid search parameters', problems);
  const { limit, cursor, type: _t, ...rest } = q;
  const filters: SearchFilters = { ...rest, ...(types ? { types } : {}) };
  if (filters.from) filters.from = new Date(filters.from).toISOString();
  if (filters.to) filters.to = new Date(filters.to).toISOString();
  return { filters, limit, ...(cursor ? { cursor } : {}) };
}

function filtersHash(f: SearchFilters): string {
  const canonical = JSON.stringify(
    Object.fromEntries(Object.entries(f).sort(([a], [b]) => (a < b ? -1 : 1))),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeSearchCursor(f: SearchFilters, boundary: string): string {
  return Buffer.from(JSON.stringify({ v: 1, b: boundary, h: filtersHash(f) })).toString('base64url');
}

export function decodeSearchCursor(f: SearchFilters, token: string): string {
  const badCursor = (message: string) => invalid('invalid cursor', [{ path: 'cursor', message }]);
  let o: { v?: unknown; b?: unknown; h?: unknown };
  try {
    o = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof o;
  } catch {
    throw badCursor('is not a cursor returned by this API');
  }
  if (
    o?.v !== 1 ||
    typeof o.b !== 'string' ||
    typeof o.h !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T.+#.+$/.test(o.b)
  ) {
    throw badCursor('is not a cursor returned by this API');
  }
  if (o.h !== filtersHash(f))
    throw badCursor('belongs to a search with other filters; repeat the same filters to page');
  return o.b;
}

export interface SearchDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  now?: () => number;
}

export interface SearchPage {
  data: ActivityEvent[];
  next_cursor: string | null;
}

interface PartitionRead {
  matches: Array<{ sk: string; json: string }>;
  exhausted: boolean;
  /** Sort key of the last item evaluated (everything above it in this partition was seen). */
  lowest?: string;
}

/**
 * One page of a search, newest first. The plan's partitions (index key × shard) are read in parallel,
 * each until it has `limit` matches, is exhausted, or has read its budget; the merge keeps only events at or
 * above the lowest point any unfinished partition reached, so no event is skipped between pages.
 */
export async function search(
  deps: SearchDeps,
  query: Record<string, string | undefined>,
): Promise<SearchPage> {
  const { filters: f, limit, cursor } = parseSearch(query);
  const boundary = cursor ? decodeSearchCursor(f, cursor) : undefined;
  // Only a search over the source index without a tenant filter needs the list of tenants.
  const needsTenants = !f.tenant_id && planSearch(f, []).index === 'by_source';
  const [wms, tenants] = await Promise.all([
    listWatermarks(deps.ddb, deps.eventsTable),
    needsTenants ? listTenants(deps.ddb, deps.eventsTable) : [],
  ]);
  const plan = planSearch(f, tenants);
  const index = SEARCH_INDEXES.find((i) => i.name === plan.index) as (typeof SEARCH_INDEXES)[number];
  const partitions = plan.keys.flatMap((k) => wms.map((w) => `${k}#${w.shardId}`));

  const names: Record<string, string> = { '#pk': index.pk, '#sk': SEARCH_SK, '#exp': 'expires_at' };
  const values: Record<string, AttributeValue> = {
    ':lo': { S: f.from ?? '0' },
    ':hi': { S: boundary ?? (f.to ? `${f.to}#\uffff` : '\uffff') },
    ':now': { N: String(Math.floor((deps.now ?? Date.now)() / 1000)) },
  };
  const conditions = ['#exp > :now'];
  for (const r of plan.residual) {
    if (r === 'types') {
      names['#type'] = 'type';
      const keys = (f.types ?? []).map((t, i) => {
        values[`:t${i}`] = { S: t };
        return `:t${i}`;
      });
      conditions.push(`#type IN (${keys.join(', ')})`);
    } else {
      names[`#${r}`] = r;
      values[`:${r}`] = { S: String(f[r]) };
      conditions.push(`#${r} = :${r}`);
    }
  }
  const budget = Math.max(limit * 5, 500);
  const reads = await mapLimit(partitions, 16, async (pk): Promise<PartitionRead> => {
    const out: PartitionRead = { matches: [], exhausted: false };
    let start: Record<string, AttributeValue> | undefined;
    let scanned = 0;
    do {
      const res = await deps.ddb.send(
        new QueryCommand({
          TableName: deps.eventsTable,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          FilterExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':pk': { S: pk } },
          ProjectionExpression: '#sk, e',
          ScanIndexForward: false,
          Limit: limit + 1,
          ExclusiveStartKey: start,
        }),
      );
      scanned += res.ScannedCount ?? 0;
      for (const item of res.Items ?? []) {
        const sk = item[SEARCH_SK]?.S ?? '';
        // The boundary is inclusive in the key condition and exclusive for paging.
        if (boundary !== undefined && sk >= boundary) continue;
        out.matches.push({ sk, json: item.e?.S ?? '{}' });
      }
      start = res.LastEvaluatedKey;
      if (start) out.lowest = start[SEARCH_SK]?.S;
    } while (start && out.matches.length < limit && scanned < budget);
    out.exhausted = !start;
    return out;
  });

  const cutoff = reads.reduce<string | undefined>(
    (c, r) => (!r.exhausted && r.lowest && (!c || r.lowest > c) ? r.lowest : c),
    undefined,
  );
  const safe = reads
    .flatMap((r) => r.matches)
    .filter((m) => cutoff === undefined || m.sk >= cutoff)
    .sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
  const page = safe.slice(0, limit);
  const more = safe.length > limit || reads.some((r) => !r.exhausted);
  const last = page[page.length - 1];
  const nextBoundary = !more ? undefined : page.length === limit && last ? last.sk : cutoff;
  return {
    data: page.map((m) => JSON.parse(m.json) as ActivityEvent),
    next_cursor: nextBoundary ? encodeSearchCursor(f, nextBoundary) : null,
  };
}

import { createHash } from 'node:crypto';
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { enrichEvents, usersNamed } from '../directory/index.js';
import { listWatermarks, readIdItems } from '../log/index.js';
import {
  type ActivityEvent,
  ATTRIBUTE_ROWS,
  type AttributeFilter,
  type AttributeRow,
  CODE_FILTER_ROWS,
  categoryTypes,
  DEFAULT_SEARCH_INDEXES,
  DomainError,
  ENV,
  type ErrorDetail,
  FILTER_ROWS,
  type FilterField,
  fieldValue,
  filterName,
  invalid,
  isSource,
  lookupType,
  parseWith,
  SEARCH_FILTERS,
  SEARCH_INDEXES,
  SEARCH_SK,
  type SearchFilterSpec,
  type SearchFilters,
  type SearchIndex,
  type SearchIndexName,
  type SearchIndexSet,
  seal,
  searchIndexesValue,
  searchIndexSet,
  unseal,
  withEquivalentTypes,
  zodMessages,
} from '../model/index.js';
import type { Lazy } from '../platform/clients/lazy.js';
import { mapLimit } from '../platform/index.js';
import { listTenants } from './tenants.js';

export const MAX_TYPES = 100;

type QueryShape = { [R in (typeof SEARCH_FILTERS)[number] as R['param']]: R['value'] };

/** The query parameters of a search: one per row of the search-filter table. */
export const searchQuerySchema = /* @__PURE__ */ z.strictObject(
  Object.fromEntries(SEARCH_FILTERS.map((r) => [r.param, r.value])) as QueryShape,
);

export type { SearchFilters } from '../model/index.js';

/** The one type whose events may be of any source (a custom event names its own). */
const CUSTOM_TYPE = 'custom';

/** Which index serves a filter combination, and with which partition key values (shard ids are appended). */
export interface SearchPlan {
  index: SearchIndexName;
  keys: string[];
  /** Filters the index key does not cover, applied with a FilterExpression. */
  residual: AttributeFilter[];
  /** Filters the index key does not cover and no attribute carries: tested on the events read. */
  code: string[];
}

/** The filter row of an event field (an index key field). */
function rowOf(field: FilterField): SearchFilterSpec {
  const row = FILTER_ROWS.find((r) => r.field === field);
  if (!row) throw new Error(`no search filter on ${field}`);
  return row;
}

/** A filter's values: its list, or its one value; undefined when the search does not filter on it. */
function filterValues(f: SearchFilters, name: string): readonly string[] | undefined {
  const v = (f as Record<string, string | readonly string[] | undefined>)[name];
  return v === undefined ? undefined : typeof v === 'string' ? [v] : v;
}

/**
 * The index for a filter combination, among the deployed ones, most selective first (the `priority` of the
 * index rows: session, user, actor, IP, app, type(s), then source keyed by tenant; without a tenant or source
 * filter, every known tenant and source). An index applies when each field of its key is filtered on or has a
 * domain; its partition values are the product of those values. Everything else is a filter on that index's
 * query: a FilterExpression on the filter attributes, a test in code for the rest. So a filter whose own index
 * is not deployed is served by one that is (by_source applies to every search). When no deployed index applies,
 * a 400 names the setting that would deploy one. Every combination is a key-condition query; none scans the
 * table.
 */
export function planSearch(
  f: SearchFilters,
  tenants: readonly string[],
  deployed: readonly SearchIndexName[] = DEFAULT_SEARCH_INDEXES,
): SearchPlan {
  const plan = planOver(
    f,
    tenants,
    SEARCH_INDEXES.filter((i) => deployed.includes(i.name)),
  );
  if (plan) return plan;
  throw notServed(f, deployed);
}

function planOver(
  f: SearchFilters,
  tenants: readonly string[],
  indexes: readonly SearchIndex[],
): SearchPlan | undefined {
  // Residual filters are tested in table order, those of indexed rows first.
  const residualOrder = [
    ...ATTRIBUTE_ROWS.filter((r) => r.index),
    ...ATTRIBUTE_ROWS.filter((r) => !r.index),
  ].map(filterName);
  const types = filterValues(f, 'types');
  for (const index of [...indexes].sort((a, b) => a.priority - b.priority)) {
    const covered = new Set<string>(index.implies);
    // A custom event names its own source: a type list with `custom` implies none, so a source filter stays.
    if (types?.includes(CUSTOM_TYPE)) covered.delete('source');
    // Every combination of the key fields' values: the filter's, or the field's domain.
    let combos: string[][] | undefined = [[]];
    for (const field of index.key) {
      const row = rowOf(field);
      covered.add(filterName(row));
      const values =
        filterValues(f, filterName(row)) ??
        (field === 'source' ? sourcesOfTypes(types) : undefined) ??
        (row.domain === 'tenants' ? tenants : row.domain);
      combos = values && combos?.flatMap((c) => values.map((v) => [...c, v]));
    }
    if (!combos) continue;
    const residual = residualOrder.filter(
      (name) => !covered.has(name) && filterValues(f, name) !== undefined,
    ) as AttributeFilter[];
    const code = CODE_FILTER_ROWS.map(filterName).filter(
      (name) => !covered.has(name) && filterValues(f, name) !== undefined,
    );
    return { index: index.name, keys: combos.map((c) => c.join('#')), residual, code };
  }
  return undefined;
}

/**
 * The sources a type list's events can be of (each type is of its source), when the list names no `custom`
 * type: the source index then reads only those sources' partitions, its `type` residual doing the rest.
 */
function sourcesOfTypes(types: readonly string[] | undefined): string[] | undefined {
  if (!types || types.includes(CUSTOM_TYPE)) return undefined;
  const sources = types.map((t) => lookupType(t)?.source);
  return sources.every((s) => s !== undefined) ? [...new Set(sources)] : undefined;
}

/**
 * The 400 of a search no deployed index serves: which index would (the most selective that applies, and
 * by_source, which serves every search), and how to deploy it, on AWS and locally.
 */
function notServed(f: SearchFilters, deployed: readonly SearchIndexName[]): DomainError {
  const best = planOver(asResolved(f), [], SEARCH_INDEXES)?.index ?? 'by_source';
  const wanted = [...new Set<SearchIndexName>([best, 'by_source'])];
  const row = FILTER_ROWS.find((r) => r.index?.name === best);
  const keyed = (SEARCH_INDEXES.find((i) => i.name === best)?.key ?? []).map((field) => rowOf(field));
  const given = keyed.find((r) => filterValues(asResolved(f), filterName(r)) !== undefined);
  // The filter the index would be keyed by (the `user` filter resolves to user ids).
  const path =
    (f as { user?: string }).user !== undefined && best === 'by_user' ? 'user' : (given ?? row)?.param;
  const local = (n: SearchIndexName) => searchIndexesValue([...deployed, n].sort(byTableOrder));
  return invalid('invalid search parameters', [
    {
      path: path ?? 'source',
      message: `no search index serves these filters (deployed: ${deployed.length ? deployed.join(', ') : 'none'}): deploy with searchIndexes including ${wanted.join(' or ')} (local: ${ENV.searchIndexes}=${local(best)})`,
    },
  ]);
}

const byTableOrder = (a: SearchIndexName, b: SearchIndexName) =>
  SEARCH_INDEXES.findIndex((i) => i.name === a) - SEARCH_INDEXES.findIndex((i) => i.name === b);

/**
 * Refuse (400, naming the setting) a search no deployed index serves, before anything is read: POST /reports
 * checks its filters with it, aggregates that count events too. A `user` filter counts as a user id filter.
 */
export function assertSearchable(f: SearchFilters, deployed: readonly SearchIndexName[]): void {
  const indexes = SEARCH_INDEXES.filter((i) => deployed.includes(i.name));
  if (!planOver(asResolved(f), [], indexes)) throw notServed(f, deployed);
}

/** Filters as planned once the `user` filter is resolved: a user id filter (its values are not needed to plan). */
const asResolved = (f: SearchFilters): SearchFilters =>
  (f as { user?: string }).user !== undefined ? ({ ...f, user_id: [''] } as unknown as SearchFilters) : f;

/** Whether the plan's index reads every registered tenant (a key field over tenants with no filter on it). */
function readsEveryTenant(f: SearchFilters, name: SearchIndexName): boolean {
  const index = SEARCH_INDEXES.find((i) => i.name === name);
  return (index?.key ?? []).some((field) => {
    const row = rowOf(field);
    return row.domain === 'tenants' && filterValues(f, filterName(row)) === undefined;
  });
}

/** Validate and normalise the query parameters. Every problem names its parameter. */
export function parseSearch(query: Record<string, string | undefined>): {
  filters: SearchFilters;
  limit: number;
  cursor?: string;
  enrich: boolean;
} {
  const q = parseWith(searchQuerySchema, query, 'search parameters');
  const problems: ErrorDetail[] = [];
  const filters: Record<string, string | string[]> = {};
  for (const r of FILTER_ROWS) {
    const v = q[r.param as keyof typeof q];
    if (v === undefined) continue;
    if (r.list) {
      const items = String(v)
        .split(',')
        .map((t) => t.trim());
      if (items.some((t) => t === '')) {
        problems.push({
          path: r.param,
          message: 'must not contain empty items (a list is comma-separated values)',
        });
      }
      const distinct = [...new Set(items.filter(Boolean))];
      if (r.item) problems.push(...itemProblems(r.param, r.item, distinct));
      filters[filterName(r)] = distinct;
    } else filters[filterName(r)] = v as string;
  }
  // Equivalent types join the list before it is checked (each is of the same source as its type).
  const equivalents = (filters as SearchFilters).equivalents;
  delete (filters as SearchFilters).equivalents;
  if (equivalents === 'true') {
    const listed = (filters as SearchFilters).types;
    if (listed === undefined)
      problems.push({ path: 'equivalents', message: 'needs a type (or a list of types) to add to' });
    else filters.types = withEquivalentTypes(listed);
  }
  const { types, from, to, source } = filters as SearchFilters;
  // The sources asked for, when every item is one (a type or category must then be of one of them).
  const sources = source?.length && source.every(isSource) ? source : undefined;
  if (types !== undefined) {
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
      else if (sources && t !== CUSTOM_TYPE && !sources.includes(spec.source)) {
        problems.push({ path: 'type', message: `'${t}' is a ${spec.source} event, not ${oneOf(sources)}` });
      }
    }
  }
  if (from && to && Date.parse(from) > Date.parse(to))
    problems.push({ path: 'from', message: 'must not be after to' });
  // A category is a set of types of one source: the search reads that source and keeps those types.
  const category = (filters as SearchFilters).category;
  if (category) {
    const c = categoryTypes(category);
    if (sources && !sources.includes(c.source))
      problems.push({
        path: 'category',
        message: `'${category}' holds ${c.source} events, not ${oneOf(sources)}`,
      });
    else filters.source = [c.source];
  }
  if (problems.length > 0) throw invalid('invalid search parameters', problems);
  if (from) filters.from = new Date(from).toISOString();
  if (to) filters.to = new Date(to).toISOString();
  const { limit, cursor } = q;
  const enrich = (q as { enrich?: string }).enrich === 'true';
  return { filters: filters as SearchFilters, limit, ...(cursor ? { cursor } : {}), enrich };
}

/** The items of a list its item schema refuses, each named in its message when the list has several. */
function itemProblems(param: string, schema: z.ZodType<string>, items: readonly string[]): ErrorDetail[] {
  return items.flatMap((item) => {
    const checked = schema.safeParse(item, { error: zodMessages });
    if (checked.success) return [];
    const message = checked.error.issues[0]?.message ?? 'is not allowed';
    return [{ path: param, message: items.length > 1 ? `'${item}' ${message}` : message }];
  });
}

/** `risk`, `cis or risk`, `cis, verify or risk`. */
function oneOf(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

function filtersHash(f: SearchFilters): string {
  // One source hashes as the single value it was before sources became a list, so cursors stay valid.
  const hashed: Record<string, unknown> = f.source?.length === 1 ? { ...f, source: f.source[0] } : f;
  const canonical = JSON.stringify(
    Object.fromEntries(Object.entries(hashed).sort(([a], [b]) => (a < b ? -1 : 1))),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

/** A search page's cursor: where the next page starts, bound to the filters, sealed (model/seal.ts). */
export function encodeSearchCursor(key: Uint8Array, f: SearchFilters, boundary: string): string {
  return seal(key, { v: 2, b: boundary, h: filtersHash(f) });
}

export function decodeSearchCursor(key: Uint8Array, f: SearchFilters, token: string): string {
  const badCursor = (message: string) =>
    new DomainError('invalid', 'invalid_cursor', 'invalid cursor', [{ path: 'cursor', message }]);
  const o = unseal(key, token) as { v?: unknown; b?: unknown; h?: unknown } | undefined;
  if (
    o === null ||
    typeof o !== 'object' ||
    o.v !== 2 ||
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

/**
 * The most event JSON one search page carries: a page is cut there (its cursor continues after its last event),
 * so a page of big events stays under Lambda's 6 MB response limit.
 */
export const SEARCH_MAX_BYTES = 4 * 1024 * 1024;

export interface SearchDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  /** The directory (enrichment, and the `user` filter's emails and usernames). */
  controlTable: string;
  /** The key cursors are sealed with. */
  cursorKey: Lazy<Uint8Array>;
  /** The deployed search indexes and the GSI each is read from (default: the default set). */
  searchIndexes?: SearchIndexSet;
  now?: () => number;
}

export interface SearchPage {
  data: ActivityEvent[];
  next_cursor: string | null;
}

/** An index entry that matched: its sort key, its id item's key, and the event once it was read. */
interface Match {
  sk: string;
  key: Record<string, AttributeValue>;
  json?: string;
}

interface PartitionRead {
  matches: Match[];
  exhausted: boolean;
  /** Sort key of the last item evaluated (everything above it in this partition was seen). */
  lowest?: string;
}

/** Index entries a call reads when filters narrow them (entries are small: 200 are about 30 KB). */
const FILTERED_READ = 200;

/** The key attributes of the id items (the table's), as the index entries carry them. */
const ITEM_KEY = ['pk', 'sk'] as const;

/**
 * One page of a search, newest first. The plan's partitions (index key × shard) are read in parallel,
 * each until it has `limit` matches, is exhausted, or has read its budget; the merge keeps only events at or
 * above the lowest point any unfinished partition reached, so no event is skipped between pages. Index entries
 * carry keys and filter attributes only: the page's events are then read from their id items in one batched
 * read (the candidates' events during the partition reads when a filter is tested in code).
 */
export async function search(
  deps: SearchDeps,
  query: Record<string, string | undefined>,
): Promise<SearchPage> {
  const { filters: parsed, limit, cursor, enrich } = parseSearch(query);
  const indexes = deps.searchIndexes ?? searchIndexSet();
  // Before anything is read: a search no deployed index serves is a 400 naming the setting.
  assertSearchable(parsed, indexes.names);
  const key = await deps.cursorKey();
  const f = await resolveUser(parsed, deps);
  if (f.user_id !== undefined && f.user_id.length === 0) return { data: [], next_cursor: null };
  const boundary = cursor ? decodeSearchCursor(key, parsed, cursor) : undefined;
  // A page below the start of the window is empty (a cursor is sealed, but its window may have been narrowed).
  if (boundary !== undefined && f.from !== undefined && boundary <= f.from)
    return { data: [], next_cursor: null };
  const codeTest = codeFilter(f);
  // Only a search over an index keyed by tenant, without a tenant filter, needs the list of tenants.
  const needsTenants = readsEveryTenant(f, planSearch(f, [], indexes.names).index);
  const [wms, tenants] = await Promise.all([
    listWatermarks(deps.ddb, deps.eventsTable),
    needsTenants ? listTenants(deps.ddb, deps.eventsTable) : [],
  ]);
  const plan = planSearch(f, tenants, indexes.names);
  const index = SEARCH_INDEXES.find((i) => i.name === plan.index) as SearchIndex;
  const partitions = plan.keys.flatMap((k) => wms.map((w) => `${k}#${w.shardId}`));
  const now = (deps.now ?? Date.now)();

  const names: Record<string, string> = {
    '#pk': index.pk,
    '#sk': SEARCH_SK,
    '#exp': 'expires_at',
    '#ipk': ITEM_KEY[0],
    '#isk': ITEM_KEY[1],
  };
  const values: Record<string, AttributeValue> = {
    ':lo': { S: f.from ?? '0' },
    ':hi': { S: boundary ?? (f.to ? `${f.to}#\uffff` : '\uffff') },
    ':now': { N: String(Math.floor(now / 1000)) },
  };
  const conditions = ['#exp > :now'];
  for (const name of plan.residual) {
    const row = ATTRIBUTE_ROWS.find((r) => filterName(r) === name) as AttributeRow;
    const value = f[name];
    names[`#${row.field}`] = row.field;
    if (Array.isArray(value)) {
      const keys = value.map((v, i) => {
        values[`:${row.field}${i}`] = { S: v };
        return `:${row.field}${i}`;
      });
      conditions.push(`#${row.field} IN (${keys.join(', ')})`);
    } else {
      values[`:${row.field}`] = { S: String(value) };
      conditions.push(`#${row.field} = :${row.field}`);
    }
  }
  const budget = Math.max(limit * 5, 500);
  // Without filters every entry read matches: a page's worth is enough. A filter (a residual of an index that
  // serves it, or a test on the events) may pass few of them, so each call reads more, up to the budget, rather
  // than dozens of round trips of `limit + 1` entries (a facet's `limit=1` lookup of an app on by_source).
  const filtered = conditions.length > 1 || codeTest !== undefined;
  const perCall = filtered ? Math.min(budget, Math.max(limit + 1, FILTERED_READ)) : limit + 1;
  const reads = await mapLimit(partitions, 16, async (pk): Promise<PartitionRead> => {
    const out: PartitionRead = { matches: [], exhausted: false };
    let start: Record<string, AttributeValue> | undefined;
    let scanned = 0;
    do {
      const res = await deps.ddb.send(
        new QueryCommand({
          TableName: deps.eventsTable,
          IndexName: indexes.gsi[index.name] ?? index.name,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          FilterExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':pk': { S: pk } },
          // Keys only: the events are read from the id items.
          ProjectionExpression: '#sk, #ipk, #isk',
          ScanIndexForward: false,
          Limit: perCall,
          ExclusiveStartKey: start,
        }),
      );
      scanned += res.ScannedCount ?? 0;
      const found: Match[] = [];
      for (const item of res.Items ?? []) {
        const sk = item[SEARCH_SK]?.S ?? '';
        // The boundary is inclusive in the key condition and exclusive for paging.
        if (boundary !== undefined && sk >= boundary) continue;
        found.push({ sk, key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue } });
      }
      if (codeTest) {
        // A filter no attribute carries is tested on the events themselves: read the candidates' now.
        await readEvents(deps, found, now);
        for (const m of found)
          if (m.json !== undefined && codeTest(JSON.parse(m.json) as ActivityEvent)) out.matches.push(m);
      } else out.matches.push(...found);
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
  let page = safe.slice(0, limit);
  // The page's events: one batched read of their id items (already read when a code filter needed them).
  await readEvents(
    deps,
    page.filter((m) => m.json === undefined),
    now,
  );
  // An entry whose event is gone (expired and deleted since the index was read) is passed over, not returned.
  let bytes = 0;
  let kept = 0;
  for (let i = 0; i < page.length; i++) {
    const json = (page[i] as Match).json;
    if (json === undefined) continue;
    bytes += Buffer.byteLength(json, 'utf8');
    if (bytes > SEARCH_MAX_BYTES && kept > 0) {
      page = page.slice(0, i);
      break;
    }
    kept++;
  }
  const more = safe.length > page.length || reads.some((r) => !r.exhausted);
  const last = page[page.length - 1];
  // A full page (or one cut by size) continues after its last event; a short one after all that was seen.
  const nextBoundary = !more
    ? undefined
    : (page.length === limit || page.length < safe.length) && last
      ? last.sk
      : cutoff;
  const data = page.flatMap((m) => (m.json === undefined ? [] : [JSON.parse(m.json) as ActivityEvent]));
  // The people and things by name: one batched directory lookup for the page.
  if (enrich) await enrichEvents(data, { ddb: deps.ddb, controlTable: deps.controlTable });
  return {
    data,
    // Bound to the filters as given (the user filter's resolution may change with the directory).
    next_cursor: nextBoundary ? encodeSearchCursor(key, parsed, nextBoundary) : null,
  };
}

/**
 * Read the events of index entries from their id items, setting each entry's `json` (readIdItems: eventually
 * consistent like the index itself, then a consistent read of what that missed, so an id item the index
 * already shows is never missed); one absent, expired, or holding another event (an expired id reused) has no
 * event to return.
 */
async function readEvents(deps: SearchDeps, matches: readonly Match[], now: number): Promise<void> {
  if (matches.length === 0) return;
  const idOf = (m: Match) => (m.key.pk?.S ?? '').slice(2);
  const items = await readIdItems(
    deps.ddb,
    deps.eventsTable,
    matches.map((m) => ({ id: idOf(m), holds: (it) => it[SEARCH_SK]?.S === m.sk && it.e?.S !== undefined })),
    { attributes: ['e', SEARCH_SK], nowSec: Math.floor(now / 1000) },
  );
  for (const m of matches) {
    const json = items.get(idOf(m))?.e?.S;
    if (json !== undefined) m.json = json;
  }
}

/**
 * The `user` filter as user ids: the directory's users with that email or username, and the value itself as
 * an id. With a `user_id` filter too, only ids that are both. An unknown value is simply an id nobody has.
 */
async function resolveUser(f: SearchFilters, deps: SearchDeps): Promise<SearchFilters> {
  if (f.user === undefined) return f;
  const found = await usersNamed(deps, f.user);
  let ids = [...new Set([f.user, ...found])];
  if (f.user_id !== undefined) ids = ids.filter((id) => id === f.user_id);
  const { user: _user, user_id: _id, ...rest } = f;
  return { ...rest, user_id: ids } as unknown as SearchFilters;
}

/** The test of the filters no attribute carries (journey, step, target, actor type, category), or none. */
function codeFilter(f: SearchFilters): ((e: ActivityEvent) => boolean) | undefined {
  const tests: Array<(e: ActivityEvent) => boolean> = [];
  for (const row of CODE_FILTER_ROWS) {
    const v = (f as Record<string, unknown>)[filterName(row)];
    if (typeof v === 'string') tests.push((e) => fieldValue(e, row.field) === v);
  }
  if (f.category) {
    const { types } = categoryTypes(f.category);
    tests.push((e) => types.has(e.type));
  }
  return tests.length === 0 ? undefined : (e) => tests.every((t) => t(e));
}

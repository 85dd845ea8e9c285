import * as z from 'zod';
import { CATEGORIES } from './catalog.js';
import type { ActivityEvent } from './event-schema.js';
import { DATA_KEY_FIELDS } from './event-schema.js';
import type { SearchIndexName } from './search-indexes.js';
import { SOURCES } from './sources.js';

/**
 * The search filters, one row per query parameter of GET /activities (docs/search.md). Everything else
 * about a filter is derived from its row: the query schema and the parsed filters (`search/`), the index
 * keys and filter attributes written on id items (`searchAttributes` in `log/items.ts`), the indexes and
 * their projection (`SEARCH_INDEXES`, `SEARCH_PROJECTION`, `TABLES` in `tables.ts`), the FilterExpression
 * of the filters an index does not cover, and the filters a report request accepts (`reports/`).
 */

/**
 * The event fields a filter can compare: the string-valued top-level fields of a stored event, and the
 * `data` fields that are bounded like keys (journey, session and step ids: DATA_KEY_FIELDS).
 */
export type FilterField =
  | {
      [K in keyof ActivityEvent]-?: NonNullable<ActivityEvent[K]> extends string ? K : never;
    }[keyof ActivityEvent]
  | (typeof DATA_FILTER_FIELDS)[number];

/** The `data` fields filters compare: the key-like ids, and a journey failure's `reason` (its drill-down). */
const DATA_FILTER_FIELDS = [...DATA_KEY_FIELDS, 'reason'] as const;
const DATA_FIELDS: ReadonlySet<string> = new Set(DATA_FILTER_FIELDS);

/** An event's value of a filter field (a data field's only when it is a non-empty string). */
export function fieldValue(e: ActivityEvent, field: FilterField): string | undefined {
  const v = DATA_FIELDS.has(field) ? e.data?.[field] : e[field as keyof ActivityEvent];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A search index over id items, declared on the row of the filter it serves. */
export interface FilterIndexSpec {
  /** One of SEARCH_INDEX_NAMES (search-indexes.ts). */
  name: SearchIndexName;
  /** Its partition-key attribute on id items: `<key values joined by #>#<shard>`. */
  pk: string;
  /** The event fields of its partition value, in order (default: the row's field). */
  key?: readonly FilterField[];
  /**
   * Which index serves a search: the applicable index with the lowest priority (most selective first).
   * An index applies when each of its key fields is filtered on or has a `domain`.
   */
  priority: number;
  /** Filters its key implies besides its key fields, so no FilterExpression re-checks them. */
  implies?: readonly string[];
}

export interface SearchFilterSpec {
  /** The query parameter, and the field of a report request. */
  param: string;
  /** Its schema as a query-string value (optional, or with its default). */
  value: z.ZodType;
  /** A comma-separated list: parsed into its distinct values, held under `filter`, matched with IN. */
  list?: true;
  /** A list's schema for each of its items (its message names what the item must be). */
  item?: z.ZodType<string>;
  /** Its name in the parsed filters and a plan's residual, when not the parameter's (type → types). */
  filter?: string;
  /** The event field it compares. */
  field?: FilterField;
  /**
   * Stored on id items as a filter attribute named as the field, and projected into every index:
   * `always` for a field every event has, `sparse` for one only some events have.
   */
  attribute?: 'always' | 'sparse';
  /**
   * Every value the field can take, so an index keyed by it can serve a search that does not filter on it:
   * a list, or `tenants` (the tenants the consumer registered).
   */
  domain?: readonly string[] | 'tenants';
  /** The index the filter's value keys. */
  index?: FilterIndexSpec;
  /** Accepted (and stored) by POST /reports. */
  report: boolean;
  /** A report request's schema for it, when its JSON body may carry more than a query string (a list as an array). */
  reportValue?: z.ZodType;
  /** Paging, not a filter: not part of the filters, their cursor hash or a report. */
  paging?: true;
  /**
   * Resolved before planning rather than compared: `user` (an id, email or username, through the directory)
   * and `category` (the catalog's types of the category). Their resolved values land in other filters.
   */
  resolved?: true;
  /** A switch of the response (`enrich`), not a filter. */
  option?: true;
}

export const MAX_LIMIT = 1000;
const LIMIT_MSG = `must be an integer from 1 to ${MAX_LIMIT}`;
const iso = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time with timezone, e.g. 2026-11-24T10:00:00Z',
});
const ref = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

/**
 * The rows, in query-parameter order (the order of validation messages and of a report's filters). The
 * indexes are created in this order and a FilterExpression tests the filters of indexed rows first.
 */
export const SEARCH_FILTERS = [
  {
    param: 'source',
    /** One source, or several separated by commas (`source=cis,verify,risk`: everything but admin). */
    value: z.string().min(1, 'must not be empty').optional(),
    list: true,
    item: z.enum(SOURCES, { error: `must be one of ${SOURCES.join(', ')}` }),
    field: 'source',
    attribute: 'always',
    domain: SOURCES,
    // Keyed by tenant: with neither filter, every registered tenant × every source (× each listed source).
    index: { name: 'by_source', pk: 'gs', key: ['tenant_id', 'source'], priority: 6 },
    report: true,
    reportValue: z
      .union(
        [
          z.string().min(1, 'must not be empty'),
          z.array(z.string().min(1, 'must not be empty')).min(1, 'must list at least one source'),
        ],
        { error: 'must be a source or a list of them' },
      )
      .optional(),
  },
  {
    param: 'type',
    /** One type, or several separated by commas (repeated parameters arrive comma-joined). */
    value: z.string().min(1, 'must not be empty').optional(),
    list: true,
    filter: 'types',
    field: 'type',
    attribute: 'always',
    // A type implies its source, so a source filter next to types is already covered.
    index: { name: 'by_type', pk: 'gt', priority: 5, implies: ['source'] },
    report: true,
    reportValue: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
        error: 'must be an event type or a list of them',
      })
      .optional(),
  },
  {
    param: 'equivalents',
    /**
     * `true`: the listed types and the types that record the same fact in the other vendor's catalog
     * (`type=user_login&equivalents=true` also finds seed 004's E_LOGIN_SUCCEEDED, and the other way round).
     */
    value: z.enum(['true', 'false'], { error: "must be 'true' or 'false'" }).optional(),
    resolved: true,
    report: true,
  },
  {
    param: 'user_id',
    value: ref.optional(),
    field: 'user_id',
    attribute: 'sparse',
    index: { name: 'by_user', pk: 'gu', priority: 1 },
    report: true,
  },
  {
    param: 'app_id',
    value: ref.optional(),
    field: 'app_id',
    attribute: 'sparse',
    index: { name: 'by_app', pk: 'ga', priority: 4 },
    report: true,
  },
  {
    param: 'actor_id',
    value: ref.optional(),
    field: 'actor_id',
    attribute: 'sparse',
    index: { name: 'by_actor', pk: 'gc', priority: 2 },
    report: true,
  },
  {
    param: 'tenant_id',
    value: ref.optional(),
    field: 'tenant_id',
    attribute: 'always',
    domain: 'tenants',
    report: true,
  },
  {
    param: 'ip',
    value: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
    field: 'ip',
    attribute: 'sparse',
    index: { name: 'by_ip', pk: 'gi', priority: 3 },
    report: true,
  },
  // Filters the console's drill-downs need. Without an attribute of their own, they are tested on the events an
  // index query reads (in code, after DynamoDB's FilterExpression), so no deployed index changes.
  {
    param: 'session_id',
    value: ref.optional(),
    field: 'session_id',
    // The most selective of all: a session's events.
    index: { name: 'by_session', pk: 'gn', priority: 0 },
    report: true,
  },
  { param: 'journey_id', value: ref.optional(), field: 'journey_id', report: true },
  { param: 'step_id', value: ref.optional(), field: 'step_id', report: true },
  {
    param: 'reason',
    /** `data.reason`, exactly: a journey failure reason (Journey analytics' top reasons link here). */
    value: z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters').optional(),
    field: 'reason',
    report: true,
  },
  { param: 'target_resource_id', value: ref.optional(), field: 'target_resource_id', report: true },
  {
    param: 'target_resource_type',
    value: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional(),
    field: 'target_resource_type',
    report: true,
  },
  {
    param: 'actor_type',
    value: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional(),
    field: 'actor_type',
    report: true,
  },
  {
    param: 'user',
    /** A user id, an email or a username: resolved to user ids through the directory. */
    value: z.string().min(1, 'must not be empty').max(320, 'must be at most 320 characters').optional(),
    resolved: true,
    report: true,
  },
  {
    param: 'category',
    value: z.enum(CATEGORIES, { error: `must be one of ${CATEGORIES.join(', ')}` }).optional(),
    resolved: true,
    report: true,
  },
  // The time range: the sort-key condition of every query, not an attribute.
  { param: 'from', value: iso.optional(), report: true },
  { param: 'to', value: iso.optional(), report: true },
  {
    param: 'limit',
    value: z
      .preprocess(
        (v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v),
        z.int({ error: LIMIT_MSG }).min(1, LIMIT_MSG).max(MAX_LIMIT, LIMIT_MSG),
      )
      .default(100),
    paging: true,
    report: false,
  },
  { param: 'cursor', value: z.string().min(1).optional(), paging: true, report: false },
  {
    param: 'enrich',
    /** `true`: add the directory's user_email, app_name, actor_email and actor_roles to each event. */
    value: z.enum(['true', 'false'], { error: "must be 'true' or 'false'" }).optional(),
    option: true,
    report: false,
  },
] as const satisfies readonly SearchFilterSpec[];

type Row = (typeof SEARCH_FILTERS)[number];
type FilterRow = Exclude<Row, { paging: true } | { option: true }>;
type NameOf<R> = R extends { filter: infer N extends string } ? N : R extends { param: infer P } ? P : never;

export type SearchParam = Row['param'];
/** The parameters a report request accepts. */
export type ReportParam = Extract<Row, { report: true }>['param'];
/** The filters stored on id items (and so testable by a FilterExpression), by their filter name. */
export type AttributeFilter = NameOf<Extract<Row, { attribute: string }>>;

/** Parsed search filters: every filter row's value (a list row's as an array), under its filter name. */
export type SearchFilters = {
  [R in FilterRow as NameOf<R>]?: R extends { list: true } ? string[] : NonNullable<z.output<R['value']>>;
};

/** A row's name in the parsed filters. */
export const filterName = (r: SearchFilterSpec): string => r.filter ?? r.param;

/** The table's rows as specs (without the literal types). */
export const SEARCH_FILTER_ROWS: readonly SearchFilterSpec[] = SEARCH_FILTERS;

/** The rows that are filters (everything but paging and options), in table order. */
export const FILTER_ROWS = SEARCH_FILTER_ROWS.filter((r) => !r.paging && !r.option);

/** Filter rows tested on the events themselves (no attribute of their own): compared in code. */
export const CODE_FILTER_ROWS = FILTER_ROWS.filter(
  (r): r is SearchFilterSpec & { field: FilterField } => r.field !== undefined && r.attribute === undefined,
);

/** A row stored as a filter attribute on id items. */
export type AttributeRow = SearchFilterSpec & { field: FilterField; attribute: 'always' | 'sparse' };

/** The filter-attribute rows, in table order. */
export const ATTRIBUTE_ROWS = SEARCH_FILTER_ROWS.filter(
  (r): r is AttributeRow => r.attribute !== undefined && r.field !== undefined,
);

/** The parameters of a report request, in table order. */
export const REPORT_PARAMS = SEARCH_FILTER_ROWS.filter((r) => r.report).map((r) => r.param as ReportParam);

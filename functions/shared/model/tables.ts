import { type ResourceKey, TABLE_KEYS } from './names.js';
import {
  ATTRIBUTE_ROWS,
  type FilterField,
  SEARCH_FILTER_ROWS,
  type SearchIndexName,
} from './search-filters.js';

/**
 * Search indexes on the events table's id items (docs/search.md), derived from the search-filter table:
 * one per filter row with an index, in row order. Every partition key ends with the Kinesis shard id, so no
 * index partition takes more than one shard's write rate; the sort key is the event time and id, so pages
 * are newest first with a unique boundary.
 */
export const SEARCH_SK = 'ts';

export interface SearchIndex {
  name: SearchIndexName;
  /** Partition-key attribute: `<key field values joined by #>#<shard>`. */
  pk: string;
  /** The event fields of the partition value. */
  key: readonly FilterField[];
  /** Planning order, most selective first (see planSearch). */
  priority: number;
  /** Filters the key implies besides its own fields. */
  implies: readonly string[];
}

export const SEARCH_INDEXES: readonly SearchIndex[] = SEARCH_FILTER_ROWS.flatMap((r) =>
  r.index && r.field
    ? [
        {
          name: r.index.name as SearchIndexName,
          pk: r.index.pk,
          key: r.index.key ?? [r.field],
          priority: r.index.priority,
          implies: r.index.implies ?? [],
        },
      ]
    : [],
);

/**
 * What the indexes carry besides keys: the event, its expiry and the filter attributes (those every event
 * has first, then the sparse ones: the order of the deployed indexes' projection, which cannot change in
 * place).
 */
export const SEARCH_PROJECTION: readonly string[] = [
  'e',
  'expires_at',
  ...ATTRIBUTE_ROWS.filter((r) => r.attribute === 'always').map((r) => r.field),
  ...ATTRIBUTE_ROWS.filter((r) => r.attribute === 'sparse').map((r) => r.field),
];

/** A global secondary index, string-keyed. */
export interface IndexSpec {
  name: string;
  pk: string;
  sk: string;
  /** 'ALL', 'KEYS_ONLY', or the non-key attributes to project. */
  projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export interface TableSpec {
  resource: Extract<ResourceKey, 'eventsTable' | 'controlTable'>;
  pk: typeof TABLE_KEYS.pk;
  sk: typeof TABLE_KEYS.sk;
  ttl: typeof TABLE_KEYS.ttl;
  indexes: readonly IndexSpec[];
}

/**
 * The two tables, shared by the CDK Store construct and the local runner's provisioning.
 *  - events: event log (per source and shard), id items, per-shard watermarks.
 *  - control: streams (config, cursor, lease, health) and the enrichment directory.
 * The item layouts are documented in docs/architecture.md.
 */
export const TABLES: readonly TableSpec[] = [
  {
    resource: 'eventsTable',
    ...TABLE_KEYS,
    indexes: SEARCH_INDEXES.map((i) => ({
      name: i.name,
      pk: i.pk,
      sk: SEARCH_SK,
      projection: SEARCH_PROJECTION,
    })),
  },
  { resource: 'controlTable', ...TABLE_KEYS, indexes: [] },
];

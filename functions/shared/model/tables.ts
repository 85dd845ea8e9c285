import { type ResourceKey, TABLE_KEYS } from './names.js';

/**
 * Search indexes on the events table's id items (docs/search.md). Every partition key ends with the
 * Kinesis shard id, so no index partition takes more than one shard's write rate; the sort key is the event
 * time and id, so pages are newest first with a unique boundary.
 */
export const SEARCH_SK = 'ts';
export const SEARCH_INDEXES = [
  { name: 'by_source', pk: 'gs', field: 'source', key: '<tenant_id>#<source>#<shard>' },
  { name: 'by_type', pk: 'gt', field: 'type', key: '<type>#<shard>' },
  { name: 'by_user', pk: 'gu', field: 'user_id', key: '<user_id>#<shard>' },
  { name: 'by_app', pk: 'ga', field: 'app_id', key: '<app_id>#<shard>' },
  { name: 'by_actor', pk: 'gc', field: 'actor_id', key: '<actor_id>#<shard>' },
  { name: 'by_ip', pk: 'gi', field: 'ip', key: '<ip>#<shard>' },
] as const;
/** What the indexes carry besides keys: the event and the attributes filters apply to. */
export const SEARCH_PROJECTION = [
  'e',
  'expires_at',
  'source',
  'type',
  'tenant_id',
  'user_id',
  'app_id',
  'actor_id',
  'ip',
] as const;

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

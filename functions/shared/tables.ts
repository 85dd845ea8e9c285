import { type ResourceKey, TABLE_KEYS } from './names.js';

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
  { resource: 'eventsTable', ...TABLE_KEYS, indexes: [] },
  { resource: 'controlTable', ...TABLE_KEYS, indexes: [] },
];

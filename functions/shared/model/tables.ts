import { type ResourceKey, TABLE_KEYS } from './names.js';
import { ATTRIBUTE_ROWS, type FilterField, SEARCH_FILTER_ROWS } from './search-filters.js';
import {
  DEFAULT_SEARCH_INDEXES,
  parseSearchIndexes,
  type SearchIndexName,
  searchIndexesValue,
} from './search-indexes.js';

/**
 * Search indexes on the events table's id items (docs/search.md), derived from the search-filter table:
 * one per filter row with an index, in row order. Every partition key ends with the Kinesis shard id, so no
 * index partition takes more than one shard's write rate; the sort key is the event time and id, so pages
 * are newest first with a unique boundary. Which of them a deployment has is a setting (`searchIndexes`).
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

/** Every search index there can be, in the search-filter table's order. */
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
 * What the indexes carry besides their keys (and the table's, `pk` and `sk`): the event's expiry and the filter
 * attributes, those every event has first, then the sparse ones. A FilterExpression can test them; the event
 * itself is read from the id items, one batched read per page. Changing this list changes every index's
 * projection, which DynamoDB cannot do in place: it takes new index names (SEARCH_INDEX_SUFFIX) and a migration
 * (docs/migration.md).
 */
export const SEARCH_PROJECTION: readonly string[] = [
  'expires_at',
  ...ATTRIBUTE_ROWS.filter((r) => r.attribute === 'always').map((r) => r.field),
  ...ATTRIBUTE_ROWS.filter((r) => r.attribute === 'sparse').map((r) => r.field),
];

/** The suffix of the indexes' names in this layout (keys and filter attributes, no event): `by_source_v2`. */
export const SEARCH_INDEX_SUFFIX = '_v2';

/** The GSI a search index is in this layout. */
export const gsiName = (name: SearchIndexName): string => `${name}${SEARCH_INDEX_SUFFIX}`;

/**
 * The 1.x layout, frozen: all seven indexes under their own names, each projecting the event `e` besides the
 * filter attributes (in this order: CloudFormation compares the list). Only a migration (docs/migration.md)
 * still declares them, until it has deleted them.
 */
export const LEGACY_SEARCH_INDEXES: readonly SearchIndexName[] = [
  'by_source',
  'by_type',
  'by_user',
  'by_app',
  'by_actor',
  'by_ip',
  'by_session',
];
export const LEGACY_SEARCH_PROJECTION: readonly string[] = [
  'e',
  'expires_at',
  'source',
  'type',
  'tenant_id',
  'user_id',
  'app_id',
  'actor_id',
  'ip',
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

const indexOf = (name: SearchIndexName): SearchIndex =>
  SEARCH_INDEXES.find((i) => i.name === name) as SearchIndex;

/**
 * One step of the migration from the 1.x indexes (one stack update each): create one index, delete one, or
 * (`switch`) change no index and move the search to the new ones.
 */
export type MigrationStep =
  | { action: 'create' | 'delete' /** The GSI's name. */; index: string }
  | { action: 'switch' };

/** What a step's update does, for the deploy's message: `creates by_source_v2`. */
export const describeStep = (step: MigrationStep): string =>
  step.action === 'switch' ? 'moves the search to the new indexes' : `${step.action}s ${step.index}`;

/**
 * The stack updates that move a 1.x table to `names`, one index created or deleted each (CloudFormation's limit
 * per update): first the new indexes (the search keeps reading the 1.x ones while they are backfilled), then
 * the 1.x indexes the set leaves out, then the 1.x ones the new indexes replace. The search moves to the new
 * indexes on the first step after the last creation (searchIndexLayout), and an update deletes an index while
 * the functions of the step before still run: so at least one step lies between the last creation and the
 * deletion of a 1.x index the search read, a `switch` when no other index is to be deleted there.
 */
export function migrationSteps(names: readonly SearchIndexName[]): MigrationStep[] {
  const creates = names.map((n): MigrationStep => ({ action: 'create', index: gsiName(n) }));
  const unused = LEGACY_SEARCH_INDEXES.filter((n) => !names.includes(n)).map(
    (n): MigrationStep => ({ action: 'delete', index: n }),
  );
  const replaced = LEGACY_SEARCH_INDEXES.filter((n) => names.includes(n)).map(
    (n): MigrationStep => ({ action: 'delete', index: n }),
  );
  const between: MigrationStep[] = unused.length === 0 && replaced.length > 0 ? [{ action: 'switch' }] : [];
  return [...creates, ...unused, ...between, ...replaced];
}

/** The search indexes a deployment queries: the set, and the GSI each is read from. */
export interface SearchIndexSet {
  names: readonly SearchIndexName[];
  gsi: Readonly<Partial<Record<SearchIndexName, string>>>;
}

/** The events table's indexes for a set of search indexes (and, during a migration, the step deployed). */
export interface SearchIndexLayout extends SearchIndexSet {
  indexes: readonly IndexSpec[];
}

/**
 * The layout of a set of search indexes: each as its `_v2` GSI (keys and filter attributes). With a migration
 * step (1..migrationSteps(names).length), the 1.x indexes that step has not deleted yet are declared too, and
 * the set is read from its 1.x GSIs until every `_v2` GSI has been created a deploy before (one may still be
 * backfilling), from its `_v2` GSIs after that, a deploy before the first 1.x GSI they replace is deleted.
 */
export function searchIndexLayout(
  names: readonly SearchIndexName[] = DEFAULT_SEARCH_INDEXES,
  migrationStep?: number,
): SearchIndexLayout {
  const set = parseSearchIndexes(names);
  const spec = (name: string, i: SearchIndex, projection: readonly string[]): IndexSpec => ({
    name,
    pk: i.pk,
    sk: SEARCH_SK,
    projection,
  });
  if (migrationStep === undefined) {
    return {
      names: set,
      gsi: Object.fromEntries(set.map((n) => [n, gsiName(n)])),
      indexes: set.map((n) => spec(gsiName(n), indexOf(n), SEARCH_PROJECTION)),
    };
  }
  const steps = migrationSteps(set);
  if (!Number.isInteger(migrationStep) || migrationStep < 0 || migrationStep > steps.length)
    throw new Error(
      `searchIndexMigration must be a whole number from 0 to ${steps.length} for the search indexes ${searchIndexesValue(set)} (docs/migration.md), got ${migrationStep}`,
    );
  const done = steps.slice(0, migrationStep);
  const indexOfStep = (action: 'create' | 'delete') =>
    new Set(done.flatMap((s) => (s.action === action ? [s.index] : [])));
  const created = indexOfStep('create');
  const deleted = indexOfStep('delete');
  const legacy = LEGACY_SEARCH_INDEXES.filter((n) => !deleted.has(n));
  // The new indexes are read from the step after the last creation (each was ACTIVE before the next deploy):
  // until then the 1.x ones, which no step deletes before that.
  const onNew = migrationStep > set.length;
  return {
    names: set,
    gsi: Object.fromEntries(set.map((n) => [n, onNew ? gsiName(n) : n])),
    indexes: [
      ...legacy.map((n) => spec(n, indexOf(n), LEGACY_SEARCH_PROJECTION)),
      ...set
        .filter((n) => created.has(gsiName(n)))
        .map((n) => spec(gsiName(n), indexOf(n), SEARCH_PROJECTION)),
    ],
  };
}

/** The search indexes a deployment queries (the layout without its index specs). */
export function searchIndexSet(
  names: readonly SearchIndexName[] = DEFAULT_SEARCH_INDEXES,
  migrationStep?: number,
): SearchIndexSet {
  const { names: n, gsi } = searchIndexLayout(names, migrationStep);
  return { names: n, gsi };
}

/**
 * The two tables for a set of search indexes, shared by the CDK Store construct, the local runner's provisioning,
 * the monitoring alarms, the tests' fake DynamoDB and the bench.
 *  - events: event log (per source and shard), id items, per-shard watermarks, and the search indexes.
 *  - control: streams (config, cursor, lease, health) and the enrichment directory.
 * The item layouts are documented in docs/architecture.md.
 */
export function tablesFor(
  names: readonly SearchIndexName[] = DEFAULT_SEARCH_INDEXES,
  migrationStep?: number,
): readonly TableSpec[] {
  return [
    { resource: 'eventsTable', ...TABLE_KEYS, indexes: searchIndexLayout(names, migrationStep).indexes },
    { resource: 'controlTable', ...TABLE_KEYS, indexes: [] },
  ];
}

/** The tables with the default search indexes. */
export const TABLES: readonly TableSpec[] = tablesFor(DEFAULT_SEARCH_INDEXES);

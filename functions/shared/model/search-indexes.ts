/**
 * The names of the search indexes and the setting that picks which are deployed (`searchIndexes`, env
 * SEARCH_INDEXES). Apart from the search-filter table so that reading the setting (platform/env.ts, in every
 * bundle) needs none of it: each row with an index names one of these, and the type makes them agree.
 */

/** Every search index there can be, in the search-filter table's order. */
export const SEARCH_INDEX_NAMES = [
  'by_source',
  'by_type',
  'by_user',
  'by_app',
  'by_actor',
  'by_ip',
  'by_session',
] as const;

export type SearchIndexName = (typeof SEARCH_INDEX_NAMES)[number];

/**
 * The indexes a deployment has unless configured otherwise: each costs about one write unit per event it holds
 * and stores its entries again, so only what the console needs. `by_source` serves every search (the activity
 * pages' lists, any filter as a residual); `by_user` the user pages and `user=` searches. The others are opt-in
 * (docs/search.md, "Which indexes to deploy").
 */
export const DEFAULT_SEARCH_INDEXES: readonly SearchIndexName[] = ['by_source', 'by_user'];

/** The value of the setting that deploys no index (collect and GET by id only). */
export const NO_SEARCH_INDEXES = 'none';

/**
 * The setting's value (`by_source,by_user`, or `none`) as index names in table order, distinct. Throws an
 * Error saying what is wrong (the caller names the setting).
 */
export function parseSearchIndexes(value: string | readonly string[]): SearchIndexName[] {
  const items = (typeof value === 'string' ? value.split(',') : [...value]).map((s) => s.trim());
  if (items.length === 1 && items[0] === NO_SEARCH_INDEXES) return [];
  if (items.some((s) => s === ''))
    throw new Error(
      `lists no index where it should name one: give index names separated by commas (${SEARCH_INDEX_NAMES.join(', ')}) or '${NO_SEARCH_INDEXES}'`,
    );
  const unknown = items.filter((s) => !(SEARCH_INDEX_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(
      `${unknown.map((s) => `'${s}'`).join(', ')} ${unknown.length > 1 ? 'are not search indexes' : 'is not a search index'}; the indexes are ${SEARCH_INDEX_NAMES.join(', ')} (or '${NO_SEARCH_INDEXES}' for none)`,
    );
  return SEARCH_INDEX_NAMES.filter((n) => items.includes(n));
}

/** The setting's value for a set of indexes (`none` for the empty set). */
export const searchIndexesValue = (names: readonly SearchIndexName[]): string =>
  names.length === 0 ? NO_SEARCH_INDEXES : names.join(',');

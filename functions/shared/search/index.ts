/**
 * Search: the query plan over the search indexes, pages and cursors, and the tenants registry searches fan out over.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { searchPageSchema } from './contract.js';
export { detailsQuerySchema, eventDetails } from './details.js';
export {
  assertSearchable,
  decodeSearchCursor,
  encodeSearchCursor,
  parseSearch,
  planSearch,
  type SearchDeps,
  type SearchFilters,
  type SearchPage,
  type SearchPlan,
  search,
  searchQuerySchema,
} from './search.js';
export { listTenants, tenantsProjection } from './tenants.js';

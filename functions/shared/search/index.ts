/** Search: the entry module other folders import. */
export {
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

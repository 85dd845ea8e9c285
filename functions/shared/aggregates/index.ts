/**
 * Aggregates: counters the consumer keeps per minute, hour and day of (source, type, app, tenant), and
 * GET /activities/aggregate, which counts, groups and draws events over time from them (or from the search
 * indexes for the other dimensions).
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */

export { aggregateResponseSchema } from './contract.js';
export { aggregateProjection, MINUTE_DAYS, PARTS, TIERS } from './counters.js';
export {
  type Aggregate,
  aggregate,
  aggregateOptions,
  DIMENSIONS,
  INTERVALS,
  MAX_BUCKETS,
  MAX_INDEX_EVENTS,
  SEARCH_ONLY,
} from './query.js';

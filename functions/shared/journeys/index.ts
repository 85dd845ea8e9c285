/**
 * Journey analytics: counters kept by the consumer per shard, hour and journey, and GET /analytics/journeys.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { journeyResponseSchema, journeyStatsSchema, journeysResponseSchema } from './contract.js';
export { analyticsQuery, journeyAnalytics, journeyProjection } from './journeys.js';

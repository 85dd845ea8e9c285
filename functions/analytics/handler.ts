import { journeyAnalytics } from '../shared/journeys/index.js';
import { searchIndexSet } from '../shared/model/index.js';
import { storeReaderDeps } from '../shared/platform/clients/reader.js';
import { dispatch, httpHandler, json, readHandlerEnv } from '../shared/platform/index.js';
import { API_PREFIX } from '../shared/routes.js';

// Session durations page through the search indexes with cursors sealed with the cursor key.
const env = readHandlerEnv('analytics');
const deps = {
  ...storeReaderDeps(env),
  searchIndexes: searchIndexSet(env.searchIndexes, env.searchIndexMigration),
};

/** GET /analytics/journeys[?from&to&journey_id&interval] and GET /analytics/journeys/{journey_id} */
export const handler = httpHandler(
  dispatch('analytics', {
    [`GET ${API_PREFIX}/analytics/journeys`]: async (event) =>
      json(200, await journeyAnalytics(deps, event.queryStringParameters ?? {})),
    [`GET ${API_PREFIX}/analytics/journeys/{journey_id}`]: async (event) => {
      const result = await journeyAnalytics(
        deps,
        event.queryStringParameters ?? {},
        event.pathParameters?.journey_id ?? '',
      );
      const { journeys, ...window } = result;
      return json(200, { ...window, journey: journeys[0] });
    },
  }),
);

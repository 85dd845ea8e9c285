import { journeyAnalytics } from '../shared/journeys/index.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { secretsClient } from '../shared/platform/clients/secrets-manager.js';
import { dispatch, httpHandler, json, readHandlerEnv, secretKey } from '../shared/platform/index.js';
import { API_PREFIX } from '../shared/routes.js';

const env = readHandlerEnv('analytics');
const deps = {
  ddb: dynamoClient(),
  eventsTable: env.eventsTable,
  controlTable: env.controlTable,
  // Session durations page through the search indexes with cursors sealed with this key.
  cursorKey: secretKey(secretsClient(), env.cursorKeySecret),
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

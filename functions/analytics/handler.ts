import { journeyAnalytics } from '../shared/journeys/index.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { httpHandler, json, readHandlerEnv } from '../shared/platform/index.js';

const env = readHandlerEnv('analytics');
const ddb = dynamoClient();

/** GET /activities/v1/analytics/journeys?from&to&journey_id&interval=hour|day */
export const handler = httpHandler(async (event) =>
  json(200, await journeyAnalytics({ ddb, eventsTable: env.eventsTable }, event.queryStringParameters ?? {})),
);

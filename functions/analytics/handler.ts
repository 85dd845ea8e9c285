import { journeyAnalytics } from '../shared/journeys/journeys.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { readHandlerEnv } from '../shared/platform/env.js';
import { httpHandler, json } from '../shared/platform/http.js';

const env = readHandlerEnv('analytics');
const ddb = dynamoClient();

/** GET /activities/v1/analytics/journeys?from&to&journey_id&interval=hour|day */
export const handler = httpHandler(async (event) =>
  json(200, await journeyAnalytics({ ddb, eventsTable: env.eventsTable }, event.queryStringParameters ?? {})),
);

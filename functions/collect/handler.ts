import { dynamoClient } from '../shared/clients/dynamodb.js';
import { collect } from '../shared/collect.js';
import { readEnv } from '../shared/env.js';
import { httpHandler, rawJson } from '../shared/http.js';

const env = readEnv(['eventsTable', 'controlTable']);
const deps = { ddb: dynamoClient(), eventsTable: env.eventsTable, controlTable: env.controlTable };

/** POST /activities/v1/activities/collect?type=&stream_id=&batch_size=[&after=] */
export const handler = httpHandler(async (event) => {
  const result = await collect(event.queryStringParameters ?? {}, deps);
  return rawJson(200, result.body);
});

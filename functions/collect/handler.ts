import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { secretsClient } from '../shared/platform/clients/secrets-manager.js';
import { httpHandler, rawJson, readHandlerEnv, secretKey } from '../shared/platform/index.js';

import { collect } from '../shared/streams/index.js';

const env = readHandlerEnv('collect');
const deps = {
  ddb: dynamoClient(),
  eventsTable: env.eventsTable,
  controlTable: env.controlTable,
  // Every batch's cursor is sealed with it: read on the first collect (Secrets Manager loads then).
  cursorKey: secretKey(secretsClient(), env.cursorKeySecret),
};

/** POST /activities/v1/activities/collect?type=&stream_id=&batch_size=[&after=] */
export const handler = httpHandler(async (event) => {
  const result = await collect(event.queryStringParameters ?? {}, deps);
  return rawJson(200, result.body);
});

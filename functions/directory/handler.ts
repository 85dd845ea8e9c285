import { putDirectoryEntry } from '../shared/directory/index.js';
import { parseJson } from '../shared/model/index.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { kinesisClient } from '../shared/platform/clients/kinesis.js';
import { caller, httpHandler, json, readBody, readHandlerEnv } from '../shared/platform/index.js';

const env = readHandlerEnv('directory');
const kinesis = kinesisClient();
// A directory write that changes an entry (nearly every one) records an audit event: made at cold start.
await kinesis();
const deps = {
  ddb: dynamoClient(),
  kinesis,
  controlTable: env.controlTable,
  streamName: env.eventStream,
};

/** PUT /activities/v1/directory/{kind}/{id} */
export const handler = httpHandler(async (event) => {
  const { kind = '', id = '' } = event.pathParameters ?? {};
  const body = parseJson(readBody(event, 16 * 1024));
  return json(200, await putDirectoryEntry(deps, kind, id, body, caller(event).actor));
});

import { ingest, MAX_BODY_BYTES } from '../shared/ingest/ingest.js';
import { kinesisClient } from '../shared/platform/clients/kinesis.js';
import { readHandlerEnv } from '../shared/platform/env.js';
import { httpHandler, json, readBody } from '../shared/platform/http.js';

const env = readHandlerEnv('ingest');
const kinesis = kinesisClient();
// Every request puts records: the client is made at cold start, not by the first request.
await kinesis();

/** POST /activities/v1/activities */
export const handler = httpHandler(async (event) => {
  const result = await ingest(readBody(event, MAX_BODY_BYTES), { kinesis, streamName: env.eventStream });
  return json(result.status, result.body);
});

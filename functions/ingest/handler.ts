import { ingest, MAX_BODY_BYTES } from '../shared/ingest/index.js';
import { kinesisClient } from '../shared/platform/clients/kinesis.js';
import {
  httpHandler,
  json,
  metricsMiddleware,
  readBody,
  readHandlerEnv,
  recordMetric,
} from '../shared/platform/index.js';

const env = readHandlerEnv('ingest');
const kinesis = kinesisClient();
// Every request puts records: the client is made at cold start, not by the first request.
await kinesis();

/** POST /activities/v1/activities */
export const handler = httpHandler(
  async (event) => {
    const result = await ingest(readBody(event, MAX_BODY_BYTES), {
      kinesis,
      streamName: env.eventStream,
      metrics: recordMetric,
    });
    return json(result.status, result.body);
  },
  [metricsMiddleware()],
);

import { storeReaderDeps } from '../shared/platform/clients/reader.js';
import {
  httpHandler,
  metricsMiddleware,
  rawJson,
  readHandlerEnv,
  recordMetric,
} from '../shared/platform/index.js';
import { collect } from '../shared/streams/index.js';

// Every batch's cursor is sealed with the cursor key, read on the first collect.
const deps = { ...storeReaderDeps(readHandlerEnv('collect')), metrics: recordMetric };

/** POST /activities/v1/activities/collect?type=&stream_id=&batch_size=[&after=] */
export const handler = httpHandler(
  async (event) => {
    const result = await collect(event.queryStringParameters ?? {}, deps);
    return rawJson(200, result.body);
  },
  [metricsMiddleware()],
);

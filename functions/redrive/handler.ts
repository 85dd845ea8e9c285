import { exportEnvironment, redriveStream } from '../shared/export/index.js';

import { httpHandler, json, metricsMiddleware, recordMetric } from '../shared/platform/index.js';

const deps = exportEnvironment('redrive');
// Every redrive reads the failed-batch bucket: S3 is made at cold start (the destination's clients on use).
await deps.s3();

/** POST /activities/v1/streams/{stream_id}/redrive */
export const handler = httpHandler(
  async (event, context) => {
    const result = await redriveStream(
      { ...deps, timeLeft: () => context.getRemainingTimeInMillis(), metrics: recordMetric },
      event.pathParameters?.stream_id ?? '',
    );
    return json(200, result);
  },
  [metricsMiddleware()],
);

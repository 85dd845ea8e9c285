import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { exportEnvironment, runExports, type StreamRun } from '../shared/export/index.js';

import { logger, metricsMiddleware, recordMetric } from '../shared/platform/index.js';

const deps = exportEnvironment('export');

/** EventBridge schedule target: deliver every active pushed stream. */
export const handler = middy<ScheduledEvent, { streams: StreamRun[] }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(metricsMiddleware())
  .handler(async (_event, context) => {
    const streams = await runExports({
      ...deps,
      owner: context.awsRequestId,
      timeLeft: () => context.getRemainingTimeInMillis(),
      metrics: recordMetric,
    });
    if (streams.length > 0) logger.info('export run', { streams });
    return { streams };
  });

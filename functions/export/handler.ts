import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { exportEnvironment, runExports, type StreamRun } from '../shared/export/index.js';

import { logger } from '../shared/platform/index.js';

const deps = exportEnvironment('export');
const metrics = new Metrics({ namespace: 'ActivityEvents', serviceName: 'activity-events' });

/** EventBridge schedule target: deliver every active s3/gcs/splunk stream. */
export const handler = middy<ScheduledEvent, { streams: StreamRun[] }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (_event, context) => {
    const streams = await runExports({
      ...deps,
      owner: context.awsRequestId,
      timeLeft: () => context.getRemainingTimeInMillis(),
      metrics: ({ streamId, name, value }) => {
        if (!streamId) {
          metrics.addMetric(name, MetricUnit.Count, value);
          return;
        }
        const m = metrics.singleMetric();
        m.addDimension('StreamId', streamId);
        m.addMetric(name, MetricUnit.Count, value);
      },
    });
    metrics.publishStoredMetrics();
    if (streams.length > 0) logger.info('export run', { streams });
    return { streams };
  });

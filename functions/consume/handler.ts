import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { aggregateProjection } from '../shared/aggregates/index.js';
import { directoryProjection, userNamesProjection } from '../shared/directory/index.js';
import { journeyProjection } from '../shared/journeys/index.js';
import { consumeRecords, shardOfEventId } from '../shared/log/index.js';

import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { logger, metricsMiddleware, readHandlerEnv, recordMetric } from '../shared/platform/index.js';

import { tenantsProjection } from '../shared/search/index.js';

const env = readHandlerEnv('consume');
const ddb = dynamoClient();
const projections = [
  directoryProjection({ ddb, controlTable: env.controlTable }),
  userNamesProjection({ ddb, controlTable: env.controlTable }),
  journeyProjection({ ddb, eventsTable: env.eventsTable, retentionDays: env.retentionDays }),
  tenantsProjection({ ddb, eventsTable: env.eventsTable }),
  aggregateProjection({ ddb, eventsTable: env.eventsTable, retentionDays: env.retentionDays }),
];

/** Kinesis event source mapping target; reports partial batch failures. */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(metricsMiddleware())
  .handler(async (event) => {
    const records = event.Records.map((r) => ({
      shardId: shardOfEventId(r.eventID),
      sequenceNumber: r.kinesis.sequenceNumber,
      data: Buffer.from(r.kinesis.data, 'base64'),
    }));
    const result = await consumeRecords(records, {
      ddb,
      eventsTable: env.eventsTable,
      retentionDays: env.retentionDays,
      projections,
      metrics: recordMetric,
      searchIndexes: env.searchIndexes,
    });
    logger.info('batch consumed', {
      records: records.length,
      stored: result.stored,
      duplicates: result.duplicates,
      failures: result.failures.length,
    });
    return { batchItemFailures: result.failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { dynamoClient } from '../shared/clients/dynamodb.js';
import { consumeRecords } from '../shared/consume.js';
import { directoryProjection } from '../shared/directory.js';
import { readEnv } from '../shared/env.js';
import { journeyProjection } from '../shared/journeys.js';
import { logger } from '../shared/logger.js';
import { shardOfEventId } from '../shared/store/keys.js';
import { tenantsProjection } from '../shared/tenants.js';

const env = readEnv(['eventsTable', 'controlTable', 'retentionDays']);
const ddb = dynamoClient();
const projections = [
  directoryProjection({ ddb, controlTable: env.controlTable }),
  journeyProjection({ ddb, eventsTable: env.eventsTable, retentionDays: env.retentionDays }),
  tenantsProjection({ ddb, eventsTable: env.eventsTable }),
];

/** Kinesis event source mapping target; reports partial batch failures. */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
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
    });
    logger.info('batch consumed', {
      records: records.length,
      stored: result.stored,
      duplicates: result.duplicates,
      failures: result.failures.length,
    });
    return { batchItemFailures: result.failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });

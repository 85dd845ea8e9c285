import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { HANDLERS } from '../shared/handlers.js';
import { searchIndexSet } from '../shared/model/index.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { kinesisClient } from '../shared/platform/clients/kinesis.js';
import { s3Client } from '../shared/platform/clients/s3.js';
import { secretsClient } from '../shared/platform/clients/secrets-manager.js';
import { logger, readHandlerEnv, secretKey } from '../shared/platform/index.js';

import { failReport, generateReport } from '../shared/reports/index.js';

const env = readHandlerEnv('report-worker');
const s3 = s3Client(env.s3ForcePathStyle);
const kinesis = kinesisClient();
// Every report is written to S3 and recorded by an audit event: both clients are made at cold start.
await Promise.all([s3(), kinesis()]);
const deps = {
  ddb: dynamoClient(),
  s3,
  kinesis,
  eventsTable: env.eventsTable,
  controlTable: env.controlTable,
  streamName: env.eventStream,
  bucket: env.reportsBucket,
  // The worker pages its search with cursors like any client.
  cursorKey: secretKey(secretsClient(), env.cursorKeySecret),
  searchIndexes: searchIndexSet(env.searchIndexes, env.searchIndexMigration),
};
/** Deliveries of a message before its report is marked failed (the queue's maxReceiveCount, from the same row). */
const MAX_RECEIVES = HANDLERS['report-worker'].trigger.maxReceives;

/** SQS target: generate the reports whose ids arrive; failed messages are retried, then marked failed. */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let id = '';
      try {
        id = String((JSON.parse(record.body) as { report_id?: unknown }).report_id ?? '');
        await generateReport(deps, id);
      } catch (err) {
        logger.error('report generation failed', { reportId: id, error: err as Error });
        if (Number(record.attributes.ApproximateReceiveCount) >= MAX_RECEIVES)
          await failReport(deps, id, (err as Error).message);
        else batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });

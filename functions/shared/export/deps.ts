import { dynamoClient } from '../platform/clients/dynamodb.js';
import { kinesisClient } from '../platform/clients/kinesis.js';
import { s3Client } from '../platform/clients/s3.js';
import { secretsClient } from '../platform/clients/secrets-manager.js';
import { readHandlerEnv } from '../platform/index.js';

/**
 * The exporter's (and redrive's) environment and clients. Only DynamoDB is made here: S3, Secrets Manager
 * and Kinesis are lazy and load on first use, as the streams' destinations (and audit events) need them
 * (the redrive handler makes S3 at cold start: every call reads the failed-batch bucket).
 */
export function exportEnvironment(handler: 'export' | 'redrive') {
  const env = readHandlerEnv(handler);
  return {
    ddb: dynamoClient(),
    s3: s3Client(env.s3ForcePathStyle),
    sm: secretsClient(),
    kinesis: kinesisClient(),
    eventsTable: env.eventsTable,
    controlTable: env.controlTable,
    streamName: env.eventStream,
    defaultBucket: env.exportBucket,
    failedBucket: env.failedBucket,
    gcsEndpoint: env.gcsEndpoint,
    hecMaxBatchBytes: env.hecMaxBatchBytes,
    pauseAfterMs: env.pauseAfterHours * 3_600_000,
    /** What delivery may use (checked again at delivery: a setting may have narrowed since the stream was made). */
    policy: {
      defaultBucket: env.exportBucket,
      buckets: env.exportBuckets,
      secretsPrefix: env.secretsPrefix,
      allowCidrs: env.destinationAllowCidrs,
    },
  };
}

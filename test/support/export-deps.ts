import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ExportDeps } from '../../functions/shared/export/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';

/** The exporter's dependencies for unit tests: SDK clients (mocked by the test), defaults as the stack sets them. */
export function exportDeps(
  base: { ddb: DynamoDBClient; eventsTable: string; controlTable: string; streamName: string },
  over: Partial<ExportDeps> = {},
): ExportDeps {
  return {
    ...base,
    s3: ready(new S3Client({})),
    sm: ready(new SecretsManagerClient({})),
    kinesis: ready(new KinesisClient({})),
    defaultBucket: 'exports',
    failedBucket: 'failed',
    gcsEndpoint: 'https://storage.googleapis.com',
    hecMaxBatchBytes: 1_000_000,
    pauseAfterMs: 24 * 3_600_000,
    owner: 'run-1',
    timeLeft: () => 120_000,
    ...over,
  };
}

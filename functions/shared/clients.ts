import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * SDK client factories. Handlers call these once at module scope and inject the clients into domain code.
 * Endpoints come from the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables (set by the local runner).
 */

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ maxAttempts: 4 });
}

/** Kinesis over HTTP/1.1: the SDK's default HTTP/2 handler is only needed for SubscribeToShard. */
export function kinesisClient(): KinesisClient {
  return new KinesisClient({
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 10_000 }),
  });
}

export function s3Client(forcePathStyle = false): S3Client {
  return new S3Client({ forcePathStyle });
}

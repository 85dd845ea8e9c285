import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * SDK client factories. Handlers call these once at module scope and inject the clients into domain code.
 * Endpoints come from the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables (set by the local runner).
 */

const created: Array<{ destroy(): void }> = [];
const track = <C extends { destroy(): void }>(c: C): C => {
  created.push(c);
  return c;
};

/** Close the sockets of every client made here (the local runner calls this before stopping emulators). */
export function destroyClients(): void {
  for (const c of created) c.destroy();
}

export function dynamoClient(): DynamoDBClient {
  return track(new DynamoDBClient({ maxAttempts: 4 }));
}

/** Kinesis over HTTP/1.1: the SDK's default HTTP/2 handler is only needed for SubscribeToShard. */
export function kinesisClient(): KinesisClient {
  return track(
    new KinesisClient({
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 10_000 }),
    }),
  );
}

export function s3Client(forcePathStyle = false): S3Client {
  return track(new S3Client({ forcePathStyle }));
}

export function secretsClient(): SecretsManagerClient {
  return track(new SecretsManagerClient({ maxAttempts: 3 }));
}

export function sqsClient(): SQSClient {
  return track(new SQSClient({ maxAttempts: 3 }));
}

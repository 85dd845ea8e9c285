import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { track } from './registry.js';

/** Kinesis over HTTP/1.1: the SDK's default HTTP/2 handler is only needed for SubscribeToShard. */
export function kinesisClient(): KinesisClient {
  return track(
    new KinesisClient({
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 10_000 }),
    }),
  );
}

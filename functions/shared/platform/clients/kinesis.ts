import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type Lazy, lazy } from './lazy.js';
import { track } from './registry.js';

/** The Kinesis SDK package (client and command classes), imported on first use. */
export const kinesisSdk = /* @__PURE__ */ lazy(() => import('@aws-sdk/client-kinesis'));

/** Kinesis over HTTP/1.1: the SDK's default HTTP/2 handler is only needed for SubscribeToShard. */
export function kinesisClient(): Lazy<KinesisClient> {
  return lazy(async () => {
    const [{ KinesisClient }, { NodeHttpHandler }] = await Promise.all([
      kinesisSdk(),
      import('@smithy/node-http-handler'),
    ]);
    return track(
      new KinesisClient({
        maxAttempts: 3,
        requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 10_000 }),
      }),
    );
  });
}

import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type Lazy, lazy } from './lazy.js';
import { track } from './registry.js';

/** The Kinesis SDK package (client and command classes), imported on first use. */
export const kinesisSdk = /* @__PURE__ */ lazy(() => import('@aws-sdk/client-kinesis'));

/** The SDK's Kinesis handler (HTTP/2) as its own default configures it (one stream per session), with a timeout. */
const ON_AWS = { requestTimeout: 10_000, disableConcurrentStreams: true };
/** HTTP/1.1 against the local runner. */
const LOCAL = { connectionTimeout: 3000, requestTimeout: 10_000 };

/**
 * A Kinesis client. On AWS: the SDK's own request handler (the runtime's), with our timeouts. Against an endpoint
 * of the local runner (AWS_ENDPOINT_URL_KINESIS: kinesalite speaks HTTP/1.1 only, and the SDK's Kinesis default
 * is HTTP/2): smithy's HTTP/1.1 handler, a package the bundles leave external (lib/service-function.ts), since
 * only this branch, which never runs on Lambda, loads it.
 */
export function kinesisClient(): Lazy<KinesisClient> {
  return lazy(async () => {
    const { KinesisClient } = await kinesisSdk();
    const requestHandler = process.env.AWS_ENDPOINT_URL_KINESIS
      ? new (await import('@smithy/node-http-handler')).NodeHttpHandler(LOCAL)
      : ON_AWS;
    return track(new KinesisClient({ maxAttempts: 3, requestHandler }));
  });
}

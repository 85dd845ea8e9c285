import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type Lazy, lazy } from './lazy.js';
import { track } from './registry.js';

/** The Kinesis SDK package (client and command classes), imported on first use. */
export const kinesisSdk = /* @__PURE__ */ lazy(() => import('@aws-sdk/client-kinesis'));

/** The SDK's Kinesis handler (HTTP/2), one session reused for every request (no TLS handshake per PutRecords). */
const ON_AWS = { requestTimeout: 10_000, disableConcurrentStreams: false };
/** HTTP/1.1 against the local runner. */
const LOCAL = { connectionTimeout: 3000, requestTimeout: 10_000 };

/**
 * A Kinesis client. On AWS: the SDK's own request handler (the runtime's, HTTP/2 over TLS), with our timeout.
 * Against a cleartext endpoint (the local runner's kinesalite, `AWS_ENDPOINT_URL_KINESIS=http://…`, which speaks
 * HTTP/1.1 only): smithy's HTTP/1.1 handler, a package the bundles leave external (lib/service-function.ts), since
 * only this branch, which never runs on Lambda (a VPC or FIPS endpoint is https), loads it.
 */
export function kinesisClient(): Lazy<KinesisClient> {
  return lazy(async () => {
    const { KinesisClient } = await kinesisSdk();
    const requestHandler = process.env.AWS_ENDPOINT_URL_KINESIS?.startsWith('http://')
      ? new (await import('@smithy/node-http-handler')).NodeHttpHandler(LOCAL)
      : ON_AWS;
    return track(new KinesisClient({ maxAttempts: 3, requestHandler }));
  });
}

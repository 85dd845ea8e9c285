import type { SQSClient } from '@aws-sdk/client-sqs';
import { type Lazy, lazy } from './lazy.js';
import { track } from './registry.js';

/** The SQS SDK package (client and command classes), imported on first use. */
export const sqsSdk = /* @__PURE__ */ lazy(() => import('@aws-sdk/client-sqs'));

export function sqsClient(): Lazy<SQSClient> {
  return lazy(async () => {
    const { SQSClient } = await sqsSdk();
    return track(new SQSClient({ maxAttempts: 3 }));
  });
}

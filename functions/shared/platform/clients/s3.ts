import type { S3Client } from '@aws-sdk/client-s3';
import { type Lazy, lazy } from './lazy.js';
import { track } from './registry.js';

/** The S3 SDK package (client and command classes), imported on first use. */
export const s3Sdk = /* @__PURE__ */ lazy(() => import('@aws-sdk/client-s3'));

export function s3Client(forcePathStyle = false): Lazy<S3Client> {
  return lazy(async () => {
    const { S3Client } = await s3Sdk();
    return track(new S3Client({ forcePathStyle }));
  });
}

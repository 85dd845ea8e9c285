import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Lazy } from '../platform/clients/lazy.js';
import type { StreamConfig } from '../streams/model.js';
import { gcsClient, objectKey, putBatchObject } from './object-store.js';
import { deliverToSplunk } from './splunk.js';
import { type Delivered, DeliveryError, type OutBatch } from './types.js';

export interface DeliverDeps {
  s3: Lazy<S3Client>;
  sm: Lazy<SecretsManagerClient>;
  defaultBucket: string;
  gcsEndpoint: string;
  hecMaxBatchBytes: number;
  timeLeft: () => number;
  fetch?: typeof fetch;
  onProgress?: (sent: number) => Promise<void>;
}

/** Deliver a batch to the stream's destination. Throws a DeliveryError saying what to do on failure. */
export async function deliverBatch(s: StreamConfig, batch: OutBatch, deps: DeliverDeps): Promise<Delivered> {
  const d = s.destination;
  switch (d.kind) {
    case 's3':
      return putBatchObject(
        await deps.s3(),
        d.bucket ?? deps.defaultBucket,
        objectKey(d.prefix, batch),
        batch.lines,
      );
    case 'gcs':
      return putBatchObject(
        await gcsClient(deps.sm, d.hmac_secret_arn, deps.gcsEndpoint),
        d.bucket,
        objectKey(d.prefix, batch),
        batch.lines,
      );
    case 'splunk':
      return deliverToSplunk(d, s.type, batch, {
        sm: deps.sm,
        maxBatchBytes: deps.hecMaxBatchBytes,
        timeLeft: deps.timeLeft,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      });
    default:
      throw new DeliveryError('config', `destination ${d.kind} is collected, not pushed`);
  }
}

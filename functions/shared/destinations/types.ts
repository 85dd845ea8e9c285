import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Source } from '../model/index.js';
import type { Lazy } from '../platform/clients/lazy.js';

/**
 * What happened to a delivery, and so what the exporter does next:
 *   retry   transient (5xx, timeouts, throttling): back off, then leave the cursor for the next run
 *   auth    the destination refused our credentials: stream status error, no retry storm
 *   config  the stream's configuration cannot work (bucket missing, bad URL, bad secret): status error
 *   invalid the destination rejected the data itself: the batch goes to the failed-batch bucket and the
 *           stream moves on
 */
export type FailureKind = 'retry' | 'auth' | 'config' | 'invalid';

export class DeliveryError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** Events of the batch confirmed before the failure (partial progress). */
    readonly sent = 0,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A batch ready to deliver: the events as JSON lines, with what identifies the batch. */
export interface OutBatch {
  streamId: string;
  source: string;
  /** Event JSON, one per event, in delivery order. */
  lines: string[];
  firstId: string;
  lastId: string;
  /** received_at of the first event, epoch ms (partitions object keys). */
  firstAt: number;
  /** Events the destination already confirmed (skipped on redelivery). */
  sent: number;
}

export interface Delivered {
  /** Where the batch went (object key or HEC URL), for logs and health. */
  target: string;
}

/** What pushed destinations may use: the exporter is only granted these buckets and secrets. */
export interface DestinationPolicy {
  /** The stack's export bucket (an s3 destination without a bucket writes there). */
  defaultBucket: string;
  /** More buckets s3 destinations may name. */
  buckets: readonly string[];
  /** Secret names the exporter may read start with this. */
  secretsPrefix: string;
  /** Private (or loopback) ranges pushed destinations may reach nonetheless (egress.ts): none by default. */
  allowCidrs: readonly string[];
}

/** The stream a batch belongs to, as far as a destination needs to know it. */
export interface StreamRef {
  stream_id: string;
  type: Source;
}

/** Everything delivering a batch takes (clients, settings, time, progress). */
export interface DeliverDeps {
  s3: Lazy<S3Client>;
  sm: Lazy<SecretsManagerClient>;
  defaultBucket: string;
  gcsEndpoint: string;
  hecMaxBatchBytes: number;
  timeLeft: () => number;
  fetch?: typeof fetch;
  onProgress?: (sent: number) => Promise<void>;
  /**
   * What delivery may use, checked again before every delivery: the stack's settings may have narrowed since
   * the stream was created (a stream naming a secret or bucket no longer allowed is then in error, not retried).
   */
  policy?: DestinationPolicy;
}

/** A push kind's delivery: one batch to the destination. Throws a DeliveryError saying what to do on failure. */
export type Deliver<D> = (
  dest: D,
  stream: StreamRef,
  batch: OutBatch,
  deps: DeliverDeps,
) => Promise<Delivered>;

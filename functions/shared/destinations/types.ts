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

import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type ActivityEvent, ORDER_KEY } from '../model/index.js';

import type { Lazy } from '../platform/clients/lazy.js';
import { type PutOptions, type PutOutcome, putRecords } from '../platform/index.js';

export interface PublishDeps {
  kinesis: Lazy<KinesisClient>;
  streamName: string;
  putOptions?: PutOptions;
}

/**
 * Encode events as Kinesis records (partition key = event id, so load spreads evenly over shards). Each
 * record also carries the event's place in its request (`$o`, after the event's own fields; the consumer
 * takes it off before storing): events of one request share their receipt time and land on different
 * shards, and readers merge shards by (receipt time, place in request), so they come out in request order.
 */
export function encodeEvents(events: readonly ActivityEvent[], texts?: readonly string[]) {
  return events.map((e, i) => {
    const json = texts?.[i] ?? JSON.stringify(e);
    return {
      id: e.id,
      partitionKey: e.id,
      data: Buffer.from(i === 0 ? json : `${json.slice(0, -1)},"${ORDER_KEY}":${i}}`, 'utf8'),
    };
  });
}

/** Put events on the event stream. Used by ingest and by the service's own audit events. */
export async function publishEvents(
  events: readonly ActivityEvent[],
  deps: PublishDeps,
  /** The events' JSON, when the caller already has it. */
  texts?: readonly string[],
): Promise<PutOutcome> {
  return putRecords(await deps.kinesis(), deps.streamName, encodeEvents(events, texts), deps.putOptions);
}

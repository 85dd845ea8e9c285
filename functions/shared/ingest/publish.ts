import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { ActivityEvent } from '../model/event-schema.js';
import type { Lazy } from '../platform/clients/lazy.js';
import { type PutOptions, type PutOutcome, putRecords } from '../platform/kinesis-put.js';

export interface PublishDeps {
  kinesis: Lazy<KinesisClient>;
  streamName: string;
  putOptions?: PutOptions;
}

/** Encode events as Kinesis records (partition key = event id, so load spreads evenly over shards). */
export function encodeEvents(events: readonly ActivityEvent[]) {
  return events.map((e) => ({ id: e.id, partitionKey: e.id, data: Buffer.from(JSON.stringify(e), 'utf8') }));
}

/** Put events on the event stream. Used by ingest and by the service's own audit events. */
export async function publishEvents(
  events: readonly ActivityEvent[],
  deps: PublishDeps,
): Promise<PutOutcome> {
  return putRecords(await deps.kinesis(), deps.streamName, encodeEvents(events), deps.putOptions);
}

import type { KinesisStreamEvent } from 'aws-lambda';
import type { ActivityEvent, Source } from '../../functions/shared/model/index.js';

let counter = 0;

/** A stored-form event, as ingest would put it on the stream. */
export function makeEvent(over: Partial<ActivityEvent> & { source?: Source } = {}): ActivityEvent {
  counter++;
  const now = new Date(Date.UTC(2026, 10, 24, 10, 0, 0) + counter).toISOString();
  return {
    id: `evt-${String(counter).padStart(6, '0')}`,
    type: 'user_login',
    source: 'cis',
    tenant_id: 'default',
    timestamp: now,
    received_at: now,
    ...over,
  };
}

/** A Kinesis event source mapping batch for one shard; sequence numbers start at `firstSeq`. */
export function kinesisBatch(
  shardId: string,
  firstSeq: bigint,
  payloads: Array<ActivityEvent | string>,
): KinesisStreamEvent {
  return {
    Records: payloads.map((p, i) => {
      const seq = String(firstSeq + BigInt(i));
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: typeof p === 'string' ? 'x' : p.id,
          sequenceNumber: seq,
          data: Buffer.from(typeof p === 'string' ? p : JSON.stringify(p)).toString('base64'),
          approximateArrivalTimestamp: Date.now() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${seq}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/consume',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
      };
    }),
  };
}

/** A batch of n fresh events as the exporter hands it to a destination (events already confirmed: `sent`). */
export function eventBatch(n: number, streamId: string, sent = 0) {
  const events = Array.from({ length: n }, () => makeEvent());
  return {
    streamId,
    source: 'cis',
    lines: events.map((e) => JSON.stringify(e)),
    firstId: events[0]?.id ?? '',
    lastId: events[n - 1]?.id ?? '',
    firstAt: Date.parse(events[0]?.received_at ?? ''),
    sent,
  };
}

import { createHash } from 'node:crypto';
import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';

export interface StreamedRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
}

const HASH_SPACE = 2n ** 128n;

/**
 * An in-memory Kinesis stream answering the calls the service makes (ListShards, PutRecords). Records are
 * routed like Kinesis routes them: the MD5 of the partition key (or the explicit hash key) picks the shard
 * whose hash-key range holds it. With `keep: false` nothing is stored and routing is round-robin, so the
 * stub adds next to nothing to a CPU measurement.
 */
export class FakeStream {
  readonly shardIds: string[];
  readonly shards = new Map<string, StreamedRecord[]>();
  putCalls = 0;
  private seq = 0;
  private rr = 0;

  constructor(
    shardCount = 4,
    private readonly keep = true,
  ) {
    this.shardIds = Array.from({ length: shardCount }, (_, i) => `shardId-${String(i).padStart(12, '0')}`);
    for (const id of this.shardIds) this.shards.set(id, []);
  }

  private shardFor(entry: PutRecordsRequestEntry): string {
    if (!this.keep) return this.shardIds[this.rr++ % this.shardIds.length] as string;
    const hash = entry.ExplicitHashKey
      ? BigInt(entry.ExplicitHashKey)
      : BigInt(
          `0x${createHash('md5')
            .update(entry.PartitionKey ?? '')
            .digest('hex')}`,
        );
    const i = Number((hash * BigInt(this.shardIds.length)) / HASH_SPACE);
    return this.shardIds[Math.min(i, this.shardIds.length - 1)] as string;
  }

  /** The SDK responder: use with stubSend(KinesisClient, stream.respond). */
  readonly respond = (op: string, input: Record<string, unknown>): unknown => {
    if (op === 'PutRecords') {
      this.putCalls++;
      const entries = input.Records as PutRecordsRequestEntry[];
      return {
        FailedRecordCount: 0,
        Records: entries.map((e) => {
          const shardId = this.shardFor(e);
          const sequenceNumber = `4960${String(++this.seq).padStart(52, '0')}`;
          if (this.keep)
            this.shards.get(shardId)?.push({
              shardId,
              sequenceNumber,
              partitionKey: e.PartitionKey ?? '',
              data: e.Data as Uint8Array,
            });
          return { ShardId: shardId, SequenceNumber: sequenceNumber };
        }),
      };
    }
    if (op === 'ListShards') {
      const step = HASH_SPACE / BigInt(this.shardIds.length);
      return {
        Shards: this.shardIds.map((ShardId, i) => ({
          ShardId,
          HashKeyRange: {
            StartingHashKey: String(step * BigInt(i)),
            EndingHashKey: String(
              i === this.shardIds.length - 1 ? HASH_SPACE - 1n : step * BigInt(i + 1) - 1n,
            ),
          },
          SequenceNumberRange: { StartingSequenceNumber: '4960' },
        })),
      };
    }
    throw new Error(`FakeStream: ${op} is not emulated`);
  };

  /** Forget every record (e.g. after setup). */
  clear(): void {
    for (const id of this.shardIds) this.shards.set(id, []);
  }
}

/** A Kinesis event source mapping batch, as Lambda delivers it (and as local/poller.ts builds it). */
export function kinesisEvent(records: readonly StreamedRecord[]): KinesisStreamEvent {
  return {
    Records: records.map((r) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.partitionKey,
        sequenceNumber: r.sequenceNumber,
        data: Buffer.from(r.data).toString('base64'),
        approximateArrivalTimestamp: Date.now() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${r.shardId}:${r.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/consume',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/bench-stream',
    })),
  };
}

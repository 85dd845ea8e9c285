import { appendFileSync } from 'node:fs';
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { logger } from '../functions/shared/platform/index.js';
import { lambdaContext } from './gateway.js';

export type ConsumeHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | undefined>;

export interface PollerOptions {
  kinesis: KinesisClient;
  streamName: string;
  streamArn: string;
  handler: ConsumeHandler;
  /** Where each shard starts: the consumer's committed position (watermark), unpadded, or undefined. */
  startAfter: (shardId: string) => Promise<string | undefined>;
  batchSize?: number;
  idleMs?: number;
  /** Retries of a failing record before it goes to the DLQ file (Lambda: MaximumRetryAttempts). */
  maxRetries?: number;
  dlqFile: string;
}

/**
 * Emulates the Kinesis event source mapping: one sequential poller per shard (ParallelizationFactor 1),
 * batches handed to the consume handler, partial batch failures retried from the failed record with backoff,
 * and a record still failing after maxRetries written to the on-failure file (the DLQ) and skipped.
 */
export class ShardPoller {
  private stopped = false;
  private readonly loops = new Map<string, Promise<void>>();
  private discovery?: Promise<void>;
  private readonly sleepers = new Set<() => void>();
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly maxRetries: number;

  constructor(private readonly opts: PollerOptions) {
    this.batchSize = opts.batchSize ?? 100;
    this.idleMs = opts.idleMs ?? 100;
    this.maxRetries = opts.maxRetries ?? 5;
  }

  async start(): Promise<void> {
    await this.discover();
    this.discovery = (async () => {
      while (!this.stopped) {
        await this.sleep(5_000);
        if (!this.stopped)
          await this.discover().catch((err) =>
            logger.warn('shard discovery failed', { error: err as Error }),
          );
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    await Promise.all([...this.loops.values(), this.discovery]);
  }

  /** A sleep that stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private async discover(): Promise<void> {
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const res = await this.opts.kinesis.send(
        new ListShardsCommand(token ? { NextToken: token } : { StreamName: this.opts.streamName }),
      );
      shards.push(...(res.Shards ?? []));
      token = res.NextToken;
    } while (token);
    for (const shard of shards) {
      const id = shard.ShardId;
      if (!id || this.loops.has(id)) continue;
      this.loops.set(id, this.pollShard(id));
    }
  }

  private async iterator(
    shardId: string,
    type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER' | 'AT_SEQUENCE_NUMBER',
    seq?: string,
  ) {
    const res = await this.opts.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: this.opts.streamName,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(seq ? { StartingSequenceNumber: seq } : {}),
      }),
    );
    return res.ShardIterator;
  }

  private async pollShard(shardId: string): Promise<void> {
    let after = await this.opts.startAfter(shardId);
    let it: string | undefined;
    let failures = 0;
    while (!this.stopped) {
      try {
        it ??= after
          ? await this.iterator(shardId, 'AFTER_SEQUENCE_NUMBER', after)
          : await this.iterator(shardId, 'TRIM_HORIZON');
        if (!it) return; // closed and drained
        const res = await this.opts.kinesis.send(
          new GetRecordsCommand({ ShardIterator: it, Limit: this.batchSize }),
        );
        const records = res.Records ?? [];
        if (records.length === 0) {
          it = res.NextShardIterator;
          if (!it) return;
          await this.sleep(this.idleMs);
          continue;
        }
        const failedSeq = await this.deliver(shardId, records);
        if (failedSeq === undefined) {
          failures = 0;
          after = records[records.length - 1]?.SequenceNumber;
          it = res.NextShardIterator;
          if (!it) return;
          continue;
        }
        failures++;
        if (failures > this.maxRetries) {
          const rec = records.find((r) => r.SequenceNumber === failedSeq);
          appendFileSync(
            this.opts.dlqFile,
            `${JSON.stringify({ shardId, sequenceNumber: failedSeq, at: new Date().toISOString(), approximateArrivalTimestamp: rec?.ApproximateArrivalTimestamp })}\n`,
          );
          logger.error('record sent to the local DLQ after retries', { shardId, sequenceNumber: failedSeq });
          failures = 0;
          after = failedSeq;
          it = await this.iterator(shardId, 'AFTER_SEQUENCE_NUMBER', failedSeq);
        } else {
          it = await this.iterator(shardId, 'AT_SEQUENCE_NUMBER', failedSeq);
          await this.sleep(Math.min(5_000, 100 * 2 ** failures));
        }
      } catch (err) {
        if (this.stopped) return;
        logger.warn('shard poll failed', { shardId, error: err as Error });
        it = undefined;
        await this.sleep(500);
      }
    }
  }

  /** Invoke the consume handler; returns the first failed sequence number, if any. */
  private async deliver(shardId: string, records: _Record[]): Promise<string | undefined> {
    const event: KinesisStreamEvent = {
      Records: records.map((r) => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: r.PartitionKey ?? '',
          sequenceNumber: r.SequenceNumber ?? '',
          data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
          approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${r.SequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
        awsRegion: 'us-east-1',
        eventSourceARN: this.opts.streamArn,
      })),
    };
    try {
      const res = await this.opts.handler(event, lambdaContext('consume'));
      const failed = res?.batchItemFailures?.map((f) => f.itemIdentifier).filter(Boolean) ?? [];
      if (failed.length === 0) return undefined;
      // Lambda resumes from the lowest reported sequence number.
      return failed.reduce((a, b) => (BigInt(a) < BigInt(b) ? a : b));
    } catch (err) {
      logger.error('consume handler threw; retrying the whole batch', { shardId, error: err as Error });
      return records[0]?.SequenceNumber;
    }
  }
}

import {
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import type { ActivityEvent } from '../../functions/shared/model/index.js';

/**
 * A Kinesis stream mocked with aws-sdk-client-mock: ListShards answers `shards` open shards, PutRecords
 * records what was put (routing by ExplicitHashKey when given) and numbers records per shard.
 */
export function fakeKinesis(shards = 2) {
  const mock = mockClient(KinesisClient);
  const ids = Array.from({ length: shards }, (_, i) => `shardId-${String(i).padStart(12, '0')}`);
  const step = 2n ** 128n / BigInt(shards);
  const put: Array<{ shardId: string; seq: string; data: Record<string, unknown> }> = [];
  let seq = 1_000_000n;
  mock.on(ListShardsCommand).resolves({
    Shards: ids.map((ShardId, i) => ({
      ShardId,
      HashKeyRange: {
        StartingHashKey: String(step * BigInt(i)),
        EndingHashKey: String(step * BigInt(i + 1) - 1n),
      },
      SequenceNumberRange: { StartingSequenceNumber: '1' },
    })),
  });
  mock.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => ({
    FailedRecordCount: 0,
    Records: input.Records.map((r, i) => {
      const shard = r.ExplicitHashKey ? Number(BigInt(r.ExplicitHashKey) / step) : i % shards;
      const shardId = ids[Math.min(shard, shards - 1)] as string;
      const s = String(seq++);
      put.push({ shardId, seq: s, data: JSON.parse(Buffer.from(r.Data as Uint8Array).toString('utf8')) });
      return { ShardId: shardId, SequenceNumber: s };
    }),
  }));
  return {
    mock,
    put,
    /** Audit (and other) events put on the stream, markers excluded. */
    events: () => put.filter((p) => !('$marker' in p.data)).map((p) => p.data as unknown as ActivityEvent),
    restore: () => mock.restore(),
  };
}

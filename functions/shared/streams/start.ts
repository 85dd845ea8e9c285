import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import { padSeq } from '../log/index.js';
import { MARKER_KEY } from '../model/index.js';
import { kinesisSdk } from '../platform/clients/kinesis.js';
import { putRecords } from '../platform/index.js';
import type { Positions } from './read-batch.js';

export async function listShards(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const { ListShardsCommand } = await kinesisSdk();
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const res = await kinesis.send(
      new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }),
    );
    shards.push(...(res.Shards ?? []));
    token = res.NextToken;
  } while (token);
  return shards;
}

/**
 * Positions for `start_from: now` that split the stream exactly at this moment: a marker record is put on
 * every open shard (ExplicitHashKey pins it to the shard) and its sequence number becomes the shard's
 * position. Every event whose 202 came before has a lower sequence number in its shard; every event
 * accepted afterwards has a higher one. Closed shards are passed entirely; shards created later are read
 * from their start. The consumer skips markers.
 */
export async function positionsNow(
  kinesis: KinesisClient,
  streamName: string,
  streamId: string,
): Promise<Positions> {
  const shards = await listShards(kinesis, streamName);
  const positions: Positions = {};
  const open = shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
  for (const s of shards) {
    const end = s.SequenceNumberRange?.EndingSequenceNumber;
    if (end && s.ShardId) positions[s.ShardId] = padSeq(end);
  }
  const marker = Buffer.from(
    JSON.stringify({ [MARKER_KEY]: { stream_id: streamId, at: new Date().toISOString() } }),
  );
  const outcome = await putRecords(
    kinesis,
    streamName,
    open.map((s) => ({
      id: s.ShardId ?? '',
      partitionKey: streamId,
      data: marker,
      explicitHashKey: s.HashKeyRange?.StartingHashKey ?? '0',
    })),
  );
  if (outcome.failed.length > 0) {
    throw new Error(
      `could not mark the stream position on ${outcome.failed.length} shard(s): ${outcome.failed[0]?.code}`,
    );
  }
  for (const ok of outcome.ok) {
    const prev = positions[ok.shardId];
    const seq = padSeq(ok.sequenceNumber);
    if (!prev || seq > prev) positions[ok.shardId] = seq;
  }
  return positions;
}

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  chunkAtOrBefore,
  chunkEntries,
  decodeRecord,
  EVENT_SK,
  eventPk,
  getWatermark,
  logPk,
  padSeq,
} from '../functions/shared/log/index.js';

import { SOURCES } from '../functions/shared/model/index.js';
import { logger, putRecords } from '../functions/shared/platform/index.js';

/** Where earlier versions of the local runner kept the event stream (kinesis-local, one JSON file). */
export const KINESIS_LOCAL_FILE = join('kinesis', 'kinesis-data.json');

interface OldRecord {
  Data: string;
  PartitionKey: string;
  SequenceNumber: string;
}

/**
 * Carry over, once, the events an earlier version's stream (kinesis-local's JSON file) had accepted but the
 * consumer had not committed: every record above its shard's watermark is put on the new stream, in shard
 * order, with its partition key. New sequence numbers embed the new shard's creation time, so they sort above
 * everything of the old stream: watermarks, cursors and the log stay valid. An id item claimed by a record
 * that never got committed (the runner stopped in between) is released first, so the re-put copy can claim
 * it, and what it left in the log above the watermark is removed (log/chunks.ts); the consumer treats every other copy as the
 * duplicate it is. (Journey counters an interrupted batch had already added to may count such an event
 * twice.) The old directory is then renamed, so this runs once. Returns the number of events carried over.
 */
export async function migrateKinesisLocal(
  dataDir: string,
  deps: { kinesis: KinesisClient; ddb: DynamoDBClient; eventsTable: string; streamName: string },
): Promise<number> {
  const file = join(dataDir, KINESIS_LOCAL_FILE);
  if (!existsSync(file)) return 0;
  const done = join(dataDir, `kinesis.migrated-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  let state: { streams?: Record<string, { shards?: Record<string, OldRecord[]> }> };
  try {
    state = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    // kinesis-local could leave its file cut mid-write: what it held is gone either way; do not stop starting.
    logger.error('the earlier stream data file is unreadable; starting without it', {
      file,
      kept: done,
      error: err as Error,
    });
    renameSync(join(dataDir, 'kinesis'), done);
    return 0;
  }
  const stream = Object.entries(state.streams ?? {}).find(([arn]) =>
    arn.endsWith(`/${deps.streamName}`),
  )?.[1];
  let carried = 0;
  for (const [shardJson, records] of Object.entries(stream?.shards ?? {})) {
    const shardId = (JSON.parse(shardJson) as { ShardId: string }).ShardId;
    const wm = await getWatermark(deps.ddb, deps.eventsTable, shardId);
    const pending = records
      .filter((r) => padSeq(r.SequenceNumber) > wm.seq)
      .sort((a, b) => (padSeq(a.SequenceNumber) < padSeq(b.SequenceNumber) ? -1 : 1));
    const out: Array<{ id: string; partitionKey: string; data: Uint8Array }> = [];
    for (const r of pending) {
      const data = Buffer.from(r.Data, 'base64');
      const decoded = decodeRecord(data);
      // Stream-position markers only meant something on the old stream.
      if (decoded.kind === 'marker') continue;
      if (decoded.kind === 'event') {
        const seq = padSeq(r.SequenceNumber);
        await releaseClaim(deps, decoded.event.id, shardId, seq);
      }
      out.push({ id: `${shardId}:${r.SequenceNumber}`, partitionKey: r.PartitionKey, data });
    }
    // What the stopped consumer wrote to the log above the watermark would surface beside the copies.
    if (pending.length > 0)
      for (const source of SOURCES) await dropAbove(deps, logPk(source, shardId), wm.seq);
    if (out.length === 0) continue;
    const outcome = await putRecords(deps.kinesis, deps.streamName, out);
    if (outcome.failed.length > 0)
      throw new Error(
        `carrying over ${outcome.failed.length} events of the earlier stream failed; retry npm start`,
      );
    carried += out.length;
  }
  renameSync(join(dataDir, 'kinesis'), done);
  logger.warn('carried over the earlier stream', { events: carried, kept: done });
  return carried;
}

/**
 * Remove a log partition's events above a watermark: the chunks that start above it, and the tail of the one
 * that starts at or below it.
 */
async function dropAbove(deps: { ddb: DynamoDBClient; eventsTable: string }, pk: string, wm: string) {
  const above = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.eventsTable,
      KeyConditionExpression: '#pk = :pk AND #sk > :wm',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': { S: pk }, ':wm': { S: wm } },
      ConsistentRead: true,
      ProjectionExpression: '#pk, #sk',
    }),
  );
  for (const item of above.Items ?? [])
    await deps.ddb.send(
      new DeleteItemCommand({
        TableName: deps.eventsTable,
        Key: { pk: item.pk as never, sk: item.sk as never },
      }),
    );
  if (!wm) return;
  const at = await chunkAtOrBefore(deps.ddb, deps.eventsTable, pk, wm);
  const x = at?.x?.S;
  if (!at || x === undefined) return;
  const keep = chunkEntries(at, { upTo: wm }).length;
  const packed = JSON.parse(x) as unknown[];
  if (keep === packed.length) return;
  await deps.ddb.send(
    new PutItemCommand({
      TableName: deps.eventsTable,
      Item: { ...at, x: { S: JSON.stringify(packed.slice(0, keep)) } },
    }),
  );
}

/** Delete an id item held by exactly this uncommitted record (not by another copy that was committed). */
async function releaseClaim(
  deps: { ddb: DynamoDBClient; eventsTable: string },
  id: string,
  shardId: string,
  seq: string,
): Promise<void> {
  const key = { pk: { S: eventPk(id) }, sk: { S: EVENT_SK } };
  const item = (
    await deps.ddb.send(new GetItemCommand({ TableName: deps.eventsTable, Key: key, ConsistentRead: true }))
  ).Item;
  if (item?.shard?.S !== shardId || item?.seq?.S !== seq) return;
  await deps.ddb.send(
    new DeleteItemCommand({
      TableName: deps.eventsTable,
      Key: key,
      ConditionExpression: '#shard = :shard AND #seq = :seq',
      ExpressionAttributeNames: { '#shard': 'shard', '#seq': 'seq' },
      ExpressionAttributeValues: { ':shard': { S: shardId }, ':seq': { S: seq } },
    }),
  );
}

import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SOURCES, type Source } from '../model/index.js';
import { ifCondition, queryAll } from '../platform/dynamo/index.js';
import { WATERMARK_PK } from './keys.js';

/** A shard's commit point: every record up to `seq` is stored; `counts` = events stored per source so far. */
export interface Watermark {
  shardId: string;
  /** Padded sequence number of the last committed record ('' when nothing is committed yet). */
  seq: string;
  counts: Record<Source, number>;
}

const zeroCounts = (): Record<Source, number> =>
  Object.fromEntries(SOURCES.map((s) => [s, 0])) as Record<Source, number>;

function fromItem(shardId: string, item: Record<string, AttributeValue> | undefined): Watermark {
  const counts = zeroCounts();
  const m = item?.counts?.M ?? {};
  for (const s of SOURCES) {
    const n = m[s]?.N;
    if (n) counts[s] = Number(n);
  }
  return { shardId, seq: item?.seq?.S ?? '', counts };
}

export async function getWatermark(ddb: DynamoDBClient, table: string, shardId: string): Promise<Watermark> {
  const res = await ddb.send(
    new GetItemCommand({
      TableName: table,
      Key: { pk: { S: WATERMARK_PK }, sk: { S: shardId } },
      ConsistentRead: true,
    }),
  );
  return fromItem(shardId, res.Item);
}

/** Every shard's watermark (one strongly consistent query of a small partition). */
export async function listWatermarks(ddb: DynamoDBClient, table: string): Promise<Watermark[]> {
  const items = await queryAll(ddb, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: WATERMARK_PK } },
    ConsistentRead: true,
  });
  return items.map((item) => fromItem(item.sk?.S ?? '', item));
}

/**
 * Advance a shard's watermark. Never moves it backwards: a stale retry that lost the race is ignored.
 * Returns false when the stored watermark was already at or beyond `seq`.
 */
export async function advanceWatermark(
  ddb: DynamoDBClient,
  table: string,
  wm: { shardId: string; seq: string; counts: Record<Source, number> },
  now: number,
): Promise<boolean> {
  return ifCondition(
    ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: WATERMARK_PK }, sk: { S: wm.shardId } },
        UpdateExpression: 'SET #seq = :seq, #counts = :counts, #updated = :now',
        ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :seq',
        ExpressionAttributeNames: { '#seq': 'seq', '#counts': 'counts', '#updated': 'updated_at' },
        ExpressionAttributeValues: {
          ':seq': { S: wm.seq },
          ':counts': { M: Object.fromEntries(SOURCES.map((s) => [s, { N: String(wm.counts[s]) }])) },
          ':now': { N: String(now) },
        },
      }),
    ),
  );
}

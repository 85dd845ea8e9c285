import {
  type AttributeValue,
  type DynamoDBClient,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type ActivityEvent, SEARCH_INDEXES, type SearchIndexName } from '../model/index.js';
import { isConditionFailed } from '../platform/dynamo/index.js';
import { mapLimit } from '../platform/index.js';
import { searchAttributes } from './items.js';

export interface BackfillOptions {
  ddb: DynamoDBClient;
  eventsTable: string;
  indexes: readonly SearchIndexName[];
  /** Parallel scan segments (default 4). */
  segments?: number;
  /** Updates in flight per segment (default 8). */
  concurrency?: number;
  now?: () => number;
  /** Called after each scan page with the totals so far. */
  progress?: (p: BackfillProgress) => void;
}

export interface BackfillProgress {
  /** Id items read. */
  scanned: number;
  /** Id items given a key. */
  updated: number;
  /** Id items that had every key already, or whose event lacks the fields of the keys. */
  skipped: number;
}

/**
 * Give the events stored before a search index was deployed that index's key, so the index holds them too.
 * The consumer writes the keys of the deployed indexes only (`searchAttributes`): an index added to
 * `searchIndexes` later is backfilled by DynamoDB from the id items that have its key, which are those stored
 * since. This scans the events table (in parallel segments), and for each id item that lacks the key of one of
 * `indexes` and whose event has every field of it, sets the key (one conditional update; an item deleted or
 * expired meanwhile is left alone). Idempotent: run it again after a stop, it passes what is done.
 */
export async function backfillSearchKeys(opts: BackfillOptions): Promise<BackfillProgress> {
  const indexes = SEARCH_INDEXES.filter((i) => opts.indexes.includes(i.name));
  const totals: BackfillProgress = { scanned: 0, updated: 0, skipped: 0 };
  const segments = opts.segments ?? 4;
  const names: Record<string, string> = {
    '#pk': 'pk',
    '#sk': 'sk',
    '#e': 'e',
    '#shard': 'shard',
    '#exp': 'expires_at',
  };
  indexes.forEach((index, i) => {
    names[`#k${i}`] = index.pk;
  });
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const res = await opts.ddb.send(
          new ScanCommand({
            TableName: opts.eventsTable,
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey: start,
            // Id items only, with what computing the keys needs.
            FilterExpression: 'begins_with(#pk, :e) AND #sk = :esk',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':e': { S: 'E#' }, ':esk': { S: 'E' } },
            ProjectionExpression: [
              '#pk',
              '#sk',
              '#e',
              '#shard',
              '#exp',
              ...indexes.map((_, i) => `#k${i}`),
            ].join(', '),
          }),
        );
        start = res.LastEvaluatedKey;
        const nowSec = Math.floor((opts.now ?? Date.now)() / 1000);
        await mapLimit(res.Items ?? [], opts.concurrency ?? 8, async (item) => {
          totals.scanned++;
          const missing = missingKeys(
            item,
            indexes.map((i) => i.name),
          );
          if (!missing || Number(item.expires_at?.N ?? 0) <= nowSec) {
            totals.skipped++;
            return;
          }
          try {
            await opts.ddb.send(
              new UpdateItemCommand({
                TableName: opts.eventsTable,
                Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
                UpdateExpression: `SET ${Object.keys(missing)
                  .map((_k, i) => `#m${i} = :m${i}`)
                  .join(', ')}`,
                ConditionExpression: 'attribute_exists(#pk)',
                ExpressionAttributeNames: {
                  '#pk': 'pk',
                  ...Object.fromEntries(Object.keys(missing).map((k, i) => [`#m${i}`, k])),
                },
                ExpressionAttributeValues: Object.fromEntries(
                  Object.values(missing).map((v, i) => [`:m${i}`, v]),
                ),
              }),
            );
            totals.updated++;
          } catch (err) {
            // Deleted (TTL) since the scan read it: nothing to index.
            if (!isConditionFailed(err)) throw err;
            totals.skipped++;
          }
        });
        opts.progress?.({ ...totals });
      } while (start);
    }),
  );
  return totals;
}

/** The index keys an id item lacks for `indexes` (undefined when none: it has them, or its event lacks the fields). */
function missingKeys(
  item: Record<string, AttributeValue>,
  indexes: readonly SearchIndexName[],
): Record<string, AttributeValue> | undefined {
  const json = item.e?.S;
  const shard = item.shard?.S;
  if (!json || !shard) return undefined;
  const want = searchAttributes(JSON.parse(json) as ActivityEvent, shard, indexes);
  const missing: Record<string, AttributeValue> = {};
  for (const index of SEARCH_INDEXES) {
    if (!indexes.includes(index.name)) continue;
    const v = want[index.pk];
    if (v && item[index.pk]?.S !== v.S) missing[index.pk] = v;
  }
  return Object.keys(missing).length > 0 ? missing : undefined;
}

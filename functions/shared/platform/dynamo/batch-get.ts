import { type AttributeValue, BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backoff, mapLimit, sleep } from '../index.js';

type Item = Record<string, AttributeValue>;

/**
 * BatchGetItem of any number of keys: 100 per call, unprocessed keys asked again with backoff. Returns the
 * items found (in no particular order); throws when DynamoDB keeps leaving keys unprocessed, so a caller
 * never mistakes a throttled key for a missing item.
 */
export async function batchGetAll(
  ddb: DynamoDBClient,
  table: string,
  keys: readonly Item[],
  opts: {
    consistent?: boolean;
    projection?: string;
    names?: Record<string, string>;
    attempts?: number;
    baseDelayMs?: number;
    /** Calls of 100 keys in flight at once (default 1). */
    concurrency?: number;
  } = {},
): Promise<Item[]> {
  const attempts = opts.attempts ?? 6;
  const items: Item[] = [];
  const groups: Item[][] = [];
  for (let i = 0; i < keys.length; i += 100) groups.push(keys.slice(i, i + 100));
  await mapLimit(groups, opts.concurrency ?? 1, async (group) => {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= attempts)
        throw new Error(
          `BatchGetItem on ${table}: keys still unprocessed after ${attempts} attempts (throttled)`,
        );
      if (attempt > 0) await sleep(backoff(attempt, opts.baseDelayMs ?? 20));
      const res = await ddb.send(
        new BatchGetItemCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ...(opts.consistent ? { ConsistentRead: true } : {}),
              ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
              ...(opts.names ? { ExpressionAttributeNames: opts.names } : {}),
            },
          },
        }),
      );
      items.push(...(res.Responses?.[table] ?? []));
      pending = res.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  });
  return items;
}

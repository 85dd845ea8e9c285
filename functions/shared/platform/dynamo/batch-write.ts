import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backoff, mapLimit, sleep } from '../index.js';

export interface PutRequestItem {
  /** Caller's tag, returned when the item could not be written. */
  tag: number;
  item: Record<string, AttributeValue>;
}

/**
 * BatchWriteItem in chunks of 25, retrying unprocessed items with backoff. Returns the tags of items that
 * could not be written (throttling persisted or the call failed).
 */
export async function batchPut(
  ddb: DynamoDBClient,
  table: string,
  items: readonly PutRequestItem[],
  opts: { attempts?: number; baseDelayMs?: number; concurrency?: number } = {},
): Promise<Set<number>> {
  const attempts = opts.attempts ?? 6;
  const base = opts.baseDelayMs ?? 25;
  const failed = new Set<number>();
  const chunks: PutRequestItem[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await mapLimit(chunks, opts.concurrency ?? 4, async (chunk) => {
    let pending = chunk;
    for (let attempt = 0; attempt < attempts && pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(backoff(attempt, base));
      try {
        const res = await ddb.send(
          new BatchWriteItemCommand({
            RequestItems: { [table]: pending.map((p) => ({ PutRequest: { Item: p.item } })) },
          }),
        );
        const left = res.UnprocessedItems?.[table] ?? [];
        if (left.length === 0) pending = [];
        else {
          const keyOf = (it: Record<string, AttributeValue> | undefined) => `${it?.pk?.S}\u0000${it?.sk?.S}`;
          const unprocessed = new Set(left.map((w) => keyOf(w.PutRequest?.Item)));
          pending = pending.filter((p) => unprocessed.has(keyOf(p.item)));
        }
      } catch (err) {
        if (attempt === attempts - 1) break;
        if ((err as Error).name === 'ValidationException') break;
      }
    }
    for (const p of pending) failed.add(p.tag);
  });
  return failed;
}

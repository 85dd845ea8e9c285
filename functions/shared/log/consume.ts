import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SearchIndexName } from '../model/index.js';
import { type ActivityEvent, isSource, MARKER_KEY, ORDER_KEY, type Source } from '../model/index.js';
import { batchPut, isConditionFailed, type PutRequestItem } from '../platform/dynamo/index.js';
import { logger, type MetricSink, mapLimit } from '../platform/index.js';

import { chunkItems } from './chunks.js';
import { eventItem, type LogPosition } from './items.js';
import { padSeq } from './keys.js';
import { advanceWatermark, getWatermark } from './watermarks.js';

/** One Kinesis record as the consumer sees it. */
export interface ShardRecord {
  shardId: string;
  /** Kinesis sequence number, unpadded. */
  sequenceNumber: string;
  data: Uint8Array;
}

/** An event about to be committed, with its place in the event log. */
export type StoredEvent = LogPosition;

/**
 * A projection derives more state from committed events (enrichment directory, journey counters, ...).
 * It returns the indexes (into `events`) whose writes failed; the batch is cut before the first of them.
 */
export interface Projection {
  name: string;
  apply(events: readonly StoredEvent[]): Promise<Set<number>>;
}

export interface ConsumeDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  retentionDays: Record<Source, number>;
  projections?: readonly Projection[];
  now?: () => number;
  /** Concurrent id claims per batch. */
  claimConcurrency?: number;
  /** Counts EventsStored and EventsDuplicate, once per batch. */
  metrics?: MetricSink;
  /** The deployed search indexes, whose keys id items carry (default: the default set). */
  searchIndexes?: readonly SearchIndexName[];
}

export interface ConsumeResult {
  /** Sequence numbers (unpadded) to report as batch item failures: the first unwritten record per shard. */
  failures: string[];
  stored: number;
  duplicates: number;
}

type Decoded =
  | { kind: 'event'; event: ActivityEvent; order: number }
  | { kind: 'marker' }
  | { kind: 'poison'; reason: string };

export function decodeRecord(data: Uint8Array): Decoded {
  let obj: unknown;
  try {
    obj = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return { kind: 'poison', reason: 'not JSON' };
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    return { kind: 'poison', reason: 'not an object' };
  const o = obj as Record<string, unknown>;
  if (MARKER_KEY in o) return { kind: 'marker' };
  if (
    typeof o.id !== 'string' ||
    typeof o.type !== 'string' ||
    !isSource(o.source) ||
    typeof o.received_at !== 'string'
  ) {
    return { kind: 'poison', reason: 'missing id, type, source or received_at' };
  }
  if (Number.isNaN(Date.parse(o.received_at))) return { kind: 'poison', reason: 'bad received_at' };
  // The place in the request travels with the record, not with the stored event.
  const order = o[ORDER_KEY];
  if (order !== undefined) delete o[ORDER_KEY];
  return {
    kind: 'event',
    event: o as unknown as ActivityEvent,
    order: typeof order === 'number' && Number.isInteger(order) && order > 0 ? order : 0,
  };
}

type Claim = 'new' | 'duplicate' | 'failed';

/**
 * Consume a batch of Kinesis records. For each shard, in sequence order:
 *  1. records at or below the shard's watermark were committed by an earlier invocation: skipped;
 *  2. each event claims its id item (conditional put): a different record holding the id means a duplicate;
 *  3. non-duplicates get their per-(source, shard) ordinal and are written to the event log;
 *  4. projections run;
 *  5. the watermark advances to the last record of the longest fully written prefix.
 * Everything is idempotent, so a retried batch converges on the same items. A record that cannot be written
 * (or decoded) is reported as the batch item failure, so Lambda retries from it and later bisects it away.
 */
export async function consumeRecords(
  records: readonly ShardRecord[],
  deps: ConsumeDeps,
): Promise<ConsumeResult> {
  const byShard = new Map<string, ShardRecord[]>();
  for (const r of records) {
    const list = byShard.get(r.shardId);
    if (list) list.push(r);
    else byShard.set(r.shardId, [r]);
  }
  const result: ConsumeResult = { failures: [], stored: 0, duplicates: 0 };
  for (const [shardId, list] of byShard) {
    const r = await consumeShard(shardId, list, deps);
    result.stored += r.stored;
    result.duplicates += r.duplicates;
    if (r.failedSeq) result.failures.push(r.failedSeq);
  }
  deps.metrics?.({ name: 'EventsStored', value: result.stored });
  deps.metrics?.({ name: 'EventsDuplicate', value: result.duplicates });
  return result;
}

async function consumeShard(
  shardId: string,
  records: readonly ShardRecord[],
  deps: ConsumeDeps,
): Promise<{ stored: number; duplicates: number; failedSeq?: string }> {
  const now = (deps.now ?? Date.now)();
  const wm = await getWatermark(deps.ddb, deps.eventsTable, shardId);
  const todo = records
    .map((r) => ({ r, seq: padSeq(r.sequenceNumber) }))
    .filter((x) => x.seq > wm.seq)
    .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  if (todo.length === 0) return { stored: 0, duplicates: 0 };

  const decoded = todo.map((x) => decodeRecord(x.r.data));
  // Each event's JSON, made once for both of its items (the id item and the event-log item).
  const json = decoded.map((d) => (d.kind === 'event' ? JSON.stringify(d.event) : ''));
  let cut = decoded.findIndex((d) => d.kind === 'poison');
  if (cut === -1) cut = todo.length;
  else {
    const d = decoded[cut] as { reason: string };
    logger.error('undecodable record', {
      shardId,
      sequenceNumber: todo[cut]?.r.sequenceNumber,
      reason: d.reason,
    });
  }

  // 2. Claim ids (concurrently), within the decodable prefix. A later copy of an id in the same batch is a
  // duplicate of the earlier one without a claim of its own, so the first copy in stream order wins.
  const seen = new Set<string>();
  const repeats = new Set<number>();
  decoded.slice(0, cut).forEach((d, i) => {
    if (d.kind !== 'event') return;
    if (seen.has(d.event.id)) repeats.add(i);
    seen.add(d.event.id);
  });
  const claims: Claim[] = await mapLimit(decoded.slice(0, cut), deps.claimConcurrency ?? 16, async (d, i) => {
    if (d.kind !== 'event') return 'new';
    if (repeats.has(i)) return 'duplicate';
    return claimId(deps, d.event, json[i] as string, shardId, (todo[i] as { seq: string }).seq, now);
  });
  const firstFailedClaim = claims.indexOf('failed');
  if (firstFailedClaim !== -1) cut = firstFailedClaim;

  // 3. Ordinals and event-log items, in sequence order.
  const counts = { ...wm.counts };
  const countsAfter: Array<Record<Source, number>> = [];
  const stored: Array<StoredEvent & { index: number }> = [];
  let duplicates = 0;
  for (let i = 0; i < cut; i++) {
    const d = decoded[i] as Decoded;
    if (d.kind === 'event') {
      if (claims[i] === 'duplicate') duplicates++;
      else {
        const n = ++counts[d.event.source];
        stored.push({
          event: d.event,
          json: json[i] as string,
          shardId,
          seq: (todo[i] as { seq: string }).seq,
          n,
          order: d.order,
          index: i,
        });
      }
    }
    countsAfter.push({ ...counts });
  }
  // The event log: one chunk per source of this batch (a failed chunk cuts the batch at its first event).
  const logItems: PutRequestItem[] = chunkItems(stored, deps.retentionDays).map((c) => ({
    tag: (stored[c.indexes[0] as number] as { index: number }).index,
    item: c.item,
  }));
  const failedLog = await batchPut(deps.ddb, deps.eventsTable, logItems);

  // 4. Projections over the stored events.
  const failedIdx = new Set<number>(failedLog);
  for (const p of deps.projections ?? []) {
    try {
      for (const k of await p.apply(stored)) failedIdx.add((stored[k] as { index: number }).index);
    } catch (err) {
      logger.error('projection failed', { projection: p.name, error: err as Error });
      for (const s of stored) failedIdx.add(s.index);
    }
  }
  if (failedIdx.size > 0) cut = Math.min(cut, ...failedIdx);

  // 5. Commit the prefix.
  if (cut > 0) {
    const last = todo[cut - 1] as { seq: string };
    try {
      await advanceWatermark(
        deps.ddb,
        deps.eventsTable,
        { shardId, seq: last.seq, counts: countsAfter[cut - 1] as Record<Source, number> },
        now,
      );
    } catch (err) {
      logger.error('watermark update failed', { shardId, error: err as Error });
      cut = 0;
    }
  }
  const committed = stored.filter((s) => s.index < cut).length;
  if (cut < todo.length) {
    const failedSeq = (todo[cut] as { r: ShardRecord }).r.sequenceNumber;
    logger.warn('batch cut short', {
      shardId,
      committed,
      failedSeq,
      reason: decoded[cut]?.kind === 'poison' ? 'poison' : 'write failed',
    });
    return { stored: committed, duplicates, failedSeq };
  }
  return { stored: committed, duplicates };
}

/**
 * Claim the event's id: the first record to hold an id owns it. A retry of the same record (same shard and
 * sequence number) passes the condition again; any other record with the id is a duplicate.
 */
async function claimId(
  deps: ConsumeDeps,
  event: ActivityEvent,
  json: string,
  shardId: string,
  seq: string,
  now: number,
): Promise<Claim> {
  try {
    await deps.ddb.send(
      new PutItemCommand({
        TableName: deps.eventsTable,
        Item: eventItem(event, shardId, seq, deps.retentionDays, json, deps.searchIndexes),
        ConditionExpression: 'attribute_not_exists(#pk) OR (#shard = :shard AND #seq = :seq) OR #exp < :now',
        ExpressionAttributeNames: { '#pk': 'pk', '#shard': 'shard', '#seq': 'seq', '#exp': 'expires_at' },
        ExpressionAttributeValues: {
          ':shard': { S: shardId },
          ':seq': { S: seq },
          ':now': { N: String(Math.floor(now / 1000)) },
        },
      }),
    );
    return 'new';
  } catch (err) {
    if (isConditionFailed(err)) return 'duplicate';
    logger.warn('id claim failed', {
      id: event.id,
      error: (err as Error).name,
      message: (err as Error).message,
    });
    return 'failed';
  }
}

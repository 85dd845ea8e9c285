import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type ActivityEvent,
  ATTRIBUTE_ROWS,
  DEFAULT_SEARCH_INDEXES,
  fieldValue,
  SEARCH_INDEXES,
  SEARCH_SK,
  type SearchIndexName,
  type Source,
} from '../model/index.js';

import { batchGetAll } from '../platform/dynamo/index.js';
import { EVENT_SK, eventPk, expiresAt } from './keys.js';

/** Where a committed event sits in the event log. */
export interface LogPosition {
  event: ActivityEvent;
  shardId: string;
  /** Padded sequence number. */
  seq: string;
  /** Ordinal among its source's events in this shard (1-based). */
  n: number;
  /** Its place in its ingest request (0-based; readers merge shards by receipt time, then this). */
  order?: number;
  /** The event as JSON, when the caller already has it (consume serialises each event once). */
  json?: string;
}

/**
 * The id item: the event itself, keyed by id (de-duplication and GET by id), with the keys of the deployed
 * search indexes and the filter attributes (`source`, `type`, `tenant_id`, ...).
 */
export function eventItem(
  e: ActivityEvent,
  shardId: string,
  seq: string,
  retentionDays: Record<Source, number>,
  json = JSON.stringify(e),
  indexes: readonly SearchIndexName[] = DEFAULT_SEARCH_INDEXES,
) {
  const received = Date.parse(e.received_at);
  return {
    pk: { S: eventPk(e.id) },
    sk: { S: EVENT_SK },
    shard: { S: shardId },
    seq: { S: seq },
    e: { S: json },
    expires_at: { N: String(expiresAt(received, retentionDays[e.source])) },
    ...searchAttributes(e, shardId, indexes),
  } satisfies Record<string, AttributeValue>;
}

/**
 * The search index keys of an event for the deployed indexes (sparse: an index holds only events with every
 * field of its key; an index not deployed gets no key, so an id item carries no bytes nobody reads) and its
 * filter attributes, both from the search-filter table (model/search-filters.ts).
 */
export function searchAttributes(
  e: ActivityEvent,
  shardId: string,
  indexes: readonly SearchIndexName[] = DEFAULT_SEARCH_INDEXES,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {
    [SEARCH_SK]: { S: searchSortKey(e.timestamp, e.id) },
  };
  for (const row of ATTRIBUTE_ROWS) {
    const v = fieldValue(e, row.field);
    if (v) out[row.field] = { S: v };
  }
  for (const index of SEARCH_INDEXES) {
    if (!indexes.includes(index.name)) continue;
    const parts = index.key.map((f) => fieldValue(e, f));
    if (parts.every((p) => p)) out[index.pk] = { S: `${parts.join('#')}#${shardId}` };
  }
  return out;
}

/** Sort key of the search indexes: event time (ISO, ms, UTC) and id. */
export const searchSortKey = (timestamp: string, id: string) => `${timestamp}#${id}`;

/** The ids of an event that enrichment looks up in the directory. */
export interface EventRefs {
  user_id?: string;
  app_id?: string;
  actor_id?: string;
}

/** Attribute names of the ids inside an `r` map (short: every byte of an item is billed). */
const REF_KEYS = [
  ['user_id', 'u'],
  ['app_id', 'a'],
  ['actor_id', 'c'],
] as const;

/** An `r` attribute: the event's ids, so a read can enrich the JSON without parsing it. */
export function refsAttribute(e: EventRefs): AttributeValue {
  const m: Record<string, AttributeValue> = {};
  for (const [field, attr] of REF_KEYS) {
    const v = e[field];
    if (v) m[attr] = { S: v };
  }
  return { M: m };
}

/** The ids in an `r` attribute (undefined when there is none). */
export function refsFromAttribute(r: AttributeValue | undefined): EventRefs | undefined {
  const m = r?.M;
  if (!m) return undefined;
  const refs: EventRefs = {};
  for (const [field, attr] of REF_KEYS) {
    const v = m[attr]?.S;
    if (v) refs[field] = v;
  }
  return refs;
}

/** Read one event by id (GET /activities/{id}); expired events are not returned. */
export async function getEvent(
  ddb: DynamoDBClient,
  table: string,
  id: string,
  now: number = Date.now(),
): Promise<ActivityEvent | undefined> {
  const res = await ddb.send(
    new GetItemCommand({
      TableName: table,
      Key: { pk: { S: eventPk(id) }, sk: { S: EVENT_SK } },
      ConsistentRead: true,
      ProjectionExpression: '#e, #exp',
      ExpressionAttributeNames: { '#e': 'e', '#exp': 'expires_at' },
    }),
  );
  const item = res.Item;
  if (!item?.e?.S) return undefined;
  if (Number(item.expires_at?.N ?? 0) <= Math.floor(now / 1000)) return undefined;
  return JSON.parse(item.e.S) as ActivityEvent;
}

/** An event a reader wants from its id item, and the test that the item holds the event it means. */
export interface IdItemWanted {
  id: string;
  /** Whether the item holds this event (not a later record that claimed the id after it expired). */
  holds: (item: Record<string, AttributeValue>) => boolean;
}

/**
 * Read the id items of events (collect's and the search's batched read): one eventually consistent
 * BatchGetItem per 100 (10 in flight), then a consistent one of those it missed or found holding another
 * event, so an event already committed (or already in an index) is never passed over while its item exists.
 * Returns, by event id, the items that hold the wanted event and have not expired; `attributes` are those read.
 */
export async function readIdItems(
  ddb: DynamoDBClient,
  table: string,
  wanted: readonly IdItemWanted[],
  opts: { attributes: readonly string[]; nowSec: number },
): Promise<Map<string, Record<string, AttributeValue>>> {
  const names = Object.fromEntries(
    [...new Set(['pk', 'expires_at', ...opts.attributes])].map((a, i) => [`#a${i}`, a]),
  );
  const read = new Map<string, Record<string, AttributeValue>>();
  let pending = wanted;
  for (const consistent of [false, true]) {
    if (pending.length === 0) break;
    const keys = [...new Set(pending.map((w) => w.id))].map((id) => ({
      pk: { S: eventPk(id) },
      sk: { S: EVENT_SK },
    }));
    const items = await batchGetAll(ddb, table, keys, {
      consistent,
      projection: Object.keys(names).join(', '),
      names,
      concurrency: 10,
    });
    for (const item of items) read.set((item.pk?.S ?? '').slice(2), item);
    pending = pending.filter((w) => {
      const item = read.get(w.id);
      return !item || !w.holds(item);
    });
  }
  const out = new Map<string, Record<string, AttributeValue>>();
  for (const w of wanted) {
    const item = read.get(w.id);
    if (item && w.holds(item) && Number(item.expires_at?.N ?? Number.POSITIVE_INFINITY) > opts.nowSec)
      out.set(w.id, item);
  }
  return out;
}

import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  type ChunkEntry,
  chunkAtOrBefore,
  chunkIterator,
  listWatermarks,
  logPk,
  readIdItems,
  refsAttribute,
  type Watermark,
} from '../log/index.js';
import type { Source } from '../model/index.js';

/** Per-shard read positions: the padded sequence number of the last record passed, per shard id. */
export type Positions = Record<string, string>;

/** An event read from the log, still as its stored JSON. */
export interface LogEntry {
  shardId: string;
  seq: string;
  id: string;
  type: string;
  /** received_at, epoch ms. */
  t: number;
  /** Place in its ingest request (0 for the first, and for log items older than this attribute). */
  o: number;
  json: string;
  /**
   * The item's `r` attribute: the ids enrichment looks up, decoded only when a stream enriches (undefined
   * for log items older than it: parse `json`).
   */
  r?: AttributeValue;
}

export interface StreamFilter {
  source: Source;
  /** Only these types (undefined: all of the source). */
  eventTypes?: readonly string[];
  /** Skip events received before this time (epoch ms). */
  startAt?: number;
}

export interface ReadDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  now?: () => number;
}

export interface ReadResult {
  entries: LogEntry[];
  /**
   * How many log entries the batch took, its events and those whose id item had gone (expired): a read of the
   * same range again (`until` these positions) takes as many to come to the same end.
   */
  taken: number;
  /** Positions after the returned entries (and after any filtered-out records before them). */
  positions: Positions;
  /** More matching events may be waiting now. */
  hasMore: boolean;
}

interface ShardState {
  shardId: string;
  wm: string;
  /** Position up to which the shard's events have been scanned (an event's padded sequence number). */
  scanned: string;
  /** Key of the last log item read ('' before the first). */
  lastSk: string;
  /** Whether the item that may hold events right after the starting position has been read. */
  started: boolean;
  /** No log item is left to read beyond lastSk. */
  noMoreItems: boolean;
  /** Items read but not yet decoded, and the one being decoded. */
  queue: Array<Record<string, AttributeValue>>;
  current?: Generator<ChunkEntry, void, undefined>;
  exhausted: boolean;
  buffer: LogEntry[];
}

/** Upper bound on events scanned per call (filters may skip many), as a multiple of the batch size. */
const SCAN_BUDGET_FACTOR = 10;

/** Events per log item assumed before any is read (a chunk of a consumer batch's events of one source). */
const ASSUMED_PER_ITEM = 25;
/** About what one event's entry in a chunk weighs (log/chunks.ts), to estimate a chunk's events from its size. */
const ENTRY_BYTES = 80;

/**
 * Read the next batch of a stream: at most `limit` events of the stream's source and filter, after
 * `positions`, never past a shard's watermark (so nothing can appear later behind the new positions).
 *
 * Shards are read a share of what is still missing at a time, and merged exactly across shards by (received
 * time, place in the ingest request, id) among the events committed when they are read, while each shard's
 * events stay in sequence order, so whatever is taken from a shard is a prefix of it and its new position
 * never jumps a record. The log holds chunks of events (log/chunks.ts): a shard is read from the chunk that
 * starts at or before its position on, in key order, and each event is taken by its own sequence number, so
 * an event a retried batch wrote into two chunks is passed once. The events' JSON is then read from their id
 * items, in one batched read.
 */
export async function readBatch(
  deps: ReadDeps,
  filter: StreamFilter,
  positions: Positions,
  limit: number,
  opts: {
    /** Read no further than these positions (a recorded batch's end); shards absent from it are not read. */
    until?: Positions;
    /** Stop the batch before its events' JSON exceeds this many bytes (it always has at least one). */
    maxBytes?: number;
  } = {},
): Promise<ReadResult> {
  const now = (deps.now ?? Date.now)();
  const wms = await listWatermarks(deps.ddb, deps.eventsTable);
  const types = filter.eventTypes ? new Set(filter.eventTypes) : undefined;
  const nowSec = Math.floor(now / 1000);
  const upTo = (w: Watermark) => {
    if (!opts.until) return w.seq;
    const u = opts.until[w.shardId] ?? '';
    return u < w.seq ? u : w.seq;
  };
  const shards: ShardState[] = wms
    .map((w) => {
      const pos = positions[w.shardId] ?? '';
      const wm = upTo(w);
      return {
        shardId: w.shardId,
        wm,
        scanned: pos,
        lastSk: '',
        started: pos === '',
        noMoreItems: false,
        queue: [],
        exhausted: wm <= pos,
        buffer: [] as LogEntry[],
      };
    })
    .sort((a, b) => (a.shardId < b.shardId ? -1 : 1));

  let scannedTotal = 0;
  const seen = { items: 0, entries: 0 };
  const budget = Math.max(limit, 100) * SCAN_BUDGET_FACTOR;
  const pkOf = (s: ShardState) => ({ S: logPk(filter.source, s.shardId) });
  /** Decode read items until `want` more events matching the filter are buffered; returns how many were. */
  const drain = (s: ShardState, want: number): number => {
    let gained = 0;
    while (gained < want && scannedTotal < budget) {
      if (!s.current) {
        // A chunk holds the events below the next chunk's key (a retried batch may have repeated its tail
        // there, and the later chunk is the one its commit wrote): decoding one waits for the next one's key.
        if (s.queue.length === 0 || (s.queue.length === 1 && !s.noMoreItems)) break;
        const item = s.queue.shift() as Record<string, AttributeValue>;
        const expired = Number(item.expires_at?.N ?? Number.POSITIVE_INFINITY) <= nowSec;
        const before = s.queue[0]?.sk?.S;
        s.current = chunkIterator(item, { after: s.scanned, upTo: s.wm, ...(before ? { before } : {}) });
        if (expired) {
          // An expired item's events are passed over (TTL will remove it); they count against the budget.
          for (const c of s.current) {
            s.scanned = c.seq;
            scannedTotal++;
          }
          s.current = undefined;
        }
        continue;
      }
      const next = s.current.next();
      if (next.done) {
        s.current = undefined;
        continue;
      }
      const c = next.value;
      scannedTotal++;
      s.scanned = c.seq;
      if (types && !types.has(c.type)) continue;
      if (filter.startAt !== undefined && c.t < filter.startAt) continue;
      s.buffer.push({
        shardId: s.shardId,
        seq: c.seq,
        id: c.id,
        type: c.type,
        t: c.t,
        o: c.o,
        json: c.json ?? '',
        ...(c.r ? { r: c.r } : {}),
      });
      gained++;
    }
    return gained;
  };
  const queue = (s: ShardState, item: Record<string, AttributeValue>) => {
    seen.items++;
    const x = item.x?.S;
    // A chunk's events, estimated from its size, for the next query's size.
    seen.entries += x === undefined ? 1 : Math.max(1, x.length / ENTRY_BYTES);
    s.lastSk = item.sk?.S ?? s.lastSk;
    s.queue.push(item);
  };
  /** Buffer more of a shard's events (those that match the filter), reading more of its log when needed. */
  const fetchMore = async (s: ShardState, want: number) => {
    if (drain(s, want) > 0 || scannedTotal >= budget) return;
    if (!s.started) {
      // The item at or before the position may hold the events right after it.
      s.started = true;
      const item = await chunkAtOrBefore(deps.ddb, deps.eventsTable, pkOf(s).S, s.scanned);
      if (item) queue(s, item);
      else s.lastSk = s.scanned;
      drain(s, want);
      return;
    }
    if (!s.noMoreItems) {
      const perItem = seen.items > 0 ? Math.max(1, seen.entries / seen.items) : ASSUMED_PER_ITEM;
      const items = Math.max(1, Math.ceil(want / perItem));
      const res = await deps.ddb.send(
        new QueryCommand({
          TableName: deps.eventsTable,
          KeyConditionExpression: s.lastSk
            ? '#pk = :pk AND #sk BETWEEN :from AND :wm'
            : '#pk = :pk AND #sk <= :wm',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: {
            ':pk': pkOf(s),
            ':wm': { S: s.wm },
            ...(s.lastSk ? { ':from': { S: s.lastSk } } : {}),
          },
          ConsistentRead: true,
          // BETWEEN is inclusive: one more item covers the one read last.
          Limit: items + (s.lastSk ? 1 : 0),
        }),
      );
      const from = s.lastSk;
      for (const item of res.Items ?? []) if ((item.sk?.S ?? '') > from) queue(s, item);
      if (!res.LastEvaluatedKey) s.noMoreItems = true;
      drain(s, want);
    }
    if (s.noMoreItems && !s.current && s.queue.length === 0) {
      s.exhausted = true;
      s.scanned = s.wm;
    }
  };

  // An exact k-way merge by (t, o, id, shard) over everything committed: an event is taken only once every
  // shard that is not exhausted has a buffered head to compare it with, so no shard can still hold an earlier
  // one. A shard's buffer is consumed from its head only, so what is taken from it is a prefix of it.
  const merged: Array<{ shard: number; entry: LogEntry }> = [];
  const heads = shards.map(() => 0);
  while (merged.length < limit) {
    const starved = shards.filter((s, i) => !s.exhausted && (heads[i] as number) >= s.buffer.length);
    if (starved.length > 0) {
      if (scannedTotal >= budget) break;
      const open = shards.filter((s) => !s.exhausted).length;
      const want = Math.max(1, Math.ceil((limit - merged.length) / open));
      await Promise.all(starved.map((s) => fetchMore(s, want)));
      continue;
    }
    let best = -1;
    for (let i = 0; i < shards.length; i++) {
      const e = (shards[i] as ShardState).buffer[heads[i] as number];
      if (!e) continue;
      const b = best === -1 ? undefined : (shards[best] as ShardState).buffer[heads[best] as number];
      if (!b || before(e, b)) best = i;
    }
    if (best === -1) break;
    merged.push({
      shard: best,
      entry: (shards[best] as ShardState).buffer[heads[best] as number] as LogEntry,
    });
    heads[best] = (heads[best] as number) + 1;
  }

  // The events' JSON from their id items; an event whose id item is gone has expired.
  const found = await eventTexts(
    deps,
    merged.map((m) => m.entry),
    nowSec,
  );
  const entries: LogEntry[] = [];
  const taken = shards.map(() => 0);
  let bytes = 0;
  for (const m of merged) {
    const text = found.get(m.entry);
    if (text !== undefined && opts.maxBytes !== undefined) {
      bytes += Buffer.byteLength(text.json, 'utf8');
      if (bytes > opts.maxBytes && entries.length > 0) break;
    }
    taken[m.shard] = (taken[m.shard] as number) + 1;
    if (text !== undefined) entries.push({ ...m.entry, json: text.json, ...(text.r ? { r: text.r } : {}) });
  }

  const next: Positions = { ...positions };
  let hasMore = false;
  shards.forEach((s, i) => {
    const n = taken[i] as number;
    if (n < s.buffer.length) {
      // Buffered events left behind: resume right after the last one taken (if any was).
      hasMore = true;
      if (n > 0) next[s.shardId] = (s.buffer[n - 1] as LogEntry).seq;
    } else {
      // Everything matched was taken: skip past the filtered-out records scanned too.
      if (s.scanned > (positions[s.shardId] ?? '')) next[s.shardId] = s.scanned;
      if (!s.exhausted) hasMore = true;
    }
  });
  return { entries, taken: taken.reduce((a, b) => a + b, 0), positions: next, hasMore };
}

/**
 * The JSON (and enrichment ids) of log entries, from their id items (readIdItems: one batched read). An entry
 * whose id item is gone, expired, or held by a later record of the id (after this one expired) is left out.
 */
async function eventTexts(
  deps: ReadDeps,
  entries: readonly LogEntry[],
  nowSec: number,
): Promise<Map<LogEntry, { json: string; r?: AttributeValue }>> {
  const out = new Map<LogEntry, { json: string; r?: AttributeValue }>();
  // Log items of the layout before chunks carry their event.
  const wanted = entries.filter((e) => {
    if (e.json === '') return true;
    out.set(e, { json: e.json, ...(e.r ? { r: e.r } : {}) });
    return false;
  });
  const items = await readIdItems(
    deps.ddb,
    deps.eventsTable,
    wanted.map((e) => ({
      id: e.id,
      holds: (it) => it.shard?.S === e.shardId && it.seq?.S === e.seq && it.e?.S !== undefined,
    })),
    { attributes: ['e', 'shard', 'seq', 'user_id', 'app_id', 'actor_id'], nowSec },
  );
  for (const e of wanted) {
    const it = items.get(e.id);
    if (it?.e?.S === undefined) continue;
    out.set(e, {
      json: it.e.S,
      r: refsAttribute({ user_id: it.user_id?.S, app_id: it.app_id?.S, actor_id: it.actor_id?.S }),
    });
  }
  return out;
}

/**
 * Merge order across shards: receipt time, then place in the ingest request (so the events of one request
 * come out in request order), then id, then shard.
 */
function before(a: LogEntry, b: LogEntry): boolean {
  if (a.t !== b.t) return a.t < b.t;
  if (a.o !== b.o) return a.o < b.o;
  if (a.id !== b.id) return a.id < b.id;
  return a.shardId < b.shardId;
}

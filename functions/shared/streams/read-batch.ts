import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { listWatermarks, logPk, type Watermark } from '../log/index.js';

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
  /** Positions after the returned entries (and after any filtered-out records before them). */
  positions: Positions;
  /** More matching events may be waiting now. */
  hasMore: boolean;
}

interface ShardState {
  shardId: string;
  wm: string;
  /** Position up to which the shard has been scanned. */
  scanned: string;
  exhausted: boolean;
  buffer: LogEntry[];
}

/** Upper bound on items scanned per call (filters may skip many), as a multiple of the batch size. */
const SCAN_BUDGET_FACTOR = 10;

/**
 * Read the next batch of a stream: at most `limit` events of the stream's source and filter, after
 * `positions`, never past a shard's watermark (so nothing can appear later behind the new positions).
 *
 * Shards are read a share of what is still missing at a time, and merged exactly across shards by (received
 * time, place in the ingest request, id) among the events committed when they are read, while each shard's
 * events stay in sequence order, so whatever is taken from a shard is a prefix of it and its new position
 * never jumps a record.
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
      return { shardId: w.shardId, wm, scanned: pos, exhausted: wm <= pos, buffer: [] as LogEntry[] };
    })
    .sort((a, b) => (a.shardId < b.shardId ? -1 : 1));

  let scannedTotal = 0;
  const budget = Math.max(limit, 100) * SCAN_BUDGET_FACTOR;
  /** Read up to `want` more items of a shard's log into its buffer (those that match the filter). */
  const fetchMore = async (s: ShardState, want: number) => {
    const res = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.eventsTable,
        KeyConditionExpression: s.scanned
          ? '#pk = :pk AND #sk BETWEEN :from AND :wm'
          : '#pk = :pk AND #sk <= :wm',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: {
          ':pk': { S: logPk(filter.source, s.shardId) },
          ':wm': { S: s.wm },
          ...(s.scanned ? { ':from': { S: s.scanned } } : {}),
        },
        ConsistentRead: true,
        // BETWEEN is inclusive: one more item covers the one at the position itself.
        Limit: want + (s.scanned ? 1 : 0),
      }),
    );
    for (const item of res.Items ?? []) {
      const sk = item.sk?.S ?? '';
      if (sk <= s.scanned) continue;
      scannedTotal++;
      s.scanned = sk;
      const entry = toEntry(s.shardId, item);
      if (Number(item.expires_at?.N ?? Number.POSITIVE_INFINITY) <= nowSec) continue;
      if (types && !types.has(entry.type)) continue;
      if (filter.startAt !== undefined && entry.t < filter.startAt) continue;
      s.buffer.push(entry);
    }
    if (!res.LastEvaluatedKey) {
      s.exhausted = true;
      s.scanned = s.wm;
    }
  };

  // An exact k-way merge by (t, o, id, shard) over everything committed: an event is taken only once every
  // shard that is not exhausted has a buffered head to compare it with, so no shard can still hold an earlier
  // one. A shard's buffer is consumed from its head only, so what is taken from it is a prefix of it.
  const entries: LogEntry[] = [];
  const heads = shards.map(() => 0);
  let bytes = 0;
  while (entries.length < limit) {
    const starved = shards.filter((s, i) => !s.exhausted && (heads[i] as number) >= s.buffer.length);
    if (starved.length > 0) {
      if (scannedTotal >= budget) break;
      const open = shards.filter((s) => !s.exhausted).length;
      const want = Math.max(1, Math.ceil((limit - entries.length) / open));
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
    const next = (shards[best] as ShardState).buffer[heads[best] as number] as LogEntry;
    if (opts.maxBytes !== undefined) {
      bytes += Buffer.byteLength(next.json, 'utf8');
      if (bytes > opts.maxBytes && entries.length > 0) break;
    }
    entries.push(next);
    heads[best] = (heads[best] as number) + 1;
  }

  const next: Positions = { ...positions };
  let hasMore = false;
  shards.forEach((s, i) => {
    const taken = heads[i] as number;
    if (taken < s.buffer.length) {
      // Buffered events left behind: resume right after the last one taken (if any was).
      hasMore = true;
      if (taken > 0) next[s.shardId] = (s.buffer[taken - 1] as LogEntry).seq;
    } else {
      // Everything matched was taken: skip past the filtered-out records scanned too.
      if (s.scanned > (positions[s.shardId] ?? '')) next[s.shardId] = s.scanned;
      if (!s.exhausted) hasMore = true;
    }
  });
  return { entries, positions: next, hasMore };
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

function toEntry(shardId: string, item: Record<string, AttributeValue>): LogEntry {
  return {
    shardId,
    seq: item.sk?.S ?? '',
    id: item.id?.S ?? '',
    type: item.type?.S ?? '',
    t: Number(item.t?.N ?? 0),
    o: Number(item.o?.N ?? 0),
    json: item.e?.S ?? '{}',
    ...(item.r ? { r: item.r } : {}),
  };
}

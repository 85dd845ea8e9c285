import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { Source } from '../model/index.js';
import type { LogPosition } from './items.js';
import { expiresAt, logPk, SEQ_WIDTH, unpadSeq } from './keys.js';

/**
 * The event log, packed: one item per consumer batch chunk of a (source, shard), not one per event. DynamoDB
 * bills a write per started KB of an item, so a chunk of 100 events costs what its ~9 KB cost, not 100 writes.
 * The events themselves live once, in their id items (`E#<id>`); a chunk lists, per event, what readers need
 * to order, filter and find it:
 *
 *   pk = L#<source>#<shardId>   sk = <sequence number of its first event, padded>
 *   n  = ordinal of its first event among its source's events in the shard (the next ones follow: n+1, ...)
 *   t  = received_at of its first event (epoch ms)
 *   x  = JSON [[seq - first seq (hex), id, type, received_at - t (ms), place in the ingest request], ...]
 *   expires_at = the latest expiry of its events
 *
 * Retries are idempotent: a retried batch (from the watermark on, the same records, the same ordinals) writes
 * the same chunk again under the same key, or, when Lambda retries from a later record, chunks that start
 * later and repeat the tail of an earlier one. Readers therefore read chunks in key order and take each
 * event by its own sequence number, after their position and at or below the shard's watermark: a repeated
 * event is the same event, passed once.
 *
 * Log items of the layout before chunks (one per event: `sk` its sequence number, `e` its JSON, `id`,
 * `type`, `t`, `o`, `n`, `r`) are read as chunks of one event until they expire.
 */

/** The most a chunk's entry list holds; a batch's events of one source beyond it start another chunk. */
export const CHUNK_MAX_BYTES = 64 * 1024;

/** One event of a chunk, as readers see it. */
export interface ChunkEntry {
  /** Padded sequence number. */
  seq: string;
  id: string;
  type: string;
  /** received_at, epoch ms. */
  t: number;
  /** Place in its ingest request (0 for the first). */
  o: number;
  /** Ordinal among its source's events in the shard. */
  n: number;
  /** The event's JSON, when the item carries it (log items of the layout before chunks). */
  json?: string;
  /** The ids enrichment looks up, when the item carries them (log items of the layout before chunks). */
  r?: AttributeValue;
}

/** A chunk to write, and which of the given events (by index) it holds. */
export interface ChunkWrite {
  item: Record<string, AttributeValue>;
  /** Indexes into the events given to chunkItems. */
  indexes: number[];
}

type Packed = [string, string, string, number, number];

/**
 * The chunk items of a consumer batch's stored events of one shard (in sequence order, any sources): per
 * source, consecutive runs of at most CHUNK_MAX_BYTES of entries.
 */
export function chunkItems(
  stored: readonly LogPosition[],
  retentionDays: Record<Source, number>,
  maxBytes = CHUNK_MAX_BYTES,
): ChunkWrite[] {
  const bySource = new Map<Source, number[]>();
  stored.forEach((s, i) => {
    const list = bySource.get(s.event.source);
    if (list) list.push(i);
    else bySource.set(s.event.source, [i]);
  });
  const out: ChunkWrite[] = [];
  for (const indexes of bySource.values()) {
    let open: OpenChunk | undefined;
    for (const i of indexes) {
      const s = stored[i] as LogPosition;
      const received = Date.parse(s.event.received_at);
      const exp = expiresAt(received, retentionDays[s.event.source]);
      let text = open ? packEntry(s, open, received) : '';
      if (open && open.bytes + Buffer.byteLength(text) + 1 > maxBytes) {
        out.push(closeChunk(open));
        open = undefined;
      }
      if (!open) {
        open = {
          first: s,
          base: BigInt(unpadSeq(s.seq)),
          t: received,
          packed: [],
          bytes: 2,
          indexes: [],
          exp,
        };
        text = packEntry(s, open, received);
      }
      open.packed.push(text);
      open.bytes += Buffer.byteLength(text) + 1;
      open.indexes.push(i);
      if (exp > open.exp) open.exp = exp;
    }
    if (open) out.push(closeChunk(open));
  }
  return out.sort((a, b) => (a.indexes[0] as number) - (b.indexes[0] as number));
}

interface OpenChunk {
  first: LogPosition;
  base: bigint;
  t: number;
  packed: string[];
  bytes: number;
  indexes: number[];
  exp: number;
}

function packEntry(s: LogPosition, open: OpenChunk, received: number): string {
  const entry: Packed = [
    (BigInt(unpadSeq(s.seq)) - open.base).toString(16),
    s.event.id,
    s.event.type,
    received - open.t,
    s.order ?? 0,
  ];
  return JSON.stringify(entry);
}

function closeChunk(open: OpenChunk): ChunkWrite {
  const f = open.first;
  return {
    item: {
      pk: { S: logPk(f.event.source, f.shardId) },
      sk: { S: f.seq },
      n: { N: String(f.n) },
      t: { N: String(open.t) },
      x: { S: `[${open.packed.join(',')}]` },
      expires_at: { N: String(open.exp) },
    },
    indexes: open.indexes,
  };
}

/**
 * The events of a log item: a chunk's entries, or the one event of a log item from before chunks. With a
 * range, only the events after `after` and at or below `upTo` (padded sequence numbers): the others are
 * passed over without building their sequence numbers.
 */
export function chunkEntries(
  item: Record<string, AttributeValue>,
  range: { after?: string; upTo?: string; before?: string } = {},
): ChunkEntry[] {
  return [...chunkIterator(item, range)];
}

/**
 * chunkEntries, one event at a time: a reader decodes only as much of a chunk as it takes. `before`: only
 * events below this sequence number (the next chunk's key: from there on the next chunk holds the events).
 */
export function* chunkIterator(
  item: Record<string, AttributeValue>,
  range: { after?: string; upTo?: string; before?: string } = {},
): Generator<ChunkEntry, void, undefined> {
  const sk = item.sk?.S ?? '';
  const n = Number(item.n?.N ?? 0);
  const t = Number(item.t?.N ?? 0);
  const x = item.x?.S;
  const { after = '', upTo, before } = range;
  if (before !== undefined && before <= sk) return;
  if (x === undefined) {
    if (sk <= after || (upTo !== undefined && sk > upTo)) return;
    yield {
      seq: sk,
      id: item.id?.S ?? '',
      type: item.type?.S ?? '',
      t,
      o: Number(item.o?.N ?? 0),
      n,
      json: item.e?.S ?? '{}',
      ...(item.r ? { r: item.r } : {}),
    };
    return;
  }
  const base = BigInt(unpadSeq(sk));
  // The range as offsets from the first event's sequence number (null: unbounded).
  const lo = after > sk ? BigInt(unpadSeq(after)) - base : after === sk ? 0n : null;
  const below = before === undefined ? null : BigInt(unpadSeq(before)) - base;
  const hi = upTo === undefined ? null : upTo < sk ? -1n : BigInt(unpadSeq(upTo)) - base;
  const packed = JSON.parse(x) as Packed[];
  for (let i = 0; i < packed.length; i++) {
    const [d, id, type, dt, o] = packed[i] as Packed;
    const offset = d === '0' ? 0n : BigInt(`0x${d}`);
    if (lo !== null && offset <= lo) continue;
    if (hi !== null && offset > hi) return;
    if (below !== null && offset >= below) return;
    const digits = (base + offset).toString();
    yield { seq: SEQ_PAD.slice(digits.length) + digits, id, type, t: t + dt, o, n: n + i };
  }
}

const SEQ_PAD = '0'.repeat(SEQ_WIDTH);

/**
 * The log item of a partition that starts at or before a sequence number (strongly consistent): the one that
 * may hold the events right after it (readers), and the ordinal there (lag).
 */
export async function chunkAtOrBefore(
  ddb: DynamoDBClient,
  table: string,
  pk: string,
  seq: string,
): Promise<Record<string, AttributeValue> | undefined> {
  const res = await ddb.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: '#pk = :pk AND #sk <= :seq',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': { S: pk }, ':seq': { S: seq } },
      ConsistentRead: true,
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  return res.Items?.[0];
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  applyCountedItems,
  type CountedItem,
  type CounterPart,
  expiresAt,
  type Projection,
  type StoredEvent,
} from '../log/index.js';
import type { ActivityEvent, Source } from '../model/index.js';

/**
 * Aggregate counters, kept by the consumer: how many events of each (source, type, app, tenant) there are per
 * minute, hour and day of event time. An aggregate over these dimensions (and category, which the type
 * implies) then reads a number of items that depends on the window and the resolution, never on how many
 * events were counted.
 *
 *   pk = A#<shardId>   sk = <tier>#<bucket start, ISO>#<part>   (tier m, h or d; part 0..3)
 *   one attribute per tuple: ["<source>","<type>","<app or ''>","<tenant>"] = count; seq; expires_at
 *
 * One partition per shard (only that shard's consumer writes it: guarantee 3); a bucket's tuples are spread
 * over 4 parts by hash, so no item grows past DynamoDB's 400 KB however many apps and types a minute holds.
 * Every update is conditional on `seq` (log/counters.ts), so a retried batch is counted once.
 */

export const TIERS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type Tier = keyof typeof TIERS;
export const PARTS = 4;
/** Minute counters are kept this long (the 1m, 5m and 15m resolutions reach back this far). */
export const MINUTE_DAYS = 8;

export const AGGREGATE_PK = (shardId: string) => `A#${shardId}`;
export const bucketStart = (ms: number, tier: Tier) => Math.floor(ms / TIERS[tier]) * TIERS[tier];
export const aggregateSk = (tier: Tier, bucket: number, part: number) =>
  `${tier}#${new Date(bucket).toISOString()}#${part}`;

/** The dimensions an event is counted under. */
export interface Tuple {
  source: Source;
  type: string;
  app: string;
  tenant: string;
}

export const tupleOf = (e: ActivityEvent): string =>
  JSON.stringify([e.source, e.type, e.app_id ?? '', e.tenant_id]);

export function parseTuple(name: string): Tuple | undefined {
  if (!name.startsWith('[')) return undefined;
  const [source, type, app, tenant] = JSON.parse(name) as [Source, string, string, string];
  return { source, type, app, tenant };
}

function partOf(tuple: string): number {
  let h = 0;
  for (let i = 0; i < tuple.length; i++) h = (h * 31 + tuple.charCodeAt(i)) | 0;
  return Math.abs(h) % PARTS;
}

export interface AggregateDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  retentionDays: Record<Source, number>;
  now?: () => number;
}

/** Consume projection: each stored event adds 1 to its tuple in its minute, hour and day. */
export function aggregateProjection(deps: AggregateDeps): Projection {
  const keepDays = Math.max(...Object.values(deps.retentionDays));
  return {
    name: 'aggregates',
    async apply(events: readonly StoredEvent[]) {
      const now = (deps.now ?? Date.now)();
      const items = new Map<string, CountedItem>();
      events.forEach((s, index) => {
        const at = Date.parse(s.event.timestamp);
        const tuple = tupleOf(s.event);
        const part = partOf(tuple);
        for (const tier of Object.keys(TIERS) as Tier[]) {
          const bucket = bucketStart(at, tier);
          const end = bucket + TIERS[tier];
          // A minute older than minute counters are kept would expire at once.
          if (tier === 'm' && end + MINUTE_DAYS * 86_400_000 < now) continue;
          const sk = aggregateSk(tier, bucket, part);
          const key = `${s.shardId}|${sk}`;
          let item = items.get(key);
          if (!item) {
            item = {
              key: { pk: { S: AGGREGATE_PK(s.shardId) }, sk: { S: sk } },
              parts: [],
              set: { expires_at: { N: String(expiresAt(end, tier === 'm' ? MINUTE_DAYS : keepDays)) } },
              indexes: [],
            };
            items.set(key, item);
          }
          item.parts.push({ seq: s.seq, adds: [[tuple, 1]] } satisfies CounterPart);
          item.indexes.push(index);
        }
      });
      return applyCountedItems(deps.ddb, deps.eventsTable, items.values());
    },
  };
}

import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { aggregate, aggregateProjection } from '../functions/shared/aggregates/index.js';
import type { StoredEvent } from '../functions/shared/log/index.js';
import { CATALOG, type Source } from '../functions/shared/model/index.js';
import { ready } from '../functions/shared/platform/clients/lazy.js';
import { search } from '../functions/shared/search/index.js';
import { fakeDynamo } from '../test/support/dynamo.js';
import { kinesisBatch, makeEvent } from '../test/support/kinesis-records.js';
import { BENCH_NAMES } from './lib/env.js';
import { median, percentile, round } from './lib/stats.js';

/**
 * Group 5: aggregates at scale. A million events over the last 24 hours go through the consumer's aggregate
 * projection (the real code, into the in-process DynamoDB of the tests), then dashboard aggregates over those
 * 24 hours are timed and their DynamoDB reads counted, beside a search page over events stored by the real
 * consume handler. The point is what grows with what: an aggregate reads counter items (a number fixed by
 * the window and the resolution), never the events it counts.
 */

export interface AggregateOptions {
  /** Events counted by the projection. */
  events: number;
  /** Events stored in full (id items and indexes) for the search page. */
  stored: number;
  /** Timed runs of each query (median reported). */
  runs: number;
  progress?: (line: string) => void;
}

export interface AggregateQueryResult {
  name: string;
  query: Record<string, string>;
  total: number;
  items_read: number;
  queries: number;
  ms_p50: number;
  ms_p90: number;
}

export interface AggregateResult {
  events_counted: number;
  shards: number;
  counter_items: number;
  projection_seconds: number;
  queries: AggregateQueryResult[];
  search_page: { stored_events: number; items_read: number; queries: number; ms_p50: number };
}

const SHARDS = [
  'shardId-000000000000',
  'shardId-000000000001',
  'shardId-000000000002',
  'shardId-000000000003',
];
const HOUR = 3_600_000;

export async function runAggregate(opts: AggregateOptions): Promise<AggregateResult> {
  const log = opts.progress ?? (() => undefined);
  const names = { eventsTable: BENCH_NAMES.eventsTable, controlTable: BENCH_NAMES.controlTable };
  const fake = await fakeDynamo(names);
  // Count what every Query returns (aws-sdk-client-mock answers through the in-process DynamoDB).
  let queries = 0;
  let items = 0;
  const send = fake.client.send.bind(fake.client) as (c: unknown) => Promise<{ Items?: unknown[] }>;
  (fake.client as unknown as { send: (c: unknown) => Promise<unknown> }).send = async (command: unknown) => {
    const res = await send(command);
    if (command instanceof QueryCommand) {
      queries++;
      items += res.Items?.length ?? 0;
    }
    return res;
  };
  try {
    const now = Date.now();
    const end = Math.floor(now / HOUR) * HOUR;
    const start = end - 24 * HOUR;
    // 40 types, 10 of each source, interleaved (so every source and category has events).
    const bySource = (src: Source) => CATALOG.filter((t) => t.source === src && !t.origin.service);
    const pools = (['cis', 'verify', 'risk', 'admin'] as const).map(bySource);
    const types = Array.from({ length: 40 }, (_, i) => {
      const pool = pools[i % 4] as typeof CATALOG;
      return pool[Math.floor(i / 4) % pool.length] as (typeof CATALOG)[number];
    });
    const projection = aggregateProjection({
      ddb: fake.client,
      eventsTable: names.eventsTable,
      retentionDays: { cis: 90, verify: 90, risk: 90, admin: 90 },
      now: () => now,
    });

    // 1. A million events through the projection, in the consumer's batches of 100 per shard.
    log(`aggregate: counting ${opts.events} events`);
    const t0 = performance.now();
    const perShard = Math.ceil(opts.events / SHARDS.length);
    for (let s = 0; s < SHARDS.length; s++) {
      const shardId = SHARDS[s] as string;
      for (let b = 0; b < perShard; b += 100) {
        const batch: StoredEvent[] = [];
        for (let k = b; k < Math.min(b + 100, perShard); k++) {
          const i = k * SHARDS.length + s;
          const t = types[i % types.length] as (typeof types)[number];
          const at = start + Math.floor((i / opts.events) * 24 * HOUR);
          batch.push({
            event: {
              id: `agg-${i}`,
              type: t.type,
              source: t.source as Source,
              tenant_id: i % 7 === 0 ? 'acme' : i % 11 === 0 ? 'globex' : 'default',
              timestamp: new Date(at).toISOString(),
              received_at: new Date(at).toISOString(),
              ...(i % 5 === 0 ? {} : { app_id: `app-${i % 20}` }),
            },
            shardId,
            seq: String(10_000_000 + k).padStart(64, '0'),
            n: k + 1,
          });
        }
        const failed = await projection.apply(batch);
        if (failed.size > 0) throw new Error('aggregate projection failed in the benchmark');
      }
      log(`aggregate: shard ${s + 1}/${SHARDS.length} counted`);
    }
    const projectionSeconds = (performance.now() - t0) / 1000;
    let counterItems = 0;
    for (const shardId of SHARDS) {
      let last: Record<string, unknown> | undefined;
      do {
        const res = (await fake.call('Query', {
          TableName: names.eventsTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `A#${shardId}` } },
          Select: 'COUNT',
          ...(last ? { ExclusiveStartKey: last } : {}),
        })) as { Count?: number; LastEvaluatedKey?: Record<string, unknown> };
        counterItems += res.Count ?? 0;
        last = res.LastEvaluatedKey;
      } while (last);
    }

    // 2. Events stored in full by the real consume handler, for a search page beside the aggregates.
    log(`aggregate: storing ${opts.stored} events for the search page`);
    const consume = (await import('../functions/consume/handler.js')).handler as unknown as (
      e: KinesisStreamEvent,
      c: unknown,
    ) => Promise<KinesisStreamBatchResponse>;
    for (let s = 0; s < SHARDS.length; s++) {
      const mine = Array.from({ length: Math.ceil(opts.stored / SHARDS.length) }, (_, k) =>
        makeEvent({
          type: 'user_login',
          user_id: `u${k % 50}`,
          app_id: `app-${k % 20}`,
          timestamp: new Date(end - HOUR + k * 100).toISOString(),
        }),
      );
      for (let b = 0; b < mine.length; b += 100) {
        const res = await consume(
          kinesisBatch(SHARDS[s] as string, 50_000_000n + BigInt(b), mine.slice(b, b + 100)),
          {},
        );
        if (res.batchItemFailures.length > 0) throw new Error('consume failed in the benchmark');
      }
    }

    const deps = {
      ddb: fake.client,
      eventsTable: names.eventsTable,
      controlTable: names.controlTable,
      cursorKey: ready<Uint8Array>(Buffer.alloc(32, 7)),
      now: () => now,
    };
    const window = { from: new Date(start).toISOString(), to: new Date(end - 1).toISOString() };
    const measure = async <T>(fn: () => Promise<T>) => {
      const ms: number[] = [];
      let out: T | undefined;
      let q = 0;
      let it = 0;
      for (let r = 0; r < opts.runs; r++) {
        const [q0, i0] = [queries, items];
        const t = performance.now();
        out = await fn();
        ms.push(performance.now() - t);
        [q, it] = [queries - q0, items - i0];
      }
      return { out: out as T, ms, queries: q, items: it };
    };
    const cases: Array<[string, Record<string, string>]> = [
      ['24 h by type, totals', { ...window, group_by: 'type' }],
      ['24 h by type, hourly series', { ...window, group_by: 'type', interval: '1h' }],
      ['24 h by app, 5-minute series', { ...window, group_by: 'app_id', interval: '5m' }],
      ['24 h of one source by tenant and type', { ...window, source: 'cis', group_by: 'tenant_id,type' }],
    ];
    const results: AggregateQueryResult[] = [];
    for (const [name, query] of cases) {
      log(`aggregate: ${name}`);
      const m = await measure(() => aggregate(deps, query));
      results.push({
        name,
        query,
        total: m.out.total,
        items_read: m.items,
        queries: m.queries,
        ms_p50: round(median(m.ms), 1),
        ms_p90: round(percentile(m.ms, 90), 1),
      });
    }
    const page = await measure(() => search(deps, { source: 'cis', limit: '100' }));
    return {
      events_counted: perShard * SHARDS.length,
      shards: SHARDS.length,
      counter_items: counterItems,
      projection_seconds: round(projectionSeconds, 1),
      queries: results,
      search_page: {
        stored_events: opts.stored,
        items_read: page.items,
        queries: page.queries,
        ms_p50: round(median(page.ms), 1),
      },
    };
  } finally {
    fake.restore();
  }
}

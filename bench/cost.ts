import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DEFAULT_SEARCH_INDEXES,
  SEARCH_INDEX_NAMES,
  type SearchIndexName,
  searchIndexesValue,
  type TableSpec,
  tablesFor,
} from '../functions/shared/model/index.js';
import { fakeDynamo } from '../test/support/dynamo.js';
import type { CpuPath, CpuResult } from './cpu.js';
import { BENCH_NAMES } from './lib/env.js';
import { APPS, eventGenerator, ingestBody } from './lib/events.js';
import { events as apiEvents, call, consume, loadHandlers } from './lib/harness.js';
import { FakeStream } from './lib/kinesis.js';
import { CostMeter, type Invocation, type StageUsage } from './lib/meter.js';
import { round } from './lib/stats.js';
import { stubSend } from './lib/stub.js';

/**
 * Group 4: what a million events cost on AWS, counted. The real handlers run over N events (ingest at 1, 10
 * and 100 events per request; consume in the event source mapping's batches; a SIEM collecting one stream)
 * with every SDK call metered (see lib/meter.ts), and the counts are multiplied by bench/prices.json.
 */

export interface Price {
  usd: number;
  per: number;
  unit: string;
  source: string;
  read_on: string;
}
export interface Prices {
  region: string;
  read_on: string;
  prices: Record<string, Price>;
}

export interface CostOptions {
  eventsPerRequest: readonly number[];
  /**
   * Other sets of search indexes priced at 100 events per request besides the default (whose set every
   * `eventsPerRequest` scenario uses): each is another deployment's bill.
   */
  indexSets?: ReadonlyArray<readonly SearchIndexName[]>;
  /** Events per scenario. */
  events: number;
  /** The consumer's event source mapping BatchSize (from the synthesized template). */
  consumerBatchSize: number;
  /** The SIEM stream's batch size (the API default). */
  collectBatchSize: number;
  /** Configured memory per function (from the synthesized template). */
  memoryMB: Record<string, number>;
  /** Handler and SDK CPU, from group 1 of the same run. */
  cpu: CpuResult;
  /** The HTTP API stage's access log format from the synthesized template (one line per request). */
  accessLogFormat?: string;
  prices: Prices;
  progress?: (line: string) => void;
}

export interface Component {
  name: string;
  /** What was counted, per event. */
  per_event: Record<string, number>;
  usd_per_million: number;
}

export interface Scenario {
  events_per_request: number;
  /** The deployment's search indexes (searchIndexes). */
  search_indexes: string[];
  events: number;
  usd_per_million: number;
  floor_usd_per_million: number;
  ratio_to_floor: number;
  components: Component[];
  /** Extra for a stream with enrichment on (directory lookups, bigger compute). */
  enrichment_usd_per_million: number;
  /** DynamoDB storage of the events, per month they are retained. */
  storage_usd_per_million_month: number;
  stored_bytes_per_event: number;
  /** Lambda duration not counted above: each 10 ms an invocation waits on AWS APIs adds this much. */
  lambda_wait_usd_per_million_per_10ms: number;
  calls_per_event: Record<string, number>;
}

export interface CostResult {
  region: string;
  prices_read_on: string;
  consumer_batch_size: number;
  collect_batch_size: number;
  /** Lambda gets memory/1769 of a vCPU below 1,769 MB: CPU-bound time stretches by this factor. */
  cpu_scale: Record<string, number>;
  scenarios: Scenario[];
  fixed_usd_per_month: Record<string, number>;
}

/** A function below 1,769 MB gets a proportional share of one vCPU (Lambda developer guide, memory and computing power). */
const FULL_VCPU_MB = 1769;
const cpuScale = (memoryMB: number) => Math.max(1, FULL_VCPU_MB / memoryMB);
const GiB = 1024 ** 3;
/** CloudWatch Logs bills each log event's message plus 26 bytes. */
const LOG_EVENT_OVERHEAD = 26;

/** Representative values of the $context variables an access log format may use (unknown ones log '-'). */
const CONTEXT_SAMPLE: Record<string, string> = {
  requestId: 'fMXgWjQ5IAMEVxA=',
  'identity.sourceIp': '203.0.113.7',
  requestTime: '24/Nov/2026:10:00:00 +0000',
  status: '202',
  responseLatency: '48',
  'authorizer.claims.client_id': '4f8n2k1l7q9r3s5t6u0v1w2x3y',
};

/** Bytes one API request adds to the access log group. */
export function accessLogBytes(format: string | undefined, routeKey: string): number {
  if (!format) return 0;
  const line = format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_m, k: string) =>
    k === 'routeKey' ? routeKey : (CONTEXT_SAMPLE[k] ?? '-'),
  );
  return Buffer.byteLength(line) + LOG_EVENT_OVERHEAD;
}

/** Bytes of the lines Lambda writes for every invocation (text log format: START, END, REPORT). */
export function platformLogBytes(memoryMB: number): number {
  const id = '8f0f6d8a-4a5e-4b7e-9d9a-1c2b3d4e5f60';
  return [
    `START RequestId: ${id} Version: $LATEST\n`,
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: ${memoryMB} MB\tMax Memory Used: 98 MB\t\n`,
  ].reduce((a, l) => a + Buffer.byteLength(l) + LOG_EVENT_OVERHEAD, 0);
}

function usd(prices: Prices, key: string, quantity: number): number {
  const p = prices.prices[key];
  if (!p) throw new Error(`bench/prices.json has no price '${key}'`);
  return (quantity * p.usd) / p.per;
}

/** Handler CPU of one invocation over n events, from the group-1 cell with the nearest batch size. */
function handlerUs(cpu: CpuResult, path: CpuPath, n: number): number {
  const cells = cpu.cells.filter((c) => c.path === path);
  if (cells.length === 0) throw new Error(`no CPU figures for ${path}`);
  const target = Math.max(1, n);
  const best = cells.reduce((a, b) =>
    Math.abs(Math.log(b.batch / target)) < Math.abs(Math.log(a.batch / target)) ? b : a,
  );
  return n === 0 ? best.us_per_invocation / best.batch : best.us_per_event * n;
}

/** Billed Lambda duration of one invocation: handler CPU plus SDK CPU, stretched to the function's CPU share. */
function invocationMs(inv: Invocation, path: CpuPath, cpu: CpuResult, memoryMB: number): number {
  const us =
    handlerUs(cpu, path, inv.events) +
    inv.dynamodbCalls * cpu.sdk.dynamodb_call_us +
    inv.kinesisCalls * cpu.sdk.kinesis_call_us +
    (path === 'ingest' ? inv.events * cpu.sdk.kinesis_record_us : 0);
  return Math.ceil((us / 1000) * cpuScale(memoryMB));
}

interface StageCost {
  components: Map<string, { per: Record<string, number>; usd: number }>;
}

const ROUTES: Record<string, string> = {
  ingest: 'POST /activities/v1/activities',
  collect: 'POST /activities/v1/activities/collect',
};

function priceStage(u: StageUsage, path: CpuPath, fn: string, opts: CostOptions): StageCost {
  const p = opts.prices;
  const mem = opts.memoryMB[fn] ?? 512;
  const gbs = u.invocations.reduce(
    (a, inv) => a + (invocationMs(inv, path, opts.cpu, mem) / 1000) * (mem / 1024),
    0,
  );
  const c = new Map<string, { per: Record<string, number>; usd: number }>();
  c.set('API Gateway', {
    per: { requests: u.api.requests, metered_requests: u.api.meteredRequests },
    usd: usd(p, 'api_gateway_http_request', u.api.meteredRequests),
  });
  c.set('Lambda requests', {
    per: { invocations: u.invocations.length },
    usd: usd(p, 'lambda_request', u.invocations.length),
  });
  c.set('Lambda compute', { per: { gb_seconds: gbs }, usd: usd(p, 'lambda_arm_gb_second', gbs) });
  c.set('Kinesis data in', {
    per: { records: u.kinesis.recordsIn, bytes: u.kinesis.bytesIn, billed_bytes: u.kinesis.billedBytesIn },
    usd: usd(p, 'kinesis_on_demand_data_in_gb', u.kinesis.billedBytesIn / GiB),
  });
  c.set('Kinesis data out', {
    per: { records: u.kinesis.recordsOut, billed_bytes: u.kinesis.billedBytesOut },
    usd: usd(p, 'kinesis_on_demand_data_out_gb', u.kinesis.billedBytesOut / GiB),
  });
  c.set('DynamoDB writes', {
    per: { wru: u.dynamodb.wru, index_wru: u.dynamodb.indexWru },
    usd: usd(p, 'dynamodb_write_request_unit', u.dynamodb.wru),
  });
  c.set('DynamoDB reads', {
    per: { rru: u.dynamodb.rru },
    usd: usd(p, 'dynamodb_read_request_unit', u.dynamodb.rru),
  });
  c.set('S3 requests', {
    per: { puts: u.s3.puts, gets: u.s3.gets },
    usd: usd(p, 's3_put_request', u.s3.puts) + usd(p, 's3_get_request', u.s3.gets),
  });
  c.set('Secrets Manager', {
    per: { gets: u.secrets.gets },
    usd: usd(p, 'secrets_manager_api_call', u.secrets.gets),
  });
  const handlerLogs = u.logs.bytes + u.logs.lines * LOG_EVENT_OVERHEAD;
  const accessLogs = u.api.requests * accessLogBytes(opts.accessLogFormat, ROUTES[fn] ?? fn);
  const platformLogs = u.invocations.length * platformLogBytes(mem);
  c.set('CloudWatch Logs', {
    per: { handler_bytes: handlerLogs, access_log_bytes: accessLogs, lambda_platform_bytes: platformLogs },
    usd: usd(p, 'cloudwatch_logs_ingested_gb', (handlerLogs + accessLogs + platformLogs) / GiB),
  });
  return { components: c };
}

async function scenario(
  k: number,
  opts: CostOptions,
  indexes: readonly SearchIndexName[] = DEFAULT_SEARCH_INDEXES,
): Promise<Scenario> {
  const h = await loadHandlers(indexes);
  const names = { eventsTable: BENCH_NAMES.eventsTable, controlTable: BENCH_NAMES.controlTable };
  const tables = tablesFor(indexes);
  const fake = await fakeDynamo(names, { searchIndexes: indexes });
  fake.restore();
  const specs: Record<string, TableSpec> = {};
  for (const spec of tables) specs[names[spec.resource]] = spec;
  const stream = new FakeStream(4, true);
  const meter = new CostMeter(fake, specs, stream);
  const undo = [
    // Any other AWS client (the base class every SDK client inherits send from) fails the run by name,
    // rather than reaching for the network: a service the meter does not count cannot be priced.
    stubSend({ prototype: Object.getPrototypeOf(DynamoDBClient.prototype) as object }, (op) => {
      throw new Error(
        `cost meter: a handler called ${op} on a client the meter does not count; add it to bench/lib/meter.ts`,
      );
    }),
    stubSend(DynamoDBClient, meter.dynamodb),
    stubSend(KinesisClient, meter.kinesis),
    stubSend(S3Client, meter.s3),
    stubSend(SecretsManagerClient, meter.secrets),
  ];
  try {
    // Setup, not counted: a SIEM's two streams (plain and enriched) and the apps in the directory.
    meter.discard();
    const streamIds: Record<'plain' | 'enriched', string> = { plain: '', enriched: '' };
    for (const kind of ['plain', 'enriched'] as const) {
      const res = await call(
        h.streams,
        apiEvents.createStream({
          name: `cost-${kind}`,
          type: 'cis',
          start_from: 'earliest',
          enrichment: kind === 'enriched',
          batch_size: opts.collectBatchSize,
        }),
        'streams',
        201,
      );
      streamIds[kind] = (JSON.parse(res.body ?? '{}') as { stream_id: string }).stream_id;
    }
    for (const app of APPS)
      await call(
        h.directory,
        apiEvents.putDirectory('apps', app, { name: `The ${app} app` }),
        'directory',
        200,
      );
    stream.clear();

    // Ingest: N events in requests of k.
    meter.stage('ingest');
    const gen = eventGenerator(100 + k, { withIds: 0.5, idPrefix: `cost${k}` });
    for (let left = opts.events; left > 0; left -= k) {
      const body = ingestBody(gen.next(Math.min(k, left)));
      meter.apiRequest(Buffer.byteLength(body));
      await meter.invoke('ingest', Math.min(k, left), () =>
        call(h.ingest, apiEvents.ingest(body), 'ingest', 202),
      );
    }

    // Consume: each shard in the event source mapping's batches.
    meter.stage('consume');
    for (const records of stream.shards.values()) {
      for (let i = 0; i < records.length; i += opts.consumerBatchSize) {
        const batch = records.slice(i, i + opts.consumerBatchSize);
        meter.kinesisRead(batch);
        await meter.invoke('consume', batch.length, () => consume(h.consume, batch));
      }
    }

    // Collect: a SIEM pulls the stream until nothing is waiting.
    for (const kind of ['plain', 'enriched'] as const) {
      const usage = meter.stage(kind === 'plain' ? 'collect' : 'collect_enriched');
      let collected = 0;
      for (let i = 0; ; i++) {
        if (i > opts.events) throw new Error('collect did not finish');
        meter.apiRequest(0);
        const res = await meter.invoke('collect', 0, () =>
          call(h.collect, apiEvents.collect(streamIds[kind]), 'collect', 200),
        );
        const body = JSON.parse(res.body ?? '{}') as { data: unknown[]; has_more: boolean };
        const last = usage.invocations.at(-1);
        if (last) last.events = body.data.length;
        collected += body.data.length;
        if (!body.has_more) break;
      }
      if (collected !== opts.events) throw new Error(`collected ${collected} of ${opts.events} events`);
    }
  } finally {
    for (const u of undo.reverse()) u();
  }

  const stage = (name: string) => meter.stages.get(name) as StageUsage;
  const priced = [
    priceStage(stage('ingest'), 'ingest', 'ingest', opts),
    priceStage(stage('consume'), 'consume', 'consume', opts),
    priceStage(stage('collect'), 'collect', 'collect', opts),
  ];
  const enriched = priceStage(stage('collect_enriched'), 'collect_enriched', 'collect', opts);
  const n = opts.events;
  const perM = (x: number) => (x / n) * 1e6;
  const components: Component[] = [];
  for (const name of priced[0]?.components.keys() ?? []) {
    const per: Record<string, number> = {};
    let total = 0;
    for (const s of priced) {
      const c = s.components.get(name);
      if (!c) continue;
      total += c.usd;
      for (const [q, v] of Object.entries(c.per)) per[q] = (per[q] ?? 0) + v;
    }
    components.push({
      name,
      per_event: Object.fromEntries(Object.entries(per).map(([q, v]) => [q, round(v / n, 6)])),
      usd_per_million: round(perM(total), 4),
    });
  }
  const total = components.reduce((a, c) => a + c.usd_per_million, 0);
  const sum = (s: StageCost) => [...s.components.values()].reduce((a, c) => a + c.usd, 0);
  const floor = usd(opts.prices, 'dynamodb_write_request_unit', 1e6);
  const storedBytes = stage('consume').dynamodb.storedBytes + stage('ingest').dynamodb.storedBytes;
  const invocationsPerEvent = (['ingest', 'consume', 'collect'] as const).map((s) => ({
    s,
    n: stage(s).invocations.length / n,
  }));
  const waitGbs = invocationsPerEvent.reduce(
    (a, { s, n: per }) => a + per * 0.01 * ((opts.memoryMB[s] ?? 512) / 1024),
    0,
  );
  const calls: Record<string, number> = {};
  for (const s of ['ingest', 'consume', 'collect'] as const) {
    const u = stage(s);
    for (const [op, c] of Object.entries(u.dynamodb.calls))
      calls[`dynamodb.${op}`] = (calls[`dynamodb.${op}`] ?? 0) + c;
    if (u.kinesis.putCalls > 0)
      calls['kinesis.PutRecords'] = (calls['kinesis.PutRecords'] ?? 0) + u.kinesis.putCalls;
    calls[`lambda.${s}`] = u.invocations.length;
  }
  return {
    events_per_request: k,
    search_indexes: [...indexes],
    events: n,
    usd_per_million: round(total, 4),
    floor_usd_per_million: round(floor, 4),
    ratio_to_floor: round(total / floor, 2),
    components,
    enrichment_usd_per_million: round(perM(sum(enriched) - sum(priced[2] as StageCost)), 4),
    storage_usd_per_million_month: round(
      perM(usd(opts.prices, 'dynamodb_storage_gb_month', storedBytes / GiB)),
      4,
    ),
    stored_bytes_per_event: Math.round(storedBytes / n),
    lambda_wait_usd_per_million_per_10ms: round(
      perM(usd(opts.prices, 'lambda_arm_gb_second', waitGbs * n)),
      4,
    ),
    calls_per_event: Object.fromEntries(Object.entries(calls).map(([k2, v]) => [k2, round(v / n, 4)])),
  };
}

/** A scenario's column name: `100/request`, `100/request, no search indexes`, `100/request, all 7 indexes`. */
export function scenarioLabel(s: Pick<Scenario, 'events_per_request' | 'search_indexes'>): string {
  const base = `${s.events_per_request}/request`;
  const set = s.search_indexes;
  if (set.length === DEFAULT_SEARCH_INDEXES.length && set.every((n, i) => n === DEFAULT_SEARCH_INDEXES[i]))
    return base;
  if (set.length === 0) return `${base}, no search indexes`;
  if (set.length === SEARCH_INDEX_NAMES.length) return `${base}, all ${set.length} indexes`;
  return `${base}, ${set.join(' + ')}`;
}

/** The scenario at `k` events per request with the default search indexes (or another set). */
export function findScenario(
  c: CostResult,
  k: number,
  set: readonly string[] = DEFAULT_SEARCH_INDEXES,
): Scenario | undefined {
  return c.scenarios.find(
    (s) =>
      s.events_per_request === k &&
      s.search_indexes.length === set.length &&
      s.search_indexes.every((n, i) => n === set[i]),
  );
}

/** Write request units per event of a scenario (all of them, and those of the search indexes). */
export function writeUnits(s: Scenario): { wru: number; index_wru: number } {
  const w = s.components.find((c) => c.name === 'DynamoDB writes')?.per_event ?? {};
  return { wru: w.wru ?? 0, index_wru: w.index_wru ?? 0 };
}

export async function runCost(opts: CostOptions): Promise<CostResult> {
  const log = opts.progress ?? (() => undefined);
  const scenarios: Scenario[] = [];
  const runs: Array<[number, readonly SearchIndexName[]]> = [
    ...opts.eventsPerRequest.map((k): [number, readonly SearchIndexName[]] => [k, DEFAULT_SEARCH_INDEXES]),
    ...(opts.indexSets ?? []).map((set): [number, readonly SearchIndexName[]] => [100, set]),
  ];
  for (const [k, set] of runs) {
    const s = await scenario(k, opts, set);
    log(
      `cost: ${k} events/request, search indexes ${searchIndexesValue(set)}: $${s.usd_per_million} per 1M events (${s.ratio_to_floor}× the floor)`,
    );
    scenarios.push(s);
  }
  return {
    region: opts.prices.region,
    prices_read_on: opts.prices.read_on,
    consumer_batch_size: opts.consumerBatchSize,
    collect_batch_size: opts.collectBatchSize,
    cpu_scale: Object.fromEntries(Object.entries(opts.memoryMB).map(([f, m]) => [f, round(cpuScale(m), 2)])),
    scenarios,
    fixed_usd_per_month: {
      'Kinesis on-demand stream (730 h)': round(usd(opts.prices, 'kinesis_on_demand_stream_hour', 730), 2),
      'KMS customer managed key': round(usd(opts.prices, 'kms_key_month', 1), 2),
    },
  };
}

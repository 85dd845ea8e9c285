import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  type ChunkWrite,
  chunkItems,
  eventItem,
  listWatermarks,
  padSeq,
} from '../functions/shared/log/index.js';

import { TABLES } from '../functions/shared/model/index.js';
import { createTableInput } from '../local/provision.js';
import type { LocalCredentials } from '../local/runner.js';
import { eventGenerator, ingestBody } from './lib/events.js';
import { percentile, round } from './lib/stats.js';
import { ROOT } from './lib/synth.js';

/**
 * Group 3: end to end on the local runner (`npm start`, in a child process, on free ports, fresh data
 * directory). Sustained ingest throughput, how fast the consumer stores it, latency from 202 to collectable
 * through a real stream and the collect API, and beside them the raw rates of the emulators themselves.
 */

export interface E2eOptions {
  /** Seconds of sustained ingest, of the latency run, and of each emulator ceiling. */
  seconds: number;
  /** Requests in flight during the sustained run and the ceilings. */
  concurrency: number;
  eventsPerRequest: number;
  /** Open-loop request rate of the latency run (well below the sustained rate, so it measures the path, not a queue). */
  latencyRequestsPerSecond: number;
  progress?: (line: string) => void;
}

export interface E2eResult {
  events_per_request: number;
  concurrency: number;
  startup_seconds: number;
  ingest: {
    seconds: number;
    requests: number;
    accepted_events: number;
    rejected_requests: number;
    events_per_s: number;
    request_ms_p50: number;
    request_ms_p99: number;
  };
  consume: { stored_events: number; drained_seconds: number; events_per_s: number; drained: boolean };
  /** CPU used per process during the sustained run and its drain, in cores (of the machine's). */
  cores_used: Record<string, number>;
  latency: {
    requests_per_s: number;
    events: number;
    collected: number;
    ms_p50: number;
    ms_p99: number;
    ms_max: number;
  };
  emulators: {
    /** Mean of the rates measured just before and just after the sustained run. */
    /** The Kinesis emulator measured (results before kinesalite have none: kinesis-local). */
    kinesis_emulator?: string;
    kinesis_put_records_per_s: number;
    kinesis_put_records_per_s_before_after: [number, number];
    dynamodb_batch_write_items_per_s: number;
    dynamodb_conditional_puts_per_s: number;
    /** Events/s dynalite could store if it did nothing but the consumer's per-event writes (one claim, one log item). */
    dynamodb_event_ceiling_per_s: number;
  };
  /** Our rate as a share of what the emulator allows. */
  ingest_share_of_kinesis: number;
  consume_share_of_dynamodb: number;
}

const require = createRequire(import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU time of the runner and its emulators, per process kind, from /proc (Linux; empty elsewhere): with five
 * processes on two cores, where the CPU goes says what bounds the pipeline.
 */
function cpuByProcess(rootPid: number | undefined): Record<string, number> {
  if (rootPid === undefined || !existsSync('/proc/self/stat')) return {};
  let ticks = 100;
  try {
    ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    /* the usual value */
  }
  const stats = new Map<number, { ppid: number; cpu: number; cmd: string }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ');
      stats.set(Number(d), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / ticks, cmd });
    } catch {
      /* the process ended meanwhile */
    }
  }
  const out: Record<string, number> = {};
  const visit = (pid: number) => {
    const st = stats.get(pid);
    if (!st) return;
    const kind = /kinesalite/.test(st.cmd)
      ? 'kinesalite'
      : /dynalite/.test(st.cmd)
        ? 'dynalite'
        : /s3rver/.test(st.cmd)
          ? 's3rver'
          : 'runner (gateway, handlers, poller)';
    out[kind] = (out[kind] ?? 0) + st.cpu;
    for (const [child, c] of stats) if (c.ppid === pid) visit(child);
  };
  visit(rootPid);
  return out;
}

export interface Runner {
  pid: number | undefined;
  credentials: LocalCredentials;
  startupSeconds: number;
  stop(): Promise<void>;
}

/** `npm start` itself (tsx local/main.ts), on free ports, with its own data directory. */
export async function startRunner(): Promise<Runner> {
  const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-bench-'));
  const t0 = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), join(ROOT, 'local', 'main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        LOCAL_DATA_DIR: dataDir,
        LOCAL_QUIET: '1',
        LOG_LEVEL: 'ERROR',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(30_000).then(() => true)]);
      if (timedOut) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const file = join(dataDir, 'credentials.json');
  const deadline = Date.now() + 90_000;
  while (!existsSync(file)) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`local runner exited with ${child.exitCode}: ${stderr}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`local runner did not start within 90 s: ${stderr}`);
    }
    await sleep(100);
  }
  await sleep(50); // written in one call; a moment for the write to complete
  const credentials = JSON.parse(readFileSync(file, 'utf8')) as LocalCredentials;
  return { pid: child.pid, credentials, startupSeconds: (Date.now() - t0) / 1000, stop };
}

async function token(c: LocalCredentials): Promise<string> {
  const res = await fetch(c.token_url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

function awsClients(c: LocalCredentials) {
  const config = {
    region: c.aws_credentials.region,
    credentials: {
      accessKeyId: c.aws_credentials.access_key_id,
      secretAccessKey: c.aws_credentials.secret_access_key,
    },
  };
  return {
    ddb: new DynamoDBClient({ ...config, endpoint: c.aws_endpoints.dynamodb }),
    kinesis: new KinesisClient({
      ...config,
      endpoint: c.aws_endpoints.kinesis,
      requestHandler: new NodeHttpHandler(),
    }),
  };
}

/** Events stored so far: the sum of every shard watermark's per-source counts. */
async function storedCount(ddb: DynamoDBClient, table: string): Promise<number> {
  const wms = await listWatermarks(ddb, table);
  return wms.reduce((a, w) => a + Object.values(w.counts).reduce((x, y) => x + y, 0), 0);
}

/** Run `workers` loops of `step` until the deadline; returns the elapsed seconds. */
async function closedLoop(workers: number, seconds: number, step: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) await step();
    }),
  );
  return (performance.now() - t0) / 1000;
}

/** The emulators' raw rates for the calls the pipeline makes, on their own resources (no handler in the way). */
interface Ceilings {
  kinesis: number;
  batchItems: number;
  puts: number;
}

async function ceilings(
  c: LocalCredentials,
  opts: E2eOptions,
  seconds: number,
  sample: Record<string, unknown>,
): Promise<Ceilings> {
  const { ddb, kinesis } = awsClients(c);
  try {
    const stored = {
      id: 'x',
      type: 'user_login',
      source: 'cis' as const,
      tenant_id: 'acme',
      timestamp: new Date().toISOString(),
      received_at: new Date().toISOString(),
      ...sample,
    };
    const data = Buffer.from(JSON.stringify(stored));
    const name = 'bench-ceiling';
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 4 }));
    } catch (err) {
      if ((err as Error).name !== 'ResourceInUseException') throw err;
    }
    for (let i = 0; i < 200; i++) {
      const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
      await sleep(50);
    }
    let records = 0;
    const kSeconds = await closedLoop(opts.concurrency, seconds, async () => {
      const Records = Array.from({ length: opts.eventsPerRequest }, () => ({
        Data: data,
        PartitionKey: `k${Math.random()}`,
      }));
      const res = await kinesis.send(new PutRecordsCommand({ StreamName: name, Records }));
      records += Records.length - (res.FailedRecordCount ?? 0);
    });
    const spec = TABLES.find((t) => t.resource === 'eventsTable') ?? TABLES[0];
    if (!spec) throw new Error('no table spec');
    try {
      await ddb.send(new CreateTableCommand(createTableInput(name, spec)));
    } catch (err) {
      if ((err as Error).name !== 'ResourceInUseException') throw err;
    }
    for (let i = 0; i < 100; i++) {
      const d = await ddb.send(new DescribeTableCommand({ TableName: name }));
      if (d.Table?.TableStatus === 'ACTIVE') break;
      await sleep(50);
    }
    const retention = { cis: 90, verify: 90, risk: 90, admin: 90 };
    const seq = () => padSeq(String(Math.floor(Math.random() * 1e15)));
    let batchItems = 0;
    const bSeconds = await closedLoop(opts.concurrency, seconds, async () => {
      // 25 log items of one event each: the write rate of items, whatever they pack.
      const items = Array.from(
        { length: 25 },
        (_, n) =>
          (
            chunkItems(
              [{ event: stored, shardId: 'shardId-000000000000', seq: seq(), n }],
              retention,
            )[0] as ChunkWrite
          ).item,
      );
      await ddb.send(
        new BatchWriteItemCommand({
          RequestItems: { [name]: items.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
      batchItems += items.length;
    });
    // The consumer claims ids with conditional puts, 16 at a time.
    let puts = 0;
    const pSeconds = await closedLoop(16, seconds, async () => {
      await ddb.send(
        new PutItemCommand({
          TableName: name,
          Item: eventItem({ ...stored, id: `c${Math.random()}` }, 'shardId-000000000000', seq(), retention),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      puts++;
    });
    return { kinesis: records / kSeconds, batchItems: batchItems / bSeconds, puts: puts / pSeconds };
  } finally {
    ddb.destroy();
    kinesis.destroy();
  }
}

export async function runE2e(opts: E2eOptions): Promise<E2eResult> {
  const log = opts.progress ?? (() => undefined);
  const runner = await startRunner();
  log(`e2e: local runner up in ${runner.startupSeconds.toFixed(1)} s`);
  try {
    const c = runner.credentials;
    const { ddb } = awsClients(c);
    const auth = { authorization: `Bearer ${await token(c)}`, 'content-type': 'application/json' };
    const api = `${c.base_url}/activities/v1`;
    const eventsTable = c.resources.eventsTable;

    // 1. Latency from 202 to collectable, on fresh emulators, open loop at a steady moderate rate: a SIEM
    // collecting a stream (start_from now) as fast as it likes, polling again 50 ms after an empty batch.
    const created = await fetch(`${api}/streams`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'bench-latency', type: 'cis', batch_size: 1000 }),
    });
    if (created.status !== 201) throw new Error(`create stream: ${created.status} ${await created.text()}`);
    const streamId = ((await created.json()) as { stream_id: string }).stream_id;
    const rate = opts.latencyRequestsPerSecond;
    const accepted202 = new Map<string, number>();
    const seen = new Map<string, number>();
    const lgen = eventGenerator(12, { withIds: 1, idPrefix: 'e2e-lat' });
    let sending = true;
    let tailDeadline = Number.POSITIVE_INFINITY;
    const collector = (async () => {
      for (;;) {
        if (!sending) {
          if (tailDeadline === Number.POSITIVE_INFINITY) tailDeadline = performance.now() + 30_000;
          const all = [...accepted202.keys()].every((id) => seen.has(id));
          if (all || performance.now() > tailDeadline) return;
        }
        const res = await fetch(`${api}/activities/collect?type=cis&stream_id=${streamId}`, {
          method: 'POST',
          headers: auth,
        });
        const at = performance.now();
        if (res.status !== 200) throw new Error(`collect: ${res.status} ${await res.text()}`);
        const batch = (await res.json()) as { data: Array<{ id: string }>; has_more: boolean };
        for (const e of batch.data) if (!seen.has(e.id)) seen.set(e.id, at);
        if (!batch.has_more) await sleep(50);
      }
    })();
    const sends: Array<Promise<void>> = [];
    const interval = 1000 / rate;
    // The first seconds warm up the runner and the emulators (JIT, connections); their events are not timed.
    const warmupMs = Math.min(3, opts.seconds / 3) * 1000;
    const start = performance.now();
    for (let i = 0; performance.now() - start < warmupMs + opts.seconds * 1000; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await sleep(wait);
      const timed = performance.now() - start >= warmupMs;
      const body = ingestBody(lgen.next(opts.eventsPerRequest));
      sends.push(
        (async () => {
          const res = await fetch(`${api}/activities`, { method: 'POST', headers: auth, body });
          const at = performance.now();
          const out = (await res.json()) as { ids?: string[] };
          if (res.status === 202 && timed) for (const id of out.ids ?? []) accepted202.set(id, at);
        })(),
      );
    }
    await Promise.all(sends);
    sending = false;
    await collector;
    const latencies = [...accepted202].flatMap(([id, at]) => {
      const s = seen.get(id);
      return s === undefined ? [] : [Math.max(0, s - at)];
    });
    log(
      `e2e: latency p50 ${round(percentile(latencies, 50), 1)} ms, p99 ${round(percentile(latencies, 99), 1)} ms`,
    );

    // 2. The emulators' ceilings just before the sustained run...
    const gen = eventGenerator(11, { withIds: 1, idPrefix: 'e2e-load' });
    const sample = gen.next(1)[0] as unknown as Record<string, unknown>;
    const ceilingSeconds = Math.max(0.5, opts.seconds / 4);
    const before = await ceilings(c, opts, ceilingSeconds, sample);

    // 3. ...sustained ingest, closed loop, and until the consumer has stored all of it...
    const storedBefore = await storedCount(ddb, eventsTable);
    const cpuBefore = cpuByProcess(runner.pid);
    const benchCpuBefore = process.cpuUsage();
    let accepted = 0;
    let requests = 0;
    let rejected = 0;
    const requestMs: number[] = [];
    const t0 = performance.now();
    const ingestSeconds = await closedLoop(opts.concurrency, opts.seconds, async () => {
      const body = ingestBody(gen.next(opts.eventsPerRequest));
      const s = performance.now();
      const res = await fetch(`${api}/activities`, { method: 'POST', headers: auth, body });
      const out = (await res.json()) as { accepted?: number };
      requestMs.push(performance.now() - s);
      requests++;
      if (res.status === 202) accepted += out.accepted ?? 0;
      else rejected++;
    });
    log(`e2e: ingest ${Math.round(accepted / ingestSeconds)} events/s`);
    let stored = 0;
    let drained = false;
    const drainDeadline = performance.now() + Math.max(30, opts.seconds * 6) * 1000;
    while (performance.now() < drainDeadline) {
      stored = (await storedCount(ddb, eventsTable)) - storedBefore;
      if (stored >= accepted) {
        drained = true;
        break;
      }
      await sleep(50);
    }
    const drainedSeconds = (performance.now() - t0) / 1000;
    const storedRate = stored / drainedSeconds;
    const cpuAfter = cpuByProcess(runner.pid);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const coresUsed: Record<string, number> = {};
    for (const [kind, s2] of Object.entries(cpuAfter))
      coresUsed[kind] = round((s2 - (cpuBefore[kind] ?? 0)) / drainedSeconds, 2);
    coresUsed['load generator (this process)'] = round(
      (benchCpu.user + benchCpu.system) / 1e6 / drainedSeconds,
      2,
    );
    log(`e2e: consumer ${Math.round(storedRate)} events/s${drained ? '' : ' (did not drain)'}`);
    ddb.destroy();

    // 4. ...and just after it: an emulator may slow down as the data it keeps grows, so the ceiling is the
    // mean of the two, taken over the same growth the pipeline saw.
    const after = await ceilings(c, opts, ceilingSeconds, sample);
    const mean = (k: keyof Ceilings) => (before[k] + after[k]) / 2;
    // Per event the consumer makes one conditional put and a share of one batched item (a log chunk per
    // source of a consumer batch): the puts bound it.
    const ddbCeiling = (x: Ceilings) => x.puts;
    const kRate = mean('kinesis');
    const ddbRate = (ddbCeiling(before) + ddbCeiling(after)) / 2;
    log(
      `e2e: kinesalite ${Math.round(before.kinesis)} → ${Math.round(after.kinesis)} records/s, dynalite ${Math.round(mean('batchItems'))} batch items/s, ${Math.round(mean('puts'))} puts/s`,
    );

    const ingestRate = accepted / ingestSeconds;
    return {
      events_per_request: opts.eventsPerRequest,
      concurrency: opts.concurrency,
      startup_seconds: round(runner.startupSeconds, 1),
      ingest: {
        seconds: round(ingestSeconds, 1),
        requests,
        accepted_events: accepted,
        rejected_requests: rejected,
        events_per_s: round(ingestRate, 0),
        request_ms_p50: round(percentile(requestMs, 50), 1),
        request_ms_p99: round(percentile(requestMs, 99), 1),
      },
      consume: {
        stored_events: stored,
        drained_seconds: round(drainedSeconds, 1),
        events_per_s: round(storedRate, 0),
        drained,
      },
      cores_used: coresUsed,
      latency: {
        requests_per_s: round(rate, 1),
        events: accepted202.size,
        collected: latencies.length,
        ms_p50: round(percentile(latencies, 50), 1),
        ms_p99: round(percentile(latencies, 99), 1),
        ms_max: round(Math.max(...latencies), 1),
      },
      emulators: {
        kinesis_emulator: 'kinesalite',
        kinesis_put_records_per_s: round(kRate, 0),
        kinesis_put_records_per_s_before_after: [round(before.kinesis, 0), round(after.kinesis, 0)],
        dynamodb_batch_write_items_per_s: round(mean('batchItems'), 0),
        dynamodb_conditional_puts_per_s: round(mean('puts'), 0),
        dynamodb_event_ceiling_per_s: round(ddbRate, 0),
      },
      ingest_share_of_kinesis: round(ingestRate / kRate, 3),
      consume_share_of_dynamodb: round(storedRate / ddbRate, 3),
    };
  } finally {
    await runner.stop();
  }
}

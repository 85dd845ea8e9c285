import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { buildConsole, latestConsoleBuild } from '../console/build.js';
import { closeKafkaProducers } from '../functions/shared/destinations/index.js';
import type { StreamRun } from '../functions/shared/export/index.js';
import { HANDLER_NAMES, HANDLERS } from '../functions/shared/handlers.js';
import { getWatermark, unpadSeq } from '../functions/shared/log/index.js';
import {
  DEFAULT_SEARCH_INDEXES,
  ENV,
  type EnvKey,
  parseSearchIndexes,
  physicalName,
  type ResourceKey,
  type SearchIndexName,
  searchIndexesValue,
} from '../functions/shared/model/index.js';
import { destroyClients } from '../functions/shared/platform/clients/registry.js';
import {
  type ConfigEnvKey,
  ENV_ORIGIN,
  type HttpEvent,
  type HttpResult,
  logger,
} from '../functions/shared/platform/index.js';
import { pendingReportIds, reportMessage } from '../functions/shared/reports/index.js';
import { type HttpHandlerName, ROUTES } from '../functions/shared/routes.js';
import { LocalAuth } from './auth.js';
import { type EmulatorPorts, startEmulators } from './emulators.js';
import { writeFileAtomic } from './files.js';
import { type ApiExchange, type Gateway, lambdaContext, startGateway } from './gateway.js';
import { migrateKinesisLocal } from './migrate.js';
import { LocalPeople, type TokenTrigger } from './people.js';
import { type ConsumeHandler, ShardPoller } from './poller.js';
import { assertPortFree, freePort } from './processes.js';
import { provisionBuckets, provisionStream, provisionTables, type TableUpgrade } from './provision.js';
import { Schedule } from './schedule.js';
import { LocalSecretsManager } from './secrets-manager.js';
import { LocalQueues } from './sqs.js';

const LOCAL_PREFIX = 'local';
/** The local cursor key's secret name. */
const CURSOR_KEY_SECRET = 'activity-events/local/cursor-key';
/** s3rver's built-in account; dynalite and kinesalite accept any credentials. */
const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

export interface LocalOptions {
  /** Gateway port; 0 picks a free one. Emulator ports default to port+1..port+4 (free ones when port is 0). */
  port?: number;
  host?: string;
  dataDir?: string;
  emulatorPorts?: Partial<EmulatorPorts & { secrets: number; sqs: number }>;
  shards?: number;
  pollIdleMs?: number;
  retentionDays?: string;
  /**
   * The search indexes (default: SEARCH_INDEXES of the environment, else by_source and by_user). The events
   * table's indexes are brought to this set on start (docs/search.md).
   */
  searchIndexes?: readonly SearchIndexName[];
  /** How often the exporter runs (default 5 s; 0 disables the schedule, runExport() still works). */
  exportIntervalMs?: number;
  /** Exporter settings, as the stack props set them on AWS. */
  export?: {
    pauseAfterHours?: number;
    hecMaxBatchBytes?: number;
    buckets?: string[];
    allowPrivateCidrs?: string[];
  };
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  /** Every answer to an API request, with its headers and body (the tests check each against the contract). */
  onApiResponse?: (r: ApiExchange) => void;
}

export interface LocalCredentials {
  base_url: string;
  token_url: string;
  client_id: string;
  client_secret: string;
  scopes: string[];
  aws_endpoints: { kinesis: string; dynamodb: string; s3: string; secretsmanager: string; sqs: string };
  aws_credentials: { access_key_id: string; secret_access_key: string; region: string };
  resources: Record<ResourceKey, string>;
  /** The console, and the admin who can sign in to it. */
  console_url: string;
  console_user: string;
  console_password: string;
}

export interface LocalRunner {
  credentials: LocalCredentials;
  dataDir: string;
  /** The local Secrets Manager (destination secrets for s3/gcs/splunk streams). */
  secrets: LocalSecretsManager;
  /** The search indexes the handlers use and the events table has. */
  searchIndexes: readonly SearchIndexName[];
  /** The tables this start rebuilt to bring their indexes to the configuration (none when they matched). */
  upgrades: TableUpgrade[];
  /** Run the exporter once now (after any run in progress), as the schedule would. */
  runExport(): Promise<{ streams: StreamRun[] } | undefined>;
  stop(): Promise<void>;
}

/**
 * The environment every handler of the wiring table reads: resource names, the deployment settings given (the
 * others keep their defaults from env.ts), and what only the local runner sets. Fails on a resource variable
 * some handler reads and nothing provides, so a new row cannot start half-configured.
 */
function handlerEnvironment(
  resources: Partial<Record<EnvKey, string>>,
  settings: Partial<Record<ConfigEnvKey, string | undefined>>,
  local: Partial<Record<EnvKey, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of HANDLER_NAMES) {
    for (const key of HANDLERS[name].env) {
      const origin = ENV_ORIGIN[key];
      const value =
        origin === 'resource'
          ? resources[key]
          : origin === 'local'
            ? local[key]
            : settings[key as ConfigEnvKey];
      if (value !== undefined) out[ENV[key]] = value;
      else if (origin === 'resource') throw new Error(`the local runner has no ${key} for ${name}`);
    }
  }
  return out;
}

/** SEARCH_INDEXES of the environment (unset or empty: the default set); a wrong value is an error naming it. */
function searchIndexesSetting(value: string | undefined): readonly SearchIndexName[] {
  if (!value?.trim()) return DEFAULT_SEARCH_INDEXES;
  try {
    return parseSearchIndexes(value);
  } catch (err) {
    throw new Error(`${ENV.searchIndexes}=${value}: ${(err as Error).message}`);
  }
}

const names = (): Record<ResourceKey, string> => ({
  eventsTable: physicalName(LOCAL_PREFIX, 'eventsTable'),
  controlTable: physicalName(LOCAL_PREFIX, 'controlTable'),
  eventStream: physicalName(LOCAL_PREFIX, 'eventStream'),
  exportBucket: physicalName(LOCAL_PREFIX, 'exportBucket'),
  failedBucket: physicalName(LOCAL_PREFIX, 'failedBucket'),
  reportsBucket: physicalName(LOCAL_PREFIX, 'reportsBucket'),
});

async function emulatorPorts(
  port: number,
  given: Partial<EmulatorPorts & { secrets: number; sqs: number }> = {},
) {
  const pick = async (offset: number, v?: number) => v ?? (port === 0 ? await freePort() : port + offset);
  // The in-process servers listen on port 0 themselves when asked for any port: no window in which another
  // socket can take a port picked for them.
  const inProcess = (offset: number, v?: number) => v ?? (port === 0 ? 0 : port + offset);
  return {
    dynamodb: await pick(1, given.dynamodb),
    kinesis: await pick(2, given.kinesis),
    s3: await pick(4, given.s3),
    secrets: inProcess(5, given.secrets),
    sqs: inProcess(6, given.sqs),
  };
}

/**
 * Run the whole system on loopback: emulators, provisioning, the gateway over the shared route table, the
 * shard poller feeding the consume handler. The handlers are the Lambda handlers themselves, imported
 * in-process after the environment they validate at cold start has been set.
 */
export async function startLocal(opts: LocalOptions = {}): Promise<LocalRunner> {
  // The settings first: a wrong one stops the start before anything runs, naming it.
  const searchIndexes = opts.searchIndexes ?? searchIndexesSetting(process.env[ENV.searchIndexes]);
  const dataDir = resolve(opts.dataDir ?? '.local');
  mkdirSync(dataDir, { recursive: true });
  const port = opts.port ?? 4000;
  const host = opts.host ?? '127.0.0.1';
  const res = names();
  const ports = await emulatorPorts(port, opts.emulatorPorts);
  await assertPortFree(ports.secrets, 'secrets manager');
  await assertPortFree(ports.sqs, 'sqs');
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      for (const s of [...stops].reverse())
        await s().catch((err) => logger.warn('stop failed', { error: err as Error }));
    })();
    return stopping;
  };
  const emulators = await startEmulators(dataDir, ports);
  stops.push(() => emulators.stop());
  // From here on, a failure stops what was started (emulators are child processes that would outlive us).
  try {
    const secrets = new LocalSecretsManager(join(dataDir, 'secrets.json'));
    const secretsUrl = `http://127.0.0.1:${await secrets.listen(ports.secrets)}`;
    stops.push(() => secrets.close());
    const queues = new LocalQueues(join(dataDir, 'queue-dlq.jsonl'));
    const sqsUrl = await queues.listen(ports.sqs);
    // Closed here if start fails; once started, earlier in the stop order (see below).
    stops.push(() => queues.close());
    // Reports are generated by the report worker, fed by the reports queue (an SQS event source on AWS).
    let loadWorker: (() => Promise<unknown>) | undefined;
    // The key cursors are sealed with, kept in the local Secrets Manager like the stack's secret on AWS.
    const cursorKeySecret = secrets.ensure(CURSOR_KEY_SECRET, () => randomBytes(32).toString('hex'));
    const reportsQueueUrl = queues.subscribe('local-reports', 'report-worker', async (event, context) => {
      const worker = (await loadWorker?.()) as (e: unknown, c: unknown) => Promise<SQSBatchResponse>;
      return worker(event, context);
    });
    const env: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
      AWS_ENDPOINT_URL_KINESIS: emulators.endpoints.kinesis,
      AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
      AWS_ENDPOINT_URL_SQS: sqsUrl,
      // s3rver (and GCS) take plain uploads: checksums only where an operation requires them.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      ...handlerEnvironment(
        { ...res, reportsQueueUrl, cursorKeySecret },
        {
          retentionDays: opts.retentionDays ?? process.env[ENV.retentionDays],
          searchIndexes: searchIndexesValue(searchIndexes),
          exportBuckets: opts.export?.buckets?.join(','),
          // Destinations on this machine (a HEC on loopback) are what local mode is for.
          destinationAllowCidrs: ['127.0.0.0/8', '::1/128', ...(opts.export?.allowPrivateCidrs ?? [])].join(
            ',',
          ),
          pauseAfterHours: opts.export?.pauseAfterHours?.toString(),
          hecMaxBatchBytes: opts.export?.hecMaxBatchBytes?.toString(),
        },
        // GCS streams go to s3rver locally, through the same S3-interoperable code path.
        { s3ForcePathStyle: 'true', gcsEndpoint: emulators.endpoints.s3 },
      ),
    };
    Object.assign(process.env, env);
    delete process.env.AWS_PROFILE;
    // Local tables are rebuilt to the configured indexes at once: there is no migration to step through.
    delete process.env[ENV.searchIndexMigration];

    const clientConfig = { region: REGION, credentials: LOCAL_AWS_CREDENTIALS };
    const ddb = new DynamoDBClient({ ...clientConfig, endpoint: emulators.endpoints.dynamodb });
    const kinesis = new KinesisClient({
      ...clientConfig,
      endpoint: emulators.endpoints.kinesis,
      requestHandler: new NodeHttpHandler(),
    });
    const s3 = new S3Client({ ...clientConfig, endpoint: emulators.endpoints.s3, forcePathStyle: true });
    stops.push(async () => {
      // Idle keep-alive sockets would hold an emulator's graceful shutdown open.
      for (const c of [ddb, kinesis, s3]) c.destroy();
      destroyClients();
    });
    const upgrades = await provisionTables(
      ddb,
      { eventsTable: res.eventsTable, controlTable: res.controlTable },
      // A rebuild keeps the table's items in the data directory until they are back.
      { searchIndexes, dumpDir: dataDir },
    );
    for (const u of upgrades)
      logger.info('table upgraded to the configured search indexes', {
        table: u.table,
        removed: u.removed,
        added: u.added,
        items: u.items,
      });
    await provisionStream(kinesis, res.eventStream, opts.shards ?? 4);
    await migrateKinesisLocal(dataDir, {
      kinesis,
      ddb,
      eventsTable: res.eventsTable,
      streamName: res.eventStream,
    });
    await provisionBuckets(s3, [res.exportBucket, res.failedBucket, res.reportsBucket]);
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: res.eventStream }));
    // The local queue lives in memory: reports a previous run left pending are queued again.
    for (const id of await pendingReportIds({ ddb, controlTable: res.controlTable })) {
      queues.enqueue(reportsQueueUrl, reportMessage(id));
    }

    const modules = new Map<string, Promise<{ handler: unknown }>>();
    const load = (name: string) => {
      let m = modules.get(name);
      if (!m) {
        m = import(`../functions/${name}/handler.ts`) as Promise<{ handler: unknown }>;
        modules.set(name, m);
      }
      return m;
    };
    loadWorker = async () => (await load('report-worker')).handler;

    const consume = (await load('consume')).handler as ConsumeHandler;
    const poller = new ShardPoller({
      kinesis,
      streamName: res.eventStream,
      streamArn: summary.StreamDescriptionSummary?.StreamARN ?? '',
      handler: consume,
      idleMs: opts.pollIdleMs ?? 100,
      dlqFile: join(dataDir, 'consume-dlq.jsonl'),
      startAfter: async (shardId) => {
        const wm = await getWatermark(ddb, res.eventsTable, shardId);
        return wm.seq ? unpadSeq(wm.seq) : undefined;
      },
    });
    await poller.start();
    stops.push(() => poller.stop());

    const auth = new LocalAuth(join(dataDir, 'auth.json'));
    // The console, built from source when it changed since the last build (cached by a hash of the sources).
    const built = await buildConsole();
    const people = new LocalPeople(
      join(dataDir, 'people.json'),
      async () => (await load('sign-in')).handler as TokenTrigger,
    );
    const gateway: Gateway = await startGateway({
      port,
      host,
      auth,
      site: { dist: () => latestConsoleBuild() ?? built.dir, people, auth },
      routes: ROUTES,
      invoke: async (name: HttpHandlerName, event: HttpEvent, context: Context) => {
        const handler = (await load(name)).handler as (e: HttpEvent, c: Context) => Promise<HttpResult>;
        return handler(event, context);
      },
      ...(opts.onRequest ? { onResponse: opts.onRequest } : {}),
      ...(opts.onApiResponse ? { onApiResponse: opts.onApiResponse } : {}),
    });
    stops.push(() => gateway.close());

    const exporter = (await load('export')).handler as (
      e: unknown,
      c: Context,
    ) => Promise<{ streams: StreamRun[] }>;
    const schedule = new Schedule(
      () =>
        exporter(
          { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
          lambdaContext('export'),
        ),
      opts.exportIntervalMs ?? Number(process.env.EXPORT_INTERVAL_MS ?? 5_000),
      (err) => logger.error('export run failed', { error: err as Error }),
    );
    schedule.start();
    // Stopped right after the gateway (so no new work arrives), while the emulators and clients are still up
    // (closing the queues again later in the order is a no-op).
    stops.splice(stops.length - 1, 0, () => schedule.stop());
    // Kafka producers the exporter kept between runs (as a warm Lambda does) hold connections to the brokers.
    stops.splice(stops.length - 1, 0, () => closeKafkaProducers());
    stops.splice(stops.length - 1, 0, () => queues.close());

    const baseUrl = `http://${host}:${gateway.port}`;
    const client = auth.managementClient;
    const credentials: LocalCredentials = {
      base_url: baseUrl,
      token_url: `${baseUrl}/oauth2/token`,
      client_id: client.client_id,
      client_secret: client.client_secret,
      scopes: client.scopes,
      aws_endpoints: { ...emulators.endpoints, secretsmanager: secretsUrl, sqs: sqsUrl },
      aws_credentials: {
        access_key_id: LOCAL_AWS_CREDENTIALS.accessKeyId,
        secret_access_key: LOCAL_AWS_CREDENTIALS.secretAccessKey,
        region: REGION,
      },
      resources: res,
      console_url: `${baseUrl}/`,
      console_user: people.admin.email,
      console_password: people.admin.password,
    };
    writeFileAtomic(join(dataDir, 'credentials.json'), `${JSON.stringify(credentials, null, 2)}\n`);
    return {
      credentials,
      dataDir,
      secrets,
      searchIndexes,
      upgrades,
      runExport: () => schedule.runNow(),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

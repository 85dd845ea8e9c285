import type { EnvKey } from './model/index.js';
import type { HttpHandlerName } from './routes.js';

/**
 * The wiring table: every Lambda function, declared once. For each: the environment its handler reads (and so
 * exactly what the CDK stack sets and the local runner provides), the resources it may touch (each granted with
 * the least access and its name injected as its env variable), how it is triggered, and its sizing. The CDK
 * constructs build every function from its row (lib/service-function.ts `handlerFunction`), the handlers read
 * their env with `readHandlerEnv(<name>)`, and the local runner takes timeouts and receive counts from here.
 * Routes are in routes.ts; this table says what each handler is.
 */

export type Access = 'read' | 'write' | 'readwrite';

/** Resources a function may be granted. `name` injects the resource's name without any access to it. */
export interface ResourceAccess {
  eventsTable?: Access;
  controlTable?: Access;
  eventStream?: 'read' | 'write';
  exportBucket?: Access | 'name';
  failedBucket?: Access;
  reportsBucket?: Access;
  /** Send messages to the reports queue (its URL injected). */
  reportsQueue?: 'send';
  /** Read the key collect and search cursors are sealed with (its secret's ARN injected). */
  cursorKey?: 'read';
  /** Deliver to pushed destinations: read the destination secrets under the secrets prefix, write the buckets s3 streams may name. */
  destinations?: 'deliver';
}

export type Trigger =
  | { kind: 'http' }
  | { kind: 'kinesis' }
  | { kind: 'schedule' }
  /** The Cognito user pool's pre token generation trigger (V2: access token scopes). */
  | { kind: 'cognito-pre-token' }
  /** Messages delivered this many times are given up on (the queue's maxReceiveCount). */
  | { kind: 'sqs'; batchSize: number; maxReceives: number };

export interface HandlerSpec {
  /** Shown as the function's description. */
  description: string;
  trigger: Trigger;
  /** The variables the handler validates at cold start. */
  env: readonly EnvKey[];
  access: ResourceAccess;
  /** Default memory (MB); the consumer's is a deployment setting. */
  memorySize: number;
  timeoutSeconds: number;
  /**
   * Packages kept out of the bundle and shipped beside it, in the function's node_modules: loaded on first use
   * (`import()`), so only the invocations that need them pay for loading them.
   */
  shipped?: readonly string[];
}

export type HandlerName = HttpHandlerName | 'consume' | 'export' | 'report-worker' | 'sign-in';

const HTTP = { kind: 'http' } as const;
/** API Gateway's integration timeout: an HTTP handler cannot usefully run longer. */
const API_TIMEOUT = 29;

/** What the exporter and redrive read: stream state, the log, the buckets and secrets of delivery, audit events. */
const DELIVERY_ENV = [
  'eventsTable',
  'controlTable',
  'eventStream',
  'exportBucket',
  'failedBucket',
  'exportBuckets',
  'secretsPrefix',
  'destinationAllowCidrs',
  's3ForcePathStyle',
  'gcsEndpoint',
  'hecMaxBatchBytes',
  'pauseAfterHours',
] as const;
/**
 * The Kafka client (destinations/kafka.ts): 270 KB minified, more than a whole bundle may weigh, and needed
 * only by kafka streams. Shipped beside the bundles of the functions that deliver.
 */
export const DELIVERY_PACKAGES = ['kafkajs'] as const;
const DELIVERY_ACCESS = {
  eventsTable: 'read',
  controlTable: 'readwrite',
  eventStream: 'write',
  exportBucket: 'write',
  failedBucket: 'readwrite',
  destinations: 'deliver',
} as const;

/** What a search needs to plan: the deployed search indexes, and the migration step while one is under way. */
const SEARCH_ENV = ['searchIndexes', 'searchIndexMigration'] as const;

export const HANDLERS = {
  ingest: {
    description: 'POST /activities: validate and put events on the stream',
    trigger: HTTP,
    env: ['eventStream'],
    access: { eventStream: 'write' },
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  activities: {
    description: 'GET /activities (search) and GET /activities/{id} (details, enriched)',
    trigger: HTTP,
    env: ['eventsTable', 'controlTable', 'cursorKeySecret', ...SEARCH_ENV],
    access: { eventsTable: 'read', controlTable: 'read', cursorKey: 'read' },
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  'event-types': {
    description: 'GET /event-types: the event catalog',
    trigger: HTTP,
    env: [],
    access: {},
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  streams: {
    description: 'Stream management (config, health, start markers, audit events)',
    trigger: HTTP,
    // The destination checks: which buckets and secrets the exporter will be able to use.
    env: [
      'eventsTable',
      'controlTable',
      'eventStream',
      'exportBucket',
      'exportBuckets',
      'secretsPrefix',
      'destinationAllowCidrs',
    ],
    access: { controlTable: 'readwrite', eventsTable: 'read', eventStream: 'write', exportBucket: 'name' },
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  collect: {
    description: 'POST /activities/collect: next batch of a custom stream',
    trigger: HTTP,
    env: ['eventsTable', 'controlTable', 'cursorKeySecret'],
    access: { controlTable: 'readwrite', eventsTable: 'read', cursorKey: 'read' },
    memorySize: 1024,
    timeoutSeconds: API_TIMEOUT,
  },
  directory: {
    description: 'PUT /directory/{kind}/{id}: enrichment directory bulk sync',
    trigger: HTTP,
    env: ['controlTable', 'eventStream'],
    access: { controlTable: 'readwrite', eventStream: 'write' },
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  redrive: {
    description: 'POST /streams/{id}/redrive: re-deliver failed batches',
    trigger: HTTP,
    env: DELIVERY_ENV,
    access: DELIVERY_ACCESS,
    shipped: DELIVERY_PACKAGES,
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  analytics: {
    description: 'GET /analytics/journeys: journey analytics from counters and session durations',
    trigger: HTTP,
    env: ['eventsTable', 'controlTable', 'cursorKeySecret', ...SEARCH_ENV],
    access: { eventsTable: 'read', controlTable: 'read', cursorKey: 'read' },
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  reports: {
    description: 'POST /reports and GET /reports/{id}: report requests and downloads',
    trigger: HTTP,
    env: [
      'eventsTable',
      'controlTable',
      'eventStream',
      'reportsBucket',
      'reportsQueueUrl',
      'reportUrlTtl',
      'reportRetentionDays',
      's3ForcePathStyle',
      ...SEARCH_ENV,
    ],
    access: {
      eventsTable: 'read',
      controlTable: 'readwrite',
      eventStream: 'write',
      reportsBucket: 'read',
      reportsQueue: 'send',
    },
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  me: {
    description: 'GET /me and POST /me/sign-out: who the caller is; console sign-outs (adminLogout)',
    trigger: HTTP,
    env: ['eventStream'],
    access: { eventStream: 'write' },
    memorySize: 512,
    timeoutSeconds: API_TIMEOUT,
  },
  openapi: {
    description: 'GET /openapi.json: the API as an OpenAPI 3.1 document (docs/openapi.json), public',
    trigger: HTTP,
    env: ['tokenUrl'],
    access: {},
    memorySize: 256,
    timeoutSeconds: API_TIMEOUT,
  },
  'sign-in': {
    description: "Console sign-in: token scopes from the person's groups, recorded as adminLogin",
    trigger: { kind: 'cognito-pre-token' },
    env: ['eventStream'],
    access: { eventStream: 'write' },
    memorySize: 512,
    // Cognito waits at most 5 seconds for a trigger.
    timeoutSeconds: 5,
  },
  consume: {
    description: 'Kinesis consumer: stores events keyed by stream position and advances shard watermarks',
    trigger: { kind: 'kinesis' },
    // The index keys it writes on id items: those of the deployed search indexes.
    env: ['eventsTable', 'controlTable', 'retentionDays', 'searchIndexes'],
    access: { eventsTable: 'readwrite', controlTable: 'readwrite' },
    memorySize: 1024,
    timeoutSeconds: 60,
  },
  export: {
    description: 'Scheduled exporter: delivers s3, gcs, splunk and kafka streams',
    trigger: { kind: 'schedule' },
    env: DELIVERY_ENV,
    access: DELIVERY_ACCESS,
    shipped: DELIVERY_PACKAGES,
    memorySize: 1024,
    timeoutSeconds: 300,
  },
  'report-worker': {
    description: 'Generates report objects from searches',
    trigger: { kind: 'sqs', batchSize: 1, maxReceives: 3 },
    env: [
      'eventsTable',
      'controlTable',
      'eventStream',
      'reportsBucket',
      's3ForcePathStyle',
      'cursorKeySecret',
      ...SEARCH_ENV,
    ],
    access: {
      eventsTable: 'read',
      controlTable: 'readwrite',
      eventStream: 'write',
      reportsBucket: 'write',
      cursorKey: 'read',
    },
    memorySize: 1024,
    timeoutSeconds: 900,
  },
} as const satisfies Record<HandlerName, HandlerSpec>;

export const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];

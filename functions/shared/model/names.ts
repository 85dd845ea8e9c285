/**
 * One source of truth for resource names, table layouts and environment variable names.
 * The CDK stack and the local runner both read these; handlers read the env names.
 */

/** Logical suffixes of physical resource names. CDK prefixes them with the stack name, the local runner with "local". */
export const RESOURCE_SUFFIX = {
  eventsTable: 'events',
  controlTable: 'control',
  eventStream: 'events',
  exportBucket: 'exports',
  failedBucket: 'failed-batches',
  reportsBucket: 'reports',
} as const;

export type ResourceKey = keyof typeof RESOURCE_SUFFIX;

export function physicalName(prefix: string, key: ResourceKey): string {
  return `${prefix}-${RESOURCE_SUFFIX[key]}`.toLowerCase();
}

/** Key schema shared by both tables: generic string partition and sort keys, and a TTL attribute. */
export const TABLE_KEYS = { pk: 'pk', sk: 'sk', ttl: 'expires_at' } as const;

/** Environment variable names, validated with zod at cold start (see env.ts). */
export const ENV = {
  eventsTable: 'EVENTS_TABLE',
  controlTable: 'CONTROL_TABLE',
  eventStream: 'EVENT_STREAM',
  retentionDays: 'RETENTION_DAYS',
  exportBucket: 'EXPORT_BUCKET',
  failedBucket: 'FAILED_BUCKET',
  reportsBucket: 'REPORTS_BUCKET',
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  /** Buckets s3 streams may name (comma-separated); the default export bucket is always allowed. */
  exportBuckets: 'EXPORT_BUCKETS',
  /** Secret names streams may reference must start with this (the exporter can read only those). */
  secretsPrefix: 'SECRETS_PREFIX',
  /** The GCS XML API endpoint (overridden locally and in tests). */
  gcsEndpoint: 'GCS_ENDPOINT',
  hecMaxBatchBytes: 'HEC_MAX_BATCH_BYTES',
  /** Hours a push stream may keep failing before it is paused. */
  pauseAfterHours: 'PAUSE_AFTER_HOURS',
  reportsQueueUrl: 'REPORTS_QUEUE_URL',
  /** Seconds a report download URL stays valid. */
  reportUrlTtl: 'REPORT_URL_TTL_SECONDS',
  /** Days a report (its record and its object) is kept. */
  reportRetentionDays: 'REPORT_RETENTION_DAYS',
  /** Private (or loopback) CIDRs pushed destinations may reach nonetheless, comma-separated. */
  destinationAllowCidrs: 'DESTINATION_ALLOW_CIDRS',
  /** The Secrets Manager secret holding the key collect and search cursors are sealed with. */
  cursorKeySecret: 'CURSOR_KEY_SECRET',
  /** The OAuth 2.0 token endpoint clients get their tokens from (named in the served OpenAPI document). */
  tokenUrl: 'TOKEN_URL',
  /** The search indexes deployed (comma-separated names, or `none`): what the consumer writes and search plans over. */
  searchIndexes: 'SEARCH_INDEXES',
  /** While a 1.x stack's indexes are migrated: the step deployed (docs/migration.md); empty otherwise. */
  searchIndexMigration: 'SEARCH_INDEX_MIGRATION',
} as const;

export type EnvKey = keyof typeof ENV;

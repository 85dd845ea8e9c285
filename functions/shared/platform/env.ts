import * as z from 'zod';
import { HANDLERS, type HandlerName } from '../handlers.js';
import {
  DEFAULT_SEARCH_INDEXES,
  ENV,
  type EnvKey,
  parseSearchIndexes,
  type SearchIndexName,
  SOURCES,
  type Source,
  searchIndexesValue,
} from '../model/index.js';

/**
 * Where each variable's value comes from:
 *   resource  the name of a table, stream, bucket or queue the function is granted (handlers.ts `access`)
 *   config    a deployment setting (stack prop / local runner option); its default is here and only here
 *   local     only the local runner sets it (emulator endpoints and quirks); on AWS the default applies
 */
export const ENV_ORIGIN = {
  eventsTable: 'resource',
  controlTable: 'resource',
  eventStream: 'resource',
  exportBucket: 'resource',
  failedBucket: 'resource',
  reportsBucket: 'resource',
  reportsQueueUrl: 'resource',
  cursorKeySecret: 'resource',
  retentionDays: 'config',
  exportBuckets: 'config',
  secretsPrefix: 'config',
  destinationAllowCidrs: 'config',
  hecMaxBatchBytes: 'config',
  pauseAfterHours: 'config',
  reportUrlTtl: 'config',
  reportRetentionDays: 'config',
  tokenUrl: 'config',
  searchIndexes: 'config',
  searchIndexMigration: 'config',
  s3ForcePathStyle: 'local',
  gcsEndpoint: 'local',
} as const satisfies Record<EnvKey, 'resource' | 'config' | 'local'>;

export type ConfigEnvKey = { [K in EnvKey]: (typeof ENV_ORIGIN)[K] extends 'config' ? K : never }[EnvKey];

/** The defaults of the deployment settings (the stack and the local runner pass a value only when one is set). */
export const ENV_DEFAULTS = {
  retentionDays: '90',
  exportBuckets: '',
  secretsPrefix: 'activity-events/',
  destinationAllowCidrs: '',
  hecMaxBatchBytes: 1_000_000,
  pauseAfterHours: 24,
  reportUrlTtl: 600,
  reportRetentionDays: 7,
  // None: the request's own origin (the local runner serves its token endpoint beside the API).
  tokenUrl: '',
  // by_source and by_user (model/tables.ts, docs/search.md).
  searchIndexes: searchIndexesValue(DEFAULT_SEARCH_INDEXES),
  // None: no migration in progress.
  searchIndexMigration: '',
  s3ForcePathStyle: false,
  gcsEndpoint: 'https://storage.googleapis.com',
} as const;

const retention = z.string().transform((raw, ctx): Record<Source, number> => {
  const days = (v: unknown) => z.number().int().min(1).max(3650).safeParse(v);
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = days(Number(trimmed));
    if (n.success) return Object.fromEntries(SOURCES.map((s) => [s, n.data])) as Record<Source, number>;
  } else {
    try {
      const obj = JSON.parse(trimmed) as Record<string, unknown>;
      const out = {} as Record<Source, number>;
      let ok = true;
      for (const s of SOURCES) {
        const n = days(obj[s] ?? obj.default ?? 90);
        if (n.success) out[s] = n.data;
        else ok = false;
      }
      if (ok) return out;
    } catch {
      /* reported below */
    }
  }
  ctx.addIssue({
    code: 'custom',
    message: 'must be a whole number of days (1..3650) or JSON like {"cis":90,"admin":365}',
  });
  return z.NEVER;
});

/** Search index names, comma-separated, or `none`; empty or unset: the default set. */
const searchIndexes = z
  .string()
  .optional()
  .transform((v, ctx): SearchIndexName[] => {
    try {
      return parseSearchIndexes(v?.trim() ? v : ENV_DEFAULTS.searchIndexes);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1')
  .optional();

const SCHEMA = {
  eventsTable: z.string().min(3),
  controlTable: z.string().min(3),
  eventStream: z.string().min(1),
  retentionDays: retention.optional().transform((v) => v ?? retention.parse(ENV_DEFAULTS.retentionDays)),
  exportBucket: z.string().min(3),
  failedBucket: z.string().min(3),
  reportsBucket: z.string().min(3),
  s3ForcePathStyle: bool.transform((v) => v ?? ENV_DEFAULTS.s3ForcePathStyle),
  exportBuckets: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? ENV_DEFAULTS.exportBuckets)
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  secretsPrefix: z.string().default(ENV_DEFAULTS.secretsPrefix),
  destinationAllowCidrs: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const cidrs = (v ?? ENV_DEFAULTS.destinationAllowCidrs)
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      for (const c of cidrs) {
        const [net = '', bits = ''] = c.split('/');
        const v4 = /^\d+\.\d+\.\d+\.\d+$/.test(net);
        if ((!v4 && !net.includes(':')) || !/^\d+$/.test(bits) || Number(bits) > (v4 ? 32 : 128))
          ctx.addIssue({ code: 'custom', message: `'${c}' is not a CIDR (like 10.20.0.0/16 or fd00::/8)` });
      }
      return cidrs;
    }),
  gcsEndpoint: z.url().default(ENV_DEFAULTS.gcsEndpoint),
  hecMaxBatchBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(ENV_DEFAULTS.hecMaxBatchBytes),
  pauseAfterHours: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(ENV_DEFAULTS.pauseAfterHours),
  reportsQueueUrl: z.url(),
  reportUrlTtl: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(ENV_DEFAULTS.reportUrlTtl),
  cursorKeySecret: z.string().min(1),
  reportRetentionDays: z.coerce.number().int().min(1).max(3650).default(ENV_DEFAULTS.reportRetentionDays),
  // An http(s) URL, or none.
  tokenUrl: z
    .string()
    .regex(/^(https?:\/\/[^\s/]+\S*)?$/)
    .default(ENV_DEFAULTS.tokenUrl),
  searchIndexes,
  // A step number, or empty (no migration); checked against the index set by searchIndexLayout.
  searchIndexMigration: z
    .string()
    .regex(/^\d*$/, 'must be a migration step number (docs/migration.md), or empty')
    .optional()
    .transform((v) => (v ? Number(v) : undefined)),
} satisfies Record<EnvKey, z.ZodType>;

type Schema = typeof SCHEMA;
export type Env<K extends EnvKey> = { [P in K]: z.output<Schema[P]> };

/**
 * Validate the environment variables one handler needs, once, at cold start.
 * Throws a single error naming every missing or malformed variable.
 */
export function readEnv<K extends EnvKey>(
  keys: readonly K[],
  source: NodeJS.ProcessEnv = process.env,
): Env<K> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of keys) {
    const name = ENV[key];
    const parsed = (SCHEMA[key] as z.ZodType).safeParse(source[name]);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length > 0) throw new Error(`invalid environment: ${problems.join(', ')}`);
  return out as Env<K>;
}

/** The environment of one function, exactly the keys its row of the wiring table (handlers.ts) declares. */
export function readHandlerEnv<N extends HandlerName>(
  name: N,
  source: NodeJS.ProcessEnv = process.env,
): Env<(typeof HANDLERS)[N]['env'][number]> {
  return readEnv(HANDLERS[name].env, source);
}

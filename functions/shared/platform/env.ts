import * as z from 'zod';
import { ENV, type EnvKey } from '../model/names.js';
import { SOURCES, type Source } from '../model/sources.js';

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

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1')
  .optional();

const SCHEMA = {
  eventsTable: z.string().min(3),
  controlTable: z.string().min(3),
  eventStream: z.string().min(1),
  retentionDays: retention.optional().transform((v) => v ?? retention.parse('90')),
  exportBucket: z.string().min(3),
  failedBucket: z.string().min(3),
  reportsBucket: z.string().min(3),
  s3ForcePathStyle: bool.transform((v) => v ?? false),
  exportBuckets: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  secretsPrefix: z.string().default('activity-events/'),
  gcsEndpoint: z.url().default('https://storage.googleapis.com'),
  hecMaxBatchBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1_000_000),
  pauseAfterHours: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(24),
  reportsQueueUrl: z.url(),
  reportUrlTtl: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(600),
  reportRetentionDays: z.coerce.number().int().min(1).max(3650).default(7),
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

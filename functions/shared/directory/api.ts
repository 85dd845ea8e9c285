import type { KinesisClient } from '@aws-sdk/client-kinesis';
import * as z from 'zod';
import { type Actor, auditEvent, diff, recordAudit } from '../ingest/index.js';
import { conflict, invalid, parseWith } from '../model/index.js';

import type { Lazy } from '../platform/clients/lazy.js';
import {
  bumpDirectoryVersion,
  DIRECTORY_KINDS,
  type DirectoryDeps,
  type DirectoryEntry,
  type DirectoryKind,
  readStamped,
  type WriteOutcome,
  writeEntry,
} from './directory.js';

const email = z.email({ error: 'must be an email address' }).max(320, 'must be at most 320 characters');
/** The `{kind}` of PUT /directory/{kind}/{id}. */
export const directoryKindSchema = z.enum(DIRECTORY_KINDS);
/** The `{id}` of PUT /directory/{kind}/{id}: an id as events carry it (a user, app or admin id). */
export const directoryIdSchema = z.string().regex(/^[\w.:@|+=-]{1,256}$/);
/** The body of PUT /directory/{kind}/{id}, by kind. */
export const DIRECTORY_BODIES: Record<DirectoryKind, z.ZodType<DirectoryEntry>> = {
  users: z.strictObject({ email }),
  apps: z.strictObject({
    name: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
  }),
  admins: z
    .strictObject({
      email: email.optional(),
      roles: z
        .array(z.string().min(1).max(128), { error: 'must be an array of role names' })
        .max(50)
        .optional(),
    })
    .refine((v) => v.email !== undefined || v.roles !== undefined, { message: 'needs email, roles or both' })
    .meta({ minProperties: 1 }),
};

export interface DirectoryApiDeps extends DirectoryDeps {
  kinesis: Lazy<KinesisClient>;
  streamName: string;
  now?: () => number;
}

/** PUT /directory/{kind}/{id}: bulk-sync one entry (newest write wins), recorded as updateDirectory. */
export async function putDirectoryEntry(
  deps: DirectoryApiDeps,
  kind: string,
  id: string,
  body: unknown,
  actor: Actor,
) {
  if (!directoryKindSchema.safeParse(kind).success) {
    throw invalid('invalid directory kind', [
      { path: 'kind', message: `must be one of ${DIRECTORY_KINDS.join(', ')}` },
    ]);
  }
  if (!directoryIdSchema.safeParse(id).success) {
    throw invalid('invalid directory id', [
      { path: 'id', message: 'must be 1-256 characters without spaces or slashes' },
    ]);
  }
  const k = kind as DirectoryKind;
  const entry = parseWith(DIRECTORY_BODIES[k], body, `${k} entry`);
  const now = (deps.now ?? Date.now)();
  // An explicit write is the newest fact when it is made, even over events stamped ahead of this clock.
  let prev: DirectoryEntry = {};
  let outcome: WriteOutcome = 'stale';
  for (let attempt = 0; ; attempt++) {
    const stored = await readStamped(deps, k, id);
    prev = stored?.entry ?? {};
    outcome = await writeEntry(deps, k, id, entry, Math.max(now, (stored?.ts ?? 0) + 1));
    if (outcome !== 'stale') break;
    if (attempt === 4) throw conflict('the entry kept changing; retry', { retryAfter: 1 });
  }
  // Before answering: the next collect's enrichment cache must see a changed value. (If this fails, the 5xx says
  // to retry; the retried write finds the value in place, and kept caches may hold the old one until they age
  // out, 15 minutes.)
  if (outcome === 'changed') await bumpDirectoryVersion(deps);
  const current = { ...prev, ...entry };
  const changes = diff(prev as Record<string, unknown>, current as Record<string, unknown>);
  if (Object.keys(changes).length > 0) {
    await recordAudit(
      [
        auditEvent({
          type: 'updateDirectory',
          actor,
          target: { id, type: `directory_${k}` },
          changes,
          data: { kind: k, entry_id: id },
          now,
        }),
      ],
      deps,
    );
  }
  return { kind: k, id, ...current };
}

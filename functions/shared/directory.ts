import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { backoff, mapLimit, sleep } from './concurrency.js';
import type { Projection, StoredEvent } from './consume.js';
import type { ActivityEvent } from './event-schema.js';
import { ifCondition } from './store/conditions.js';

/**
 * The enrichment directory: human-readable values for ids, in the control table.
 *   pk = D#<kind>#<id>, sk = D; users: email; apps: name; admins: email, roles; ts = time of the fact (ms).
 * Kept current from the events themselves (consume projection) and by PUT /directory/{kind}/{id}.
 * A write only lands if it is at least as recent as what is stored (ts), so replays and out-of-order
 * shards cannot roll an entry back.
 */
export const DIRECTORY_KINDS = ['users', 'apps', 'admins'] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

export interface DirectoryEntry {
  email?: string;
  name?: string;
  roles?: string[];
}

export interface DirectoryDeps {
  ddb: DynamoDBClient;
  controlTable: string;
}

const key = (kind: DirectoryKind, id: string) => ({ pk: { S: `D#${kind}#${id}` }, sk: { S: 'D' } });

function entryFromItem(item: Record<string, AttributeValue> | undefined): DirectoryEntry | undefined {
  if (!item) return undefined;
  const e: DirectoryEntry = {};
  if (item.email?.S) e.email = item.email.S;
  if (item.name?.S) e.name = item.name.S;
  if (item.roles?.L) e.roles = item.roles.L.map((r) => r.S ?? '');
  return e;
}

/** Write an entry if `ts` is not older than the stored one. Returns false when a newer fact was kept. */
export async function writeEntry(
  deps: DirectoryDeps,
  kind: DirectoryKind,
  id: string,
  entry: DirectoryEntry,
  ts: number,
): Promise<boolean> {
  const names: Record<string, string> = { '#ts': 'ts', '#u': 'updated_at' };
  const values: Record<string, AttributeValue> = {
    ':ts': { N: String(ts) },
    ':u': { S: new Date().toISOString() },
  };
  const sets = ['#ts = :ts', '#u = :u'];
  const add = (attr: keyof DirectoryEntry, v: AttributeValue) => {
    names[`#${attr}`] = attr;
    values[`:${attr}`] = v;
    sets.push(`#${attr} = :${attr}`);
  };
  if (entry.email !== undefined) add('email', { S: entry.email });
  if (entry.name !== undefined) add('name', { S: entry.name });
  if (entry.roles !== undefined) add('roles', { L: entry.roles.map((r) => ({ S: r })) });
  return ifCondition(
    deps.ddb.send(
      new UpdateItemCommand({
        TableName: deps.controlTable,
        Key: key(kind, id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_not_exists(#ts) OR #ts <= :ts',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

export async function readEntry(
  deps: DirectoryDeps,
  kind: DirectoryKind,
  id: string,
): Promise<DirectoryEntry | undefined> {
  return (await readStamped(deps, kind, id))?.entry;
}

/** An entry with the time of the fact it holds. */
export async function readStamped(
  deps: DirectoryDeps,
  kind: DirectoryKind,
  id: string,
): Promise<{ entry: DirectoryEntry; ts: number } | undefined> {
  const res = await deps.ddb.send(
    new GetItemCommand({ TableName: deps.controlTable, Key: key(kind, id), ConsistentRead: true }),
  );
  const entry = entryFromItem(res.Item);
  return entry ? { entry, ts: Number(res.Item?.ts?.N ?? 0) } : undefined;
}

/** What an event teaches the directory, if anything. */
export function directoryFact(
  e: ActivityEvent,
): { kind: DirectoryKind; id: string; entry: DirectoryEntry } | undefined {
  const data = e.data ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  switch (e.type) {
    case 'create_user':
    case 'update_user': {
      const email = str(data.email);
      return e.user_id && email ? { kind: 'users', id: e.user_id, entry: { email } } : undefined;
    }
    case 'createUser': {
      const id = e.target_resource_id ?? e.user_id;
      const email = str(data.email);
      return id && email ? { kind: 'users', id, entry: { email } } : undefined;
    }
    case 'createApp':
    case 'updateApp': {
      const id = e.target_resource_id ?? e.app_id;
      const name = str(data.app_name);
      return id && name ? { kind: 'apps', id, entry: { name } } : undefined;
    }
    case 'addAdmin':
    case 'adminUpdateUser': {
      const id = e.target_resource_id;
      const email = str(data.email);
      const roles = Array.isArray(data.roles) ? (data.roles as string[]) : undefined;
      if (!id || (!email && !roles)) return undefined;
      return { kind: 'admins', id, entry: { ...(email ? { email } : {}), ...(roles ? { roles } : {}) } };
    }
    default:
      return undefined;
  }
}

/** Consume projection: keep the directory current from the events of each batch. */
export function directoryProjection(deps: DirectoryDeps): Projection {
  return {
    name: 'directory',
    async apply(events: readonly StoredEvent[]) {
      // The latest fact per entry wins; earlier ones in the batch need no write of their own.
      const latest = new Map<
        string,
        { kind: DirectoryKind; id: string; entry: DirectoryEntry; ts: number; indexes: number[] }
      >();
      events.forEach((s, index) => {
        const fact = directoryFact(s.event);
        if (!fact) return;
        const ts = Date.parse(s.event.timestamp);
        const k = `${fact.kind}#${fact.id}`;
        const cur = latest.get(k);
        if (!cur) latest.set(k, { ...fact, ts, indexes: [index] });
        else {
          cur.indexes.push(index);
          if (ts >= cur.ts) Object.assign(cur, { entry: { ...cur.entry, ...fact.entry }, ts });
        }
      });
      const failed = new Set<number>();
      await mapLimit([...latest.values()], 8, async (f) => {
        for (let attempt = 0; attempt < 4; attempt++) {
          try {
            await writeEntry(deps, f.kind, f.id, f.entry, f.ts);
            return;
          } catch {
            await sleep(backoff(attempt, 25));
          }
        }
        for (const i of f.indexes) failed.add(i);
      });
      return failed;
    },
  };
}

/** Lookups made while enriching; pass the same cache to several calls of one invocation. */
export type DirectoryCache = Map<string, DirectoryEntry | null>;
export const newDirectoryCache = (): DirectoryCache => new Map();

/** The events' fields that enrichment adds. */
export interface Enrichment {
  user_email?: string;
  app_name?: string;
  actor_email?: string;
  actor_roles?: string[];
}

/**
 * Add human-readable values to events: user email for user_id, application name for app_id, admin email
 * and role groups for actor_id. One BatchGetItem per 100 unknown ids, each id looked up once per cache.
 * Ids the directory does not know leave the event unchanged.
 */
export async function enrichEvents(
  events: Array<ActivityEvent & Enrichment>,
  deps: DirectoryDeps,
  cache: DirectoryCache = newDirectoryCache(),
): Promise<void> {
  const wanted = new Map<string, { kind: DirectoryKind; id: string }>();
  const want = (kind: DirectoryKind, id: string | undefined) => {
    if (!id) return;
    const k = `${kind}#${id}`;
    if (!cache.has(k)) wanted.set(k, { kind, id });
  };
  for (const e of events) {
    want('users', e.user_id);
    want('apps', e.app_id);
    want('admins', e.actor_id);
  }
  const pending = [...wanted.entries()];
  for (let i = 0; i < pending.length; i += 100) {
    let keys: Array<Record<string, AttributeValue>> = pending
      .slice(i, i + 100)
      .map(([, w]) => key(w.kind, w.id));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await sleep(backoff(attempt, 20));
      if (attempt >= 6) throw new Error('directory lookups kept being throttled');
      const res = await deps.ddb.send(
        new BatchGetItemCommand({
          RequestItems: {
            [deps.controlTable]: {
              Keys: keys,
              ProjectionExpression: 'pk, email, #n, #r',
              ExpressionAttributeNames: { '#n': 'name', '#r': 'roles' },
            },
          },
        }),
      );
      for (const item of res.Responses?.[deps.controlTable] ?? [])
        cache.set((item.pk?.S ?? '').slice(2), entryFromItem(item) ?? null);
      keys = res.UnprocessedKeys?.[deps.controlTable]?.Keys ?? [];
    }
    for (const [k] of pending.slice(i, i + 100)) if (!cache.has(k)) cache.set(k, null);
  }
  for (const e of events) {
    const user = e.user_id ? cache.get(`users#${e.user_id}`) : undefined;
    const app = e.app_id ? cache.get(`apps#${e.app_id}`) : undefined;
    const admin = e.actor_id ? cache.get(`admins#${e.actor_id}`) : undefined;
    if (user?.email) e.user_email = user.email;
    if (app?.name) e.app_name = app.name;
    if (admin?.email) e.actor_email = admin.email;
    if (admin?.roles) e.actor_roles = admin.roles;
  }
}

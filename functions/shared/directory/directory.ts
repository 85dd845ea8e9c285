import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { EventRefs, Projection, StoredEvent } from '../log/index.js';

import type { ActivityEvent } from '../model/index.js';
import { batchGetAll, ifCondition } from '../platform/dynamo/index.js';
import { backoff, mapLimit, sleep } from '../platform/index.js';

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

/**
 * What a directory write did: `changed` a value (email, name or roles), left the values as they were
 * (`unchanged`: only its time moved), or did nothing because a newer fact was kept (`stale`).
 */
export type WriteOutcome = 'changed' | 'unchanged' | 'stale';

/** Write an entry if `ts` is not older than the stored one, saying whether a value changed. */
export async function writeEntry(
  deps: DirectoryDeps,
  kind: DirectoryKind,
  id: string,
  entry: DirectoryEntry,
  ts: number,
): Promise<WriteOutcome> {
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
  let old: Record<string, AttributeValue> | undefined;
  const landed = await ifCondition(
    deps.ddb
      .send(
        new UpdateItemCommand({
          TableName: deps.controlTable,
          Key: key(kind, id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(#ts) OR #ts <= :ts',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_OLD',
        }),
      )
      .then((res) => {
        old = res?.Attributes;
      }),
  );
  if (!landed) return 'stale';
  const before = entryFromItem(old) ?? {};
  const same = (Object.keys(entry) as Array<keyof DirectoryEntry>).every(
    (k) => JSON.stringify(before[k]) === JSON.stringify(entry[k]),
  );
  return same && old !== undefined ? 'unchanged' : 'changed';
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
    case 'adminLogin': {
      // A console sign-in (people/sessions.ts) names the person's email and groups.
      const id = e.actor_id;
      const email = str(data.email);
      const roles = Array.isArray(data.roles) ? (data.roles as string[]) : undefined;
      if (!id || e.actor_type !== 'admin' || (!email && !roles)) return undefined;
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
      const landed: number[] = [];
      await mapLimit([...latest.values()], 8, async (f) => {
        for (let attempt = 0; attempt < 4; attempt++) {
          try {
            if ((await writeEntry(deps, f.kind, f.id, f.entry, f.ts)) === 'changed')
              landed.push(...f.indexes);
            return;
          } catch {
            await sleep(backoff(attempt, 25));
          }
        }
        for (const i of f.indexes) failed.add(i);
      });
      if (landed.length > 0) {
        // Caches that outlive an invocation must see these values: move the version after the writes, only when
        // a value changed (a repeated fact, another sign-in of the same person, keeps the caches). A version that
        // cannot be moved after retries fails the events; their retried writes find the values in place, so the
        // kept caches may then hold the old values until they age out (15 minutes, sharedDirectoryCache).
        let bumped = false;
        for (let attempt = 0; attempt < 4 && !bumped; attempt++) {
          try {
            await bumpDirectoryVersion(deps);
            bumped = true;
          } catch {
            await sleep(backoff(attempt, 25));
          }
        }
        if (!bumped) for (const i of landed) failed.add(i);
      }
      return failed;
    },
  };
}

/** The fields enrichment adds. */
export interface Enrichment {
  user_email?: string;
  app_name?: string;
  actor_email?: string;
  actor_roles?: string[];
}

/** A looked-up entry: what it adds to an event, as fields and as the JSON text appended to an event. */
interface Known {
  fields: Enrichment;
  json: string;
}

/** Lookups made while enriching, per kind and id (null: the directory does not know the id). */
export type DirectoryCache = Record<DirectoryKind, Map<string, Known | null>>;
/** A new cache; pass the same one to several calls of one invocation. */
export const newDirectoryCache = (): DirectoryCache => ({
  users: new Map(),
  apps: new Map(),
  admins: new Map(),
});

/**
 * The directory's version: a counter every write that changes the directory moves after it landed (the
 * consume projection once per batch, PUT /directory once per call). A cache made while the version was v
 * holds nothing older than what v's writes left, so it stays fresh exactly as long as the version reads v.
 */
const VERSION_KEY = { pk: { S: 'DV' }, sk: { S: 'D' } };

export async function bumpDirectoryVersion(deps: DirectoryDeps): Promise<void> {
  await deps.ddb.send(
    new UpdateItemCommand({
      TableName: deps.controlTable,
      Key: VERSION_KEY,
      UpdateExpression: 'ADD #v :one',
      ExpressionAttributeNames: { '#v': 'v' },
      ExpressionAttributeValues: { ':one': { N: '1' } },
    }),
  );
}

async function directoryVersion(deps: DirectoryDeps): Promise<string> {
  const res = await deps.ddb.send(
    new GetItemCommand({
      TableName: deps.controlTable,
      Key: VERSION_KEY,
      ConsistentRead: true,
      ProjectionExpression: '#v',
      ExpressionAttributeNames: { '#v': 'v' },
    }),
  );
  return res.Item?.v?.N ?? '0';
}

/** Bounds of the cache kept across invocations: entries (memory), and age (a backstop, not the proof). */
const SHARED_MAX_ENTRIES = 50_000;
const SHARED_MAX_AGE_MS = 15 * 60_000;
let shared: { version: string; cache: DirectoryCache; at: number } | undefined;

/**
 * A directory cache that outlives the invocation while it is provably fresh: one consistent read of the
 * directory's version per call, the cache dropped when the version moved (so a PUT /directory that returned
 * is seen by the next collect), when it grew past 50,000 ids, or after 15 minutes.
 */
export async function sharedDirectoryCache(
  deps: DirectoryDeps,
  now: number = Date.now(),
): Promise<DirectoryCache> {
  const version = await directoryVersion(deps);
  const size = shared ? shared.cache.users.size + shared.cache.apps.size + shared.cache.admins.size : 0;
  if (
    !shared ||
    shared.version !== version ||
    size > SHARED_MAX_ENTRIES ||
    now - shared.at > SHARED_MAX_AGE_MS
  ) {
    shared = { version, cache: newDirectoryCache(), at: now };
  }
  return shared.cache;
}

/** Forget the cache kept across invocations (tests). */
export function forgetSharedDirectoryCache(): void {
  shared = undefined;
}

/** What an entry of each kind adds to the events that name its id. */
function known(kind: DirectoryKind, entry: DirectoryEntry): Known {
  const fields: Enrichment = {};
  if (kind === 'users' && entry.email) fields.user_email = entry.email;
  if (kind === 'apps' && entry.name) fields.app_name = entry.name;
  if (kind === 'admins') {
    if (entry.email) fields.actor_email = entry.email;
    if (entry.roles) fields.actor_roles = entry.roles;
  }
  return { fields, json: enrichmentJson(fields) };
}

/** The lookup in progress on each cache: calls sharing a cache take turns (see lookupRefs). */
const inFlight = new WeakMap<DirectoryCache, Promise<void>>();

/**
 * Look up the directory entries of these ids that the cache does not hold yet: one BatchGetItem per 100
 * unknown ids, each id looked up once per cache. Ids the directory does not know are cached as such.
 * Calls sharing a cache run one after the other, so none reads an id another call is still looking up.
 */
export async function lookupRefs(
  refs: readonly EventRefs[],
  deps: DirectoryDeps,
  cache: DirectoryCache,
): Promise<void> {
  const before = inFlight.get(cache);
  const run = (async () => {
    if (before) await before.catch(() => undefined);
    await lookupMissing(refs, deps, cache);
  })();
  inFlight.set(cache, run);
  try {
    await run;
  } finally {
    if (inFlight.get(cache) === run) inFlight.delete(cache);
  }
}

async function lookupMissing(
  refs: readonly EventRefs[],
  deps: DirectoryDeps,
  cache: DirectoryCache,
): Promise<void> {
  const pending: Array<{ kind: DirectoryKind; id: string }> = [];
  const want = (kind: DirectoryKind, id: string | undefined) => {
    if (!id) return;
    const seen = cache[kind];
    if (seen.has(id)) return;
    // Marked as unknown until the answer says otherwise, so each id is asked for once.
    seen.set(id, null);
    pending.push({ kind, id });
  };
  for (const r of refs) {
    want('users', r.user_id);
    want('apps', r.app_id);
    want('admins', r.actor_id);
  }
  try {
    // What each key asked for, found again by the pk of the answer.
    const asked = new Map(pending.map((w) => [`D#${w.kind}#${w.id}`, w]));
    const items = await batchGetAll(
      deps.ddb,
      deps.controlTable,
      pending.map((w) => key(w.kind, w.id)),
      // Consistent: a cache made after the version moved must hold what the writes before it left, not an
      // older copy (the cache is kept while the version stays).
      { projection: 'pk, email, #n, #r', names: { '#n': 'name', '#r': 'roles' }, consistent: true },
    );
    for (const item of items) {
      const w = asked.get(item.pk?.S ?? '');
      const entry = entryFromItem(item);
      if (w && entry) cache[w.kind].set(w.id, known(w.kind, entry));
    }
  } catch (err) {
    // Ids not answered yet must not stay marked as unknown in a cache the caller may use again.
    for (const w of pending) if (cache[w.kind].get(w.id) === null) cache[w.kind].delete(w.id);
    throw err;
  }
}

/** The entries of an event's ids, from the cache (filled by lookupRefs). */
function entriesOf(refs: EventRefs, cache: DirectoryCache): Array<Known | null | undefined> {
  return [
    refs.user_id ? cache.users.get(refs.user_id) : undefined,
    refs.app_id ? cache.apps.get(refs.app_id) : undefined,
    refs.actor_id ? cache.admins.get(refs.actor_id) : undefined,
  ];
}

/** The fields enrichment adds for these ids, from entries already in the cache (lookupRefs). */
export function enrichmentOf(refs: EventRefs, cache: DirectoryCache): Enrichment {
  const out: Enrichment = {};
  for (const k of entriesOf(refs, cache)) if (k) Object.assign(out, k.fields);
  return out;
}

/**
 * An event's stored JSON with what the cache knows of its ids appended (see appendEnrichment): each
 * entry's text is rendered once per cache, so an event costs three lookups and one concatenation.
 */
/**
 * An event's enriched JSON when the cache already holds every id it names (looked up, known or not), else
 * undefined: the steady state of a kept cache, in one pass without a lookup.
 */
export function enrichJsonIfCached(json: string, refs: EventRefs, cache: DirectoryCache): string | undefined {
  // A lookup in progress marks its ids unknown until it is answered: wait for it (lookupRefs) instead.
  if (inFlight.has(cache)) return undefined;
  const user = refs.user_id ? cache.users.get(refs.user_id) : null;
  if (user === undefined) return undefined;
  const app = refs.app_id ? cache.apps.get(refs.app_id) : null;
  if (app === undefined) return undefined;
  const admin = refs.actor_id ? cache.admins.get(refs.actor_id) : null;
  if (admin === undefined) return undefined;
  return spliceJson(json, (user?.json ?? '') + (app?.json ?? '') + (admin?.json ?? ''));
}

export function enrichJson(json: string, refs: EventRefs, cache: DirectoryCache): string {
  const user = refs.user_id ? cache.users.get(refs.user_id) : undefined;
  const app = refs.app_id ? cache.apps.get(refs.app_id) : undefined;
  const admin = refs.actor_id ? cache.admins.get(refs.actor_id) : undefined;
  return spliceJson(json, (user?.json ?? '') + (app?.json ?? '') + (admin?.json ?? ''));
}

/**
 * Add human-readable values to events: user email for user_id, application name for app_id, admin email
 * and role groups for actor_id. Ids the directory does not know leave the event unchanged.
 */
export async function enrichEvents(
  events: Array<ActivityEvent & Enrichment>,
  deps: DirectoryDeps,
  cache: DirectoryCache = newDirectoryCache(),
): Promise<void> {
  await lookupRefs(events, deps, cache);
  for (const e of events) Object.assign(e, enrichmentOf(e, cache));
}

/** Enrichment fields as the JSON text that follows an event's last field (`,"user_email":"…"`, …). */
function enrichmentJson(x: Enrichment): string {
  let tail = '';
  if (x.user_email !== undefined) tail += `,"user_email":${JSON.stringify(x.user_email)}`;
  if (x.app_name !== undefined) tail += `,"app_name":${JSON.stringify(x.app_name)}`;
  if (x.actor_email !== undefined) tail += `,"actor_email":${JSON.stringify(x.actor_email)}`;
  if (x.actor_roles !== undefined) tail += `,"actor_roles":${JSON.stringify(x.actor_roles)}`;
  return tail;
}

function spliceJson(json: string, tail: string): string {
  if (tail === '') return json;
  return json.length <= 2 ? `{${tail.slice(1)}}` : `${json.slice(0, -1)}${tail}}`;
}

/**
 * An event's stored JSON with enrichment fields appended, without parsing it: the same text as parsing,
 * assigning the fields and serialising again (events never carry these fields themselves: the ingest schema
 * refuses unknown top-level fields), in a fraction of the time.
 */
export function appendEnrichment(json: string, x: Enrichment): string {
  return spliceJson(json, enrichmentJson(x));
}

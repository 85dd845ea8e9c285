import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendEnrichment,
  directoryProjection,
  type Enrichment,
  forgetSharedDirectoryCache,
  lookupRefs,
  newDirectoryCache,
} from '../../functions/shared/directory/index.js';
import { eventItem, refsAttribute, refsFromAttribute } from '../../functions/shared/log/index.js';
import {
  type ActivityEvent,
  SOURCES,
  type Source,
  toActivityEvent,
} from '../../functions/shared/model/index.js';

import { type LogEntry, renderEvents } from '../../functions/shared/streams/index.js';

/** A stream that enriches, in the native format. */
const ENRICHED = { enrichment: true } as const;

const RETENTION = Object.fromEntries(SOURCES.map((s) => [s, 90])) as Record<Source, number>;
const ddbMock = mockClient(DynamoDBClient);
/** The directory's version, as the control table holds it. */
let version = 1;
afterEach(() => {
  ddbMock.reset();
  forgetSharedDirectoryCache();
});

/** A directory of one user, one app and one admin, answering BatchGetItem like the control table. */
const DIRECTORY = () => ({
  'D#users#u-1': { email: { S: 'ada@example.com' } },
  'D#apps#web': { name: { S: 'Web "shop" \u2603' } },
  'D#admins#adm-1': { email: { S: 'root@example.com' }, roles: { L: [{ S: 'Super Admin' }] } },
});
/** The directory's entries, as the control table holds them (tests change them). */
let items: Record<string, Record<string, { S: string } | { L: Array<{ S: string }> }>> = DIRECTORY();
afterEach(() => {
  items = DIRECTORY();
  version = 1;
});

function directory(answerAfterMs = 0): void {
  ddbMock.on(GetItemCommand, { Key: { pk: { S: 'DV' }, sk: { S: 'D' } } }).callsFake(() => ({
    Item: { v: { N: String(version) } },
  }));
  ddbMock
    .on(BatchGetItemCommand)
    .callsFake(async (input: { RequestItems: Record<string, { Keys: unknown[] }> }) => {
      if (answerAfterMs > 0) await new Promise((resolve) => setTimeout(resolve, answerAfterMs));
      const [table, req] = Object.entries(input.RequestItems)[0] as [
        string,
        { Keys: Array<{ pk: { S: string } }> },
      ];
      const found = req.Keys.flatMap((k) => {
        const item = items[k.pk.S];
        return item ? [{ pk: k.pk, ...item }] : [];
      });
      return { Responses: { [table]: found }, UnprocessedKeys: {} };
    });
}

function event(over: Partial<ActivityEvent> = {}): ActivityEvent {
  return {
    ...toActivityEvent(
      { type: 'user_login', user_id: 'u-1', app_id: 'web', data: { note: 'a "quoted" \u00e9 value' } },
      'cis',
      `id-${Math.random().toString(36).slice(2)}`,
      '2026-11-24T10:00:00.000Z',
    ),
    ...over,
  };
}

/** A log entry as read-batch hands it out: the id item's JSON, and the ids from its filter attributes. */
function entryOf(e: ActivityEvent, withRefs: boolean): LogEntry {
  const item: Record<string, AttributeValue> = eventItem(e, 'shardId-0', '1', RETENTION);
  return {
    shardId: 'shardId-0',
    seq: '1',
    id: e.id,
    type: e.type,
    t: 0,
    o: 0,
    json: item.e?.S ?? '',
    ...(withRefs
      ? { r: refsAttribute({ user_id: item.user_id?.S, app_id: item.app_id?.S, actor_id: item.actor_id?.S }) }
      : {}),
  };
}

const deps = () => ({ ddb: new DynamoDBClient({ region: 'us-east-1' }), controlTable: 'control' });

describe('enrichment of stored JSON', () => {
  it('appends the same text as parsing, assigning and serialising again', () => {
    const str = fc.string({ unit: 'binary', maxLength: 20 });
    const enrichment = fc.record(
      { user_email: str, app_name: str, actor_email: str, actor_roles: fc.array(str, { maxLength: 3 }) },
      { requiredKeys: [] },
    );
    const stored = fc
      .record(
        {
          user_id: fc.string({ minLength: 1, maxLength: 10 }),
          actor_id: fc.string({ minLength: 1, maxLength: 10 }),
          data: fc.dictionary(str, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        },
        { requiredKeys: [] },
      )
      .map((input) =>
        toActivityEvent({ type: 'custom', ...input }, 'cis', 'id-1', '2026-11-24T10:00:00.000Z'),
      );
    fc.assert(
      fc.property(stored, enrichment, (e, x: Enrichment) => {
        const json = JSON.stringify(e);
        expect(appendEnrichment(json, x)).toBe(JSON.stringify(Object.assign(JSON.parse(json), x)));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps each event id as an attribute of its id item, so a read enriches without parsing the event', () => {
    const e = event({ actor_id: 'adm-1' });
    const item: Record<string, AttributeValue> = eventItem(e, 's', '1', RETENTION);
    expect([item.user_id?.S, item.app_id?.S, item.actor_id?.S]).toEqual(['u-1', 'web', 'adm-1']);
    expect(refsFromAttribute(refsAttribute(e))).toEqual({ user_id: 'u-1', app_id: 'web', actor_id: 'adm-1' });
    const bare = toActivityEvent({ type: 'custom' }, 'cis', 'id-2', '2026-11-24T10:00:00.000Z');
    expect(refsFromAttribute(refsAttribute(bare))).toEqual({});
  });

  it('enriches from the ids stored with the log item', async () => {
    directory();
    // The ids come from the item's `r` attribute, not from the JSON.
    const entry: LogEntry = { ...entryOf(event(), true), json: '{"id":"x","type":"user_login"}' };
    const [out] = await renderEvents([entry], ENRICHED, deps());
    expect(JSON.parse(out as string)).toEqual({
      id: 'x',
      type: 'user_login',
      user_email: 'ada@example.com',
      app_name: 'Web "shop" \u2603',
    });
  });

  it('renders log items written before they carried ids exactly as current ones, by parsing them', async () => {
    directory();
    const events = [
      event(),
      event({ actor_id: 'adm-1', user_id: 'unknown-user' }),
      event({ app_id: undefined }),
    ];
    const current = await renderEvents(
      events.map((e) => entryOf(e, true)),
      ENRICHED,
      deps(),
    );
    const legacy = await renderEvents(
      events.map((e) => entryOf(e, false)),
      ENRICHED,
      deps(),
    );
    expect(legacy).toEqual(current);
    expect(JSON.parse(current[1] as string)).toMatchObject({
      actor_email: 'root@example.com',
      actor_roles: ['Super Admin'],
      app_name: 'Web "shop" \u2603',
    });
    expect(JSON.parse(current[1] as string)).not.toHaveProperty('user_email');
  });

  it('looks each id up once per batch and returns stored text untouched when enrichment is off', async () => {
    directory();
    const entries = [event(), event(), event()].map((e) => entryOf(e, true));
    await renderEvents(entries, ENRICHED, deps());
    const calls = ddbMock.commandCalls(BatchGetItemCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.RequestItems?.control?.Keys).toHaveLength(2);
    ddbMock.resetHistory();
    expect(await renderEvents(entries, { enrichment: false }, deps())).toEqual(entries.map((e) => e.json));
    expect(ddbMock.commandCalls(BatchGetItemCommand)).toHaveLength(0);
  });

  it('rejects when lookups stay throttled, and asks again on the next call with the same cache', async () => {
    ddbMock
      .on(BatchGetItemCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => ({
        Responses: {},
        UnprocessedKeys: input.RequestItems,
      }));
    const cache = newDirectoryCache();
    await expect(lookupRefs([{ user_id: 'u-1' }], deps(), cache)).rejects.toThrow(/throttled/);
    expect(cache.users.has('u-1')).toBe(false);
    ddbMock.reset();
    directory();
    await lookupRefs([{ user_id: 'u-1' }], deps(), cache);
    expect(cache.users.get('u-1')?.fields).toEqual({ user_email: 'ada@example.com' });
    expect(ddbMock.commandCalls(BatchGetItemCommand)).toHaveLength(1);
  });

  it('gives two renders sharing a cache the same enrichment when they run at once', async () => {
    // The answer takes a while, as over the network: the second render starts while the first waits for it.
    directory(20);
    const cache = newDirectoryCache();
    const entries = [event(), event()].map((e) => entryOf(e, true));
    const [a, b] = await Promise.all([
      renderEvents(entries.slice(0, 1), ENRICHED, { ...deps(), directoryCache: cache }),
      renderEvents(entries.slice(1), ENRICHED, { ...deps(), directoryCache: cache }),
    ]);
    const enriched = { user_email: 'ada@example.com', app_name: 'Web "shop" \u2603' };
    expect(JSON.parse(a?.[0] as string)).toMatchObject(enriched);
    expect(JSON.parse(b?.[0] as string)).toMatchObject(enriched);
    // The second waited for the first's answer instead of reading its placeholder, and asked nothing again.
    const calls = ddbMock.commandCalls(BatchGetItemCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.RequestItems?.control?.Keys).toHaveLength(2);
  });

  it('keeps lookups across calls while the directory’s version stays, and looks again once it moved', async () => {
    directory();
    const entries = [event()].map((e) => entryOf(e, true));
    await renderEvents(entries, ENRICHED, deps());
    const [again] = await renderEvents(entries, ENRICHED, deps());
    // One lookup for both calls (the second only read the version), and the same enrichment.
    expect(ddbMock.commandCalls(BatchGetItemCommand)).toHaveLength(1);
    expect(ddbMock.commandCalls(GetItemCommand)).toHaveLength(2);
    expect(ddbMock.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({ ConsistentRead: true });
    // The lookups behind a kept cache read what the writes before the version left: consistently.
    expect(ddbMock.commandCalls(BatchGetItemCommand)[0]?.args[0].input.RequestItems?.control).toMatchObject({
      ConsistentRead: true,
    });
    expect(JSON.parse(again as string)).toMatchObject({ user_email: 'ada@example.com' });
    // The directory changed: its writer moved the version after writing.
    items['D#users#u-1'] = { email: { S: 'ada@new.example.com' } };
    version = 2;
    const [moved] = await renderEvents(entries, ENRICHED, deps());
    expect(ddbMock.commandCalls(BatchGetItemCommand)).toHaveLength(2);
    expect(JSON.parse(moved as string)).toMatchObject({ user_email: 'ada@new.example.com' });
  });

  it('has the consume projection move the version after writing what the events taught it, only then', async () => {
    ddbMock.on(UpdateItemCommand).resolves({});
    const learned = event({ type: 'create_user', user_id: 'u-9', data: { email: 'u9@example.com' } });
    const stored = [{ event: learned, shardId: 'shardId-0', seq: '1', n: 1 }];
    expect(await directoryProjection(deps()).apply(stored)).toEqual(new Set());
    const updates = ddbMock.commandCalls(UpdateItemCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key?.pk?.S)).toEqual(['D#users#u-9', 'DV']);
    expect(updates[1]).toMatchObject({ UpdateExpression: 'ADD #v :one' });

    ddbMock.resetHistory();
    expect(
      await directoryProjection(deps()).apply([{ ...stored[0], event: event() }] as typeof stored),
    ).toEqual(new Set());
    expect(ddbMock.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('keeps the version, and so the kept lookups, when the events taught the directory nothing new', async () => {
    // The entry already holds this email: the write lands (a newer time) but changes no value.
    ddbMock
      .on(UpdateItemCommand, { Key: { pk: { S: 'D#users#u-9' }, sk: { S: 'D' } } })
      .resolves({ Attributes: { email: { S: 'u9@example.com' }, ts: { N: '1' } } });
    const learned = event({ type: 'update_user', user_id: 'u-9', data: { email: 'u9@example.com' } });
    expect(
      await directoryProjection(deps()).apply([{ event: learned, shardId: 'shardId-0', seq: '1', n: 1 }]),
    ).toEqual(new Set());
    const updates = ddbMock.commandCalls(UpdateItemCommand).map((c) => c.args[0].input.Key?.pk?.S);
    expect(updates).toEqual(['D#users#u-9']);
  });

  it('retries the events whose entries were written when the version could not be moved', async () => {
    ddbMock
      .on(UpdateItemCommand, { Key: { pk: { S: 'DV' }, sk: { S: 'D' } } })
      .rejects(new Error('throttled'));
    ddbMock.on(UpdateItemCommand, { Key: { pk: { S: 'D#users#u-9' }, sk: { S: 'D' } } }).resolves({});
    const learned = event({ type: 'create_user', user_id: 'u-9', data: { email: 'u9@example.com' } });
    const stored = [
      { event: event(), shardId: 'shardId-0', seq: '1', n: 1 },
      { event: learned, shardId: 'shardId-0', seq: '2', n: 2 },
    ];
    expect(await directoryProjection(deps()).apply(stored)).toEqual(new Set([1]));
  });
});

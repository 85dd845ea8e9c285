import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KOSMOS_EVENTS,
  KOSMOS_GROUPS,
  type KosmosGroup,
  seedNames,
  snakeName,
} from '../../functions/shared/model/catalog-1kosmos.js';
import { CATALOG, catalogFor, lookupType, validateEvents } from '../../functions/shared/model/index.js';

/**
 * Seed 004 (the 1Kosmos AdminX event log, a copy in test/fixtures/seeds) against the catalog: every E_* event,
 * its group, description and every field of its "Event Details Captured" lists. The seed prints each list as
 * names run together (`typeevent_tsversion…`), so the check is exact: the catalog's names for an event, joined,
 * must be the seed's text for it, character for character; a missing, extra or renamed field breaks it.
 */

const SEEDS = join(import.meta.dirname, '../fixtures/seeds');
const file = readdirSync(SEEDS).find((f) => f.startsWith('004'));
if (!file) throw new Error('seed 004 missing');
const SEED = readFileSync(join(SEEDS, file), 'utf8');

/** Where the seed marks a field `<boolean>`, this character stands in the normalised text. */
const BOOLEAN = '|';

interface SeedEvent {
  group: KosmosGroup;
  description: string;
  /** The event's lists, run together as the seed prints them, without markup. */
  text: string;
  /** Offsets in `text` right after a field the seed marks `<boolean>`. */
  booleanEnds: number[];
}

/** A list line without the seed's markup: backticks, `- ` bullets, `<boolean>` / `: <boolean>` notes. */
function normalise(line: string): string {
  return line
    .replace(/`/g, '')
    .replace(/-\s*/g, '')
    .replace(/:?\s*<boolean>/g, BOOLEAN);
}

/** A list line: nothing but names (one of which, `epoch time`, has a space). */
const isList = (norm: string) => /^[A-Za-z0-9_.|]+$/.test(norm.replace(/epoch time/g, 'epoch_time'));

function parseSeed004(): Map<string, SeedEvent> {
  const events = new Map<string, SeedEvent>();
  const groups = Object.keys(KOSMOS_GROUPS) as KosmosGroup[];
  const lines = SEED.split('\n').map((l) => l.trimEnd());
  let group: KosmosGroup | undefined;
  let current: SeedEvent | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if ((groups as string[]).includes(line)) {
      group = line as KosmosGroup;
      current = undefined;
      continue;
    }
    if (/^E_[A-Z_]+$/.test(line)) {
      if (!group) throw new Error(`${line} before any group`);
      // An event listed twice is one event: its first group and description, both lists.
      current = events.get(line) ?? { group, description: lines[i + 1] ?? '', text: '', booleanEnds: [] };
      events.set(line, current);
      continue;
    }
    if (!current || line === 'Event Details Captured') continue;
    const norm = normalise(line);
    if (norm === '' || !isList(norm)) continue;
    for (const part of norm.split(BOOLEAN)) {
      if (current.text.length > 0 && part === '') continue;
      current.text += part;
      current.booleanEnds.push(current.text.length);
    }
    current.booleanEnds.pop();
  }
  return events;
}

const seedEvents = parseSeed004();

describe('seed 004 (1Kosmos) in the catalog', () => {
  it('parses 44 distinct E_* events from the seed, two of them listed twice', () => {
    expect(seedEvents.size).toBe(44);
    expect(SEED.match(/^E_[A-Z_]+$/gm)).toHaveLength(46);
    expect(KOSMOS_EVENTS.map((r) => r.type).sort()).toEqual([...seedEvents.keys()].sort());
  });

  it.each([...seedEvents.keys()])(
    '%s: accepted by name, in the seed’s group, with its description',
    (type) => {
      const seed = seedEvents.get(type) as SeedEvent;
      const t = lookupType(type);
      expect(t).toBeDefined();
      if (!t) return;
      expect(t.origin.seed004).toBe(seed.group);
      // The seed's first sentence (one runs on into a colon: "…account and records the following…:").
      expect(seed.description.startsWith(t.description.replace(/\.$/, '')), t.description).toBe(true);
      const row = KOSMOS_EVENTS.find((r) => r.type === type);
      const { source, category } = KOSMOS_GROUPS[seed.group];
      const expected = row?.admin
        ? ['admin', 'AUDIT_LOG']
        : row?.document
          ? ['verify', 'identity_verification']
          : [source, category];
      expect([t.source, t.category]).toEqual(expected);
    },
  );

  it.each([...seedEvents.keys()])(
    '%s: every field of the seed’s lists, named as the seed names it',
    (type) => {
      const seed = seedEvents.get(type) as SeedEvent;
      const row = KOSMOS_EVENTS.find((r) => r.type === type);
      const t = lookupType(type);
      if (!row || !t) throw new Error(`${type} missing`);
      const names = seedNames(row);
      expect(names.join('')).toBe(seed.text);
      const fields = new Map(t.fields.map((f) => [f.name, f]));
      let end = 0;
      for (const name of names) {
        end += name.length;
        const envelope = t.envelope?.[name];
        const field = fields.get(snakeName(name));
        // Each name is either the event's envelope or a data field under its snake_cased name.
        expect(envelope !== undefined || field !== undefined, name).toBe(true);
        if (field) expect(field.seed ?? field.name, name).toBe(name === field.name ? field.name : name);
        if (seed.booleanEnds.includes(end)) expect(field?.type, `${name} <boolean>`).toBe('boolean');
      }
      // No data field the seed does not list, unless the seed lists none and describes what it records.
      const listed = new Set(names.map(snakeName));
      const extra = t.fields.filter((f) => !listed.has(f.name)).map((f) => f.name);
      expect(extra).toEqual(row.described && names.length === 0 ? row.described.split(',') : []);
    },
  );

  it('maps the envelope’s own fields to the envelope, never to data', () => {
    const login = lookupType('E_LOGIN_SUCCEEDED');
    expect(login?.envelope).toMatchObject({
      event_id: 'id',
      timestamp: 'timestamp',
      epoch_time: 'timestamp',
      event_ts: 'timestamp',
      tenant_id: 'tenant_id',
      user_id: 'user_id',
      client_ip_address: 'ip',
      caller_user_agent: 'user_agent',
      eventName: 'type',
    });
    for (const t of CATALOG.filter((c) => c.origin.seed004)) {
      for (const name of ['event_id', 'timestamp', 'tenant_id', 'user_id', 'eventName', 'event_ts']) {
        expect(
          t.fields.map((f) => f.name),
          `${t.type} ${name}`,
        ).not.toContain(name);
      }
    }
    // The second IP of an event stays in data: E_SP_REDIRECT_SUCCEEDED's client_ip_address is the envelope's.
    const sp = lookupType('E_SP_REDIRECT_SUCCEEDED');
    expect(sp?.envelope?.client_ip_address).toBe('ip');
    expect(sp?.fields.map((f) => f.name)).toContain('caller_ip');
  });

  it('makes the administrator the actor of administrator activity', () => {
    // The initiator where the event names one; the user_id is then the user acted on.
    expect(lookupType('E_ROLE_CHANGED')?.envelope).toMatchObject({
      initiatedby: 'actor_id',
      user_id: 'user_id',
    });
    expect(lookupType('E_ACCESSCODE_GENERATED')?.envelope).toMatchObject({
      initiated_by: 'actor_id',
      user_id: 'user_id',
    });
    // Otherwise the user_id an administrator event lists is the administrator's.
    for (const type of ['E_ADAPTIVEAUTH_CREATED', 'E_REPORT_REQUESTED', 'E_BROKER_DISCONNECTED']) {
      expect(lookupType(type)?.envelope?.user_id, type).toBe('actor_id');
    }
    // A user event's user_id stays the user.
    expect(lookupType('E_LOGIN_SUCCEEDED')?.envelope?.user_id).toBe('user_id');
  });

  it('snake_cases the seed’s names consistently', () => {
    expect(
      [
        'moduleId',
        'machine_userIP',
        'tenant_DNS',
        'decision.authenticationMethods',
        'tenantid',
        'epoch time',
      ].map(snakeName),
    ).toEqual([
      'module_id',
      'machine_user_ip',
      'tenant_dns',
      'decision_authentication_methods',
      'tenant_id',
      'epoch_time',
    ]);
    for (const t of CATALOG) for (const f of t.fields) expect(f.name, t.type).toMatch(/^[a-z0-9_]+$/);
  });

  it('tags administrator activity AUDIT_LOG, in the admin source', () => {
    const audit = CATALOG.filter((t) => t.category === 'AUDIT_LOG');
    expect(audit.every((t) => t.source === 'admin')).toBe(true);
    const administrator = [...seedEvents].filter(([, e]) => e.group === 'Administrator Activity');
    expect(administrator).toHaveLength(14);
    for (const [type] of administrator) expect(lookupType(type)?.category).toBe('AUDIT_LOG');
  });

  it('names equivalents both ways, each within one source', () => {
    const pairs = CATALOG.flatMap((t) => (t.equivalents ?? []).map((e) => [t.type, e] as const));
    expect(pairs.length).toBeGreaterThanOrEqual(2 * 10);
    for (const [a, b] of pairs) {
      expect(lookupType(b)?.equivalents, `${b} → ${a}`).toContain(a);
      expect(lookupType(b)?.source, `${a} ⇄ ${b}`).toBe(lookupType(a)?.source);
    }
    expect(lookupType('user_login')?.equivalents).toEqual(['E_LOGIN_SUCCEEDED']);
  });

  it('offers old_*/new_* pairs also as changes, keeping a change the event gives itself', () => {
    const { events, problems } = validateEvents(
      [
        {
          type: 'E_DIRECTORY_ADVANCED_CONFIGURATION_MODIFIED',
          data: {
            directory_id: 'd-1',
            old_password_policy: 'p8',
            new_password_polcy: 'p12',
            old_kerberos_sso: false,
            new_kerberos_sso: true,
          },
          changes: { kerberos_sso: { prev: 'as given', current: 'by the sender' } },
        },
      ],
      Date.now(),
    );
    expect(problems).toEqual([]);
    expect(events[0]?.input.changes).toEqual({
      kerberos_sso: { prev: 'as given', current: 'by the sender' },
      password_policy: { prev: 'p8', current: 'p12' },
    });
    expect(events[0]?.source).toBe('admin');
  });

  it('checks the seed’s field types at ingest', () => {
    const { problems } = validateEvents(
      [{ type: 'E_LOGIN_SUCCEEDED', data: { auth_device_latitude: 'north', groups: 'admins' } }],
      Date.now(),
    );
    expect(problems).toEqual([
      { path: 'events[0].data.auth_device_latitude', message: 'must be a number' },
      { path: 'events[0].data.groups', message: 'must be an array of strings' },
    ]);
  });

  it('counts 44 E_* types across the four sources', () => {
    const counts = Object.fromEntries(
      (['cis', 'verify', 'risk', 'admin'] as const).map((s) => [
        s,
        catalogFor(s).filter((t) => t.origin.seed004).length,
      ]),
    );
    expect(counts).toEqual({ cis: 19, verify: 4, risk: 1, admin: 20 });
    // Listed under Authentication Activity, but an administrator's change, or a document.
    expect(KOSMOS_EVENTS.filter((r) => r.admin).map((r) => r.type)).toEqual([
      'E_ADAPTIVE_AUTH_MODIFIED',
      'E_ACCESSCODE_GENERATED',
      'E_ADAPTIVEAUTH_CREATED',
      'E_ADAPTIVEAUTH_DELETED',
    ]);
    expect(KOSMOS_EVENTS.filter((r) => r.document).map((r) => r.type)).toEqual(['E_AFFIDAVIT_ISSUED']);
  });
});

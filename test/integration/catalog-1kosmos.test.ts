import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActivityEvent,
  CATALOG,
  lookupType,
  SOURCES,
  type Source,
} from '../../functions/shared/model/index.js';
import { sampleEvent } from '../support/catalog-samples.js';
import { eventually, startTestService, type TestService } from '../support/local.js';

/**
 * Seed 004's events through the real entry points of the local runner: one of each E_* type ingested with
 * every field the seed lists, read back by search by its type, and collected from the stream of its source;
 * a custom event that names its source reaches that source's stream; equivalents search both catalogs; the
 * JSON Schema of a type is served.
 */

type Batch = { data: ActivityEvent[]; has_more: boolean };
const WAIT = 30_000;
const KOSMOS = CATALOG.filter((t) => t.origin.seed004);

describe('seed 004 (1Kosmos) events on the local runner', () => {
  let svc: TestService;
  const streams = {} as Record<Source, string>;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    svc = await startTestService();
    for (const source of SOURCES) {
      const res = await svc.api<{ stream_id: string }>('POST', '/activities/v1/streams', {
        name: `kosmos-${source}`,
        type: source,
      });
      expect(res.status).toBe(201);
      streams[source] = res.body.stream_id;
    }
    const events = [
      ...KOSMOS.map((t, i) => sampleEvent(t, i, { id: `k-${t.type.toLowerCase()}` })),
      { type: 'custom', id: 'k-custom-admin', source: 'admin', data: { action: 'rotate-keys' } },
      { type: 'custom', id: 'k-custom-default', data: { note: 'no source: cis' } },
      { type: 'user_login', id: 'k-mosaic-login', user_id: 'u-eq' },
    ];
    const accepted = await svc.ingest(events);
    for (const [i, e] of events.entries()) ids.set(String(e.id), accepted[i] as string);
  }, 60_000);

  afterAll(() => svc?.stop());

  const search = (query: string) =>
    svc.api<{ data: ActivityEvent[] }>('GET', `/activities/v1/activities?${query}`);

  it('stores each E_* event as sent, found by searching its type', async () => {
    for (const t of KOSMOS) {
      const sent = sampleEvent(t, KOSMOS.indexOf(t));
      const found = await eventually(async () => {
        const res = await search(`type=${t.type}`);
        expect(res.status, t.type).toBe(200);
        return res.body.data.length === 1 ? res.body.data[0] : undefined;
      }, WAIT);
      expect(found.id).toBe(`k-${t.type.toLowerCase()}`);
      expect(found.source, t.type).toBe(t.source);
      expect(found.data, t.type).toEqual(sent.data);
      expect([found.tenant_id, found.user_id, found.ip]).toEqual(['acme', sent.user_id, '203.0.113.7']);
    }
    // Seed 004's old_*/new_* pairs also arrive as changes.
    const idpType = lookupType('E_IDP_CONFIGURATION_MODIFIED');
    if (!idpType) throw new Error('E_IDP_CONFIGURATION_MODIFIED missing');
    const idpData = sampleEvent(idpType, KOSMOS.indexOf(idpType)).data as Record<string, unknown>;
    const idp = (await search('type=E_IDP_CONFIGURATION_MODIFIED')).body.data[0];
    expect(idp?.changes?.key_size).toEqual({ prev: idpData.old_key_size, current: idpData.new_key_size });
    expect(Object.keys(idp?.changes ?? {})).toEqual([
      'idp_name',
      'authentication_request',
      'key_size',
      'algorithm',
      'service_url_signon_endpoint',
      'service_url_logout_endpoint',
    ]);
  }, 120_000);

  it("delivers each event to its source's stream, and a custom event to the source it names", async () => {
    for (const source of SOURCES) {
      const want = new Set(KOSMOS.filter((t) => t.source === source).map((t) => t.type));
      if (source === 'admin') want.add('custom');
      if (source === 'cis') {
        want.add('custom');
        want.add('user_login');
      }
      const got: ActivityEvent[] = [];
      await eventually(async () => {
        const res = await svc.api<Batch>(
          'POST',
          `/activities/v1/activities/collect?type=${source}&stream_id=${streams[source]}&batch_size=1000`,
        );
        expect(res.status).toBe(200);
        // The service's own audit events (the streams created above) are not part of this check.
        got.push(...res.body.data.filter((e) => !lookupType(e.type)?.origin.service));
        return new Set(got.map((e) => e.type)).size >= want.size && !res.body.has_more ? true : undefined;
      }, WAIT);
      expect(new Set(got.map((e) => e.type)), source).toEqual(want);
      expect(got.every((e) => e.source === source)).toBe(true);
    }
  }, 120_000);

  it('searches custom events by the source they named, and lets a stream of any source ask for them', async () => {
    const admin = await eventually(async () => {
      const res = await search('type=custom&source=admin');
      return res.body.data.length > 0 ? res : undefined;
    }, WAIT);
    expect(admin.body.data.map((e) => e.id)).toEqual([ids.get('k-custom-admin')]);
    const cis = await search('type=custom&source=cis');
    expect(cis.body.data.map((e) => e.id)).toEqual([ids.get('k-custom-default')]);
    const both = await search('type=custom');
    expect(both.body.data.map((e) => e.source).sort()).toEqual(['admin', 'cis']);
    const stream = await svc.api('POST', '/activities/v1/streams', {
      name: 'admin-custom',
      type: 'admin',
      event_types: ['custom'],
    });
    expect(stream.status).toBe(201);
  });

  it('finds both catalogs’ logins with equivalents=true, and only the asked type without', async () => {
    const mixed = await search('type=user_login&equivalents=true');
    expect(new Set(mixed.body.data.map((e) => e.type))).toEqual(new Set(['user_login', 'E_LOGIN_SUCCEEDED']));
    const back = await search('type=E_LOGIN_SUCCEEDED&equivalents=true');
    expect(new Set(back.body.data.map((e) => e.type))).toEqual(new Set(['user_login', 'E_LOGIN_SUCCEEDED']));
    const one = await search('type=user_login');
    expect(new Set(one.body.data.map((e) => e.type))).toEqual(new Set(['user_login']));
    const bad = await search('equivalents=true');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('"path":"equivalents"');
  });

  it('serves one type with the JSON Schema of its events; 404 for an unknown type', async () => {
    const res = await svc.api<Record<string, unknown> & { schema: Record<string, unknown> }>(
      'GET',
      '/activities/v1/event-types/E_LOGIN_SUCCEEDED',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'E_LOGIN_SUCCEEDED', source: 'cis', equivalents: ['user_login'] });
    expect(res.body.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const props = res.body.schema.properties as Record<string, { properties: Record<string, unknown> }>;
    expect(Object.keys(props.data?.properties ?? {})).toEqual(
      expect.arrayContaining(['module_id', 'machine_user_ip', 'auth_device_latitude']),
    );
    const missing = await svc.api('GET', '/activities/v1/event-types/E_NOPE');
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toContain("unknown event type 'E_NOPE'");
    expect(lookupType('E_NOPE')).toBeUndefined();
  });

  it('refuses a source on any type but custom, naming the field', async () => {
    const res = await svc.api('POST', '/activities/v1/activities', {
      events: [{ type: 'E_LOGIN_SUCCEEDED', source: 'admin' }],
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(
      'is allowed on custom events only: a E_LOGIN_SUCCEEDED event is always cis',
    );
  });
});

import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readFailedBatch } from '../../functions/shared/destinations/index.js';
import {
  type ActivityEvent,
  CATALOG,
  toActivityEvent,
  validateEvents,
} from '../../functions/shared/model/index.js';
import { OCSF_CLASSES, OCSF_MAPPINGS, toOcsf } from '../../functions/shared/ocsf/index.js';
import { sampleEvent } from '../support/catalog-samples.js';
import { ocsfClass as classSchema } from '../support/ocsf.js';

/**
 * OCSF output against JSON Schemas written by hand from the public OCSF schema (test/fixtures/ocsf): every
 * catalog type maps to a class and one of its activities, and its events, as a stream with `format: ocsf`
 * writes them, validate against that class.
 */
const at = '2026-11-30T10:00:00.000Z';

/** A stored event of a type: a full sample through ingest's validation. */
function stored(raw: Record<string, unknown>): ActivityEvent {
  const { events, problems } = validateEvents([raw], Date.now());
  expect(problems).toEqual([]);
  const e = events[0];
  if (!e) throw new Error('not accepted');
  return toActivityEvent(e.input, e.source, 'evt-1', at);
}

describe('OCSF output', () => {
  it('maps every catalog type to a class and one of its activities (or Other)', () => {
    expect(OCSF_MAPPINGS.size).toBe(CATALOG.length);
    for (const t of CATALOG) {
      const m = OCSF_MAPPINGS.get(t.type);
      expect(m, t.type).toBeDefined();
      if (!m) continue;
      const cls = OCSF_CLASSES[m.class];
      expect(
        m.activity_id === 99 || String(m.activity_id) in cls.activities,
        `${t.type} ${m.activity_id}`,
      ).toBe(true);
    }
  });

  it.each(CATALOG.map((t) => [t.type]))('%s: a full event validates against its OCSF class', (type) => {
    const t = CATALOG.find((c) => c.type === type);
    if (!t) throw new Error(type);
    const m = OCSF_MAPPINGS.get(type);
    if (!m) throw new Error(type);
    const full = stored(sampleEvent(t, 0, { app_id: 'web', actor_id: 'adm-1', actor_type: 'admin' }));
    const out = toOcsf(full);
    const validate = classSchema(m.class);
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    expect(out.class_uid).toBe(OCSF_CLASSES[m.class].uid);
    expect(out.type_uid).toBe(OCSF_CLASSES[m.class].uid * 100 + m.activity_id);
    expect(out.time).toBe(Date.parse(full.timestamp));
    // Nothing is lost: the event's data rides along, unmapped.
    expect((out.unmapped as { data?: unknown }).data).toEqual(full.data);
    // The least event of the type: no user, no IP, no app.
    const least = stored(t.fields.some((f) => f.required) ? { type, data: sampleEvent(t).data } : { type });
    const minimal = toOcsf(least);
    expect(validate(minimal), JSON.stringify(validate.errors)).toBe(true);
  });

  it('holds the fixtures to OCSF: each refuses a missing required attribute, an unknown one, a foreign activity', () => {
    const login = toOcsf(stored({ type: 'user_login', user_id: 'u-1' }));
    const auth = classSchema('authentication');
    expect(auth(login)).toBe(true);
    const { user: _user, ...noUser } = login;
    const { service: _service, ...noService } = login;
    const { metadata: _metadata, ...noMetadata } = login;
    for (const bad of [
      noUser,
      noService,
      noMetadata,
      { ...login, colour: 'red' },
      { ...login, activity_id: 42, type_uid: 300242 },
      { ...login, class_uid: 3001 },
      { ...login, time: '2026-11-30T10:00:00Z' },
      { ...login, user: {} },
      { ...login, metadata: { product: { name: 'x' } } },
    ]) {
      expect(auth(bad), JSON.stringify(bad).slice(0, 120)).toBe(false);
    }
    const api = toOcsf(stored({ type: 'session_start', data: { journey_id: 'j' } }));
    const { api: _api, ...noApi } = api;
    expect(classSchema('api_activity')(api)).toBe(true);
    expect(classSchema('api_activity')(noApi)).toBe(false);
    const finding = toOcsf(stored({ type: 'risk_recommendation' }));
    expect(classSchema('detection_finding')({ ...finding, finding_info: { title: 'no uid' } })).toBe(false);
  });

  it('puts what an event knows in OCSF’s objects: user, actor, endpoint, user agent, outcome', () => {
    const login = toOcsf({
      ...stored({
        type: 'user_failed_login',
        user_id: 'u-1',
        app_id: 'web',
        ip: '2001:db8::7',
        user_agent: 'Mozilla/5.0',
        data: { username: 'ada', reason: 'bad_password' },
      }),
      user_email: 'ada@example.com',
      app_name: 'Web shop',
    });
    expect(login).toMatchObject({
      class_uid: 3002,
      activity_id: 1,
      type_uid: 300201,
      status_id: 2,
      status: 'Failure',
      status_detail: 'bad_password',
      user: { uid: 'u-1', name: 'ada', email_addr: 'ada@example.com' },
      service: { name: 'Web shop', uid: 'web' },
      src_endpoint: { ip: '2001:db8::7' },
      http_request: { user_agent: 'Mozilla/5.0' },
      metadata: {
        version: '1.5.0',
        product: { name: 'Activity Events' },
        uid: 'evt-1',
        event_code: 'user_failed_login',
      },
    });
    const deny = toOcsf(stored({ type: 'risk_recommendation', data: { recommendation: 'DENY' } }));
    expect(deny).toMatchObject({ class_uid: 2004, severity_id: 4, finding_info: { uid: 'evt-1' } });
    const role = toOcsf(
      stored({
        type: 'E_ROLE_CHANGED',
        user_id: 'u-2',
        actor_id: 'adm',
        data: { role_changed_to: 'auditor' },
      }),
    );
    expect(role).toMatchObject({ class_uid: 3005, activity_id: 1, privileges: ['auditor'] });
  });

  it('adds under 1.5 KB to any event (what the collect budget of an ocsf stream allows for)', () => {
    for (const t of CATALOG) {
      const full = {
        ...stored(
          sampleEvent(t, 0, {
            app_id: 'a'.repeat(256),
            actor_id: 'b'.repeat(256),
            actor_type: 'admin',
            user_id: 'c'.repeat(256),
            user_agent: 'u'.repeat(1024),
            target_resource_id: 'd'.repeat(256),
            target_resource_type: 'e'.repeat(64),
          }),
        ),
        user_email: `${'f'.repeat(64)}@example.com`,
        app_name: 'g'.repeat(128),
        actor_email: `${'h'.repeat(64)}@example.com`,
        actor_roles: ['admins', 'viewers'],
      };
      const grown = JSON.stringify(toOcsf(full)).length - JSON.stringify(full).length;
      expect(grown, t.type).toBeLessThan(1536);
    }
  });

  it('never throws on what data may hold, and reads a stepped-up or challenged decision as Medium', () => {
    const odd = stored({
      type: 'risk_recommendation',
      data: { decision: { toString: 1 } },
    });
    const out = toOcsf(odd);
    expect(out.severity_id).toBe(1);
    expect(classSchema('detection_finding')(out)).toBe(true);
    const stepUp = toOcsf(stored({ type: 'E_AUTHPOLICY_CHECKED', data: { decision: 'step-up' } }));
    expect(stepUp.severity_id).toBe(3);
  });

  it('redrives a failed OCSF batch under its events’ ids and receipt time (from their metadata)', async () => {
    const a = toOcsf({ ...stored({ type: 'user_login', user_id: 'u' }), id: 'evt-a' });
    const b = toOcsf({ ...stored({ type: 'user_login', user_id: 'u' }), id: 'evt-b' });
    const body = gzipSync(Buffer.from(`${JSON.stringify(a)}\n${JSON.stringify(b)}\n`));
    const s3 = {
      send: async () => ({ Body: { transformToByteArray: async () => new Uint8Array(body) }, Metadata: {} }),
    } as unknown as S3Client;
    const batch = await readFailedBatch(s3, 'failed', 'S1/evt-a-evt-b.ndjson.gz', 'cis');
    expect([batch.firstId, batch.lastId, batch.firstAt]).toEqual(['evt-a', 'evt-b', Date.parse(at)]);
  });
});
